"""Who is told what: the notices the cycle's steps send to an applicant."""

from __future__ import annotations

from qualify.services.certification.repository import CertificationRepository
from qualify.services.certification.values import ApplicationView, CycleView, Notice


def notify_applicant(
    repo: CertificationRepository, event: str, app: ApplicationView, cycle: CycleView
) -> None:
    """Tell the applicant of ``app`` about ``event`` (application-received, result-published,
    appeal-decided)."""
    repo.notify(
        Notice(
            event,
            employee_ids=(app.employee_id,),
            cycle_name=cycle.name,
            application_id=app.id,
            level=app.target_level,
        )
    )
