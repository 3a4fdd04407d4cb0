"""``/api/cycles/…``: the certification cycle's JSON twin, with the same services and permissions as the
pages. Refusals use the API's one error shape: 404 what you may not see, 403 a step your role may not
take, 409 a step the state does not allow or an edit conflict, 422 invalid input."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from qualify.core.cycle import PanelChoice
from qualify.core.errors import ErrorCode, QualifyError
from qualify.services import certification as svc
from qualify.services.standards import shipped_standard
from qualify.web.accounts.errors import error_response, response_for
from qualify.web.certification.common import actor, repo
from qualify.web.pagination import Listing, paginate_api

router = Router(tags=["cycles"])


def refusals(view: Callable[..., Any]) -> Callable[..., Any]:
    """A service's refusal as the API's error shape with the status that fits it."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except QualifyError as error:
            return response_for(request, error)

    return wrapper


# --- schemas -------------------------------------------------------------------------------------------


class CycleIn(Schema):
    name: str
    standard_id: str
    opens_on: dt.date
    closes_on: dt.date
    as_of: dt.date
    levels: list[int]
    notice_days: int = 7
    manager_opinion: str = "off"
    """Whether applicants' managers give an opinion (主管意见): ``required`` (before the panel),
    ``optional`` or ``off``."""


class CycleOut(Schema):
    id: int
    name: str
    family: str
    standard_id: str
    standard_sha256: str
    state: str
    opens_on: dt.date
    closes_on: dt.date
    as_of: dt.date
    levels: list[int]
    notice_days: int
    manager_opinion: str = "off"
    finished: dict[str, int] | None = None
    """After the step ``finish``: how many were ``certified`` and ``closed``, and how many wait
    (``in_notice`` until ``notice_ends_at``; ``to_publish``: changed on appeal, to publish again)."""
    notice_ends_at: dt.datetime | None = None


class ProgressOut(Schema):
    per_state: dict[str, int]
    workload: dict[str, dict[str, int]]
    spreads: dict[int, dict[str, int]]
    results: dict[int, dict[str, int]]


class CycleDetailOut(CycleOut):
    progress: ProgressOut | None = None


class ApplicationIn(Schema):
    employee_id: str | None = None
    target_level: int | None = None
    reason: str = ""


class ApplicationOut(Schema):
    id: int
    cycle_id: int
    employee_id: str
    person_name: str
    current_level: int
    target_level: int
    state: str
    jump_reason: str
    nominated_by: str
    submitted_at: dt.datetime | None
    published_at: dt.datetime | None
    notice_ends_at: dt.datetime | None
    version: int
    allowed: list[str] = []
    manager_opinion: str | None = None
    """The applicant's manager's opinion, for the panel, HR and the manager (``null`` for the
    applicant, and when the cycle asks for none); ``""`` while not given."""
    manager_opinion_by: str | None = None


class OpinionIn(Schema):
    opinion: str


class EvidenceIn(Schema):
    activity: str
    date: dt.date
    role: str = ""
    audience: str = ""
    scope: str = ""
    project_kind: str = ""
    outcome: str = ""
    deliverables: list[str] = []
    note: str = ""
    elements: list[str] = []
    measures: list[str] = []


class EvidenceOut(EvidenceIn):
    id: int


class SelfAssessmentIn(Schema):
    element: str
    rating: str
    comment: str = ""


class PanelIn(Schema):
    name: str
    lead_user_id: int
    member_user_ids: list[int]
    kind: str = "review"


class PanelOut(Schema):
    id: int
    cycle_id: int
    name: str
    kind: str
    lead_user_id: int
    member_user_ids: list[int]


class AssignIn(Schema):
    panel_id: int


class AssignmentOut(Schema):
    id: int
    application_id: int
    username: str
    is_lead: bool
    kind: str
    state: str


class RatingIn(Schema):
    rating: str
    comment: str = ""
    version: int | None = None


class ScoreOut(Schema):
    element: str
    rating: str
    comment: str
    version: int


class ScoreSheetOut(Schema):
    elements: list[str]
    mine: AssignmentOut | None
    my_scores: dict[str, ScoreOut]
    others: dict[str, dict[str, str]]
    spreads: dict[str, int]
    pending: list[str]
    hidden: bool


class ChoiceIn(Schema):
    rating: str
    comment: str = ""


CONSOLIDATION = TypeAdapter(dict[str, ChoiceIn])


class DecisionOut(Schema):
    id: int
    application_id: int
    kind: str
    passed: bool
    level: int
    outcome: str
    reason: str
    decided_by: str
    decided_at: dt.datetime
    supersedes_id: int | None
    trace: dict[str, Any]


