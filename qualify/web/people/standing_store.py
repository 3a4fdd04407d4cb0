"""Stored standings on the ORM (``qualify.services.standings``): the runs, their rows, the worker's
store, and what the pages read.

When a family's standings are refreshed:

- an import queues a run for each job family it wrote (``queue_refresh``, in the import's
  transaction); the worker (``qualify worker``) executes it, with progress on the run;
- a change to one person's data (a save in the admin, the certification's level update) marks the
  family's newest run outdated and marks that person's row changed (``mark_changed``): their page is
  then computed for them alone against the stored cohort until the next run;
- a page that finds no run for the family, or an outdated one, one of another version of the
  standard or of an earlier day, refreshes at once when the family is small
  (``QUALIFY_STANDINGS_INLINE_MAX`` people, default 1,000) and otherwise queues a run for the worker
  and reads what is stored meanwhile.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Iterable
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qualify.core.standard import Standard
from qualify.formats.hrdata import HRFrames
from qualify.formats.hrdata_validate import TYPED_SCHEMAS
from qualify.formats.standard_yaml import standard_to_data
from qualify.services import knowledge, standings
from qualify.services.standards import get_standard
from qualify.web.people.models import (
    ExamResult,
    PerformanceRating,
    Person,
    PersonStanding,
    StandingRun,
    StandingText,
)

Status = StandingRun.Status
BATCH = 2000
_SHA: dict[str, tuple[Standard, str]] = {}


def standard_sha256(standard: Standard) -> str:
    """The fingerprint of a standard's content (a changed standard makes stored standings outdated)."""
    found = _SHA.get(standard.id)
    if found is not None and found[0] is standard:
        return found[1]
    text = json.dumps(standard_to_data(standard), ensure_ascii=False, separators=(",", ":"), default=str)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    _SHA[standard.id] = (standard, sha)
    return sha


def inline_max() -> int:
    return int(getattr(settings, "QUALIFY_STANDINGS_INLINE_MAX", 1000))


