"""The screening worker: a separate process (``qualify worker``) that polls the database for queued
screening runs and executes them, so that no web request ever evaluates an organisation.

Any number of workers may run on any number of hosts. A run is claimed by exactly one of them:
on PostgreSQL with ``SELECT … FOR UPDATE SKIP LOCKED``; on SQLite (one file, one writer at a time)
by an atomic conditional update (``status = queued`` → ``running``) that only one worker can win.
A worker writes a heartbeat as it goes; a run whose heartbeat stops for ``STALE_AFTER`` (its worker
died) is queued again.

Executing a run: the people the run's creator may see, of the standard's job family, in the run's
unit (and below); their knowledge standing within the whole job family; the engine's decision for
each (``qualify.services.assessment``), in chunks with progress; one ``ScreeningResult`` per person;
the counts per level; and the workbook for HR (``qualify.formats.decisions``), stored in the run.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.db import OperationalError, close_old_connections, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from qualify.core.decision import Decision, Stage
from qualify.core.errors import QualifyError
from qualify.core.knowledge import most_allowed_levels_above
from qualify.core.records import Employee
from qualify.core.standard import Standard
from qualify.core.text import Lang
from qualify.formats.decisions import write_xlsx
from qualify.services.assessment import SummaryCounter, evaluate_person
from qualify.services.standards import get_standard
from qualify.web.accounts.access import people_visible_to
from qualify.web.people.decisions import family_standings
from qualify.web.people.models import Person
from qualify.web.people.records import organisation_for
from qualify.web.screening.frames import screening_frames
from qualify.web.screening.models import ScreeningResult, ScreeningRun

log = logging.getLogger(__name__)

CHUNK = 1000
STALE_AFTER = dt.timedelta(minutes=10)
CLAIM_ATTEMPTS = 5
Status = ScreeningRun.Status


# --- claiming ------------------------------------------------------------------------------------


def claim_next() -> ScreeningRun | None:
    """Take the oldest queued run for this worker, or ``None`` when there is none (or others won)."""
    now = timezone.now()
    queued = ScreeningRun.objects.filter(status=Status.QUEUED).order_by("created_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            run = queued.select_for_update(skip_locked=True).first()
            if run is None:
                return None
            run.status, run.started_at, run.heartbeat, run.progress = Status.RUNNING, now, now, 0
            run.save(update_fields=["status", "started_at", "heartbeat", "progress"])
            return run
    # SQLite: an atomic compare-and-set per candidate. Another process writing at the same moment
    # makes SQLite answer "database is locked"; that is a lost race, not an error: try again shortly.
    for attempt in range(CLAIM_ATTEMPTS):
        try:
            for pk in list(queued.values_list("pk", flat=True)[:10]):
                won = ScreeningRun.objects.filter(pk=pk, status=Status.QUEUED).update(
                    status=Status.RUNNING, started_at=now, heartbeat=now, progress=0)
                if won == 1:
                    return ScreeningRun.objects.get(pk=pk)
            return None
        except OperationalError:
            if attempt == CLAIM_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    return None


def requeue_stale(now: dt.datetime | None = None) -> int:
    """Queue again the runs whose worker stopped giving signs of life."""
    limit = (now or timezone.now()) - STALE_AFTER
    return ScreeningRun.objects.filter(status=Status.RUNNING, heartbeat__lt=limit).update(
        status=Status.QUEUED, progress=0)


# --- executing -------------------------------------------------------------------------------------


def run_people(run: ScreeningRun, standard: Standard) -> QuerySet[Person]:
    """Whom the run screens: what its creator may see, of the standard's family, in its unit."""
    people = people_visible_to(run.created_by) if run.created_by is not None else Person.objects.none()
    people = people.filter(job_family=standard.family)
    if run.org_unit is not None:
        people = people.filter(org_unit__path__startswith=run.org_unit.path) if run.include_subtree else \
            people.filter(org_unit=run.org_unit)
    return people.order_by("employee_id")


