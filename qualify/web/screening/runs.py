"""Screening runs for the pages and the API: queue one, find the ones a user may see, their results.

A run is visible to HR who administer the standard's job family (and to admins); anyone else gets a
404. Its results are narrowed to the people the viewer may see.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from qualify.core.errors import InvalidInput, Problem
from qualify.web.accounts import access
from qualify.web.accounts.audit import record
from qualify.web.people.models import OrgUnit
from qualify.web.screening.forms import standards_for
from qualify.web.screening.models import ScreeningResult, ScreeningRun


def runs_visible_to(user: Any) -> QuerySet[ScreeningRun]:
    """The runs of the job families ``user`` administers now (a standard's id is ``FAMILY@VERSION``).
    Whoever queued a run loses it with the family: its workbook lists that family's people."""
    if not access.can_screen(user):
        return ScreeningRun.objects.none()
    families = access.hr_families(user)
    if families is None:
        return ScreeningRun.objects.all()
    scope = Q(pk__in=[])
    for family in families:
        scope |= Q(standard_id__startswith=f"{family}@")
    return ScreeningRun.objects.filter(scope)


def get_run_or_404(user: Any, run_id: int) -> ScreeningRun:
    try:
        return runs_visible_to(user).select_related("org_unit", "created_by").get(pk=run_id)
    except ScreeningRun.DoesNotExist:
        raise Http404("no such screening run") from None


def results_for(user: Any, run: ScreeningRun) -> QuerySet[ScreeningResult]:
    return run.results.filter(person__in=access.people_visible_to(user))


def queue_run(user: Any, *, standard_id: str, org_unit: OrgUnit | None, include_subtree: bool,
              as_of: dt.date, stage: str, language: str = "zh-hans") -> ScreeningRun:
    """Queue a run for the worker; ``InvalidInput`` when the user may not screen with that standard or
    that unit (a unit outside their scope is reported as unknown)."""
    problems = []
    if standard_id not in {s.id for s in standards_for(user)}:
        problems.append(Problem(code="unknown-standard",
                                message_en=f"no standard {standard_id!r} to screen with",
                                message_zh=f"没有可用于审查的标准 {standard_id!r}", column="standard"))
    if stage not in ScreeningRun.Stage.values:
        problems.append(Problem(code="unknown-stage",
                                message_en=f"stage must be one of {ScreeningRun.Stage.values}",
                                message_zh=f"阶段必须是 {ScreeningRun.Stage.values} 之一", column="stage"))
    if problems:
        raise InvalidInput(problems, source=_("screening request"))
    run = ScreeningRun.objects.create(created_by=user, standard_id=standard_id, org_unit=org_unit,
                                      include_subtree=include_subtree, as_of=as_of, stage=stage,
                                      language="en" if language.startswith("en") else "zh-hans")
    record(user, "screening.queue", "ScreeningRun", run.pk, None, {
        "standard": standard_id, "org_unit": org_unit.code if org_unit else None,
        "include_subtree": include_subtree, "as_of": as_of.isoformat(), "stage": stage,
    })
    return run