class OverrideIn(Schema):
    passed: bool
    reason: str


class AppealIn(Schema):
    reason: str


class AppealOut(Schema):
    id: int
    application_id: int
    reason: str
    filed_at: dt.datetime
    outcome: str
    decision_reason: str


class AppealDecisionIn(Schema):
    upheld: bool
    passed: bool | None = None
    reason: str


class CertificateOut(Schema):
    id: int
    number: str
    employee_id: str
    person_name: str
    level: int
    standard_id: str
    valid_from: dt.date
    valid_until: dt.date
    application_id: int | None


def _app_out(request: HttpRequest, app: svc.ApplicationView) -> dict[str, Any]:
    r, me = repo(), actor(request)
    data = {f: getattr(app, f) for f in ApplicationOut.model_fields if f != "allowed"}
    data["state"] = app.state.value
    data["allowed"] = [a.value for a in svc.allowed(r, me, app)]
    cycle = r.cycle(app.cycle_id)
    panel_side = {svc.Role.hr, svc.Role.admin, svc.Role.assessor, svc.Role.lead, svc.Role.manager}
    if not (svc.opinion_wanted(cycle) and svc.roles_for_application(r, me, app, cycle) & panel_side):
        data["manager_opinion"] = data["manager_opinion_by"] = None
    return data


def _decision_out(d: svc.DecisionView) -> dict[str, Any]:
    return {f: getattr(d, f) for f in DecisionOut.model_fields if f != "trace"} | {"trace": dict(d.trace)}


def _assignment_out(a: svc.AssignmentView) -> dict[str, Any]:
    return {
        "id": a.id,
        "application_id": a.application_id,
        "username": a.username,
        "is_lead": a.is_lead,
        "kind": a.kind,
        "state": a.state.value,
    }


# --- cycles --------------------------------------------------------------------------------------------


@router.get("/", response=list[CycleOut], summary="Certification cycles (drafts only for HR)")
@paginate_api
def list_cycles(request: HttpRequest) -> list[svc.CycleView]:
    me = actor(request)
    found = []
    for cycle in repo().cycles():
        hr = bool(svc.roles_for_cycle(me, cycle) & {svc.Role.hr, svc.Role.admin})
        if hr or cycle.state.value not in {"draft", "cancelled"}:
            found.append(cycle)
    return found


@router.post("/", response={201: CycleOut}, summary="Create a cycle (draft) on a frozen copy of a standard")
@refusals
def create_cycle(request: HttpRequest, body: CycleIn) -> Any:
    shipped_standard(body.standard_id)  # an id from a caller is never read as a path on the server
    made = svc.create_cycle(
        repo(),
        actor(request),
        svc.NewCycle(
            name=body.name,
            standard_id=body.standard_id,
            opens_on=body.opens_on,
            closes_on=body.closes_on,
            as_of=body.as_of,
            levels=tuple(body.levels),
            notice_days=body.notice_days,
            manager_opinion=body.manager_opinion,
        ),
    )
    return Status(201, made)


@router.get("/{int:cycle_id}", response=CycleDetailOut, summary="A cycle; HR also gets its progress")
@refusals
def get_cycle(request: HttpRequest, cycle_id: int) -> Any:
    r, me = repo(), actor(request)
    cycle = svc.visible_cycle(r, me, cycle_id)
    data: dict[str, Any] = {f: getattr(cycle, f) for f in CycleOut.model_fields if hasattr(cycle, f)}
    if svc.roles_for_cycle(me, cycle) & {svc.Role.hr, svc.Role.admin}:
        p = svc.progress(r, me, cycle_id)
        data["progress"] = {
            "per_state": p.per_state,
            "workload": p.workload,
            "spreads": p.spreads,
            "results": p.results,
        }
    return data


CYCLE_STEPS: dict[str, Callable[..., Any]] = {
    "open": svc.open_cycle,
    "close_applications": svc.close_applications,
    "close": svc.close_cycle,
    "cancel": svc.cancel_cycle,
}


