"""Certificates for passed applications, closing the others, and expiring certificates (step 10)."""

from __future__ import annotations

import datetime as dt

from qualify.core import cycle as rules
from qualify.core.cycle import Action, ApplicationState, transition
from qualify.core.errors import QualifyError
from qualify.services.certification.access import roles_for_application, visible_application
from qualify.services.certification.decisions import changed_on_appeal
from qualify.services.certification.frozen import cycle_standard
from qualify.services.certification.notifications import notify_applicant
from qualify.services.certification.repository import CertificationRepository
from qualify.services.certification.values import (
    HR_ROLES,
    Actor,
    ApplicationView,
    CertificateView,
    DecisionView,
)


def _after_notice(
    repo: CertificationRepository, actor: Actor, application_id: int, action: Action
) -> tuple[ApplicationView, ApplicationState, DecisionView | None]:
    """The application, the state ``action`` moves it to, and its current decision; refused while a
    published application's notice period runs."""
    app = visible_application(repo, actor, application_id)
    state = transition(app.state, action, roles_for_application(repo, actor, app))
    if app.state is ApplicationState.published:
        rules.require_notice_over(app.notice_ends_at, repo.now())
    if app.state is ApplicationState.appeal_decided:
        rules.require_republished(changed_on_appeal(repo, app.id))
    return app, state, repo.current_decision(app.id)


def certify(repo: CertificationRepository, actor: Actor, application_id: int) -> CertificateView:
    """A certificate for a passed application once its notice period is over (or its appeal decided):
    a unique number, the level, the standard version, the validity from the standard; the person's
    current level becomes the certified level."""
    with repo.atomic():
        app, state, current = _after_notice(repo, actor, application_id, Action.certify)
        if current is None or not current.passed:
            raise QualifyError(
                code="not-passed",
                message_en="only a passed application is certified",
                message_zh="只有通过的申请可以颁发证书",
            )
        cycle = repo.cycle(app.cycle_id)
        standard = cycle_standard(repo, cycle)
        today = repo.now().date()
        valid_from, valid_until = rules.certificate_validity(today, standard.certificate.validity_months)
        number = rules.certificate_number(
            standard.family,
            app.target_level,
            today,
            repo.next_certificate_sequence(standard.family, today.year),
        )
        made = repo.add_certificate(
            actor, app.id, number, app.target_level, standard.id, valid_from, valid_until
        )
        repo.set_current_level(actor, app.employee_id, app.target_level)
        repo.update_application(
            actor, app.id, Action.certify.value, state=state, expected_version=app.version
        )
    notify_applicant(repo, "certificate-issued", app, cycle, number=made.number, on=made.valid_until)
    return made


def close_application(repo: CertificationRepository, actor: Actor, application_id: int) -> ApplicationView:
    """Close a published application that did not pass (after the notice period or the appeal)."""
    with repo.atomic():
        app, state, current = _after_notice(repo, actor, application_id, Action.close)
        if current is not None and current.passed:
            raise QualifyError(
                code="passed",
                message_en="a passed application is certified, not closed",
                message_zh="通过的申请应颁发证书而非结束",
            )
        return repo.update_application(
            actor, app.id, Action.close.value, state=state, expected_version=app.version
        )


def finish(repo: CertificationRepository, actor: Actor, cycle_id: int) -> dict[str, int]:
    """Certify every passed and close every failed application whose notice is over (HR).

    Returns how many were ``certified`` and ``closed``, and how many wait: ``in_notice`` (their
    notice period runs; ``notice_ends`` says until when) and ``to_publish`` (changed on appeal, to be
    published again)."""
    counts = {"certified": 0, "closed": 0, "in_notice": 0, "to_publish": 0}
    for app in repo.applications(cycle_id):
        if app.state not in {ApplicationState.published, ApplicationState.appeal_decided}:
            continue
        if app.state is ApplicationState.published and (
            app.notice_ends_at is None or repo.now() < app.notice_ends_at
        ):
            counts["in_notice"] += 1
            continue
        if app.state is ApplicationState.appeal_decided and changed_on_appeal(repo, app.id):
            counts["to_publish"] += 1  # published again first, with its own notice period
            continue
        current = repo.current_decision(app.id)
        if current is not None and current.passed:
            certify(repo, actor, app.id)
            counts["certified"] += 1
        else:
            close_application(repo, actor, app.id)
            counts["closed"] += 1
    return counts


def notice_ends(repo: CertificationRepository, cycle_id: int) -> dt.datetime | None:
    """When the last notice period still running in the cycle ends (``None``: none runs)."""
    now = repo.now()
    running = [
        a.notice_ends_at
        for a in repo.applications(cycle_id)
        if a.state is ApplicationState.published and a.notice_ends_at is not None and now < a.notice_ends_at
    ]
    return max(running) if running else None


def expiring_certificates(
    repo: CertificationRepository,
    actor: Actor,
    *,
    today: dt.date | None = None,
    within_days: int = rules.EXPIRY_WARNING_DAYS,
) -> list[CertificateView]:
    """Certificates that expire within ``within_days`` (or have expired), soonest first (HR)."""
    if not actor.roles & HR_ROLES:
        raise QualifyError(
            code="role-may-not-do-action",
            message_en="only HR sees expiring certificates",
            message_zh="只有人力资源可以查看即将到期的证书",
        )
    day = today or repo.now().date()
    found = repo.certificates(valid_until_before=day + dt.timedelta(days=within_days))
    families = actor.hr_families
    if "admin" not in actor.roles and families is not None:
        found = [c for c in found if c.standard_id.split("@")[0] in families]
    return sorted(found, key=lambda c: c.valid_until)