def _progress(run: ScreeningRun, done: int, total: int, *, start: int = 0) -> None:
    """Progress from ``start`` % (what came before) to 99 % as ``done`` of ``total`` go by."""
    share = (done / total) if total else 1.0
    run.progress = min(99, start + int((99 - start) * share))
    ScreeningRun.objects.filter(pk=run.pk).update(progress=run.progress, heartbeat=timezone.now())


# Runs are screened by the batch evaluator (Polars); True screens with the reference evaluator in core
# instead (the integration tests hold the two to the same stored results).
USE_REFERENCE_ENGINE = False


def batch_decisions(run: ScreeningRun, standard: Standard, people: QuerySet[Person],
                    employees: dict[str, Employee], engine: Callable[..., Any]) -> Iterator[Decision]:
    """The decisions of ``people`` by the batch evaluator (Polars), on frames that hold the whole job
    family (the ranking cohort) and the screened people's records (``frames.screening_frames``)."""
    employees.update({i: Employee(employee_id=i, name=name, org_unit=unit or "", job_family=family,
                                  current_level=level, hire_date=hired, family_start_date=started)
                      for i, name, unit, family, level, hired, started in people.values_list(
                          "employee_id", "name", "org_unit__code", "job_family", "current_level", "hire_date",
                          "family_start_date")})
    frames = screening_frames(standard, people, Stage(run.stage))
    ScreeningRun.objects.filter(pk=run.pk).update(progress=10, heartbeat=timezone.now())
    result = engine(standard, frames, run.as_of, Stage(run.stage))
    ScreeningRun.objects.filter(pk=run.pk).update(progress=40, heartbeat=timezone.now())
    yield from result.iter_decisions(list(employees))


def reference_decisions(run: ScreeningRun, standard: Standard, people: QuerySet[Person],
                        employees: dict[str, Employee]) -> Iterator[Decision]:
    """The decisions of ``people`` by the reference evaluator, chunk by chunk (no Polars needed)."""
    stage = Stage(run.stage)
    standings = family_standings(standard, people.values_list("employee_id", flat=True))
    pks = list(people.values_list("pk", flat=True))
    for start in range(0, len(pks), CHUNK):
        organisation = organisation_for(Person.objects.filter(pk__in=pks[start:start + CHUNK]))
        for employee in organisation.employees:
            record = organisation.person(employee.employee_id)
            if record is not None:
                employees[employee.employee_id] = employee
                yield evaluate_person(standard, record, run.as_of, stage, standings.get(employee.employee_id))


def screen(run: ScreeningRun, standard: Standard, employees: dict[str, Employee],
           counter: SummaryCounter) -> Iterator[Decision]:
    """The decisions of the run's people as they are stored: a ``ScreeningResult`` per person, saved
    in chunks, the progress moving on with each chunk."""
    people = run_people(run, standard)
    pk_of = dict(people.values_list("employee_id", "pk"))
    total = len(pk_of)
    ScreeningRun.objects.filter(pk=run.pk).update(people_count=total, heartbeat=timezone.now())
    if USE_REFERENCE_ENGINE:
        decisions, start = reference_decisions(run, standard, people, employees), 0
    else:
        from qualify.batch.evaluate import evaluate_batch  # Polars, imported when a run starts

        decisions, start = batch_decisions(run, standard, people, employees, evaluate_batch), 40
    rows: list[ScreeningResult] = []
    done = 0
    for decision in decisions:
        counter.add(decision)
        employee = employees[decision.employee_id]
        rows.append(ScreeningResult(
            run=run, person_id=pk_of.get(decision.employee_id), employee_id=decision.employee_id,
            name=employee.name, org_unit=employee.org_unit, current_level=decision.current_level,
            highest_eligible_level=decision.highest_eligible_level,
            levels={str(ld.level): ld.outcome.value for ld in decision.levels},
        ))
        yield decision
        if len(rows) >= CHUNK:
            done += len(rows)
            ScreeningResult.objects.bulk_create(rows, batch_size=500)
            rows = []
            _progress(run, done, total, start=start)
    ScreeningResult.objects.bulk_create(rows, batch_size=500)


