"""The people list and a person's page, on the database, with each role's scope.

The small organisation (``tests.support.org``): employee = E001 (bj), manager = M001 managing
``north`` (bj is below it; E004 of family "other" is in north), assessor = E003 (south), HR of the
family ``mini`` (not E004), admin = everyone. The family ``mini`` is judged by the test standard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from qualify.services import standards
from qualify.web.people.models import ImportBatch, PerformanceRating, RecordSnapshot
from qualify.web.screening.models import ScreeningResult, ScreeningRun

ClientFor = Callable[[str], Client]
MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml"
AS_OF = "2026-11-26"


@pytest.fixture(autouse=True)
def mini_is_shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test standard ``mini@1.0`` is found like a shipped one (it judges the family ``mini``)."""
    shipped = standards.shipped_files()
    monkeypatch.setattr(standards, "shipped_files", lambda: [*shipped, MINI])


def ids_on(response: Any) -> set[str]:
    return {row["person"].employee_id for row in response.context["rows"]}


def test_hr_lists_every_person_of_their_job_families_and_no_one_else(client_for: ClientFor) -> None:
    response = client_for("hr").get("/people/")
    assert response.status_code == 200
    assert ids_on(response) == {"E001", "E002", "E003", "M001"}


def test_a_manager_lists_their_unit_and_the_units_below_it(client_for: ClientFor) -> None:
    response = client_for("manager").get("/people/")
    assert ids_on(response) == {"E001", "E002", "E004", "M001"}


def test_an_employee_has_no_people_list(client_for: ClientFor) -> None:
    assert client_for("employee").get("/people/").status_code == 404


def test_the_list_searches_by_id_and_by_name(client_for: ClientFor) -> None:
    hr = client_for("hr")
    assert ids_on(hr.get("/people/", {"q": "e00"})) == {"E001", "E002", "E003"}
    assert ids_on(hr.get("/people/", {"q": "王芳"})) == {"E002"}


def test_the_unit_filter_takes_the_units_below_unless_asked_not_to(client_for: ClientFor) -> None:
    admin = client_for("admin")
    assert ids_on(admin.get("/people/", {"unit": "north"})) == {"E001", "E002", "E004", "M001"}
    assert ids_on(admin.get("/people/", {"unit": "north", "unit_only": "on"})) == {"E004", "M001"}


def test_the_list_filters_by_job_family_and_current_level(client_for: ClientFor) -> None:
    admin = client_for("admin")
    assert ids_on(admin.get("/people/", {"family": "other"})) == {"E004"}
    assert ids_on(admin.get("/people/", {"level": "2"})) == {"E002", "E003"}


def test_a_manager_cannot_filter_their_way_to_a_unit_outside_their_scope(client_for: ClientFor) -> None:
    response = client_for("manager").get("/people/", {"unit": "south"})
    assert "E003" not in ids_on(response)
    assert response.context["form"].errors  # south is not one of their units


def test_the_list_shows_the_highest_eligible_level_computed_for_the_page(client_for: ClientFor) -> None:
    response = client_for("hr").get("/people/", {"as_of": AS_OF})
    rows = {row["person"].employee_id: row for row in response.context["rows"]}
    # E001 (level 1): hired 2018, B/B+/A/B, first of the one person who sat both exams: the top band
    # allows two levels above the current one
    assert rows["E001"]["highest"] == 3
    assert rows["E001"]["source"] == {"live": True}
    assert rows["E002"]["highest"] == 0  # no performance ratings: the gates are missing


def test_a_person_of_a_family_without_a_standard_has_no_eligible_level(client_for: ClientFor) -> None:
    response = client_for("admin").get("/people/", {"family": "other"})
    assert response.context["rows"][0]["highest"] is None