@router.post(
    "/{int:cycle_id}/steps/{step}",
    response=CycleOut,
    summary="A step of the cycle: open, screen, close_applications, publish, finish, close, cancel",
)
@refusals
def cycle_step(request: HttpRequest, cycle_id: int, step: str) -> Any:
    r, me = repo(), actor(request)
    svc.visible_cycle(r, me, cycle_id)
    if step == "screen":
        svc.screen_cycle(r, me, cycle_id)
    elif step == "publish":
        svc.publish(r, me, cycle_id)
    elif step == "finish":
        counts = svc.finish(r, me, cycle_id)
        cycle = r.cycle(cycle_id)
        return {f: getattr(cycle, f) for f in CycleOut.model_fields if hasattr(cycle, f)} | {
            "finished": counts,
            "notice_ends_at": svc.notice_ends(r, cycle_id),
        }
    elif step in CYCLE_STEPS:
        CYCLE_STEPS[step](r, me, cycle_id)
    else:
        return error_response(request, ErrorCode.NOT_FOUND)
    return r.cycle(cycle_id)


@router.get(
    "/{int:cycle_id}/applications",
    response=list[ApplicationOut],
    summary="The cycle's applications you have a role on (HR: all of the family)",
)
@paginate_api
@refusals
def list_applications(request: HttpRequest, cycle_id: int) -> Any:
    svc.visible_cycle(repo(), actor(request), cycle_id)
    found = svc.applications_for(repo(), actor(request), cycle_id)
    return Listing(found, lambda page: [_app_out(request, a) for a in page])


@router.post(
    "/{int:cycle_id}/applications",
    response={201: ApplicationOut},
    summary="Apply (or nominate someone with employee_id): a draft application",
)
@refusals
def create_application(request: HttpRequest, cycle_id: int, body: ApplicationIn) -> Any:
    made = svc.apply(
        repo(),
        actor(request),
        cycle_id,
        employee_id=body.employee_id,
        target_level=body.target_level,
        reason=body.reason,
    )
    return Status(201, _app_out(request, made))


@router.get("/{int:cycle_id}/panels", response=list[PanelOut], summary="The cycle's panels (HR)")
@paginate_api
@refusals
def list_panels(request: HttpRequest, cycle_id: int) -> Any:
    cycle = svc.visible_cycle(repo(), actor(request), cycle_id)
    if not svc.roles_for_cycle(actor(request), cycle) & {svc.Role.hr, svc.Role.admin}:
        return error_response(request, ErrorCode.NOT_FOUND)
    return repo().panels(cycle_id)


@router.post("/{int:cycle_id}/panels", response={201: PanelOut}, summary="Form a panel (HR)")
@refusals
def create_panel(request: HttpRequest, cycle_id: int, body: PanelIn) -> Any:
    return Status(
        201,
        svc.form_panel(
            repo(),
            actor(request),
            cycle_id,
            name=body.name,
            lead_user_id=body.lead_user_id,
            member_user_ids=body.member_user_ids,
            kind=body.kind,
        ),
    )


# --- applications -----------------------------------------------------------------------------------------


@router.get(
    "/applications/{int:application_id}",
    response=ApplicationOut,
    summary="One application, with the steps you may take on it",
)
@refusals
def get_application(request: HttpRequest, application_id: int) -> Any:
    return _app_out(request, svc.visible_application(repo(), actor(request), application_id))


APPLICATION_STEPS: dict[str, Callable[..., Any]] = {
    "submit": svc.submit,
    "withdraw": svc.withdraw,
    "approve_jump": svc.approve_jump,
    "reject_jump": svc.reject_jump,
    "close": svc.close_application,
}


@router.post(
    "/applications/{int:application_id}/steps/{step}",
    response=ApplicationOut,
    summary="submit, withdraw, approve_jump, reject_jump, decide, certify, close",
)
@refusals
def application_step(request: HttpRequest, application_id: int, step: str) -> Any:
    r, me = repo(), actor(request)
    svc.visible_application(r, me, application_id)
    if step == "decide":
        svc.decide(r, me, application_id)
    elif step == "certify":
        svc.certify(r, me, application_id)
    elif step in APPLICATION_STEPS:
        APPLICATION_STEPS[step](r, me, application_id)
    else:
        return error_response(request, ErrorCode.NOT_FOUND)
    return _app_out(request, r.application(application_id))


@router.get(
    "/applications/{int:application_id}/evidence",
    response=list[EvidenceOut],
    summary="The application's evidence",
)
@paginate_api
@refusals
def list_evidence(request: HttpRequest, application_id: int) -> Any:
    svc.visible_application(repo(), actor(request), application_id)
    return [
        {"id": e.id, **{f: getattr(e.item, f) for f in EvidenceIn.model_fields}}
        for e in repo().evidence(application_id)
    ]


