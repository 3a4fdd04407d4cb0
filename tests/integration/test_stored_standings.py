"""Stored standings (issue 9): a job family's knowledge standings and screening decisions are computed
once by the batch engine and stored; an import refreshes them in the worker; pages read them.

The imported family is the shipped standard's (12 generated people); the small organisation of
``tests.support.org`` (family ``mini``) is there too, untouched.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from qualify.core.decision import Stage
from qualify.core.knowledge import rank_knowledge
from qualify.services import standards
from qualify.services.assessment import evaluate_person
from qualify.services.standards import get_standard
from qualify.web.people import standing_store
from qualify.web.people.decisions import decide_stored, stored_decision
from qualify.web.people.importing import apply_batch, default_standard_id, validate_upload
from qualify.web.people.models import ExamResult, Person, PersonStanding, StandingRun
from qualify.web.people.records import organisation_for, person_record
from qualify.web.screening.worker import run_worker
from tests.support.org import edit_workbook, hr_workbook, make_user

pytestmark = pytest.mark.django_db
MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml"


@pytest.fixture
def standard() -> Any:
    return get_standard(default_standard_id())


@pytest.fixture
def hr(org: Any, standard: Any) -> Any:
    return make_user("hr-st", ["hr"], hr_families=[standard.family])


@pytest.fixture
def hr_client(hr: Any) -> Client:
    client = Client()
    client.force_login(hr)
    return client


@pytest.fixture
def imported(tmp_path: Path, hr: Any, standard: Any) -> Path:
    """12 generated people of the shipped standard's family, imported (the worker has not run)."""
    workbook = hr_workbook(tmp_path / "hr.xlsx", standard, people=12)
    apply_batch(hr, validate_upload(hr, "hr.xlsx", workbook.read_bytes(), standard.id).pk)
    return workbook


def reference_standings(standard: Any) -> dict[str, Any]:
    """The knowledge standings of the whole family by the reference evaluator (core)."""
    org = organisation_for(Person.objects.filter(job_family=standard.family))
    exams = [x for e in org.employees for x in org.person(e.employee_id).exams]  # type: ignore[union-attr]
    return rank_knowledge(standard, org.employees, exams)


def test_an_import_queues_one_refresh_and_the_worker_stores_the_familys_standings(
        imported: Path, standard: Any) -> None:
    runs = StandingRun.objects.filter(standard_id=standard.id)
    assert [(r.status, r.job_family) for r in runs] == [("queued", standard.family)]
    assert run_worker(once=True) == 1
    run = StandingRun.objects.get(standard_id=standard.id)
    assert (run.status, run.progress, run.people_count) == ("done", 100, 12)
    expected = reference_standings(standard)
    stored = {s.person.employee_id: (s.score, s.rank, tuple(s.missing))
              for s in PersonStanding.objects.filter(run=run).select_related("person")}
    assert stored == {i: (k.score, k.rank, k.missing) for i, k in expected.items()}
    assert run.cohort == next(iter(expected.values())).cohort
    assert run.sitting == next(iter(expected.values())).sitting


def test_a_second_import_refreshes_again_and_the_older_rows_go(imported: Path, hr: Any,
                                                               standard: Any) -> None:
    run_worker(once=True)
    first = StandingRun.objects.get(standard_id=standard.id)
    apply_batch(hr, validate_upload(hr, "hr.xlsx", imported.read_bytes(), standard.id).pk)
    first.refresh_from_db()
    assert not first.stale and not StandingRun.objects.filter(status="queued").exists()  # nothing changed
    edit_workbook(imported, {("exams", 2, "score"): 99})
    apply_batch(hr, validate_upload(hr, "hr.xlsx", imported.read_bytes(), standard.id).pk)
    first.refresh_from_db()
    assert first.stale  # the data changed after it
    run_worker(once=True)
    runs = StandingRun.objects.filter(standard_id=standard.id)
    assert list(runs.values_list("status", flat=True)) == ["done"]
    assert not PersonStanding.objects.filter(run=first).exists()


def test_a_stored_decision_is_the_engines_decision_for_everyone(imported: Path, standard: Any) -> None:
    run_worker(once=True)
    run = StandingRun.objects.get(standard_id=standard.id)
    assert run.as_of is not None
    expected = reference_standings(standard)
    for person in Person.objects.filter(job_family=standard.family):
        record = person_record(person)
        stored = standing_store.rows_of(run, [person.pk])[person.pk]
        assert stored.highest_eligible_level == evaluate_person(
            standard, record, run.as_of, Stage.screening, expected[person.employee_id]).highest_eligible_level
        decision, standing = decide_stored(person, record, standard, as_of=run.as_of, stage=Stage.screening)
        assert not standing.live
        assert stored_decision(standard, standing, as_of=run.as_of, stage=Stage.screening) == decision
        assert decision == evaluate_person(standard, record, run.as_of, Stage.screening,
                                           expected[person.employee_id])