def _stored_run(highest: dict[str, int], as_of: dt.date, org: Any) -> ScreeningRun:
    run = ScreeningRun.objects.create(standard_id="mini@1.0", as_of=as_of, status="done", progress=100,
                                      finished_at=timezone.now())
    for employee_id, level in highest.items():
        person = org.people[employee_id]
        ScreeningResult.objects.create(run=run, person=person, employee_id=employee_id, name=person.name,
                                       current_level=person.current_level, highest_eligible_level=level,
                                       levels={"1": "eligible"})
    return run


def test_the_list_uses_a_screening_run_of_the_same_date_and_filters_by_its_levels(
        org: Any, client_for: ClientFor) -> None:
    run = _stored_run({"E001": 4, "E002": 1}, dt.date(2026, 11, 26), org)
    hr = client_for("hr")
    response = hr.get("/people/", {"as_of": AS_OF})
    rows = {row["person"].employee_id: row for row in response.context["rows"]}
    assert rows["E001"]["highest"] == 4 and rows["E001"]["source"] == {"run": run.pk}
    filtered = hr.get("/people/", {"as_of": AS_OF, "eligible": "4"})
    assert ids_on(filtered) == {"E001"}
    assert filtered.context["notes"]["unscreened"] == 2  # E003 and M001 have no result as of that date


def test_without_a_date_the_list_shows_the_levels_of_the_latest_screening(
        org: Any, client_for: ClientFor) -> None:
    run = _stored_run({"E001": 4}, dt.date(2026, 11, 20), org)
    response = client_for("hr").get("/people/")
    assert response.context["as_of"] == dt.date(2026, 11, 20) and response.context["notes"]["from_screening"]
    rows = {row["person"].employee_id: row for row in response.context["rows"]}
    assert rows["E001"]["source"] == {"run": run.pk}


def test_of_two_runs_of_the_same_date_the_newer_result_stands(org: Any, client_for: ClientFor) -> None:
    _stored_run({"E001": 4, "E002": 1}, dt.date(2026, 11, 26), org)
    _stored_run({"E001": 2}, dt.date(2026, 11, 26), org)  # a newer run of E001's unit only
    ScreeningResult.objects.create(run=ScreeningRun.objects.first(), person=None, employee_id="GONE",
                                   current_level=1, highest_eligible_level=2, levels={})  # a deleted person
    hr = client_for("hr")
    assert ids_on(hr.get("/people/", {"as_of": AS_OF, "eligible": "4"})) == set()
    assert ids_on(hr.get("/people/", {"as_of": AS_OF, "eligible": "2"})) == {"E001"}
    response = hr.get("/people/", {"as_of": AS_OF, "eligible": "1"})
    assert ids_on(response) == {"E002"} and response.context["notes"]["unscreened"] == 2


def test_only_those_who_may_screen_get_a_link_to_the_screening_run(org: Any, client_for: ClientFor) -> None:
    run = _stored_run({"E001": 4}, dt.date(2026, 11, 26), org)
    link = f'href="/screening/{run.pk}/"'
    assert link in client_for("hr").get("/people/", {"as_of": AS_OF}).content.decode()
    assert link not in client_for("manager").get("/people/", {"as_of": AS_OF}).content.decode()


def test_a_screening_run_older_than_the_last_import_is_not_used(org: Any, client_for: ClientFor) -> None:
    _stored_run({"E001": 4}, dt.date(2026, 11, 26), org)
    ImportBatch.objects.create(file_name="later.xlsx", standard_id="mini@1.0", status="applied",
                               applied_at=timezone.now() + dt.timedelta(seconds=1))
    response = client_for("hr").get("/people/", {"as_of": AS_OF})
    rows = {row["person"].employee_id: row for row in response.context["rows"]}
    assert rows["E001"]["highest"] == 3 and rows["E001"]["source"] == {"live": True}


def test_the_list_is_paginated(org: Any, client_for: ClientFor) -> None:
    from tests.support.org import make_person

    for n in range(30):
        make_person(f"X{n:03d}", org.units["bj"])
    hr = client_for("hr")
    first = hr.get("/people/")
    assert len(first.context["rows"]) == 25 and first.context["page"].paginator.count == 34
    assert len(hr.get("/people/", {"page": 2}).context["rows"]) == 9


