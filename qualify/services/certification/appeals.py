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
from qualify.services.certification.frozen import cycle_standard
from qualify.services.certification.notifications import notify_applicant, notify_hr
from qualify.services.certification.panels import panel_of_kind, seat_panel
from qualify.services.certification.repository import CertificationRepository
from qualify.services.certification.values import (
    Actor,
    AppealView,
    ApplicationView,
    DecisionView,
    FileView,
    PanelView,
)


def appeal(repo: CertificationRepository, actor: Actor, application_id: int, reason: str) -> AppealView:
    """The applicant appeals during the notice period, with a written reason (files: ``add_appeal_file``)."""
    text = rules.require_text(reason, code="appeal-reason-required", what_zh="申诉理由", what_en="reason")
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        state = transition(app.state, Action.appeal, roles_for_application(repo, actor, app))
        rules.require_appeal_window(app.published_at, app.notice_ends_at, repo.now())
        rules.require_no_earlier_appeal(repo.appeal(app.id) is not None)
        made = repo.add_appeal(actor, app.id, text)
        repo.update_application(actor, app.id, Action.appeal.value, state=state, expected_version=app.version)
        cycle = repo.cycle(app.cycle_id)
    notify_hr(repo, "appeal-filed", actor, app, cycle)
    return made


def add_appeal_file(
    repo: CertificationRepository,
    actor: Actor,
    application_id: int,
    name: str,
    content: bytes,
    limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
    size: int | None = None,
) -> FileView:
    """Attach a file to the applicant's open appeal. ``size``: the file's real size when ``content``
    is only its beginning (a file too large to read is refused by its size)."""
    app = visible_application(repo, actor, application_id)
    found = repo.appeal(app.id)
    if found is None or found.outcome or Role.applicant not in roles_for_application(repo, actor, app):
        raise QualifyError(
            code="action-not-allowed-in-state",
            message_en="no open appeal of yours to attach to",
            message_zh="没有可附加文件的未决申诉",
        )
    content_type = check_upload(name, content, size)
    with repo.atomic():
        check_room((repo.appeal(app.id) or found).files, name, len(content) if size is None else size, limits)
        return repo.add_appeal_file(actor, found.id, safe_name(name), content_type, content)


def shared_members(repo: CertificationRepository, app: ApplicationView, panel: PanelView) -> list[str]:
    """The members of the appeal ``panel`` (usernames) who sat on the panel whose decision is appealed."""
    reviewers = {a.user_id: a.username for a in repo.assignments(app.id, "review")}
    overlap = rules.appeal_panel_overlap(reviewers, (panel.lead_user_id, *panel.member_user_ids))
    return [reviewers[user_id] for user_id in overlap]


def assign_appeal_panel(
    repo: CertificationRepository, actor: Actor, application_id: int, panel_id: int
) -> ApplicationView:
    """Assign an appeal panel; refused when it shares a member with the panel whose decision is
    appealed, unless the standard's owner allows it (the page then warns, see ``shared_members``)."""
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        panel = panel_of_kind(repo, app, panel_id, "appeal")
        state = transition(app.state, Action.assign_appeal_panel, roles_for_application(repo, actor, app))
        standard = cycle_standard(repo, repo.cycle(app.cycle_id))
        rules.require_independent_appeal_panel(
            shared_members(repo, app, panel), allowed=standard.certificate.appeal_panel_may_share_members
        )
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
    dismissed: a new decision that confirms the result. Either way it points to the one it replaces.
    A result the appeal changed is published again (``publish``) before it becomes final."""
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
