"""Screening runs on the database: HR queues a run, the worker executes it, HR reads the results."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from qualify.services import standards
from qualify.web.screening.models import ScreeningResult, ScreeningRun
from qualify.web.screening.worker import STALE_AFTER, claim_next, run_worker
from tests.support.org import make_user

ClientFor = Callable[[str], Client]
MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml"
AS_OF = "2026-11-26"


@pytest.fixture(autouse=True)
def mini_is_shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = standards.shipped_files()
    monkeypatch.setattr(standards, "shipped_files", lambda: [*shipped, MINI])


def queue(client: Client, **fields: str) -> Any:
    data = {"standard": "mini@1.0", "org_unit": "", "include_subtree": "on", "as_of": AS_OF,
            "stage": "screening"}
    data.update(fields)
    return client.post("/screening/", data)


def test_hr_queues_a_run_and_the_page_waits_for_the_worker(client_for: ClientFor) -> None:
    hr = client_for("hr")
    response = queue(hr, org_unit="north")
    run = ScreeningRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/screening/{run.pk}/"
    assert run.status == "queued" and run.org_unit.code == "north"
    page = hr.get(f"/screening/{run.pk}/")
    assert page.status_code == 200 and 'id="run-progress"' in page.content.decode()


def test_the_worker_screens_the_unit_and_its_subtree_and_stores_a_result_per_person(
        client_for: ClientFor) -> None:
    hr = client_for("hr")
    queue(hr, org_unit="north")
    assert run_worker(once=True) == 1
    run = ScreeningRun.objects.get()
    assert run.status == "done" and run.progress == 100 and run.error == ""
    # north and bj, family mini only: M001, E001, E002 (E004 is of another family)
    assert sorted(ScreeningResult.objects.values_list("employee_id", flat=True)) == ["E001", "E002", "M001"]
    assert run.people_count == 3 and run.counts["assessed"] == 3
    e1 = ScreeningResult.objects.get(employee_id="E001")
    assert e1.highest_eligible_level == 3 and e1.levels["4"] == "not_eligible"
    assert sum(run.counts["by_highest"].values()) == 3


def test_a_run_of_the_unit_only_leaves_out_the_units_below(client_for: ClientFor) -> None:
    queue(client_for("hr"), org_unit="north", include_subtree="")
    run_worker(once=True)
    assert list(ScreeningResult.objects.values_list("employee_id", flat=True)) == ["M001"]


def test_the_results_page_shows_counts_per_level_and_the_results_table(client_for: ClientFor) -> None:
    hr = client_for("hr")
    queue(hr)
    run_worker(once=True)
    run = ScreeningRun.objects.get()
    response = hr.get(f"/screening/{run.pk}/")
    assert response.status_code == 200
    assert {row["result"].employee_id for row in response.context["rows"]} == {"E001", "E002", "E003", "M001"}
    by_level = {row["level"]: row["counts"] for row in response.context["by_level"]}
    assert sum(by_level[1].values()) == 4
    only_three = hr.get(f"/screening/{run.pk}/", {"highest": "3"})
    assert {row["result"].employee_id for row in only_three.context["rows"]} == {"E001"}


def test_the_workbook_lists_every_screened_person(client_for: ClientFor) -> None:
    hr = client_for("hr")
    queue(hr)
    run_worker(once=True)
    run = ScreeningRun.objects.get()
    response = hr.get(f"/screening/{run.pk}/result.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    people = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert sorted(row[0] for row in people[1:]) == ["E001", "E002", "E003", "M001"]


def test_after_a_run_the_people_list_shows_its_levels_and_filters_by_them(client_for: ClientFor) -> None:
    hr = client_for("hr")
    queue(hr)
    run_worker(once=True)
    run = ScreeningRun.objects.get()
    response = hr.get("/people/", {"as_of": AS_OF, "eligible": "3"})
    assert [row["person"].employee_id for row in response.context["rows"]] == ["E001"]
    assert response.context["rows"][0]["source"] == {"run": run.pk}
    assert response.context["notes"]["unscreened"] == 0


def test_a_run_with_a_standard_the_user_does_not_administer_is_refused(client_for: ClientFor,
                                                                      users: dict[str, Any]) -> None:
    make_user("hr-other", ["hr"], hr_families=["other"])
    client = Client()
    client.force_login(type(users["hr"]).objects.get(username="hr-other"))
    response = queue(client)
    assert response.status_code == 200 and response.context["form"].errors
    assert not ScreeningRun.objects.exists()


def test_screening_pages_are_404_for_everyone_but_hr_and_admins(client_for: ClientFor) -> None:
    queue(client_for("hr"))
    run = ScreeningRun.objects.get()
    for role in ("employee", "manager", "assessor"):
        client = client_for(role)
        assert client.get("/screening/").status_code == 404
        assert client.get(f"/screening/{run.pk}/").status_code == 404
        assert client.post("/screening/", {}).status_code == 404
    assert client_for("admin").get(f"/screening/{run.pk}/").status_code == 200


def test_hr_of_another_family_cannot_see_a_run(client_for: ClientFor, users: dict[str, Any]) -> None:
    queue(client_for("hr"))
    run = ScreeningRun.objects.get()
    other = make_user("hr-other", ["hr"], hr_families=["other"])
    client = Client()
    client.force_login(other)
    assert client.get(f"/screening/{run.pk}/").status_code == 404
    assert client.get(f"/api/screening/{run.pk}").status_code == 404


def test_a_failing_run_is_recorded_as_failed_with_its_reason(users: dict[str, Any]) -> None:
    ScreeningRun.objects.create(created_by=users["hr"], standard_id="nope@1.0", as_of=dt.date(2026, 11, 26))
    run_worker(once=True)
    run = ScreeningRun.objects.get()
    assert run.status == "failed" and "standard-not-found" in run.error


# --- claiming runs safely --------------------------------------------------------------------------------


def test_a_queued_run_is_claimed_once(users: dict[str, Any]) -> None:
    ScreeningRun.objects.create(created_by=users["hr"], standard_id="mini@1.0", as_of=dt.date(2026, 11, 26))
    first = claim_next()
    assert first is not None and first.status == "running"
    assert claim_next() is None


def test_a_run_whose_worker_died_is_marked_failed_and_its_partial_results_are_not_served(
        users: dict[str, Any], client_for: ClientFor) -> None:
    long_ago = timezone.now() - STALE_AFTER - dt.timedelta(minutes=1)
    run = ScreeningRun.objects.create(created_by=users["hr"], standard_id="mini@1.0",
                                      as_of=dt.date(2026, 11, 26), status="running", heartbeat=long_ago,
                                      progress=40)
    ScreeningResult.objects.create(run=run, employee_id="E001", current_level=1, highest_eligible_level=3)
    assert run_worker(once=True) == 0  # nothing queued: the dead run is not taken up again
    run.refresh_from_db()
    assert run.status == "failed" and "worker-died" in run.error and run.people_count == 0
    assert not run.results.exists()
    assert client_for("hr").get(f"/screening/{run.pk}/result.xlsx").status_code == 409  # not done


def test_the_worker_executes_queued_runs_in_order_and_stops_when_none_is_left(users: dict[str, Any]) -> None:
    for day in (1, 2):
        ScreeningRun.objects.create(created_by=users["hr"], standard_id="mini@1.0",
                                    as_of=dt.date(2026, 11, day))
    assert run_worker(once=True) == 2
    assert set(ScreeningRun.objects.values_list("status", flat=True)) == {"done"}


# --- the engines --------------------------------------------------------------------------------------


def test_a_unit_is_ranked_within_the_whole_job_family_not_within_the_unit(
        org: Any, client_for: ClientFor) -> None:
    from qualify.web.people.models import ExamResult

    e3 = org.people["E003"]  # in south, outside the screened unit, with a better combined score
    ExamResult.objects.create(person=e3, sitting="2026", exam="general", score=90)
    ExamResult.objects.create(person=e3, sitting="2026", exam="professional", score=90)
    queue(client_for("hr"), org_unit="bj")
    run_worker(once=True)
    e1 = ScreeningResult.objects.get(employee_id="E001")
    # rank 2 of 2: within the top 80% (one level above level 1) but not the top 20% (two levels)
    assert e1.highest_eligible_level == 2
    assert not ScreeningResult.objects.filter(employee_id="E003").exists()


def test_the_reference_engine_stores_the_same_results_as_the_batch_engine(
        client_for: ClientFor, monkeypatch: pytest.MonkeyPatch) -> None:
    from qualify.services import screening

    hr = client_for("hr")
    queue(hr, stage="certification")
    run_worker(once=True)
    monkeypatch.setattr(screening, "_batch_engine", lambda: None)
    queue(hr, stage="certification")
    run_worker(once=True)
    first, second = ScreeningRun.objects.order_by("pk")

    def stored(run: ScreeningRun) -> list[tuple[Any, ...]]:
        return list(run.results.order_by("employee_id").values_list("employee_id", "current_level",
                                                                    "highest_eligible_level", "levels"))

    assert stored(first) == stored(second) and len(stored(first)) == 4
    assert first.counts == second.counts


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_get_a_run_each_never_the_same(users: dict[str, Any]) -> None:
    import threading

    from django.db import connection

    for day in (1, 2, 3):
        ScreeningRun.objects.create(created_by=users["hr"], standard_id="mini@1.0",
                                    as_of=dt.date(2026, 11, day))
    claimed: list[int | None] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(3):
                run = claim_next()
                claimed.append(run.pk if run else None)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    won = [pk for pk in claimed if pk is not None]
    assert sorted(won) == sorted(ScreeningRun.objects.values_list("pk", flat=True))  # each once
    assert set(ScreeningRun.objects.values_list("status", flat=True)) == {"running"}


def test_the_worker_hands_each_claimed_run_to_the_screening_service(
        users: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from qualify.services import screening

    for day in (1, 2):
        ScreeningRun.objects.create(created_by=users["hr"], standard_id="mini@1.0",
                                    as_of=dt.date(2026, 11, day))
    handed: list[int] = []
    real = screening.execute

    def execute(run_id: int, store: Any) -> Any:
        handed.append(run_id)
        return real(run_id, store)

    monkeypatch.setattr(screening, "execute", execute)
    assert run_worker(once=True) == 2
    assert handed == sorted(ScreeningRun.objects.values_list("pk", flat=True))


def test_a_worker_that_finishes_a_run_already_marked_failed_does_not_make_it_done(
        users: dict[str, Any]) -> None:
    from qualify.services import screening
    from qualify.web.screening.store import OrmScreeningStore

    run = ScreeningRun.objects.create(created_by=users["hr"], standard_id="mini@1.0",
                                      as_of=dt.date(2026, 11, 26), status="running", heartbeat=timezone.now())
    store = OrmScreeningStore()
    store.finish(run.pk, screening.Finished(status="failed", counts={}, error="worker-died: …"))
    ended = screening.execute(run.pk, store)  # the slow worker comes back and finishes the run
    run.refresh_from_db()
    assert ended.status == run.status == "failed" and run.error.startswith("worker-died")
    assert not run.results.exists() and not run.result
