"""People in the database: the organisation tree, and records as the core sees them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from qualify.formats.hrdata_columns import EVIDENCE
from qualify.web.accounts import access
from qualify.web.certification.models import EvidenceItem
from qualify.web.people.models import ActivityFields, Evidence, OrgUnit, Person
from qualify.web.people.records import organisation_for, person_record, record_data
from tests.support.org import make_person, make_unit

pytestmark = pytest.mark.django_db


def test_a_unit_path_lists_its_ancestors(org: Any) -> None:
    bj = org.units["bj"]
    assert bj.path == f"/{org.units['hq'].pk}/{org.units['north'].pk}/{bj.pk}/"
    assert set(org.units["north"].subtree()) == {org.units["north"], bj}


def test_moving_a_unit_moves_its_subtree_and_the_managers_scope(org: Any, users: dict[str, Any]) -> None:
    north, south, bj = org.units["north"], org.units["south"], org.units["bj"]
    bj.parent = south
    bj.save()
    bj.refresh_from_db()
    assert bj.path.startswith(south.path)
    assert "E001" not in access.people_visible_to(users["manager"]).values_list("employee_id", flat=True)
    sub = make_unit("bj-east", bj)
    north.parent = None
    north.save()
    sub.refresh_from_db()
    assert sub.path == f"{south.path}{bj.pk}/{sub.pk}/"


def test_a_unit_cannot_be_placed_below_itself(org: Any) -> None:
    from django.core.exceptions import ValidationError

    north = org.units["north"]
    north.parent = org.units["bj"]
    with pytest.raises(ValidationError):
        north.full_clean()


def test_a_units_name_follows_the_language_and_falls_back(org: Any) -> None:
    unit = OrgUnit.objects.create(code="x", name_zh="西区")
    assert unit.name("en") == "西区"
    assert org.units["north"].name("en") == "North" and org.units["north"].name("zh-hans") == "北区"


def test_a_person_record_holds_everything_the_database_knows(org: Any) -> None:
    record = person_record(org.people["E001"])
    assert record.employee.org_unit == "bj"
    assert [p.period for p in record.performance] == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    assert {x.exam for x in record.exams} == {"general", "professional"}
    assert record.evidence[0].deliverables == ("slides",)
    assert record.evidence[0].project_kind is None  # blank in the database is "not given"
    assert record.ratings[0].element == "talk-prep"


def test_an_organisation_of_people_matches_their_records_one_by_one(org: Any) -> None:
    organisation = organisation_for(Person.objects.all())
    assert [e.employee_id for e in organisation.employees] == ["E001", "E002", "E003", "E004", "M001"]
    for person in Person.objects.all():
        assert organisation.person(person.employee_id) == person_record(person)


def test_a_record_as_json_keeps_dates_as_text(org: Any) -> None:
    data = record_data(person_record(org.people["E001"]))
    assert data["employee"]["hire_date"] == "2018-03-01"
    assert data["evidence"][0]["date"] == "2026-05-10"
    assert "employee_id" not in data["performance"][0]


def test_employee_ids_keep_their_leading_zeros(db: None) -> None:
    make_person("000123", None, hired=dt.date(2020, 1, 1))
    assert Person.objects.get(employee_id="000123").employee_id == "000123"


def test_imported_and_entered_evidence_keep_every_column_of_the_contracts_evidence_sheet() -> None:
    activity_columns = [c.name for c in EVIDENCE.columns if c.name not in ("employee_id", "evidence_id")]
    assert [f.name for f in ActivityFields._meta.fields] == activity_columns
    for model in (Evidence, EvidenceItem):  # one definition serves both tables
        assert issubclass(model, ActivityFields)
        assert set(activity_columns) <= {f.name for f in model._meta.fields}
