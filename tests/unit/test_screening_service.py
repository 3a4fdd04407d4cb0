"""``qualify.services.screening`` on a fake store: queue, claim, execute a run, and a run whose worker
died, without a database."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from qualify.core.decision import Stage
from qualify.core.errors import InvalidInput
from qualify.core.records import Employee, ExamRecord, Organisation, PerformanceRecord, PersonRecord
from qualify.core.standard import Standard
from qualify.formats.hrdata import HRFrames, from_organisation
from qualify.services import screening as svc
from qualify.services.knowledge import latest_sitting

MINI = str(Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml")
AS_OF = dt.date(2026, 11, 26)
HIRED = dt.date(2018, 3, 1)
GOOD = [("2025Q4", "B"), ("2026Q1", "B+"), ("2026Q2", "A"), ("2026Q3", "B")]


def person(
    employee_id: str, level: int, scores: tuple[float, float] | None, family: str = "mini"
) -> PersonRecord:
    employee = Employee(employee_id, f"员工{employee_id}", "bj", family, level, HIRED, HIRED)
    exams = (
        ()
        if scores is None
        else (
            ExamRecord(employee_id, "2026", "general", scores[0]),
            ExamRecord(employee_id, "2026", "professional", scores[1]),
        )
    )
    return PersonRecord(
        employee=employee,
        performance=tuple(PerformanceRecord(employee_id, p, r) for p, r in GOOD),
        exams=exams,
    )


PEOPLE = [
    person("E001", 1, (82, 75)),
    person("E002", 2, (60, 50)),
    person("E003", 1, None),
    person("X001", 1, (99, 99), family="other"),
]


@dataclass
class Run:
    request: svc.RunRequest
    status: str = "queued"
    heartbeat: dt.datetime | None = None
    progress: int = 0
    people: int = 0
    finished: svc.Finished | None = None


@dataclass
class FakeStore:
    people: list[PersonRecord] = field(default_factory=lambda: list(PEOPLE))
    runs: dict[int, Run] = field(default_factory=dict)
    results: dict[int, list[svc.ResultRow]] = field(default_factory=dict)
    audit_log: list[tuple[Any, str, object, Any]] = field(default_factory=list)
    clock: dt.datetime = dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC)
    frames_asked: int = 0

    @contextlib.contextmanager
    def _atomic(self) -> Iterator[None]:
        yield

    def atomic(self) -> Any:
        return self._atomic()

    def now(self) -> dt.datetime:
        return self.clock

    def standards_for(self, user: Any) -> set[str]:
        return {MINI} if user == "hr" else set()

    def add_run(self, user: Any, request: svc.RunRequest) -> int:
        self.runs[len(self.runs) + 1] = Run(request)
        return len(self.runs)

    def audit(self, actor: Any, action: str, obj_type: str, obj_id: object, before: Any, after: Any) -> None:
        self.audit_log.append((actor, action, obj_id, after))

    def claim_next(self, now: dt.datetime) -> int | None:
        for run_id, run in sorted(self.runs.items()):
            if run.status == "queued":
                run.status, run.heartbeat = "running", now
                return run_id
        return None

    def stale_runs(self, before: dt.datetime) -> list[int]:
        return [
            i for i, r in self.runs.items() if r.status == "running" and r.heartbeat and r.heartbeat < before
        ]

    def run(self, run_id: int) -> svc.RunView:
        r = self.runs[run_id]
        return svc.RunView(
            run_id, r.request.standard_id, r.request.as_of, r.request.stage, r.request.language, r.status
        )

    def clear_results(self, run_id: int) -> None:
        self.results.pop(run_id, None)

    def screened(self, run_id: int, standard: Standard) -> list[Employee]:
        return sorted(
            (p.employee for p in self.people if p.employee.job_family == standard.family),
            key=lambda e: e.employee_id,
        )

    def records(self, employee_ids: Sequence[str]) -> list[PersonRecord]:
        return [p for p in self.people if p.employee.employee_id in employee_ids]

    def family_exams(self, standard: Standard) -> list[ExamRecord]:
        exams = [x for p in self.people if p.employee.job_family == standard.family for x in p.exams]
        latest = latest_sitting({x.sitting for x in exams})
        return [x for x in exams if x.sitting == latest]

    def frames(self, run_id: int, standard: Standard, stage: Stage) -> HRFrames:
        self.frames_asked += 1
        family = [p for p in self.people if p.employee.job_family == standard.family]
        return from_organisation(
            Organisation(
                employees=tuple(p.employee for p in family),
                performance=tuple(x for p in family for x in p.performance),
                exams=tuple(self.family_exams(standard)),
            )
        )

    def progress(self, run_id: int, progress: int, *, people: int | None = None) -> None:
        run = self.runs[run_id]
        run.progress, run.heartbeat = progress, self.clock
        if people is not None:
            run.people = people

    def save_results(self, run_id: int, rows: Sequence[svc.ResultRow]) -> None:
        self.results.setdefault(run_id, []).extend(rows)

    def finish(self, run_id: int, finished: svc.Finished) -> svc.RunView:
        run = self.runs[run_id]
        if run.status == "running":  # as the ORM store: only a running run ends
            run.status, run.finished = finished.status, finished
            run.progress = 100 if finished.status == "done" else run.progress
        return self.run(run_id)


def request(**changes: Any) -> svc.RunRequest:
    return replace(svc.RunRequest(standard_id=MINI, as_of=AS_OF), **changes)


def test_a_queued_run_is_recorded_in_the_audit_record_with_what_was_asked() -> None:
    store = FakeStore()
    run_id = svc.queue(store, "hr", request(language="en-gb"))
    assert store.runs[run_id].request.language == "en"
    assert store.audit_log == [
        (
            "hr",
            "screening.queue",
            run_id,
            {
                "standard": MINI,
                "org_unit": None,
                "include_subtree": True,
                "as_of": "2026-11-26",
                "stage": "screening",
            },
        )
    ]


def test_a_run_with_a_standard_the_user_may_not_screen_with_or_an_unknown_stage_is_refused() -> None:
    store = FakeStore()
    with pytest.raises(InvalidInput) as caught:
        svc.queue(store, "manager", request(stage="gossip"))
    assert [p.code for p in caught.value.problems] == ["unknown-standard", "unknown-stage"]
    assert store.runs == {} and store.audit_log == []


@pytest.mark.parametrize("engine", ["batch", "reference"])
def test_executing_a_run_stores_a_result_per_person_of_the_family_the_counts_and_the_workbook(
    engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine == "reference":
        monkeypatch.setattr(svc, "_batch_engine", lambda: None)
    store = FakeStore()
    run_id = svc.queue(store, "hr", request())
    assert svc.claim(store) == run_id
    done = svc.execute(run_id, store)
    assert done.status == "done" and store.runs[run_id].progress == 100
    rows = {r.employee_id: r for r in store.results[run_id]}
    assert sorted(rows) == ["E001", "E002", "E003"]  # X001 is of another family
    assert rows["E001"].highest_eligible_level == 3  # ranked first in the family: two levels up
    assert rows["E003"].highest_eligible_level == 0  # no exam results
    finished = store.runs[run_id].finished
    assert finished is not None and finished.counts["assessed"] == 3
    assert store.frames_asked == (1 if engine == "batch" else 0)
    workbook = load_workbook(io.BytesIO(finished.content or b""))
    assert (
        finished.file_name == f"screening-{run_id}-mini@1.0-2026-11-26.xlsx" and len(workbook.sheetnames) >= 1
    )


def test_both_engines_store_the_same_results(monkeypatch: pytest.MonkeyPatch) -> None:
    store = FakeStore()
    first = svc.queue(store, "hr", request(stage="certification"))
    svc.execute(svc.claim(store) or 0, store)
    monkeypatch.setattr(svc, "_batch_engine", lambda: None)
    second = svc.queue(store, "hr", request(stage="certification"))
    svc.execute(svc.claim(store) or 0, store)
    assert sorted(store.results[first], key=lambda r: r.employee_id) == sorted(
        store.results[second], key=lambda r: r.employee_id
    )


def test_a_run_with_an_unknown_standard_fails_with_its_reason_and_no_results() -> None:
    store = FakeStore()
    store.runs[1] = Run(request(standard_id="nope@1.0"), status="running", heartbeat=store.clock)
    assert svc.execute(1, store).status == "failed"
    finished = store.runs[1].finished
    assert finished is not None and "standard-not-found" in finished.error and 1 not in store.results


def test_a_run_whose_worker_died_is_marked_failed_and_never_taken_up_again() -> None:
    store = FakeStore()
    run_id = svc.queue(store, "hr", request())
    assert svc.claim(store) == run_id
    store.save_results(run_id, [svc.ResultRow("E001", "", "", 1, 3, {})])  # then the worker died
    store.clock += svc.STALE_AFTER + dt.timedelta(seconds=1)
    assert svc.claim(store) is None
    assert store.runs[run_id].status == "failed" and run_id not in store.results
    finished = store.runs[run_id].finished
    assert finished is not None and finished.error.startswith("worker-died")


def test_a_worker_that_comes_back_after_its_run_was_marked_failed_does_not_make_it_finished() -> None:
    store = FakeStore()
    run_id = svc.queue(store, "hr", request())
    svc.claim(store)
    store.clock += svc.STALE_AFTER + dt.timedelta(seconds=1)
    svc.fail_stale(store)
    assert svc.execute(run_id, store).status == "failed"  # the slow worker finishes after all
    assert run_id not in store.results


def test_a_running_run_with_a_recent_heartbeat_is_left_alone() -> None:
    store = FakeStore()
    run_id = svc.queue(store, "hr", request())
    svc.claim(store)
    store.clock += svc.STALE_AFTER - dt.timedelta(seconds=1)
    assert svc.fail_stale(store) == [] and store.runs[run_id].status == "running"


def test_a_runs_counts_are_summarised_with_each_highest_levels_share_of_everyone_assessed() -> None:
    counts = {
        "assessed": 4,
        "by_highest": {"0": 1, "2": 3, "10": 0},
        "by_level": {"10": {"eligible": 0}, "2": {"eligible": 3}, "1": {"eligible": 4}},
    }
    summary = svc.summarise(counts)
    assert summary.levels == [1, 2, 10]  # as numbers, not as text ("10" < "2")
    assert summary.by_highest == [
        {"level": 0, "count": 1, "share": 25.0},
        {"level": 2, "count": 3, "share": 75.0},
        {"level": 10, "count": 0, "share": 0.0},
    ]
    assert summary.by_level[1] == {"level": 2, "counts": {"eligible": 3}}


def test_the_summary_of_a_run_that_assessed_nobody_has_no_shares_and_no_division_by_zero() -> None:
    summary = svc.summarise({"assessed": 0, "by_highest": {"0": 0}, "by_level": {}})
    assert summary.by_highest == [{"level": 0, "count": 0, "share": 0}] and summary.levels == []
