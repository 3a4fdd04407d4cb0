"""Who the actor is to a cycle or an application, and what they may see."""

from __future__ import annotations

from qualify.core.cycle import ApplicationState, CycleState, Role
from qualify.core.errors import NotFound
from qualify.services.certification.repository import CertificationRepository
from qualify.services.certification.values import Actor, ApplicationView, CycleView


def roles_for_cycle(actor: Actor, cycle: CycleView) -> set[Role]:
    roles: set[Role] = set()
    if "admin" in actor.roles:
        roles.add(Role.admin)
    if actor.administers(cycle.family) and "hr" in actor.roles:
        roles.add(Role.hr)
    if "manager" in actor.roles:
        roles.add(Role.manager)
    if actor.employee_id:
        roles.add(Role.applicant)
    return roles


def roles_for_application(
    repo: CertificationRepository, actor: Actor, app: ApplicationView, cycle: CycleView | None = None
) -> set[Role]:
    cycle = cycle or repo.cycle(app.cycle_id)
    roles: set[Role] = set()
    own = actor.employee_id is not None and actor.employee_id == app.employee_id
    # Nobody runs their own application: an HR user or admin who applies is only its applicant.
    if "admin" in actor.roles and not own:
        roles.add(Role.admin)
    if "hr" in actor.roles and actor.administers(cycle.family) and not own:
        roles.add(Role.hr)
    if own:
        roles.add(Role.applicant)
    if (
        "manager" in actor.roles
        and actor.user_id is not None
        and actor.employee_id != app.employee_id
        and repo.manages(actor.user_id, app.employee_id)
    ):
        roles.add(Role.manager)
    if actor.user_id is not None:
        kind = (
            "appeal"
            if app.state in {ApplicationState.appealed, ApplicationState.appeal_decided}
            else "review"
        )
        for assignment in repo.assignments(app.id):
            if assignment.user_id == actor.user_id:
                roles.add(Role.assessor)
                if assignment.is_lead and assignment.kind == kind:
                    roles.add(Role.lead)
    return roles


def visible_application(repo: CertificationRepository, actor: Actor, application_id: int) -> ApplicationView:
    """The application if the actor has any role on it; ``NotFound`` otherwise."""
    app = repo.application(application_id)
    if not roles_for_application(repo, actor, app):
        raise not_found("application", application_id)
    return app


def visible_cycle(repo: CertificationRepository, actor: Actor, cycle_id: int) -> CycleView:
    """Every signed-in account with an employee record, a manager scope, an assessor or HR role sees
    the cycles (they are announced to all); an HR user outside the family sees it but cannot run it.
    A draft is not announced yet: only HR of its family (and admins) see it."""
    cycle = repo.cycle(cycle_id)
    if not actor.roles:
        raise not_found("cycle", cycle_id)
    if cycle.state is CycleState.draft and not roles_for_cycle(actor, cycle) & {Role.hr, Role.admin}:
        raise not_found("cycle", cycle_id)
    return cycle


def not_found(what: str, ident: object) -> NotFound:
    return NotFound(
        code="not-found",
        message_en=f"no {what} {ident}",
        message_zh=f"没有此{what}：{ident}",
        fields={"what": what, "id": ident},
    )
