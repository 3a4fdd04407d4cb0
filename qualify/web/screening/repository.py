"""Reading stored screening results: which run's result stands for a person on a date.

A stored result stands for a person as of a date when it comes from a finished run of the
``screening`` stage with that as-of date that finished after the last applied HR import (an import
may have changed the record the run judged). Of several, the latest run wins.

The queries stay cheap on a large organisation: the runs are few, so they are read first and the
results are selected by run id and person (both indexed), never by a correlated subquery.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Max, Q, QuerySet

from qualify.web.people.models import ImportBatch, Person
from qualify.web.screening.models import ScreeningResult, ScreeningRun


def last_import_at() -> dt.datetime | None:
    at: dt.datetime | None = ImportBatch.objects.filter(status=ImportBatch.Status.APPLIED).aggregate(
        at=Max("applied_at"))["at"]
    return at


def fresh_runs(as_of: dt.date | None = None,
               stage: str = ScreeningRun.Stage.SCREENING) -> QuerySet[ScreeningRun]:
    """Finished runs whose results still describe the data (no import applied since), newest first."""
    runs = ScreeningRun.objects.filter(status=ScreeningRun.Status.DONE, stage=stage)
    if as_of is not None:
        runs = runs.filter(as_of=as_of)
    since = last_import_at()
    if since is not None:
        runs = runs.filter(finished_at__gte=since)
    return runs.order_by("-finished_at", "-id")


def _run_ids(as_of: dt.date) -> list[int]:
    return list(fresh_runs(as_of).values_list("pk", flat=True))


def standing_results(person_pks: Iterable[int], as_of: dt.date) -> dict[int, ScreeningResult]:
    """The stored result that stands for each person (by primary key), where there is one."""
    pks = list(person_pks)
    runs = _run_ids(as_of) if pks else []
    if not runs:
        return {}
    rank = {run: position for position, run in enumerate(runs)}  # 0 = newest
    found: dict[int, ScreeningResult] = {}
    for row in ScreeningResult.objects.filter(person_id__in=pks, run_id__in=runs).select_related("run"):
        if row.person_id is None:
            continue
        seen = found.get(row.person_id)
        if seen is None or rank[row.run_id] < rank[seen.run_id]:
            found[row.person_id] = row
    return found


def with_highest_level(people: QuerySet[Person], as_of: dt.date, level: int,
                       most_runs: int = 20) -> QuerySet[Person]:
    """``people`` whose standing result as of ``as_of`` has this highest eligible level: for each run
    (newest first), its results at that level of the people no newer run holds."""
    runs = _run_ids(as_of)[:most_runs]
    condition = Q(pk__in=[])
    for k, run in enumerate(runs):
        picked = ScreeningResult.objects.filter(run_id=run, highest_eligible_level=level,
                                                person__isnull=False)
        if k:
            newer = ScreeningResult.objects.filter(run_id__in=runs[:k], person__isnull=False)
            picked = picked.exclude(person_id__in=newer.values("person_id"))
        condition |= Q(pk__in=picked.values("person_id"))
    return people.filter(condition)


def unscreened_count(people: QuerySet[Person], as_of: dt.date) -> int:
    """How many of ``people`` have no standing result as of ``as_of``."""
    runs = _run_ids(as_of)
    if not runs:
        return people.count()
    screened = ScreeningResult.objects.filter(run_id__in=runs, person__isnull=False).values("person_id")
    return people.exclude(pk__in=screened).count()


def latest_screening_date(people: QuerySet[Person], limit: int = 20) -> dt.date | None:
    """The as-of date of the newest fresh run that holds a result for one of ``people``."""
    for run_id, as_of in fresh_runs().values_list("pk", "as_of")[:limit]:
        if ScreeningResult.objects.filter(run_id=run_id, person__in=people).exists():
            return as_of
    return None


def screening_dates(people: QuerySet[Any], limit: int = 5) -> list[dt.date]:
    """The as-of dates of fresh screening runs that hold results for some of ``people``, latest first."""
    dates: list[dt.date] = []
    for run_id, as_of in fresh_runs().values_list("pk", "as_of")[:50]:
        if as_of not in dates and ScreeningResult.objects.filter(run_id=run_id, person__in=people).exists():
            dates.append(as_of)
            if len(dates) >= limit:
                break
    return dates