# --- a person's page ------------------------------------------------------------------------------------


def test_a_persons_page_shows_every_level_with_each_checks_reason(client_for: ClientFor) -> None:
    response = client_for("hr").get("/people/E001/", {"as_of": AS_OF})
    assert response.status_code == 200
    levels = response.context["levels"]
    assert [lv["level"] for lv in levels] == [1, 2, 3, 4, 5]
    level_4 = levels[3]
    assert level_4["outcome"] == "not_eligible"  # three levels above level 1: no exam rank allows it
    knowledge = next(c for c in level_4["checks"] if c["rule"] == "knowledge")
    assert knowledge["outcome"] == "fail" and knowledge["message"] and knowledge["required"]
    page = response.content.decode()
    assert "E001" in page and "张伟" in page


def test_a_persons_page_shows_the_exam_rank_within_the_job_family(client_for: ClientFor) -> None:
    response = client_for("hr").get("/people/E001/", {"as_of": AS_OF})
    latest = response.context["record"]["sittings"][0]
    assert latest["sitting"] == "2026" and latest["scores"] == [82, 75]
    assert latest["standing"].score == 157 and latest["standing"].rank == 1 and latest["standing"].cohort == 1


def test_the_certification_stage_adds_behaviour_and_evidence_checks(client_for: ClientFor) -> None:
    response = client_for("hr").get("/people/E001/", {"as_of": AS_OF, "stage": "certification"})
    level_2 = response.context["levels"][1]
    rules = [c["rule"] for c in level_2["checks"]]
    assert "behaviour:talk-prep" in rules and "measure:talks" in rules
    prep = next(c for c in level_2["checks"] if c["rule"] == "behaviour:talk-prep")
    assert prep["outcome"] == "pass"  # rated "meets" at level 2


def test_the_gap_list_names_what_to_do_for_the_next_level(client_for: ClientFor) -> None:
    response = client_for("hr").get("/people/E002/", {"as_of": AS_OF})
    gaps = response.context["gaps"]
    assert {g["level"] for g in gaps} == {3}
    assert {g["rule"] for g in gaps} >= {"performance", "knowledge"}
    assert all(g["todo"] for g in gaps)


