"""Screening runs (资格审查) as use cases: queue a run, claim the next one, execute it.

A run is queued by the page or the API (``queue``) and executed by a worker process, never inside a
request: ``qualify worker`` loops, claims a queued run (``claim``) and calls ``execute(run_id, store)``.
The store is a ``ScreeningStore`` (the web app's is ``qualify.web.screening.store.OrmScreeningStore``);
this module knows nothing of Django.

Executing a run: the people it screens (what its creator may see, of the standard's job family, in
its unit and below: the store decides), their knowledge standing within the whole job family
(``qualify.services.knowledge``), the engine's decision for each (the Polars batch evaluator when it
is installed, else the reference evaluator chunk by chunk), one stored result per person with the
progress moving on, the counts per level, and the workbook for HR. A failure is recorded on the run
(its message for HR), never raised.

A worker writes a heartbeat as it goes (and every few seconds while it executes a run). A running run
whose heartbeat stopped for ``STALE_AFTER`` (a minute) was left by a worker that died: ``fail_stale``
marks it failed (any worker's ``claim`` does, and so does reading the runs on the web): it is never
served as finished, and its partial results are dropped; HR queues it again if they still want it.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from qualify.core.decision import Decision, Stage
from qualify.core.errors import InvalidInput, Problem, QualifyError
from qualify.core.knowledge import most_allowed_levels_above
from qualify.core.records import Employee, ExamRecord, PersonRecord
from qualify.core.standard import Standard
from qualify.core.text import Lang
from qualify.formats.decisions import write_xlsx
from qualify.formats.hrdata import HRFrames
from qualify.services import knowledge
from qualify.services.assessment import SummaryCounter, evaluate_person
from qualify.services.standards import get_standard

log = logging.getLogger(__name__)

CHUNK = 1000
STALE_AFTER = dt.timedelta(minutes=1)
STAGES = ("screening", "certification")
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
DIED = "worker-died"


@dataclass(frozen=True)
class RunRequest:
    """What HR asks for: a standard, a unit (``None``: everyone they may see), an as-of date, a stage.
    ``org_unit`` is the store's handle of a unit already checked to be in the user's scope."""

    standard_id: str
    as_of: dt.date
    stage: str = "screening"
    org_unit: Any = None
    include_subtree: bool = True
    language: str = "zh-hans"


@dataclass(frozen=True)
class RunView:
    id: int
    standard_id: str
    as_of: dt.date
    stage: str
    language: str
    status: str


@dataclass(frozen=True)
class ResultRow:
    """One person's stored outcome: enough for the tables and filters (the trace is recomputed on the
    person's page)."""

    employee_id: str
    name: str
    org_unit: str
    current_level: int
    highest_eligible_level: int
    levels: dict[str, str]


@dataclass(frozen=True)
class Finished:
    """What a run ends with: its status, the counts, the workbook, or the error for HR."""

    status: str
    counts: dict[str, Any]
    content: bytes | None = None
    file_name: str = ""
    error: str = ""


class ScreeningStore(Protocol):
    def atomic(self) -> AbstractContextManager[Any]: ...
    def now(self) -> dt.datetime: ...

    # queueing
    def standards_for(self, user: Any) -> set[str]:
        """The ids of the standards ``user`` may screen with."""

    def add_run(self, user: Any, request: RunRequest) -> int: ...
    def audit(
        self, actor: Any, action: str, obj_type: str, obj_id: object, before: Any, after: Any
    ) -> None: ...

    # claiming
    def claim_next(self, now: dt.datetime) -> int | None:
        """Take the oldest queued run (``queued`` → ``running``, heartbeat ``now``) so that no other
        worker can take it; its id, or ``None`` when none is waiting (or others won them all)."""

    def stale_runs(self, before: dt.datetime) -> list[int]:
        """The running runs whose last heartbeat is older than ``before``."""

    # executing
    def run(self, run_id: int) -> RunView: ...
    def clear_results(self, run_id: int) -> None: ...
    def screened(self, run_id: int, standard: Standard) -> list[Employee]:
        """The people the run screens, by employee id."""

    def records(self, employee_ids: Sequence[str]) -> list[PersonRecord]: ...
    def family_exams(self, standard: Standard) -> list[ExamRecord]:
        """The family's results of its latest sitting, for everyone of the family (the cohort)."""

    def frames(self, run_id: int, standard: Standard, stage: Stage) -> HRFrames:
        """The batch evaluator's input: every employee of the family (the ranking cohort), the
        family's latest sitting, and the screened people's records."""

    def progress(self, run_id: int, progress: int, *, people: int | None = None) -> None:
        """Move the progress on (and the heartbeat)."""

    def save_results(self, run_id: int, rows: Sequence[ResultRow]) -> None: ...
    def finish(self, run_id: int, finished: Finished) -> RunView:
        """Record the end of the run (finished time, heartbeat, the number of results stored)."""