@router.post(
    "/applications/{int:application_id}/evidence",
    response={201: EvidenceOut},
    summary="Add an evidence record (applicant, while in draft)",
)
@refusals
def add_evidence(request: HttpRequest, application_id: int, body: EvidenceIn) -> Any:
    item = svc.EvidenceInput(
        **{
            **body.dict(),
            "deliverables": tuple(body.deliverables),
            "elements": tuple(body.elements),
            "measures": tuple(body.measures),
        }
    )
    made = svc.add_evidence(repo(), actor(request), application_id, item)
    return Status(201, {"id": made.id, **body.dict()})


@router.post(
    "/applications/{int:application_id}/self-assessment",
    response={204: None},
    summary="Rate yourself on one element (applicant, while in draft)",
)
@refusals
def self_assessment(request: HttpRequest, application_id: int, body: SelfAssessmentIn) -> Any:
    svc.self_assess(repo(), actor(request), application_id, body.element, body.rating, body.comment)
    return Status(204, None)


@router.post(
    "/applications/{int:application_id}/opinion",
    response=ApplicationOut,
    summary="Give the manager's opinion (主管意见) (the applicant's manager, before the panel)",
)
@refusals
def give_opinion(request: HttpRequest, application_id: int, body: OpinionIn) -> Any:
    done = svc.give_opinion(repo(), actor(request), application_id, body.opinion)
    return _app_out(request, done)


@router.post(
    "/applications/{int:application_id}/panel",
    response=ApplicationOut,
    summary="Assign a review panel (or, while appealed, an appeal panel) (HR)",
)
@refusals
def assign_panel(request: HttpRequest, application_id: int, body: AssignIn) -> Any:
    r, me = repo(), actor(request)
    app = svc.visible_application(r, me, application_id)
    if app.state.value == "appealed":
        done = svc.assign_appeal_panel(r, me, application_id, body.panel_id)
    else:
        done = svc.assign_panel(r, me, application_id, body.panel_id)
    return _app_out(request, done)


@router.get(
    "/applications/{int:application_id}/scores",
    response=ScoreSheetOut,
    summary="Ratings you may see: your own; the others' once you have submitted",
)
@refusals
def score_sheet(request: HttpRequest, application_id: int) -> Any:
    view = svc.score_sheet(repo(), actor(request), application_id)
    return {
        "elements": view.elements,
        "mine": _assignment_out(view.mine) if view.mine else None,
        "my_scores": {
            k: {"element": s.element, "rating": s.rating, "comment": s.comment, "version": s.version}
            for k, s in view.my_scores.items()
        },
        "others": view.others,
        "spreads": view.spreads,
        "pending": view.pending,
        "hidden": view.hidden,
    }


@router.get("/assignments", response=list[AssignmentOut], summary="Your score sheets")
@paginate_api
def my_assignments(request: HttpRequest) -> Any:
    return [_assignment_out(a) for a in svc.my_assignments(repo(), actor(request))]


@router.put(
    "/assignments/{int:assignment_id}/scores/{element}",
    response=ScoreOut,
    summary="Rate an element; send the version you read (none for a first rating): 409 if someone "
    "saved in between",
)
@refusals
def rate(request: HttpRequest, assignment_id: int, element: str, body: RatingIn) -> Any:
    saved = svc.rate(
        repo(),
        actor(request),
        assignment_id,
        element,
        body.rating,
        body.comment,
        expected_version=body.version,
    )
    return {
        "element": saved.element,
        "rating": saved.rating,
        "comment": saved.comment,
        "version": saved.version,
    }


@router.post(
    "/assignments/{int:assignment_id}/submit", response={204: None}, summary="Submit your score sheet"
)
@refusals
def submit_sheet(request: HttpRequest, assignment_id: int) -> Any:
    svc.submit_rating(repo(), actor(request), assignment_id)
    return Status(204, None)


@router.post(
    "/applications/{int:application_id}/consolidation",
    response=ApplicationOut,
    summary="The lead records the panel's rating of every element",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "description": "element code → the panel's rating and, where the assessors "
                        "were far apart, the reason",
                        "additionalProperties": ChoiceIn.model_json_schema(),
                    }
                }
            },
        }
    },
)
@refusals
def consolidate(request: HttpRequest, application_id: int) -> Any:
    # The body IS the mapping element → {rating, comment}; django-ninja would nest a ``dict``
    # parameter under its name ({"body": …}) and answer every plain body with 422, so it is read here.
    try:
        body = CONSOLIDATION.validate_json(request.body or b"{}")
    except PydanticValidationError as error:
        details = error.errors(include_url=False, include_context=False)
        raise NinjaValidationError([dict(e) for e in details]) from None
    done = svc.consolidate(
        repo(), actor(request), application_id, {k: PanelChoice(v.rating, v.comment) for k, v in body.items()}
    )
    return _app_out(request, done)