def test_the_page_speaks_english_when_asked(client_for: ClientFor) -> None:
    client = client_for("hr")
    client.cookies["django_language"] = "en"
    page = client.get("/people/E001/", {"as_of": AS_OF}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Decision for every level" in page and "Earlier states of the record" in page


def test_a_persons_page_lists_the_earlier_states_of_their_record(org: Any, client_for: ClientFor) -> None:
    person = org.people["E001"]
    batch = ImportBatch.objects.create(file_name="hr-2026.xlsx", standard_id="mini@1.0", status="applied")
    before = {"employee": {"employee_id": "E001", "current_level": 0}, "performance": [], "exams": [],
              "evidence": [], "ratings": []}
    RecordSnapshot.objects.create(person=person, batch=batch, data=before)
    response = client_for("hr").get("/people/E001/")
    (item,) = response.context["snapshots"]
    changes = {c["what"]: c for c in item["changes"]}
    assert changes["current_level"]["before"] == 0 and changes["current_level"]["after"] == 1
    assert "hr-2026.xlsx" in response.content.decode()


@pytest.mark.parametrize(("role", "employee_id", "status"), [
    ("employee", "E001", 200), ("employee", "E002", 404),
    ("manager", "E002", 200), ("manager", "E004", 200), ("manager", "E003", 404),
    ("hr", "E003", 200), ("hr", "E004", 404),
    ("assessor", "E003", 200), ("assessor", "E001", 404),
    ("admin", "E004", 200), ("hr", "NOBODY", 404),
])
def test_a_persons_page_is_404_outside_the_viewers_scope(client_for: ClientFor, role: str,
                                                          employee_id: str, status: int) -> None:
    assert client_for(role).get(f"/people/{employee_id}/").status_code == status


def test_a_person_whose_family_has_no_standard_still_shows_their_record(client_for: ClientFor) -> None:
    response = client_for("admin").get("/people/E004/")
    assert response.status_code == 200
    assert response.context["decision"] is None and response.context["levels"] == []


def test_performance_is_listed_newest_quarter_first(org: Any, client_for: ClientFor) -> None:
    PerformanceRating.objects.create(person=org.people["E001"], period="2024Q1", rating="C")
    response = client_for("hr").get("/people/E001/")
    periods = [period for period, _ in response.context["record"]["performance"]]
    assert periods == sorted(periods, reverse=True) and periods[-1] == "2024Q1"


# --- the API twin: /api/people/ ------------------------------------------------------------------------


def test_the_people_api_lists_the_callers_scope_with_levels(client_for: ClientFor) -> None:
    body = client_for("manager").get("/api/people/", {"as_of": AS_OF}).json()
    assert body["count"] == 4 and body["page"] == 1
    by_id = {p["employee_id"]: p for p in body["items"]}
    assert set(by_id) == {"E001", "E002", "E004", "M001"}
    assert by_id["E001"]["highest_eligible_level"] == 3 and by_id["E001"]["highest_from"] == "computed"
    assert by_id["E004"]["highest_eligible_level"] is None


def test_the_people_api_filters_and_pages_like_the_list(client_for: ClientFor) -> None:
    admin = client_for("admin")
    body = admin.get("/api/people/", {"unit": "north", "unit_only": "true", "page_size": 1, "page": 2}).json()
    assert body["count"] == 2 and [p["employee_id"] for p in body["items"]] == ["M001"]


def test_the_people_api_reports_a_bad_filter_in_the_error_shape(client_for: ClientFor) -> None:
    response = client_for("manager").get("/api/people/", {"unit": "south"})
    assert response.status_code == 422
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_a_person_via_the_api_has_their_record_and_earlier_states(client_for: ClientFor) -> None:
    body = client_for("hr").get("/api/people/E001").json()
    assert body["standard"] == "mini@1.0" and body["current_level"] == 1
    assert [e["exam"] for e in body["record"]["exams"]] == ["general", "professional"]
    assert body["snapshots"] == []


def test_the_decision_api_follows_the_decision_contract(client_for: ClientFor) -> None:
    query = {"as_of": AS_OF, "stage": "certification"}
    body = client_for("hr").get("/api/people/E001/decision", query).json()
    assert body["employee_id"] == "E001" and body["standard"] == "mini@1.0" and body["as_of"] == AS_OF
    assert body["stage"] == "certification" and body["highest_eligible_level"] == 0
    assert [lv["level"] for lv in body["levels"]] == [1, 2, 3, 4, 5]
    assert {lv["outcome"] for lv in body["levels"]} <= {"eligible", "not_eligible", "incomplete"}
    assert all(g["level"] == 2 for g in body["gaps"])


def test_the_gaps_api_lists_what_to_do_for_the_next_level(client_for: ClientFor) -> None:
    body = client_for("hr").get("/api/people/E002/gaps", {"as_of": AS_OF}).json()
    assert body["next_level"] == 3 and {g["rule"] for g in body["gaps"]} >= {"performance"}


@pytest.mark.parametrize("path", ["/api/people/{id}", "/api/people/{id}/decision", "/api/people/{id}/gaps"])
@pytest.mark.parametrize(("role", "employee_id"), [("employee", "E002"), ("manager", "E003"), ("hr", "E004")])
def test_the_people_api_is_404_outside_the_callers_scope(client_for: ClientFor, path: str, role: str,
                                                         employee_id: str) -> None:
    response = client_for(role).get(path.format(id=employee_id))
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not-found", "message": response.json()["error"]["message"],
                                         "fields": {}}}


