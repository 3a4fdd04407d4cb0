"""The applicant's manager's opinion (主管意见) on an application, as the cycle asks for it.

A cycle says whether it wants one (``ManagerOpinion``: required, optional, off). The manager of the
applicant's unit gives it while the application waits for its panel (submitted, or awaiting HR's
approval of a jump); the panel reads it. When the cycle requires it, no panel is assigned without it
(``require_opinion``, called by ``assign_panel``).
"""

from __future__ import annotations

from qualify.core.cycle import ApplicationState, ManagerOpinion, Role
from qualify.core.errors import InvalidInput, Problem, QualifyError
from qualify.services.certification.access import roles_for_application, visible_application
from qualify.services.certification.repository import CertificationRepository
from qualify.services.certification.values import Actor, ApplicationView, CycleView

OPINION_STATES = frozenset({ApplicationState.awaiting_approval, ApplicationState.submitted})
"""The states in which the manager may give (or change) their opinion: before the panel."""

MAX_OPINION_CHARS = 4000


def opinion_wanted(cycle: CycleView) -> bool:
    return cycle.manager_opinion != ManagerOpinion.off.value


def awaits_opinion(app: ApplicationView, cycle: CycleView) -> bool:
    """The application waits for its manager's opinion: the cycle asks for one and none is given."""
    return opinion_wanted(cycle) and app.state in OPINION_STATES and not app.manager_opinion


def may_give_opinion(
    repo: CertificationRepository, actor: Actor, app: ApplicationView, cycle: CycleView
) -> bool:
    return (
        opinion_wanted(cycle)
        and app.state in OPINION_STATES
        and Role.manager in roles_for_application(repo, actor, app, cycle)
    )


def give_opinion(
    repo: CertificationRepository, actor: Actor, application_id: int, text: str
) -> ApplicationView:
    """The applicant's manager writes their opinion; shown to the panel."""
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        cycle = repo.cycle(app.cycle_id)
        roles = roles_for_application(repo, actor, app, cycle)
        if Role.manager not in roles:
            raise QualifyError(
                code="role-may-not-do-action",
                message_en="only the applicant's manager gives the manager's opinion",
                message_zh="只有申请人的主管可以填写主管意见",
            )
        if not opinion_wanted(cycle):
            raise QualifyError(
                code="manager-opinion-off",
                message_en=f"the cycle {cycle.name} asks for no manager's opinion",
                message_zh=f"认证周期 {cycle.name} 不需要主管意见",
            )
        if app.state not in OPINION_STATES:
            raise QualifyError(
                code="action-not-allowed-in-state",
                message_en="the manager's opinion is given after the application is submitted and "
                "before a panel is assigned",
                message_zh="主管意见须在申请提交之后、分配评委组之前填写",
                fields={"state": app.state.value},
            )
        clean = text.strip()
        problems = []
        if not clean:
            problems.append(("required", "write your opinion", "请填写意见"))
        elif len(clean) > MAX_OPINION_CHARS:
            problems.append(
                (
                    "too-long",
                    f"the opinion is at most {MAX_OPINION_CHARS} characters",
                    f"意见最多 {MAX_OPINION_CHARS} 个字符",
                )
            )
        if problems:
            raise InvalidInput(
                [Problem(code, en, zh, path="opinion") for code, en, zh in problems], source="opinion"
            )
        return repo.update_application(
            actor,
            application_id,
            "manager_opinion",
            expected_version=app.version,
            manager_opinion=clean,
            manager_opinion_by=actor.username,
            manager_opinion_at=repo.now(),
        )


def require_opinion(app: ApplicationView, cycle: CycleView) -> None:
    """Refuse to go to the panel without the manager's opinion when the cycle requires one."""
    if cycle.manager_opinion == ManagerOpinion.required.value and not app.manager_opinion:
        raise QualifyError(
            code="manager-opinion-required",
            message_en=f"application {app.id} has no manager's opinion yet, and the cycle {cycle.name} "
            "requires one before the panel: ask the applicant's manager to give it",
            message_zh=f"申请 {app.id} 尚无主管意见；认证周期 {cycle.name} 要求在分配评委组之前填写，"
            "请联系申请人的主管",
            fields={"application": app.id},
        )
