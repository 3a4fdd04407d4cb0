"""Who may see a certification decision, and when.

Before publication (公示) a decision is HR's working material: only HR of the cycle's job family and
admins see it. From publication on, everyone with a role on the application sees it too: the applicant,
their manager, the assessors. Every page and API endpoint that shows a decision, its checks or its
history asks here (``visible_decision``, ``visible_decisions``), so none of them shows it early.
"""

from __future__ import annotations

from qualify.core.cycle import ApplicationState, Role
from qualify.services.certification.access import roles_for_application
from qualify.services.certification.repository import CertificationRepository
from qualify.services.certification.values import Actor, ApplicationView, DecisionView

PUBLIC_STATES = frozenset({
    ApplicationState.published,
    ApplicationState.appealed,
    ApplicationState.appeal_decided,
    ApplicationState.certified,
    ApplicationState.closed,
})
"""States in which the applicant, their manager and the panel see the decision (after 公示)."""


def decision_visible(roles: set[Role], state: ApplicationState) -> bool:
    """Whether someone with ``roles`` on an application in ``state`` sees its decision."""
    return bool(roles & {Role.hr, Role.admin}) or state in PUBLIC_STATES


def may_see_decision(repo: CertificationRepository, actor: Actor, app: ApplicationView) -> bool:
    return decision_visible(roles_for_application(repo, actor, app), app.state)


def visible_decision(
    repo: CertificationRepository, actor: Actor, app: ApplicationView
) -> DecisionView | None:
    """The application's current decision if ``actor`` may see it now, else ``None``."""
    return repo.current_decision(app.id) if may_see_decision(repo, actor, app) else None


def visible_decisions(
    repo: CertificationRepository, actor: Actor, app: ApplicationView
) -> list[DecisionView]:
    """Every decision of the application, oldest first, if ``actor`` may see them now, else none."""
    return repo.decisions(app.id) if may_see_decision(repo, actor, app) else []
