"""``/api/screening/``: the screening page's JSON twin (HR and admins; anyone else gets 404).

- ``GET /api/screening/`` the runs you may see, newest first; ``POST`` queues a run for the worker;
- ``GET /api/screening/{run_id}`` one run with its status, progress and counts;
- ``GET /api/screening/{run_id}/results`` its results, one per person (``?highest=`` filters).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from qualify.core.errors import InvalidInput, Problem
from qualify.web.accounts import access
from qualify.web.pagination import Listing, paginate_api
from qualify.web.screening import runs as run_service
from qualify.web.screening.forms import units_for
from qualify.web.screening.models import ScreeningResult, ScreeningRun

router = Router(tags=["screening"])


class RunIn(Schema):
    standard: str = Field(description="the standard's id, e.g. service-marketing@2.0")
    org_unit: str | None = Field(None, description="a unit's code; none: everyone you may see")
    include_subtree: bool = True
    as_of: dt.date
    stage: str = Field("screening", description="screening or certification")


class RunOut(Schema):
    id: int
    standard: str
    org_unit: str | None
    include_subtree: bool
    as_of: dt.date
    stage: str
    status: str
    progress: int
    people: int
    counts: dict[str, Any]
    error: str
    created_by: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    result_xlsx: str | None


class ResultOut(Schema):
    employee_id: str
    name: str
    org_unit: str
    current_level: int
    highest_eligible_level: int
    levels: dict[str, str]


class ResultParams(Schema):
    highest: int | None = Field(None, ge=0, description="only people with this highest eligible level")


def run_out(run: ScreeningRun) -> RunOut:
    done = run.status == ScreeningRun.Status.DONE
    return RunOut(
        id=run.pk, standard=run.standard_id, org_unit=run.org_unit.code if run.org_unit else None,
        include_subtree=run.include_subtree, as_of=run.as_of, stage=run.stage, status=run.status,
        progress=run.progress, people=run.people_count, counts=run.counts, error=run.error,
        created_by=run.created_by.get_username() if run.created_by else None, created_at=run.created_at,
        started_at=run.started_at, finished_at=run.finished_at,
        result_xlsx=f"/screening/{run.pk}/result.xlsx" if done else None,
    )


def result_out(result: ScreeningResult) -> ResultOut:
    return ResultOut(employee_id=result.employee_id, name=result.name, org_unit=result.org_unit,
                     current_level=result.current_level, highest_eligible_level=result.highest_eligible_level,
                     levels=result.levels)


def _screeners_only(request: HttpRequest) -> None:
    if not access.can_screen(request.user):
        raise Http404


@router.get("/", response=list[RunOut], summary="Screening runs you may see, newest first")
@paginate_api
def screening_runs(request: HttpRequest) -> Listing:
    _screeners_only(request)
    runs = run_service.runs_visible_to(request.user).select_related("org_unit", "created_by")
    return Listing(runs, lambda page: [run_out(run) for run in page])


@router.post("/", response={201: RunOut}, summary="Queue a screening run (the worker executes it)")
def queue_screening(request: HttpRequest, payload: RunIn) -> Status[RunOut]:
    _screeners_only(request)
    unit = None
    if payload.org_unit:
        unit = units_for(request.user).filter(code=payload.org_unit).first()
        if unit is None:
            raise InvalidInput([Problem(code="unknown-unit", column="org_unit",
                                        message_en=f"no organisation unit {payload.org_unit!r} in your scope",
                                        message_zh=f"您的范围内没有组织 {payload.org_unit!r}")],
                               source="screening request")
    run = run_service.queue_run(request.user, standard_id=payload.standard, org_unit=unit,
                                include_subtree=payload.include_subtree, as_of=payload.as_of,
                                stage=payload.stage, language=request.LANGUAGE_CODE)
    return Status(201, run_out(run))


@router.get("/{run_id}", response=RunOut, summary="One run: status, progress, counts per level")
def screening_run(request: HttpRequest, run_id: int) -> RunOut:
    _screeners_only(request)
    return run_out(run_service.get_run_or_404(request.user, run_id))


@router.get("/{run_id}/results", response=list[ResultOut],
            summary="A finished run's results, one per person")
@paginate_api
def screening_results(request: HttpRequest, run_id: int, params: Query[ResultParams]) -> Listing:
    _screeners_only(request)
    run = run_service.get_run_or_404(request.user, run_id)
    results = run_service.results_for(request.user, run).order_by("employee_id")
    if params.highest is not None:
        results = results.filter(highest_eligible_level=params.highest)
    return Listing(results, lambda page: [result_out(result) for result in page])

