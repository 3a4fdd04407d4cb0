"""Screening runs on the ORM: what ``qualify.services.screening`` reads and writes through.

Claiming: on PostgreSQL with ``SELECT … FOR UPDATE SKIP LOCKED``; on SQLite (one file, one writer at a
time) by an atomic conditional update (``status = queued`` → ``running``) that only one worker can win.
A run ends (``finish``) only while it is running: a run marked failed because its worker stopped
giving signs of life stays failed even if that worker comes back and finishes.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import OperationalError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from qualify.core.decision import Stage
from qualify.core.records import Employee, ExamRecord, PersonRecord
from qualify.core.standard import Standard
from qualify.formats.hrdata import HRFrames
from qualify.services.screening import DONE, RUNNING, Finished, ResultRow, RunRequest, RunView
from qualify.web.accounts.access import people_visible_to
from qualify.web.accounts.audit import record
from qualify.web.people.decisions import family_exams
from qualify.web.people.models import Person
from qualify.web.people.records import organisation_for
from qualify.web.screening.frames import screening_frames
from qualify.web.screening.models import ScreeningResult, ScreeningRun, result_path

CLAIM_ATTEMPTS = 5
Status = ScreeningRun.Status


def run_view(run: ScreeningRun) -> RunView:
    return RunView(id=run.pk, standard_id=run.standard_id, as_of=run.as_of, stage=run.stage,
                   language=run.language, status=run.status)


def run_people(run: ScreeningRun, standard: Standard) -> QuerySet[Person]:
    """Whom the run screens: what its creator may see, of the standard's family, in its unit."""
    people = people_visible_to(run.created_by) if run.created_by is not None else Person.objects.none()
    people = people.filter(job_family=standard.family)
    if run.org_unit is not None:
        people = people.filter(org_unit__path__startswith=run.org_unit.path) if run.include_subtree else \
            people.filter(org_unit=run.org_unit)
    return people.order_by("employee_id")


class OrmScreeningStore:
    def atomic(self) -> AbstractContextManager[Any]:
        return transaction.atomic()

    def now(self) -> dt.datetime:
        return timezone.now()

    def audit(self, actor: Any, action: str, obj_type: str, obj_id: object, before: Any, after: Any) -> None:
        record(actor, action, obj_type, obj_id, before, after)

    # --- queueing --------------------------------------------------------------------------------------

    def standards_for(self, user: Any) -> set[str]:
        from qualify.web.screening.forms import standards_for

        return {s.id for s in standards_for(user)}

    def add_run(self, user: Any, request: RunRequest) -> int:
        run = ScreeningRun.objects.create(
            created_by=user, standard_id=request.standard_id, org_unit=request.org_unit,
            include_subtree=request.include_subtree, as_of=request.as_of, stage=request.stage,
            language=request.language)
        return int(run.pk)

    # --- claiming --------------------------------------------------------------------------------------

    def claim_next(self, now: dt.datetime) -> int | None:
        queued = ScreeningRun.objects.filter(status=Status.QUEUED).order_by("created_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            with transaction.atomic():
                run = queued.select_for_update(skip_locked=True).first()
                if run is None:
                    return None
                run.status, run.started_at, run.heartbeat, run.progress = Status.RUNNING, now, now, 0
                run.save(update_fields=["status", "started_at", "heartbeat", "progress"])
                return int(run.pk)
        # SQLite: an atomic compare-and-set per candidate. Another process writing at the same moment
        # makes SQLite answer "database is locked"; that is a lost race, not an error: try again shortly.
        for attempt in range(CLAIM_ATTEMPTS):
            try:
                for pk in list(queued.values_list("pk", flat=True)[:10]):
                    won = ScreeningRun.objects.filter(pk=pk, status=Status.QUEUED).update(
                        status=Status.RUNNING, started_at=now, heartbeat=now, progress=0)
                    if won == 1:
                        return int(pk)
                return None
            except OperationalError:
                if attempt == CLAIM_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        return None

    def stale_runs(self, before: dt.datetime) -> list[int]:
        return list(ScreeningRun.objects.filter(status=Status.RUNNING, heartbeat__lt=before)
                    .values_list("pk", flat=True))

    # --- executing -------------------------------------------------------------------------------------

    def _run(self, run_id: int) -> ScreeningRun:
        return ScreeningRun.objects.select_related("created_by", "org_unit").get(pk=run_id)

    def run(self, run_id: int) -> RunView:
        return run_view(self._run(run_id))

    def clear_results(self, run_id: int) -> None:
        ScreeningResult.objects.filter(run_id=run_id).delete()

    def screened(self, run_id: int, standard: Standard) -> list[Employee]:
        people = run_people(self._run(run_id), standard)
        return [Employee(employee_id=i, name=name, org_unit=unit or "", job_family=family,
                         current_level=level, hire_date=hired, family_start_date=started)
                for i, name, unit, family, level, hired, started in people.values_list(
                    "employee_id", "name", "org_unit__code", "job_family", "current_level", "hire_date",
                    "family_start_date")]

    def records(self, employee_ids: Sequence[str]) -> list[PersonRecord]:
        organisation = organisation_for(Person.objects.filter(employee_id__in=list(employee_ids)))
        found = (organisation.person(e.employee_id) for e in organisation.employees)
        return [r for r in found if r is not None]

    def family_exams(self, standard: Standard) -> list[ExamRecord]:
        return family_exams(standard)

    def frames(self, run_id: int, standard: Standard, stage: Stage) -> HRFrames:
        return screening_frames(standard, run_people(self._run(run_id), standard), stage)

    def progress(self, run_id: int, progress: int, *, people: int | None = None) -> None:
        fields: dict[str, Any] = {"progress": progress, "heartbeat": timezone.now()}
        if people is not None:
            fields["people_count"] = people
        ScreeningRun.objects.filter(pk=run_id).update(**fields)

    def save_results(self, run_id: int, rows: Sequence[ResultRow]) -> None:
        pk_of = dict(Person.objects.filter(employee_id__in=[r.employee_id for r in rows])
                     .values_list("employee_id", "pk"))
        ScreeningResult.objects.bulk_create([ScreeningResult(
            run_id=run_id, person_id=pk_of.get(r.employee_id), employee_id=r.employee_id, name=r.name,
            org_unit=r.org_unit, current_level=r.current_level,
            highest_eligible_level=r.highest_eligible_level, levels=r.levels) for r in rows], batch_size=500)

    def finish(self, run_id: int, finished: Finished) -> RunView:
        now = timezone.now()
        fields: dict[str, Any] = {
            "status": finished.status, "counts": finished.counts, "error": finished.error,
            "finished_at": now, "heartbeat": now,
            "people_count": ScreeningResult.objects.filter(run_id=run_id).count(),
        }
        stored = ""
        if finished.status == DONE:
            if finished.content is not None:
                # The workbook into the file storage; the row keeps its name only.
                stored = default_storage.save(result_path(ScreeningRun(), finished.file_name),
                                              ContentFile(finished.content))
            fields.update(progress=100, result=stored, result_file=finished.file_name)
        ended = ScreeningRun.objects.filter(pk=run_id, status=RUNNING).update(**fields)
        if not ended and stored:  # marked failed meanwhile: its workbook is not kept
            default_storage.delete(stored)
        return self.run(run_id)