def workbook_reach(standard: Standard, stage: Stage) -> int:
    """How many levels above each person's current level the workbook's checks sheet lists: at
    screening, every level within reach of the knowledge policy (as ``qualify assess`` does); at
    certification only the next level, whose behaviour and evidence checks are what a cycle judges
    (every level's would be dozens of rows per person: 1.4 million rows for 20,000 people)."""
    if stage is Stage.certification:
        return 1
    return max(1, most_allowed_levels_above(standard.knowledge.policy))


def execute(run: ScreeningRun) -> ScreeningRun:
    """Screen the people of ``run`` and store the results, counts and workbook; a failure is recorded
    on the run (its message for HR), never raised."""
    try:
        standard = get_standard(run.standard_id)
        ScreeningResult.objects.filter(run=run).delete()  # a run queued again starts afresh
        counter = SummaryCounter(standard, run.as_of, Stage(run.stage))
        employees: dict[str, Employee] = {}
        lang: Lang = "en" if run.language.startswith("en") else "zh"
        with tempfile.TemporaryDirectory(prefix="qualify-screening-") as folder:
            path = Path(folder) / "screening.xlsx"
            write_xlsx(screen(run, standard, employees, counter), path, lang, standard, employees,
                       reach=workbook_reach(standard, Stage(run.stage)))
            content = path.read_bytes()
        summary = counter.summary()
        run.counts = {
            "assessed": summary.assessed,
            "by_highest": {str(k): v for k, v in summary.by_highest.items()},
            "by_level": {str(k): v for k, v in summary.by_level.items()},
        }
        run.result_content = content
        run.result_file = f"screening-{run.pk}-{standard.id}-{run.as_of.isoformat()}.xlsx"
        run.status, run.progress, run.error = Status.DONE, 100, ""
    except QualifyError as error:
        run.status, run.error = Status.FAILED, f"{error.code}: {error.message_en} / {error.message_zh}"
    except Exception as error:  # the worker keeps serving other runs
        log.exception("screening run %s failed", run.pk)
        run.status, run.error = Status.FAILED, f"internal error: {type(error).__name__}: {error}"
    run.finished_at = run.heartbeat = timezone.now()
    run.people_count = counter_people(run)
    run.save(update_fields=["counts", "result_content", "result_file", "status", "progress", "error",
                            "finished_at", "heartbeat", "people_count"])
    return run


def counter_people(run: ScreeningRun) -> int:
    return ScreeningResult.objects.filter(run=run).count()


# --- the loop --------------------------------------------------------------------------------------


def run_once() -> ScreeningRun | None:
    """Claim and execute one queued run; ``None`` when nothing was waiting."""
    requeue_stale()
    run = claim_next()
    if run is None:
        return None
    log.info("screening run %s: %s as of %s", run.pk, run.standard_id, run.as_of)
    return execute(run)


def run_worker(*, once: bool = False, poll_seconds: float = 2.0, max_runs: int | None = None,
               sleep: Callable[[float], None] = time.sleep,
               say: Callable[[str], None] | None = None) -> int:
    """Poll for queued runs and execute them until stopped (Ctrl-C); returns how many it executed.

    ``once``: execute what is queued now, then return (tests, cron). ``max_runs``: stop after so many.
    """
    executed = 0
    while True:
        if not connection.in_atomic_block:  # (inside a test's transaction the connection must stay)
            close_old_connections()  # a long-lived process drops broken or expired connections
        run = run_once()
        if run is not None:
            executed += 1
            if say is not None:
                say(f"screening run #{run.pk} {run.status}: {run.people_count} people "
                    f"({run.standard_id}, as of {run.as_of})")
            if max_runs is not None and executed >= max_runs:
                return executed
            continue
        if once:
            return executed
        sleep(poll_seconds)