@dataclass(frozen=True)
class CountsSummary:
    """A finished run's counts as the results page shows them: the levels, how many people have each
    highest eligible level (and their share of everyone assessed), and each level's outcomes."""

    levels: list[int]
    by_highest: list[dict[str, Any]]
    by_level: list[dict[str, Any]]


def summarise(counts: dict[str, Any]) -> CountsSummary:
    """``counts`` as stored on a run (``execute``): keys are text in JSON, the page wants numbers."""
    assessed = counts.get("assessed", 0) or 0
    by_level = counts.get("by_level", {})
    levels = sorted(int(n) for n in by_level)
    highest = sorted((int(k), v) for k, v in counts.get("by_highest", {}).items())
    return CountsSummary(
        levels=levels,
        by_highest=[{"level": n, "count": c, "share": (100 * c / assessed) if assessed else 0}
                    for n, c in highest],
        by_level=[{"level": n, "counts": by_level[str(n)]} for n in levels],
    )


# --- queueing ----------------------------------------------------------------------------------------


def queue(store: ScreeningStore, user: Any, request: RunRequest) -> int:
    """Queue a run for a worker; ``InvalidInput`` (nothing queued) when the user may not screen with
    that standard or the stage is unknown. Recorded in the audit record."""
    problems = []
    if request.standard_id not in store.standards_for(user):
        problems.append(Problem(code="unknown-standard",
                                message_en=f"no standard {request.standard_id!r} to screen with",
                                message_zh=f"没有可用于审查的标准 {request.standard_id!r}",
                                column="standard"))
    if request.stage not in STAGES:
        problems.append(Problem(code="unknown-stage", message_en=f"stage must be one of {list(STAGES)}",
                                message_zh=f"阶段必须是 {list(STAGES)} 之一", column="stage"))
    if problems:
        raise InvalidInput(problems, source="screening request")
    language = "en" if request.language.startswith("en") else "zh-hans"
    with store.atomic():
        run_id = store.add_run(user, RunRequest(
            standard_id=request.standard_id, as_of=request.as_of, stage=request.stage,
            org_unit=request.org_unit, include_subtree=request.include_subtree, language=language))
        store.audit(user, "screening.queue", "ScreeningRun", run_id, None, {
            "standard": request.standard_id, "org_unit": getattr(request.org_unit, "code", request.org_unit),
            "include_subtree": request.include_subtree, "as_of": request.as_of.isoformat(),
            "stage": request.stage,
        })
    return run_id


# --- claiming ------------------------------------------------------------------------------------------


def fail_stale(store: ScreeningStore, now: dt.datetime | None = None,
               stale_after: dt.timedelta = STALE_AFTER) -> list[int]:
    """Mark failed the runs whose worker stopped giving signs of life for ``stale_after``; their ids.
    Their partial results are dropped: a run is served as finished only when a worker finished it."""
    now = now or store.now()
    failed = []
    for run_id in store.stale_runs(now - stale_after):
        store.clear_results(run_id)
        seconds = int(stale_after.total_seconds())
        store.finish(run_id, Finished(
            status=FAILED, counts={},
            error=(f"{DIED}: the worker stopped giving signs of life for {seconds} seconds; queue the run "
                   f"again / 后台进程已 {seconds} 秒无响应；请重新提交审查")))
        log.warning("screening run %s: its worker died; marked failed", run_id)
        failed.append(run_id)
    return failed


def claim(store: ScreeningStore, now: dt.datetime | None = None,
          stale_after: dt.timedelta = STALE_AFTER) -> int | None:
    """The next run for this worker: first the runs of dead workers are marked failed, then the
    oldest queued run is taken. ``None`` when nothing is waiting."""
    now = now or store.now()
    fail_stale(store, now, stale_after)
    return store.claim_next(now)


# --- executing -------------------------------------------------------------------------------------------


# Runs are screened by the batch evaluator (Polars); True screens with the reference evaluator in core
# instead (the integration tests hold the two to the same stored results).
USE_REFERENCE_ENGINE = False


def _batch_engine() -> Callable[..., Any] | None:
    if USE_REFERENCE_ENGINE:
        return None
    from qualify.batch.evaluate import evaluate_batch  # Polars, imported when a run starts

    engine: Callable[..., Any] = evaluate_batch
    return engine