@router.get(
    "/applications/{int:application_id}/decisions",
    response=list[DecisionOut],
    summary="Every decision, oldest first (the last one counts); after publication for the applicant",
)
@paginate_api
@refusals
def decisions(request: HttpRequest, application_id: int) -> Any:
    from qualify.services.visibility import visible_decisions

    r, me = repo(), actor(request)
    app = svc.visible_application(r, me, application_id)
    return [_decision_out(d) for d in visible_decisions(r, me, app)]


@router.post(
    "/applications/{int:application_id}/override",
    response={201: DecisionOut},
    summary="HR overrides the decision with a written reason (a new decision)",
)
@refusals
def override(request: HttpRequest, application_id: int, body: OverrideIn) -> Any:
    made = svc.override(repo(), actor(request), application_id, passed=body.passed, reason=body.reason)
    return Status(201, _decision_out(made))


@router.post(
    "/applications/{int:application_id}/appeal",
    response={201: AppealOut},
    summary="Appeal during the notice period (applicant)",
)
@refusals
def appeal(request: HttpRequest, application_id: int, body: AppealIn) -> Any:
    return Status(201, svc.appeal(repo(), actor(request), application_id, body.reason))


@router.post(
    "/applications/{int:application_id}/appeal/decision",
    response={201: DecisionOut},
    summary="The appeal panel's lead or HR decides the appeal (a new decision)",
)
@refusals
def decide_appeal(request: HttpRequest, application_id: int, body: AppealDecisionIn) -> Any:
    made = svc.decide_appeal(
        repo(), actor(request), application_id, upheld=body.upheld, passed=body.passed, reason=body.reason
    )
    return Status(201, _decision_out(made))


# --- certificates ------------------------------------------------------------------------------------------


@router.get(
    "/certificates/expiring",
    response=list[CertificateOut],
    summary="Certificates expiring within ?days= (default 90) or expired (HR)",
)
@paginate_api
@refusals
def expiring(request: HttpRequest, days: int = 90) -> Any:
    me = actor(request)
    if not me.roles & {"hr", "admin"}:
        return error_response(request, ErrorCode.NOT_FOUND)
    return svc.expiring_certificates(repo(), me, within_days=max(1, min(days, 3650)))


@router.get("/certificates/{number}", response=CertificateOut, summary="One certificate")
def certificate(request: HttpRequest, number: str) -> Any:
    from qualify.web.accounts import access
    from qualify.web.certification import models as m
    from qualify.web.certification.repository import certificate_view

    cert = m.Certificate.objects.select_related("person").filter(number=number).first()
    if cert is None or not access.people_visible_to(request.user).filter(pk=cert.person_id).exists():
        return error_response(request, ErrorCode.NOT_FOUND)
    return certificate_view(cert)


# --- HR's batch work ----------------------------------------------------------------------------------


class BatchIn(Schema):
    action: str
    """assign_panel, decide, publish or certify"""
    application_ids: list[int]
    panel_id: int | None = None
    """the review panel to assign (``assign_panel`` only)"""
    dry_run: bool = True
    """true (the default): nothing changes, the answer says what would happen to each application"""


class BatchLineOut(Schema):
    application_id: int
    employee_id: str
    person_name: str
    state: str
    """the state before the step"""
    ok: bool
    error: dict[str, Any] | None = None
    """the refusal in the API's error shape (code, message, fields), when not ok"""


class BatchOut(Schema):
    action: str
    dry_run: bool
    done: int
    refused: int
    lines: list[BatchLineOut]


@router.post(
    "/{int:cycle_id}/batch",
    response=BatchOut,
    summary="HR's batch step on many applications: a dry run by default, then for real (dry_run=false)",
)
@refusals
def batch(request: HttpRequest, cycle_id: int, body: BatchIn) -> Any:
    from qualify.web.accounts.errors import message_of

    result = svc.run_batch(
        repo(),
        actor(request),
        cycle_id,
        body.action,
        body.application_ids,
        panel_id=body.panel_id,
        dry_run=body.dry_run,
    )
    return {
        "action": result.action.value,
        "dry_run": result.dry_run,
        "done": len(result.done),
        "refused": len(result.refused),
        "lines": [
            {
                "application_id": line.application.id,
                "employee_id": line.application.employee_id,
                "person_name": line.application.person_name,
                "state": line.application.state.value,
                "ok": line.ok,
                "error": None
                if line.refusal is None
                else {
                    "code": line.refusal.code,
                    "message": message_of(line.refusal),
                    "fields": line.refusal.fields,
                },
            }
            for line in result.lines
        ],
    }
