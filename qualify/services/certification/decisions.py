"""The decision computed from the standard, HR's override, and publication (steps 7 and 8)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import replace
from typing import Any

from qualify.core import cycle as rules
from qualify.core.cycle import Action, ApplicationState, transition
from qualify.core.decision import LevelOutcome, Stage
from qualify.core.errors import QualifyError
from qualify.core.evaluate import evaluate
from qualify.core.records import EvidenceRecord, PersonRecord, RatingRecord
from qualify.services.certification.access import (
    roles_for_application,
    roles_for_cycle,
    visible_application,
    visible_cycle,
)
from qualify.services.certification.frozen import cycle_standard, knowledge_standing
from qualify.services.certification.notifications import notify_applicant
from qualify.services.certification.repository import CertificationRepository
from qualify.services.certification.values import Actor, ApplicationView, CycleView, DecisionView, Notice

# --- 7. decide ----------------------------------------------------------------------------------------


def decision_record(repo: CertificationRepository, app: ApplicationView, cycle: CycleView) -> PersonRecord:
    """The person's record as the cycle's decision sees it: their record (HR data and the evidence
    they entered with any application), plus the application's evidence not yet in it, with the
    panel's consolidated ratings as the only ratings at the target level."""
    record = repo.person_record(app.employee_id)
    known = {e.evidence_id for e in record.evidence}
    extra = tuple(
        EvidenceRecord(
            employee_id=app.employee_id,
            evidence_id=f"application-{app.id}-{ev.id}",
            activity=ev.item.activity,
            date=ev.item.date,
            role=ev.item.role or None,
            audience=ev.item.audience or None,
            scope=ev.item.scope or None,
            project_kind=ev.item.project_kind or None,
            outcome=ev.item.outcome or None,
            deliverables=tuple(ev.item.deliverables),
            note=ev.item.note,
        )
        for ev in repo.evidence(app.id)
        if not ev.record_id or ev.record_id not in known
    )
    panel = tuple(
        RatingRecord(
            employee_id=app.employee_id,
            level=app.target_level,
            element=element,
            assessor="panel",
            rating=r.rating,
            comment=r.comment,
        )
        for element, r in repo.panel_ratings(app.id).items()
    )
    others = tuple(r for r in record.ratings if r.level != app.target_level)
    employee = replace(record.employee, current_level=app.current_level)
    return replace(record, employee=employee, evidence=record.evidence + extra, ratings=others + panel)


def compute_decision(repo: CertificationRepository, app: ApplicationView) -> tuple[bool, str, dict[str, Any]]:
    """(passed, level outcome, trace) at the target level, from the cycle's frozen standard."""
    cycle = repo.cycle(app.cycle_id)
    standard = cycle_standard(repo, cycle)
    decision = evaluate(
        standard,
        decision_record(repo, app, cycle),
        as_of=cycle.as_of,
        stage=Stage.certification,
        knowledge=knowledge_standing(repo, standard, app.employee_id),
    )
    level = decision.level(app.target_level)
    outcome = level.outcome if level is not None else LevelOutcome.incomplete
    trace = {"en": decision.as_json("en"), "zh": decision.as_json("zh"), "target_level": app.target_level}
    return outcome is LevelOutcome.eligible, outcome.value, trace


def decide(repo: CertificationRepository, actor: Actor, application_id: int) -> DecisionView:
    """The decision computed from the standard with its full trace (HR)."""
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        state = transition(app.state, Action.decide, roles_for_application(repo, actor, app))
        passed, outcome, trace = compute_decision(repo, app)
        made = repo.add_decision(
            actor, app.id, "computed", passed, app.target_level, outcome, trace, "", None
        )
        repo.update_application(actor, app.id, Action.decide.value, state=state, expected_version=app.version)
        cycle = repo.cycle(app.cycle_id)
        panel = tuple(sorted({a.user_id for a in repo.assignments(app.id, "review")}))
    repo.notify(
        Notice(
            "decision-made",
            user_ids=panel,
            to_hr=True,
            cycle_name=cycle.name,
            application_id=app.id,
            level=app.target_level,
            family=cycle.family,
            cycle_id=cycle.id,
            skip_user_id=actor.user_id,
        )
    )
    return made


def override(
    repo: CertificationRepository, actor: Actor, application_id: int, *, passed: bool, reason: str
) -> DecisionView:
    """HR changes the result with a written reason: a new decision that points to the one it replaces."""
    text = rules.require_text(
        reason, code="override-reason-required", what_zh="改判理由", what_en="reason for the override"
    )
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        transition(app.state, Action.override, roles_for_application(repo, actor, app))
        current = repo.current_decision(app.id)
        if current is None:
            raise QualifyError(
                code="no-decision",
                message_en="there is no decision to override",
                message_zh="尚无可改判的决定",
            )
        made = repo.add_decision(
            actor, app.id, "override", passed, current.level, current.outcome, current.trace, text, current.id
        )
        repo.update_application(actor, app.id, Action.override.value, expected_version=app.version)
        return made


# --- 8. publish ---------------------------------------------------------------------------------------


def changed_on_appeal(repo: CertificationRepository, application_id: int) -> bool:
    """Whether the current decision is an appeal's that changed the published result."""
    decisions = {d.id: d for d in repo.decisions(application_id)}
    current = repo.current_decision(application_id)
    if current is None or current.kind != "appeal" or current.supersedes_id not in decisions:
        return False
    return decisions[current.supersedes_id].passed != current.passed


def publish(
    repo: CertificationRepository,
    actor: Actor,
    cycle_id: int,
    application_ids: Collection[int] | None = None,
) -> list[ApplicationView]:
    """Publish every decided application of the cycle for the notice period (公示), and again every
    result an appeal changed, with a notice period of its own; with ``application_ids``, only those of
    them (HR's batch work)."""
    with repo.atomic():
        cycle = visible_cycle(repo, actor, cycle_id)
        roles = roles_for_cycle(actor, cycle)
        cycle_state = transition(cycle.state, Action.publish, roles)
        decided = [
            a
            for a in repo.applications(cycle_id)
            if a.state is ApplicationState.decided
            or (a.state is ApplicationState.appeal_decided and changed_on_appeal(repo, a.id))
        ]
        if application_ids is not None:
            decided = [a for a in decided if a.id in set(application_ids)]
        if not decided:
            raise QualifyError(
                code="nothing-to-publish",
                message_en="no decided application to publish",
                message_zh="没有可公示的已决定申请",
            )
        for app in decided:
            transition(app.state, Action.publish, roles)
        now = repo.now()
        ends = rules.notice_ends(now, cycle.notice_days)
        repo.publish(actor, cycle_id, [a.id for a in decided], now, ends)
        if cycle_state is not cycle.state:
            repo.set_cycle_state(actor, cycle_id, Action.publish.value, cycle_state)
        done = [repo.application(a.id) for a in decided]
    last_day = ends.date() - dt.timedelta(days=1)  # the notice ends at midnight after its last local day
    for app in done:
        notify_applicant(repo, "result-published", app, cycle, on=last_day)
    repo.notify(
        Notice(
            "publication-started",
            to_hr=True,
            cycle_name=cycle.name,
            family=cycle.family,
            cycle_id=cycle.id,
            on=last_day,
            count=len(done),
            skip_user_id=actor.user_id,
        )
    )
    return done
