"""Reading stored screening results: which run's result stands for a person on a date.

A stored result stands for a person as of a date when it comes from a finished run of the
``screening`` stage with that as-of date that finished after the last applied HR import (an import
may have changed the record the run judged). Of several, the latest run wins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery

from qualify.web.people.models import ImportBatch
from qualify.web.screening.models import ScreeningResult, ScreeningRun


def last_import_at() -> dt.datetime | None:
    return ImportBatch.objects.filter(status=ImportBatch.Status.APPLIED).aggregate(
        at=Max("applied_at"))["at"]


def fresh_runs(as_of: dt.date | None = None,
               stage: str = ScreeningRun.Stage.SCREENING) -> QuerySet[ScreeningRun]:
    """Finished runs whose results still describe the data (no import applied since)."""
    runs = ScreeningRun.objects.filter(status=ScreeningRun.Status.DONE, stage=stage)
    if as_of is not None:
        runs = runs.filter(as_of=as_of)
    since = last_import_at()
    if since is not None:
        runs = runs.filter(finished_at__gte=since)
    return runs


def standing_results(person_pks: Iterable[int], as_of: dt.date) -> dict[int, ScreeningResult]:
    """The stored result that stands for each person (by primary key), where there is one."""
    pks = list(person_pks)
    if not pks:
        return {}
    runs = fresh_runs(as_of)
    rows = (ScreeningResult.objects.filter(person_id__in=pks, run__in=runs)
            .select_related("run").order_by("person_id", "-run__finished_at", "-run_id"))
    found: dict[int, ScreeningResult] = {}
    for row in rows:
        if row.person_id is not None:
            found.setdefault(row.person_id, row)
    return found


def highest_level_subquery(as_of: dt.date) -> Subquery:
    """For ``Person.objects.annotate(screened=...)``: the standing highest eligible level, or NULL."""
    latest = (ScreeningResult.objects.filter(person=OuterRef("pk"), run__in=fresh_runs(as_of))
              .order_by("-run__finished_at", "-run_id").values("highest_eligible_level")[:1])
    return Subquery(latest)


def screening_dates(people: QuerySet[Any], limit: int = 5) -> list[dt.date]:
    """The as-of dates of fresh screening runs that hold results for some of ``people``, latest first."""
    return list(fresh_runs().filter(results__person__in=people).values_list("as_of", flat=True)
                .distinct().order_by("-as_of")[:limit])


def results_visible_to(run: ScreeningRun, people: QuerySet[Any]) -> QuerySet[ScreeningResult]:
    """The run's results of the people a viewer may see (a run's people may have moved out of scope)."""
    return run.results.filter(Q(person__in=people))

