"""Appeals during the notice period, the appeal panel and its decision (step 9)."""

from __future__ import annotations

from qualify.core import cycle as rules
from qualify.core.cycle import Action, Role, transition
from qualify.core.errors import QualifyError
from qualify.services.certification.access import roles_for_application, visible_application
from qualify.services.certification.evidence import (
    DEFAULT_UPLOAD_LIMITS,
    UploadLimits,
    check_room,
    check_upload,
    safe_name,
)
from qualify.services.certification.notifications import notify_applicant
from qualify.services.certification.panels import panel_of_kind, seat_panel
from qualify.services.certification.repository import CertificationRepository
from qualify.services.certification.values import Actor, AppealView, ApplicationView, DecisionView, FileView


def appeal(repo: CertificationRepository, actor: Actor, application_id: int, reason: str) -> AppealView:
    """The applicant appeals during the notice period, with a written reason (files: ``add_appeal_file``)."""
    text = rules.require_text(reason, code="appeal-reason-required", what_zh="申诉理由", what_en="reason")
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        state = transition(app.state, Action.appeal, roles_for_application(repo, actor, app))
        rules.require_appeal_window(app.published_at, app.notice_ends_at, repo.now())
        made = repo.add_appeal(actor, app.id, text)
        repo.update_application(actor, app.id, Action.appeal.value, state=state, expected_version=app.version)
        return made


def add_appeal_file(
    repo: CertificationRepository,
    actor: Actor,
    application_id: int,
    name: str,
    content: bytes,
    limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
) -> FileView:
    app = visible_application(repo, actor, application_id)
    found = repo.appeal(app.id)
    if found is None or found.outcome or Role.applicant not in roles_for_application(repo, actor, app):
        raise QualifyError(
            code="action-not-allowed-in-state",
            message_en="no open appeal of yours to attach to",
            message_zh="没有可附加文件的未决申诉",
        )
    content_type = check_upload(name, content)
    with repo.atomic():
        check_room((repo.appeal(app.id) or found).files, name, len(content), limits)
        return repo.add_appeal_file(actor, found.id, safe_name(name), content_type, content)


def assign_appeal_panel(
    repo: CertificationRepository, actor: Actor, application_id: int, panel_id: int
) -> ApplicationView:
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        panel = panel_of_kind(repo, app, panel_id, "appeal")
        state = transition(app.state, Action.assign_appeal_panel, roles_for_application(repo, actor, app))
        return seat_panel(repo, actor, app, panel, Action.assign_appeal_panel, state)


def decide_appeal(
    repo: CertificationRepository,
    actor: Actor,
    application_id: int,
    *,
    upheld: bool,
    passed: bool | None = None,
    reason: str,
) -> DecisionView:
    """The appeal panel's lead (or HR) decides. Upheld: a new decision with the result ``passed``;
    dismissed: a new decision that confirms the result. Either way it points to the one it replaces."""
    text = rules.require_text(
        reason,
        code="appeal-decision-reason-required",
        what_zh="申诉裁决理由",
        what_en="reason for the appeal decision",
    )
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        state = transition(app.state, Action.decide_appeal, roles_for_application(repo, actor, app))
        current = repo.current_decision(app.id)
        found = repo.appeal(app.id)
        if current is None or found is None:
            raise QualifyError(
                code="no-decision", message_en="there is no appealed decision", message_zh="没有被申诉的决定"
            )
        result = (passed if passed is not None else not current.passed) if upheld else current.passed
        made = repo.add_decision(
            actor, app.id, "appeal", result, current.level, current.outcome, current.trace, text, current.id
        )
        repo.decide_appeal(actor, found.id, "upheld" if upheld else "dismissed", text, made.id)
        repo.update_application(
            actor, app.id, Action.decide_appeal.value, state=state, expected_version=app.version
        )
        cycle = repo.cycle(app.cycle_id)
    notify_applicant(repo, "appeal-decided", app, cycle)
    return made
