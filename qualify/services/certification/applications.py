"""Apply or nominate, self-assess, submit, and HR's steps on an application (steps 3 and 4)."""

from __future__ import annotations

from typing import Any

from qualify.core import cycle as rules
from qualify.core.cycle import Action, Role, transition
from qualify.core.decision import LevelOutcome, Stage
from qualify.core.errors import QualifyError
from qualify.core.evaluate import evaluate
from qualify.core.knowledge import allowed_levels_above
from qualify.services.certification.access import (
    not_found,
    roles_for_application,
    roles_for_cycle,
    visible_application,
    visible_cycle,
)
from qualify.services.certification.frozen import cycle_standard, knowledge_standing, require_element
from qualify.services.certification.notifications import notify_applicant, notify_hr
from qualify.services.certification.repository import CertificationRepository
from qualify.services.certification.values import Actor, ApplicationView, CycleView


def apply(
    repo: CertificationRepository,
    actor: Actor,
    cycle_id: int,
    *,
    employee_id: str | None = None,
    target_level: int | None = None,
    reason: str = "",
) -> ApplicationView:
    """An application in draft: by the employee (``employee_id`` None or their own) or nominated by
    their manager or HR. The target level defaults to the next level offered; the screening decision
    must find the person eligible for it; a jump needs the knowledge policy, a reason and approval."""
    cycle = visible_cycle(repo, actor, cycle_id)
    own = employee_id is None or employee_id == actor.employee_id
    subject = actor.employee_id if own else employee_id
    if subject is None:
        raise QualifyError(
            code="no-employee-record",
            message_en="this account has no employee record to apply with",
            message_zh="此账号没有关联的员工记录，无法申请",
        )
    person = repo.person(subject)
    if own:
        transition(cycle.state, Action.apply, {Role.applicant})
    else:
        # HR nominates the people of the families they administer, a manager those of their units;
        # anyone else is not found, exactly like someone who does not exist.
        roles = roles_for_cycle(actor, cycle) & {Role.admin}
        if Role.hr in roles_for_cycle(actor, cycle) and actor.administers(person.job_family):
            roles.add(Role.hr)
        if "manager" in actor.roles and actor.user_id is not None and repo.manages(actor.user_id, subject):
            roles.add(Role.manager)
        if not roles:
            raise not_found("person", subject)
        transition(cycle.state, Action.nominate, roles)
    rules.require_application_window(cycle.opens_on, cycle.closes_on, repo.now().date())  # the local date
    if person.job_family != cycle.family:
        raise QualifyError(
            code="other-family",
            message_en=f"{subject} is not in the job family {cycle.family} of this cycle",
            message_zh=f"{subject} 不属于本周期的职位族 {cycle.family}",
        )
    standard = cycle_standard(repo, cycle)
    target = (
        target_level
        if target_level is not None
        else rules.default_target_level(person.current_level, cycle.levels)
    )
    if target is None:
        raise QualifyError(
            code="level-not-offered",
            message_en="this cycle offers no level above the current one",
            message_zh="本周期没有高于当前等级的认证",
        )
    standing = knowledge_standing(repo, standard, subject)
    allows = (
        allowed_levels_above(standing.rank, standing.cohort, standard.knowledge.policy)
        if standing is not None and standing.rank is not None
        else None
    )
    request = rules.check_target_level(
        current_level=person.current_level,
        target_level=target,
        offered=cycle.levels,
        knowledge_allows=allows,
        reason=reason,
    )
    decision = evaluate(
        standard, repo.person_record(subject), as_of=cycle.as_of, stage=Stage.screening, knowledge=standing
    )
    level = decision.level(target)
    if level is None or level.outcome is not LevelOutcome.eligible:
        failing = [c for c in (level.checks if level else []) if c.outcome.value != "pass"]
        raise QualifyError(
            code="not-eligible",
            message_en=f"{subject} does not meet the screening conditions of level {target}: "
            + "; ".join(c.message_en for c in failing),
            message_zh=f"{subject} 未满足 {target} 级的资格审查条件："
            + "；".join(c.message_zh for c in failing),
            fields={"level": target, "checks": [c.rule for c in failing]},
        )
    with repo.atomic():
        rules.require_no_open_application(a.state for a in repo.applications(cycle_id, employee_id=subject))
        return repo.add_application(
            actor,
            cycle_id,
            subject,
            person.current_level,
            request.target_level,
            reason.strip() if request.needs_approval else "",
            "" if own else actor.username,
        )


def applicant_step(
    repo: CertificationRepository, actor: Actor, application_id: int, action: Action
) -> tuple[ApplicationView, CycleView]:
    app = visible_application(repo, actor, application_id)
    cycle = repo.cycle(app.cycle_id)
    transition(app.state, action, roles_for_application(repo, actor, app, cycle))
    return app, cycle


def self_assess(
    repo: CertificationRepository,
    actor: Actor,
    application_id: int,
    element: str,
    rating: str,
    comment: str = "",
) -> None:
    app, cycle = applicant_step(repo, actor, application_id, Action.self_assess)
    standard = cycle_standard(repo, cycle)
    require_element(standard, element, app.target_level)
    rules.check_rating(rating, standard.vocabularies.codes("behaviour_ratings"))
    with repo.atomic():
        repo.save_self_assessment(actor, application_id, element, rating, comment.strip())


def submit(repo: CertificationRepository, actor: Actor, application_id: int) -> ApplicationView:
    """Submit (applicant): read-only from now on; a jump waits for HR's approval first."""
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        cycle = repo.cycle(app.cycle_id)
        transition(cycle.state, Action.apply, {Role.applicant})  # the cycle still accepts applications
        action = (
            Action.submit_jump
            if app.jump_reason and app.target_level - app.current_level > 1
            else Action.submit
        )
        state = transition(app.state, action, roles_for_application(repo, actor, app, cycle))
        done = repo.update_application(
            actor,
            application_id,
            action.value,
            state=state,
            expected_version=app.version,
            submitted_at=repo.now(),
        )
    notify_applicant(repo, "application-received", app, cycle)
    notify_hr(repo, "application-submitted", actor, app, cycle)
    return done


def _application_step(
    repo: CertificationRepository, actor: Actor, application_id: int, action: Action, **changes: Any
) -> ApplicationView:
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        state = transition(app.state, action, roles_for_application(repo, actor, app))
        return repo.update_application(
            actor, application_id, action.value, state=state, expected_version=app.version, **changes
        )


def approve_jump(repo: CertificationRepository, actor: Actor, application_id: int) -> ApplicationView:
    return _application_step(
        repo, actor, application_id, Action.approve_jump, jump_approved_by=actor.username
    )


def reject_jump(repo: CertificationRepository, actor: Actor, application_id: int) -> ApplicationView:
    return _application_step(repo, actor, application_id, Action.reject_jump)


def withdraw(repo: CertificationRepository, actor: Actor, application_id: int) -> ApplicationView:
    return _application_step(repo, actor, application_id, Action.withdraw)


def reject(repo: CertificationRepository, actor: Actor, application_id: int, reason: str) -> ApplicationView:
    text = rules.require_text(reason, code="reject-reason-required", what_zh="拒绝理由", what_en="reason")
    return _application_step(repo, actor, application_id, Action.reject, close_reason=text)
