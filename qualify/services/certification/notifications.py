"""Who is told what: the notices the cycle's steps send to an applicant."""

from __future__ import annotations

from typing import Any

from qualify.services.certification.repository import CertificationRepository
from qualify.services.certification.values import Actor, ApplicationView, CycleView, Notice


def notify_applicant(
    repo: CertificationRepository, event: str, app: ApplicationView, cycle: CycleView, **more: Any
) -> None:
    """Tell the applicant of ``app`` about ``event`` (application-received, result-published,
    appeal-decided, certificate-issued)."""
    repo.notify(
        Notice(
            event,
            employee_ids=(app.employee_id,),
            cycle_name=cycle.name,
            application_id=app.id,
            level=app.target_level,
            family=cycle.family,
            cycle_id=cycle.id,
            **more,
        )
    )


def notify_hr(
    repo: CertificationRepository, event: str, actor: Actor, app: ApplicationView, cycle: CycleView,
    **more: Any,
) -> None:
    """Tell HR of the cycle's family (and its group robots) about ``event`` on ``app``; the actor is not
    told about their own step."""
    repo.notify(
        Notice(
            event,
            to_hr=True,
            cycle_name=cycle.name,
            application_id=app.id,
            level=app.target_level,
            family=cycle.family,
            cycle_id=cycle.id,
            skip_user_id=actor.user_id,
            **more,
        )
    )