def test_an_employee_has_no_people_list_in_the_api_either(client_for: ClientFor) -> None:
    assert client_for("employee").get("/api/people/").status_code == 404
    assert client_for("anonymous").get("/api/people/").status_code == 401


# --- figures from facts ---------------------------------------------------------------------------------


def test_a_persons_page_writes_its_figures_from_the_checks_facts_not_from_the_english_strings(
        client_for: ClientFor, monkeypatch: pytest.MonkeyPatch) -> None:
    from qualify.core import messages

    # the engine's strings say something else: the page must not read them back
    monkeypatch.setattr(messages, "experience_actual", lambda months: "garbled")
    monkeypatch.setattr(messages, "knowledge_actual", lambda *values: "garbled")
    client = client_for("hr")
    client.cookies["django_language"] = "en"
    response = client.get("/people/E001/", {"as_of": AS_OF}, HTTP_ACCEPT_LANGUAGE="en")
    level_1 = response.context["levels"][0]
    company = next(c for c in level_1["checks"] if c["rule"] == "company_experience")
    assert (company["actual"], company["required"]) == ("8 y 8 m", "1 y")  # hired 2018-03-01: 104 months
    knowledge = next(c for c in level_1["checks"] if c["rule"] == "knowledge")
    assert knowledge["actual"] == "rank 1 of 1, score 157.0 (sitting 2026)"
    assert "garbled" not in response.content.decode()


def test_no_module_reads_figures_back_from_english_strings_with_regular_expressions() -> None:
    import importlib.util

    assert importlib.util.find_spec("qualify.web.people.figures") is None
    web = Path(__file__).resolve().parents[2] / "qualify" / "web"
    for folder in ("people", "certification"):
        for source in (web / folder).glob("*.py"):
            text = source.read_text(encoding="utf-8")
            assert "import re\n" not in text and "from re import" not in text, source


def cut_off_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test standard, but its known source ends inside the level-3 criterion of talk-prep."""
    text = MINI.read_text(encoding="utf-8")
    old = "  ends_at_module: talks\n  ends_at_level: 5\n"
    assert old in text
    copy = tmp_path / MINI.name
    copy.write_text(text.replace(old, "  ends_at_module: talks\n  ends_at_element: talk-prep\n"
                                      "  ends_at_level: 3\n"), encoding="utf-8")
    shipped = [p for p in standards.shipped_files() if p != MINI]
    monkeypatch.setattr(standards, "shipped_files", lambda: [*shipped, copy])


def test_a_level_whose_criterion_the_source_cuts_off_is_marked_on_the_persons_page_and_on_me(
        client_for: ClientFor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cut_off_copy(tmp_path, monkeypatch)
    hr = client_for("hr")
    hr.cookies["django_language"] = "en"
    response = hr.get("/people/E001/", {"as_of": AS_OF, "stage": "certification"}, HTTP_ACCEPT_LANGUAGE="en")
    levels = {lv["level"]: lv for lv in response.context["levels"]}
    assert levels[2]["warnings"] == []
    assert levels[3]["warnings"][0] == "the criterion of Preparation is cut off where the known source ends"
    unknown = next(c for c in levels[3]["checks"] if c["rule"] == "standard.unknown")
    assert unknown["outcome"] == "missing" and levels[3]["outcome"] in {"incomplete", "not_eligible"}
    assert "The standard of this level is not fully known" in response.content.decode()
    me = client_for("employee")
    me.cookies["django_language"] = "en"
    response = me.get("/me/", {"as_of": AS_OF, "level": 3}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "cut off where the known source ends" in page
    assert [c["rule"] for c in response.context["groups"]["standard"]["missing"]] == ["standard.unknown"]
    assert "Every check of this level passes." not in page
    assert "cut off where the known source ends" not in me.get(
        "/me/", {"as_of": AS_OF, "level": 2}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
