"""``/api/people/`` and ``/api/me/``: the people pages' JSON twins, with the same per-object access.

- ``GET /api/people/``: the people you may see (HR, managers, admins), filtered and paginated, with
  current and highest eligible level;
- ``GET /api/people/{employee_id}``: a person and their record, with its earlier states;
- ``GET /api/people/{employee_id}/decision``: the decision at every level (DESIGN.md, "Decisions");
- ``GET /api/people/{employee_id}/gaps``: the gap list to the next level;
- ``GET /api/me``: my qualification (current level, the next level's decision and gaps);
- ``GET /api/me/decision``: my decision (``?level=`` for the checks of one level only).

A person you may not see is a 404, exactly like one who does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from qualify.core.decision import Decision, Stage
from qualify.core.errors import InvalidInput, Problem
from qualify.core.standard import Standard
from qualify.services.assessment import DEFAULT_STAGE
from qualify.web.accounts import access
from qualify.web.pagination import Listing, paginate_api
from qualify.web.people import presenters
from qualify.web.people.decisions import Stored, decide_stored, standard_for, today
from qualify.web.people.models import Person
from qualify.web.people.records import person_record, record_data, snapshots_for
from qualify.web.people.views import filtered_people, list_rows

router = Router(tags=["people"])
me_router = Router(tags=["me"])


class PeopleParams(Schema):
    q: str = Field("", description="part of an employee ID or a name")
    unit: str = Field("", description="an organisation unit's code (with the units below it)")
    unit_only: bool = Field(False, description="only the unit itself, not the units below")
    family: str = Field("", description="a job family code")
    level: int | None = Field(None, ge=0, description="current level")
    eligible: int | None = Field(None, ge=0, description="highest eligible level (from screening runs)")
    as_of: dt.date | None = Field(None, description="the date levels are judged on (default today)")


class DecisionParams(Schema):
    as_of: dt.date | None = None
    stage: Stage = DEFAULT_STAGE  # as ``qualify assess`` and ``qualify explain``


class MyDecisionParams(Schema):
    as_of: dt.date | None = None
    stage: Stage = Stage.certification
    level: int | None = Field(None, ge=1, description="only this level's checks")


class PersonOut(Schema):
    employee_id: str
    name: str
    org_unit: str | None
    job_family: str
    current_level: int
    highest_eligible_level: int | None = Field(description="null when no standard covers the job family")
    highest_from: str = Field(description="'screening:<run id>' (a stored screening result), 'standings:<run "
                                          "id>' (the family's stored standings) or 'computed'")


class SnapshotOut(Schema):
    taken_at: dt.datetime
    import_id: int
    file_name: str
    record: dict[str, Any]


class PersonDetailOut(Schema):
    employee_id: str
    name: str
    org_unit: str | None
    job_family: str
    current_level: int
    standard: str | None
    record: dict[str, Any]
    snapshots: list[SnapshotOut]


class GapOut(Schema):
    level: int
    rule: str
    label: str
    message: str


class StandingOut(Schema):
    source: str = Field(description="'stored' (the family's stored standings) or 'computed' (this person "
                                    "alone, against the stored cohort: their data changed since)")
    as_of: dt.date | None = Field(description="the date of the stored standings (null: none stored yet)")
    computed_at: dt.datetime | None
    sitting: str | None
    score: float | None
    rank: int | None
    cohort: int
    missing: list[str]


class GapsOut(Schema):
    employee_id: str
    standard: str | None = Field(description="null when no standard covers the job family")
    as_of: dt.date
    stage: str
    current_level: int
    next_level: int | None
    gaps: list[GapOut]
    standing: StandingOut | None = Field(None, description="the knowledge standing the decision used")


# --- helpers ------------------------------------------------------------------------------------------


def _standard_or_404(person: Person) -> Standard:
    standard = standard_for(person.job_family)
    if standard is None:
        raise Http404("no standard for this job family")
    return standard


def _decision(person: Person, as_of: dt.date | None, stage: Stage) -> tuple[Standard, Decision, Stored]:
    standard = _standard_or_404(person)
    decision, stored = decide_stored(person, person_record(person), standard, as_of=as_of or today(),
                                     stage=stage)
    return standard, decision, stored


def _standing_out(stored: Stored) -> StandingOut:
    k = stored.knowledge
    return StandingOut(source="computed" if stored.live else "stored", as_of=stored.as_of,
                       computed_at=stored.computed_at, sitting=k.sitting, score=k.score, rank=k.rank,
                       cohort=k.cohort, missing=list(k.missing))


def _gaps(person: Person, standard: Standard, decision: Decision, stored: Stored) -> GapsOut:
    upcoming = decision.current_level + 1
    return GapsOut(
        standing=_standing_out(stored),
        employee_id=person.employee_id, standard=standard.id, as_of=decision.as_of,
        stage=decision.stage.value,
        current_level=decision.current_level, next_level=upcoming if standard.level(upcoming) else None,
        gaps=[GapOut(level=g.level, rule=g.rule, label=presenters.rule_label(standard, g.rule),
                     message=g.message(presenters.lang())) for g in decision.gaps],
    )


# --- /api/people/ -----------------------------------------------------------------------------------------


@router.get("/", response=list[PersonOut], summary="The people you may see, filtered, with their levels")
@paginate_api
def people(request: HttpRequest, params: Query[PeopleParams]) -> Listing:
    if not access.can_list_people(request.user):
        raise Http404
    form, selected, as_of, _ = filtered_people(request)
    if form.is_bound and not form.is_valid():
        raise InvalidInput([Problem(code="invalid-filter", column=field, message_en=str(errors[0]),
                                    message_zh=str(errors[0])) for field, errors in form.errors.items()],
                           source="people filter")

    def render(page: list[Person]) -> list[PersonOut]:
        return [PersonOut(
            employee_id=row["person"].employee_id, name=row["person"].name,
            org_unit=row["person"].org_unit.code if row["person"].org_unit_id else None,
            job_family=row["person"].job_family, current_level=row["person"].current_level,
            highest_eligible_level=row["highest"],
            highest_from=f"screening:{row['source']['run']}" if row["source"].get("run") else
            f"standings:{row['source']['standings']}" if row["source"].get("standings") else "computed",
        ) for row in list_rows(page, as_of, request.LANGUAGE_CODE)]

    return Listing(selected, render)


@router.get("/{employee_id}", response=PersonDetailOut, summary="A person and their record")
def person(request: HttpRequest, employee_id: str) -> PersonDetailOut:
    found = access.get_person_or_404(request.user, employee_id)
    standard = standard_for(found.job_family)
    return PersonDetailOut(
        employee_id=found.employee_id, name=found.name,
        org_unit=found.org_unit.code if found.org_unit is not None else None, job_family=found.job_family,
        current_level=found.current_level, standard=standard.id if standard else None,
        record=record_data(person_record(found)),
        snapshots=[SnapshotOut(taken_at=s.taken_at, import_id=s.batch_id, file_name=s.batch.file_name,
                               record=s.data) for s in snapshots_for(found)],
    )


@router.get("/{employee_id}/decision", summary="The decision at every level, check by check")
def person_decision(request: HttpRequest, employee_id: str, params: Query[DecisionParams]) -> dict[str, Any]:
    found = access.get_person_or_404(request.user, employee_id)
    _, decision, _ = _decision(found, params.as_of, params.stage)
    return decision.as_json(presenters.lang())


@router.get("/{employee_id}/gaps", response=GapsOut, summary="The gap list to the next level")
def person_gaps(request: HttpRequest, employee_id: str, params: Query[DecisionParams]) -> GapsOut:
    found = access.get_person_or_404(request.user, employee_id)
    standard, decision, stored = _decision(found, params.as_of, params.stage)
    return _gaps(found, standard, decision, stored)


# --- /api/me/ -----------------------------------------------------------------------------------------------


def _me(request: HttpRequest) -> Person:
    found = access.own_person(request.user)
    if found is None:
        raise Http404("no employee record is linked to this account")
    return found


@me_router.get("/", response=GapsOut, summary="My current level and my gap list to the next level")
def me(request: HttpRequest, params: Query[MyDecisionParams]) -> GapsOut:
    found = _me(request)
    if standard_for(found.job_family) is None:  # nothing to judge me by: no gaps either
        return GapsOut(employee_id=found.employee_id, standard=None, as_of=params.as_of or today(),
                       stage=params.stage.value, current_level=found.current_level, next_level=None, gaps=[],
                       standing=None)
    standard, decision, stored = _decision(found, params.as_of, params.stage)
    return _gaps(found, standard, decision, stored)


@me_router.get("/decision", summary="My decision at every level (or one level with ?level=)")
def my_decision(request: HttpRequest, params: Query[MyDecisionParams]) -> dict[str, Any]:
    found = _me(request)
    standard, decision, _ = _decision(found, params.as_of, params.stage)
    body = decision.as_json(presenters.lang())
    if params.level is not None:
        if standard.level(params.level) is None:
            raise Http404("no such level")
        body["levels"] = [lv for lv in body["levels"] if lv["level"] == params.level]
    return body