def workbook_reach(standard: Standard, stage: Stage) -> int:
    """How many levels above each person's current level the workbook's checks sheet lists: at
    screening, every level within reach of the knowledge policy (as ``qualify assess`` does); at
    certification only the next level, whose behaviour and evidence checks are what a cycle judges
    (every level's would be dozens of rows per person: 1.4 million rows for 20,000 people)."""
    if stage is Stage.certification:
        return 1
    return max(1, most_allowed_levels_above(standard.knowledge.policy))


def _reference_decisions(store: ScreeningStore, run: RunView, standard: Standard,
                         people: Sequence[Employee]) -> Iterator[Decision]:
    """The decisions by the reference evaluator, chunk by chunk (no Polars needed)."""
    ids = [e.employee_id for e in people]
    standings = knowledge.family_standings(standard, ids, store.family_exams(standard))
    for start in range(0, len(ids), CHUNK):
        for record in store.records(ids[start:start + CHUNK]):
            i = record.employee.employee_id
            yield evaluate_person(standard, record, run.as_of, Stage(run.stage), standings.get(i))


def _batch_decisions(store: ScreeningStore, run: RunView, standard: Standard, people: Sequence[Employee],
                     engine: Callable[..., Any]) -> Iterator[Decision]:
    """The decisions by the batch evaluator (Polars) on frames holding the whole family."""
    frames = store.frames(run.id, standard, Stage(run.stage))
    store.progress(run.id, 10)
    result = engine(standard, frames, run.as_of, Stage(run.stage))
    store.progress(run.id, 40)
    yield from result.iter_decisions([e.employee_id for e in people])


def _screen(store: ScreeningStore, run: RunView, standard: Standard, people: Sequence[Employee],
            counter: SummaryCounter) -> Iterator[Decision]:
    """The decisions of the run's people as they are stored, in chunks, the progress moving on."""
    by_id = {e.employee_id: e for e in people}
    total = len(people)
    store.progress(run.id, 0, people=total)
    engine = _batch_engine()
    if engine is not None:
        decisions, start = _batch_decisions(store, run, standard, people, engine), 40
    else:
        decisions, start = _reference_decisions(store, run, standard, people), 0
    rows: list[ResultRow] = []
    done = 0
    for decision in decisions:
        counter.add(decision)
        employee = by_id[decision.employee_id]
        rows.append(ResultRow(
            employee_id=decision.employee_id, name=employee.name, org_unit=employee.org_unit,
            current_level=decision.current_level, highest_eligible_level=decision.highest_eligible_level,
            levels={str(ld.level): ld.outcome.value for ld in decision.levels}))
        yield decision
        if len(rows) >= CHUNK:
            done += len(rows)
            store.save_results(run.id, rows)
            rows = []
            share = done / total if total else 1.0
            store.progress(run.id, min(99, start + int((99 - start) * share)))
    store.save_results(run.id, rows)


def execute(run_id: int, store: ScreeningStore) -> RunView:
    """Screen the people of the run and store the results, the counts and the workbook; a failure is
    recorded on the run (its message for HR), never raised."""
    run = store.run(run_id)
    try:
        standard = get_standard(run.standard_id)
        store.clear_results(run.id)  # a run executed again starts afresh
        stage = Stage(run.stage)
        counter = SummaryCounter(standard, run.as_of, stage)
        people = store.screened(run.id, standard)
        employees = {e.employee_id: e for e in people}
        lang: Lang = "en" if run.language.startswith("en") else "zh"
        with tempfile.TemporaryDirectory(prefix="qualify-screening-") as folder:
            path = Path(folder) / "screening.xlsx"
            write_xlsx(_screen(store, run, standard, people, counter), path, lang, standard, employees,
                       reach=workbook_reach(standard, stage))
            content = path.read_bytes()
        summary = counter.summary()
        finished = Finished(
            status=DONE,
            counts={"assessed": summary.assessed,
                    "by_highest": {str(k): v for k, v in summary.by_highest.items()},
                    "by_level": {str(k): v for k, v in summary.by_level.items()}},
            content=content, file_name=f"screening-{run.id}-{standard.id}-{run.as_of.isoformat()}.xlsx")
    except QualifyError as error:
        finished = Finished(status=FAILED, counts={},
                            error=f"{error.code}: {error.message_en} / {error.message_zh}")
    except Exception as error:  # the worker keeps serving other runs
        log.exception("screening run %s failed", run.id)
        finished = Finished(status=FAILED, counts={},
                            error=f"internal error: {type(error).__name__}: {error}")
    ended = store.finish(run.id, finished)
    if ended.status != finished.status:  # marked failed meanwhile (no heartbeat for too long): not served
        store.clear_results(run.id)
    return ended

