"""Database rows as the service layer's views, and a Django user as the service layer's ``Actor``."""

from __future__ import annotations

from typing import Any

from qualify.core.cycle import ApplicationState, AssignmentState, CycleState
from qualify.services.certification import (
    Actor,
    AppealView,
    ApplicationView,
    AssignmentView,
    CertificateView,
    CycleView,
    DecisionView,
    EvidenceInput,
    EvidenceView,
    FileView,
    PanelView,
    ScoreView,
)
from qualify.web.accounts import access
from qualify.web.certification import models as m


def cycle_view(c: m.Cycle) -> CycleView:
    return CycleView(
        id=c.pk,
        name=c.name,
        family=c.family,
        standard_id=c.standard_id,
        standard_sha256=c.standard_sha256,
        state=CycleState(c.state),
        opens_on=c.opens_on,
        closes_on=c.closes_on,
        as_of=c.as_of,
        levels=tuple(c.levels),
        notice_days=c.notice_days,
        manager_opinion=c.manager_opinion,
    )


def application_view(a: m.Application) -> ApplicationView:
    pub = a.publication
    return ApplicationView(
        id=a.pk,
        cycle_id=a.cycle_id,
        employee_id=a.person.employee_id,
        person_name=a.person.name,
        current_level=a.current_level,
        target_level=a.target_level,
        state=ApplicationState(a.state),
        jump_reason=a.jump_reason,
        nominated_by=a.nominated_by,
        submitted_at=a.submitted_at,
        published_at=pub.published_at if pub else None,
        notice_ends_at=pub.ends_at if pub else None,
        version=a.version,
        manager_opinion=a.manager_opinion,
        manager_opinion_by=a.manager_opinion_by,
        manager_opinion_at=a.manager_opinion_at,
    )


def file_view(f: m.StoredFile) -> FileView:
    return FileView(id=f.pk, name=f.name, content_type=f.content_type, size=f.size)


def evidence_view(e: m.EvidenceItem) -> EvidenceView:
    item = EvidenceInput(
        activity=e.activity,
        date=e.date,
        role=e.role,
        audience=e.audience,
        scope=e.scope,
        project_kind=e.project_kind,
        outcome=e.outcome,
        deliverables=tuple(e.deliverables),
        note=e.note,
        elements=tuple(e.elements),
        measures=tuple(e.measures),
    )
    return EvidenceView(
        id=e.pk,
        application_id=e.application_id,
        item=item,
        files=tuple(file_view(f) for f in e.files.all()),
        record_id=e.record.evidence_id if e.record is not None else "",
    )


def panel_view(p: m.Panel) -> PanelView:
    return PanelView(
        id=p.pk,
        cycle_id=p.cycle_id,
        name=p.name,
        kind=p.kind,
        lead_user_id=p.lead_id,
        member_user_ids=tuple(sorted(u.pk for u in p.members.all())),
    )


def assignment_view(a: m.Assignment) -> AssignmentView:
    profile = access.profile_of(a.assessor)
    person = profile.person if profile is not None else None
    return AssignmentView(
        id=a.pk,
        application_id=a.application_id,
        panel_id=a.panel_id,
        user_id=a.assessor_id,
        username=a.assessor.get_username(),
        employee_id=person.employee_id if person else None,
        is_lead=a.is_lead,
        kind=a.kind,
        state=AssignmentState(a.state),
    )


def score_view(s: m.ElementScore) -> ScoreView:
    return ScoreView(
        assignment_id=s.assignment_id,
        element=s.element,
        rating=s.rating,
        comment=s.comment,
        version=s.version,
    )


def decision_view(d: m.Decision) -> DecisionView:
    return DecisionView(
        id=d.pk,
        application_id=d.application_id,
        kind=d.kind,
        passed=d.passed,
        level=d.level,
        outcome=d.outcome,
        trace=d.trace,
        reason=d.reason,
        decided_by=d.decided_by_name,
        decided_at=d.decided_at,
        supersedes_id=d.supersedes_id,
    )


def appeal_view(a: m.Appeal) -> AppealView:
    return AppealView(
        id=a.pk,
        application_id=a.application_id,
        reason=a.reason,
        filed_at=a.filed_at,
        outcome=a.outcome,
        decision_reason=a.decision_reason,
        files=tuple(file_view(f) for f in a.files.all()),
    )


def certificate_view(c: m.Certificate) -> CertificateView:
    return CertificateView(
        id=c.pk,
        number=c.number,
        employee_id=c.holder_employee_id,
        person_name=c.holder_name,
        level=c.level,
        standard_id=c.standard_id,
        valid_from=c.valid_from,
        valid_until=c.valid_until,
        application_id=c.application_id,
        unit=c.holder_unit,
        family=c.job_family,
        standard_version=c.standard_version,
    )


def actor_for(user: Any) -> Actor:
    """The service layer's view of a Django user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(user_id=None, username="anonymous")
    person = access.own_person(user)
    families = access.hr_families(user)
    return Actor(
        user_id=user.pk,
        username=user.get_username(),
        employee_id=person.employee_id if person else None,
        roles=frozenset(access.roles_of(user)),
        hr_families=None if families is None else tuple(families),
        handle=user,
    )
