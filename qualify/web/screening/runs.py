"""Screening runs for the pages and the API: queue one (``qualify.services.screening``), find the ones a
user may see, their results.

A run is visible to HR who administer the standard's job family (and to admins); anyone else gets a
404. Its results are narrowed to the people the viewer may see.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from qualify.core.errors import ErrorCode, InvalidInput, QualifyError
from qualify.services import screening
from qualify.web.accounts import access
from qualify.web.people.models import OrgUnit
from qualify.web.screening import heartbeat
from qualify.web.screening.models import ScreeningResult, ScreeningRun
from qualify.web.screening.store import OrmScreeningStore


def runs_visible_to(user: Any) -> QuerySet[ScreeningRun]:
    """The runs of the job families ``user`` administers now (a standard's id is ``FAMILY@VERSION``).
    Whoever queued a run loses it with the family: its workbook lists that family's people."""
    if not access.can_screen(user):
        return ScreeningRun.objects.none()
    heartbeat.fail_dead_runs()  # a run whose worker died is shown failed, not running forever
    families = access.hr_families(user)
    if families is None:
        return ScreeningRun.objects.all()
    scope = Q(pk__in=[])
    for family in families:
        scope |= Q(standard_id__startswith=f"{family}@")
    return ScreeningRun.objects.filter(scope)


def get_run_or_404(user: Any, run_id: int) -> ScreeningRun:
    heartbeat.fail_dead_runs()  # a run whose worker died is shown failed, not running forever
    try:
        return runs_visible_to(user).select_related("org_unit", "created_by").get(pk=run_id)
    except ScreeningRun.DoesNotExist:
        raise Http404("no such screening run") from None


STATUS_ZH = {"queued": "排队中", "running": "进行中", "failed": "已失败", "done": "已完成"}


def not_finished(run: ScreeningRun) -> QualifyError:
    """The refusal to serve a run's results (rows or workbook) before a worker finished it: 409."""
    return QualifyError(
        ErrorCode.RUN_NOT_FINISHED,
        f"Screening run #{run.pk} is {run.status}: its results are served once it is done.",
        f"资格审查 #{run.pk} {STATUS_ZH.get(run.status, run.status)}：完成后才提供结果。",
        fields={"status": run.status, "progress": run.progress})


def results_for(user: Any, run: ScreeningRun) -> QuerySet[ScreeningResult]:
    """The run's results the user may see; a run not finished has none to serve (409 ``run-not-finished``)."""
    if run.status != ScreeningRun.Status.DONE:
        raise not_finished(run)
    return run.results.filter(person__in=access.people_visible_to(user))


def queue_run(user: Any, *, standard_id: str, org_unit: OrgUnit | None, include_subtree: bool,
              as_of: dt.date, stage: str, language: str = "zh-hans") -> ScreeningRun:
    """Queue a run for the worker (``qualify.services.screening.queue``); ``InvalidInput`` when the user
    may not screen with that standard or the stage is unknown. ``org_unit`` is already checked to be
    in the user's scope (a unit outside it is reported as unknown by the form or the API)."""
    request = screening.RunRequest(standard_id=standard_id, as_of=as_of, stage=stage, org_unit=org_unit,
                                   include_subtree=include_subtree, language=language)
    try:
        run_id = screening.queue(OrmScreeningStore(), user, request)
    except InvalidInput as error:
        raise InvalidInput(error.problems, source=_("screening request")) from None
    return ScreeningRun.objects.get(pk=run_id)