def test_the_page_says_which_date_the_standing_is_from(imported: Path, hr_client: Client,
                                                       standard: Any) -> None:
    run_worker(once=True)
    run = StandingRun.objects.get(standard_id=standard.id)
    person = Person.objects.filter(job_family=standard.family).first()
    assert person is not None and run.as_of is not None
    page = hr_client.get(f"/people/{person.employee_id}/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert 'data-source="stored"' in text
    assert f"stored standings of {run.as_of:%Y-%m-%d}" in text
    other = hr_client.get(f"/people/{person.employee_id}/", {"as_of": "2026-01-15"},
                          HTTP_ACCEPT_LANGUAGE="en")
    assert other.context["decision"].as_of.isoformat() == "2026-01-15"
    assert "The decision as of 2026-01-15 is computed for this person alone" in other.content.decode()
    gaps = hr_client.get(f"/api/people/{person.employee_id}/gaps").json()
    assert gaps["standing"]["source"] == "stored" and gaps["standing"]["as_of"] == run.as_of.isoformat()


def test_a_person_whose_exams_change_is_ranked_alone_against_the_stored_cohort(
        imported: Path, hr_client: Client, standard: Any, settings: Any) -> None:
    settings.QUALIFY_STANDINGS_INLINE_MAX = 0  # a large family: nothing is refreshed inside a request
    run_worker(once=True)
    run = StandingRun.objects.get(standard_id=standard.id)
    ranked = PersonStanding.objects.filter(run=run, rank__isnull=False).order_by("-rank") \
        .select_related("person").first()
    assert ranked is not None and ranked.rank is not None and ranked.rank > 1  # not the best yet
    person = ranked.person
    for result in ExamResult.objects.filter(person=person, sitting=run.sitting):
        result.score = 1000  # far above everyone
        result.save()
    page = hr_client.get(f"/people/{person.employee_id}/", HTTP_ACCEPT_LANGUAGE="en")
    standing = page.context["stored"]
    assert standing.live
    assert (standing.knowledge.rank, standing.knowledge.cohort) == (1, run.cohort)
    assert 'data-source="computed"' in page.content.decode()
    # the others keep their stored rows; a refresh is waiting for the worker
    assert StandingRun.objects.filter(standard_id=standard.id, status="queued").count() == 1
    run_worker(once=True)
    fresh = StandingRun.objects.get(standard_id=standard.id, status="done")
    assert PersonStanding.objects.get(run=fresh, person=person).rank == 1
    assert not hr_client.get(f"/people/{person.employee_id}/").context["stored"].live


def test_the_people_list_shows_a_refresh_in_progress(imported: Path, hr_client: Client,
                                                     settings: Any) -> None:
    settings.QUALIFY_STANDINGS_INLINE_MAX = 0
    StandingRun.objects.filter(status="queued").update(status="running", progress=40)
    text = hr_client.get("/people/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "are being refreshed: 40% done" in text


def test_a_small_family_never_refreshed_is_computed_on_first_view(client_for: Any,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = standards.shipped_files()
    monkeypatch.setattr(standards, "shipped_files", lambda: [*shipped, MINI])
    assert not StandingRun.objects.exists()
    page = client_for("employee").get("/me/", {"as_of": "2026-11-26"})
    assert page.status_code == 200
    run = StandingRun.objects.get(job_family="mini")
    assert run.status == "done" and run.people_count == 4
    assert page.context["standing"].rank == 1 and page.context["standing"].cohort == 1


def test_standings_of_an_earlier_day_are_refreshed(client_for: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = standards.shipped_files()
    monkeypatch.setattr(standards, "shipped_files", lambda: [*shipped, MINI])
    employee = client_for("employee")
    employee.get("/me/")
    first = StandingRun.objects.get(job_family="mini")
    StandingRun.objects.filter(pk=first.pk).update(as_of=first.as_of - dt.timedelta(days=1))
    page = employee.get("/me/")
    run = StandingRun.objects.get(job_family="mini")  # the earlier one is gone
    assert run.pk != first.pk and run.as_of == first.as_of == page.context["as_of"]
    assert page.context["stored"].as_of == first.as_of


def test_the_people_lists_read_the_highest_level_from_the_stored_standings(
        imported: Path, hr_client: Client, standard: Any) -> None:
    run_worker(once=True)
    run = StandingRun.objects.get(standard_id=standard.id)
    stored = {s.person.employee_id: s.highest_eligible_level
              for s in PersonStanding.objects.filter(run=run).select_related("person")}
    body = hr_client.get("/api/people/", {"family": standard.family, "page_size": 50}).json()
    assert {p["employee_id"]: (p["highest_eligible_level"], p["highest_from"]) for p in body["items"]} == {
        i: (level, f"standings:{run.pk}") for i, level in stored.items()}
    page = hr_client.get("/people/", {"family": standard.family}, HTTP_ACCEPT_LANGUAGE="en")
    assert {row["source"]["standings"] for row in page.context["rows"]} == {run.pk}
    assert "stored standings" in page.content.decode()
