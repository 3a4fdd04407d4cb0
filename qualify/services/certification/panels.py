"""Panels of assessors, and assigning one to an application (step 5)."""

from __future__ import annotations

from collections.abc import Sequence

from qualify.core import cycle as rules
from qualify.core.cycle import Action, ApplicationState, AssignmentState, transition
from qualify.core.errors import InvalidInput, NotFound, Problem, QualifyError
from qualify.services.certification.access import (
    not_found,
    roles_for_application,
    roles_for_cycle,
    visible_application,
    visible_cycle,
)
from qualify.services.certification.opinions import require_opinion
from qualify.services.certification.repository import CertificationRepository
from qualify.services.certification.values import Actor, ApplicationView, Notice, PanelView


def form_panel(
    repo: CertificationRepository,
    actor: Actor,
    cycle_id: int,
    *,
    name: str,
    lead_user_id: int,
    member_user_ids: Sequence[int],
    kind: str = "review",
) -> PanelView:
    """A panel of a lead assessor (主评委) and members from the assessor pool (HR)."""
    cycle = visible_cycle(repo, actor, cycle_id)
    transition(cycle.state, Action.form_panel, roles_for_cycle(actor, cycle))
    if kind not in {"review", "appeal"}:
        raise QualifyError(
            code="panel-kind",
            message_en="a panel is for review or appeal",
            message_zh="评委组类型须为评审或申诉",
        )
    members = list(dict.fromkeys([lead_user_id, *member_user_ids]))
    problems = []
    if not name.strip():
        problems.append(Problem("required", "a name is required", "须填写名称", path="name"))
    for user_id in members:
        # An account outside the pool reads like one that does not exist: no name, no hint.
        try:
            in_pool = "assessor" in repo.account(user_id).roles
        except NotFound:
            in_pool = False
        if not in_pool:
            problems.append(
                Problem(
                    "not-an-assessor",
                    f"account {user_id} is not in the assessor pool",
                    f"账号 {user_id} 不在评委库中",
                    path="members",
                )
            )
    if len(members) < 2:
        problems.append(
            Problem(
                "panel-too-small",
                "a panel has a lead and at least one member",
                "评委组须有一名主评委和至少一名成员",
                path="members",
            )
        )
    if problems:
        raise InvalidInput(problems, source="panel")
    with repo.atomic():
        return repo.add_panel(actor, cycle_id, name.strip(), kind, lead_user_id, members[1:])


def panel_conflicts(
    repo: CertificationRepository, panel: PanelView, app: ApplicationView
) -> dict[str, list[rules.Reason]]:
    """For each panel member who may not assess the applicant, why (self, or someone they manage)."""
    found = {}
    for user_id in (panel.lead_user_id, *panel.member_user_ids):
        account = repo.account(user_id)
        managed = [app.employee_id] if repo.manages(user_id, app.employee_id) else []
        reasons = rules.assignment_conflicts(
            account.employee_id or f"user:{user_id}", app.employee_id, managed
        )
        if reasons:
            found[account.username] = reasons
    return found


def _require_no_panel_conflicts(
    repo: CertificationRepository, panel: PanelView, app: ApplicationView
) -> None:
    conflicts = panel_conflicts(repo, panel, app)
    if conflicts:
        raise QualifyError(
            code="panel-conflict",
            message_en="; ".join(
                f"{who}: {', '.join(r.message_en for r in rs)}" for who, rs in conflicts.items()
            ),
            message_zh="；".join(
                f"{who}：{'，'.join(r.message_zh for r in rs)}" for who, rs in conflicts.items()
            ),
            fields={"conflicts": {who: [r.code for r in rs] for who, rs in conflicts.items()}},
        )


def panel_of_kind(repo: CertificationRepository, app: ApplicationView, panel_id: int, kind: str) -> PanelView:
    """The panel, if it is a ``kind`` panel ("review" or "appeal") of the application's cycle."""
    panel = repo.panel(panel_id)
    if panel.cycle_id != app.cycle_id or panel.kind != kind:
        raise not_found("panel", panel_id)
    return panel


def seat_panel(
    repo: CertificationRepository,
    actor: Actor,
    app: ApplicationView,
    panel: PanelView,
    action: Action,
    state: ApplicationState,
) -> ApplicationView:
    """The panel's members become the application's assessors (of the panel's kind), and the
    application moves to ``state``; refused when a member would assess themselves or someone they
    manage."""
    _require_no_panel_conflicts(repo, panel, app)
    repo.replace_assignments(actor, app.id, panel, panel.kind)
    return repo.update_application(actor, app.id, action.value, state=state, expected_version=app.version)


def assign_panel(
    repo: CertificationRepository, actor: Actor, application_id: int, panel_id: int
) -> ApplicationView:
    """Assign a review panel to a submitted application; refused, with the reason, when a member would
    assess themselves or someone they manage."""
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        panel = panel_of_kind(repo, app, panel_id, "review")
        cycle = repo.cycle(app.cycle_id)
        state = transition(app.state, Action.assign_panel, roles_for_application(repo, actor, app, cycle))
        require_opinion(app, cycle)
        if any(a.state is AssignmentState.submitted for a in repo.assignments(app.id, "review")):
            raise QualifyError(
                code="panel-already-scoring",
                message_en="an assessor has already submitted; the panel cannot change",
                message_zh="已有评委提交评分，不能更换评委组",
            )
        done = seat_panel(repo, actor, app, panel, Action.assign_panel, state)
    cycle = repo.cycle(app.cycle_id)
    repo.notify(
        Notice(
            "assigned-to-panel",
            user_ids=(panel.lead_user_id, *panel.member_user_ids),
            cycle_name=cycle.name,
            application_id=app.id,
            level=app.target_level,
            family=cycle.family,
            cycle_id=cycle.id,
        )
    )
    return done