def _frame(sheet: str, rows: Iterable[Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=TYPED_SCHEMAS[sheet], orient="row")


class OrmStandingsStore:
    def claim_next(self) -> int | None:
        for run_id in StandingRun.objects.filter(status=Status.QUEUED).order_by("created_at", "id") \
                .values_list("pk", flat=True)[:5]:
            if StandingRun.objects.filter(pk=run_id, status=Status.QUEUED).update(status=Status.RUNNING):
                return int(run_id)
        return None

    def run(self, run_id: int) -> standings.RunInfo:
        run = StandingRun.objects.get(pk=run_id)
        if run.as_of is None:
            run.as_of = timezone.localdate()
            StandingRun.objects.filter(pk=run_id).update(as_of=run.as_of)
        return standings.RunInfo(id=run.pk, standard_id=run.standard_id, as_of=run.as_of)

    def standard(self, standard_id: str) -> Standard:
        return get_standard(standard_id)

    def family_frames(self, standard: Standard) -> HRFrames:
        family = Person.objects.filter(job_family=standard.family).order_by("employee_id")
        employees = _frame("employees", family.values_list(
            "employee_id", "name", "org_unit__code", "job_family", "current_level", "hire_date",
            "family_start_date").iterator(chunk_size=BATCH)).with_columns(pl.col("org_unit").fill_null(""))
        performance = _frame("performance", PerformanceRating.objects.filter(
            person__job_family=standard.family).order_by().values_list(
            "person__employee_id", "period", "rating").iterator(chunk_size=BATCH))
        codes = [e.code for e in standard.knowledge.exams]
        results = ExamResult.objects.filter(person__job_family=standard.family, exam__in=codes).order_by()
        latest = knowledge.latest_sitting(set(results.values_list("sitting", flat=True).distinct()))
        exams = _frame("exams", results.filter(sitting=latest).values_list(
            "person__employee_id", "sitting", "exam", "score").iterator(chunk_size=BATCH)
            if latest is not None else [])
        return HRFrames(employees=employees, performance=performance, exams=exams,
                        evidence=_frame("evidence", []), ratings=_frame("ratings", []))

    def progress(self, run_id: int, percent: int) -> None:
        StandingRun.objects.filter(pk=run_id).update(progress=min(99, percent))

    def save(self, run_id: int, result: standings.FamilyResult, progress: Callable[[int], None]) -> None:
        run = StandingRun.objects.get(pk=run_id)
        pks = dict(Person.objects.filter(job_family=run.job_family).values_list("employee_id", "pk")
                   .iterator(chunk_size=BATCH * 5))
        finished = timezone.now()
        with transaction.atomic():
            StandingText.objects.bulk_create(
                [StandingText(run_id=run_id, number=n, data=t) for n, t in enumerate(result.texts)],
                batch_size=BATCH)
            total = len(result.people)
            for start in range(0, total, BATCH):
                PersonStanding.objects.bulk_create([PersonStanding(
                    run_id=run_id, person_id=pks[r.employee_id], current_level=r.current_level,
                    missing=list(r.missing), score=r.score, rank=r.rank,
                    highest_eligible_level=r.highest_eligible_level, outcomes=r.outcomes, text_ids=r.text_ids,
                ) for r in result.people[start:start + BATCH] if r.employee_id in pks])
                progress(int(100 * (start + BATCH) / total) if total else 100)
            StandingRun.objects.filter(pk=run_id).update(
                status=Status.DONE, progress=100, finished_at=finished, sitting=result.sitting or "",
                cohort=result.cohort, people_count=total, schedule=[list(s) for s in result.schedule])
        # The family's older runs are not read any more (the newest finished one is).
        older = StandingRun.objects.filter(standard_id=run.standard_id, finished_at__lt=finished) \
            .exclude(pk=run_id)
        for old in older.values_list("pk", flat=True):
            PersonStanding.objects.filter(run_id=old).delete()
            StandingText.objects.filter(run_id=old).delete()
        older.delete()

    def fail(self, run_id: int, error: str) -> None:
        StandingRun.objects.filter(pk=run_id).update(status=Status.FAILED, error=error[:2000],
                                                     finished_at=timezone.now())


# --- queueing and invalidating -------------------------------------------------------------------------


def queue_refresh(standard: Standard, *, even_if_running: bool = False) -> StandingRun:
    """A queued run for the standard's family: the one already waiting (or running, unless
    ``even_if_running``: an import's data must be in a run that starts after it), if there is one."""
    statuses = [Status.QUEUED] if even_if_running else [Status.QUEUED, Status.RUNNING]
    waiting = StandingRun.objects.filter(standard_id=standard.id, status__in=statuses).first()
    if waiting is not None:
        return waiting
    return StandingRun.objects.create(standard_id=standard.id, job_family=standard.family,
                                      standard_sha256=standard_sha256(standard), status=Status.QUEUED)


def refreshing(families: Collection[str] | None = None) -> list[StandingRun]:
    """The runs waiting or running (for the families given), oldest first: what the pages show as
    progress."""
    runs = StandingRun.objects.filter(status__in=[Status.QUEUED, Status.RUNNING])
    if families is not None:
        runs = runs.filter(job_family__in=list(families))
    return list(runs.order_by("created_at", "id"))


def mark_changed(families: Iterable[str], person_pks: Iterable[int] = ()) -> None:
    """Data of these families changed: their newest runs are outdated, and these people's rows are
    marked changed (their pages compute them alone until the next run)."""
    pks = list(person_pks)
    for start in range(0, len(pks), 5000):
        PersonStanding.objects.filter(person_id__in=pks[start:start + 5000], changed=False) \
            .update(changed=True)
    # (a running run read the data before this change, perhaps: it finishes outdated)
    StandingRun.objects.filter(job_family__in=list(set(families)), status__in=[Status.DONE, Status.RUNNING],
                               stale=False).update(stale=True)


def imported(families: Iterable[str], person_pks: Iterable[int]) -> None:
    """An import wrote these people (of these families): outdated rows go, and one run per family is
    queued for the worker."""
    from qualify.web.people.decisions import standard_for

    families = set(families)
    mark_changed(families, person_pks)
    for family in sorted(families):
        standard = standard_for(family)
        if standard is not None:
            queue_refresh(standard, even_if_running=True)


# --- reading ----------------------------------------------------------------------------------------------


def _newest_done(standard: Standard) -> StandingRun | None:
    return StandingRun.objects.filter(standard_id=standard.id, status=Status.DONE) \
        .order_by("-finished_at", "-id").first()


def refresh_now(standard: Standard) -> StandingRun | None:
    """Compute the family's standings at once (a small family, a test, ``qualify`` commands)."""
    run = StandingRun.objects.create(standard_id=standard.id, job_family=standard.family,
                                     standard_sha256=standard_sha256(standard), status=Status.RUNNING)
    standings.refresh(OrmStandingsStore(), run.pk)
    run.refresh_from_db()
    return run if run.status == Status.DONE else None


def current_run(standard: Standard) -> StandingRun | None:
    """The run whose rows the pages read for the standard's family: the newest finished one. When it
    is missing or outdated (data changed, another version of the standard, a run of an earlier day),
    a small family is refreshed at once; a large one gets a run queued for the worker and is read as
    stored meanwhile (``None``: nothing stored yet)."""
    run = _newest_done(standard)
    if run is not None and not run.stale and run.standard_sha256 == standard_sha256(standard) \
            and run.as_of == timezone.localdate():
        return run
    if Person.objects.filter(job_family=standard.family).count() <= inline_max():
        return refresh_now(standard) or run
    queue_refresh(standard)
    # Meanwhile the stored ranks still hold (a decision is read from the run only when the run is of the
    # date asked and of this very standard: ``decisions.stored_decision``).
    return run


def row_of(run: StandingRun, person_pk: int) -> standings.PersonRow | None:
    found = PersonStanding.objects.filter(run=run, person_id=person_pk).select_related("person").first()
    return None if found is None else person_row(found)


def rows_of(run: StandingRun, person_pks: Collection[int]) -> dict[int, standings.PersonRow]:
    return {s.person_id: person_row(s) for s in
            PersonStanding.objects.filter(run=run, person_id__in=list(person_pks)).select_related("person")}


def person_row(s: PersonStanding) -> standings.PersonRow:
    return standings.PersonRow(
        employee_id=s.person.employee_id, current_level=s.current_level, missing=tuple(s.missing),
        score=s.score, rank=s.rank, highest_eligible_level=s.highest_eligible_level, outcomes=s.outcomes,
        text_ids=list(s.text_ids), changed=s.changed)


def texts_of(run: StandingRun, numbers: Collection[int]) -> dict[int, standings.TextRow]:
    rows = StandingText.objects.filter(run=run, number__in=sorted(numbers)).values_list("number", "data")
    return dict(rows)


def count_above(run: StandingRun, score: float, *, other_than: int) -> int:
    """How many of the run's stored scores are strictly above ``score``, but the person ``other_than``'s."""
    return PersonStanding.objects.filter(run=run, score__gt=score).exclude(person_id=other_than).count()
