"""Reminders that depend on the date, for ``qualify notify-expiring`` (run it daily from cron).

Each reminder is sent once: its key (``SentKey``) is written with its messages, so running the command
twice, or on two hosts, tells nobody twice. Dates are the deployment's local dates.

- ``certificate-expiring``: a certificate valid until a day within ``EXPIRY_WARNING_DAYS`` (90) of
  today: its holder and HR of its family, once per certificate and validity.
- ``publication-ending``: a notice period (公示) whose last day is today or tomorrow: the applicants
  published in it and HR, once per publication.
- ``sheet-due``: a review score sheet still not submitted after the cycle's applications closed: its
  assessor, once a week.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from qualify.core.cycle import EXPIRY_WARNING_DAYS, ApplicationState, AssignmentState
from qualify.services.certification.values import Notice
from qualify.web.certification import models as m
from qualify.web.notifications.dispatch import dispatch
from qualify.web.notifications.models import SentKey


def _once(key: str, notice: Notice) -> bool:
    """Dispatch ``notice`` unless ``key`` was sent before; whether it was sent now."""
    try:
        with transaction.atomic():
            SentKey.objects.create(key=key[:200])
            dispatch(notice)
    except IntegrityError:
        return False
    return True


def expiring_certificates(today: dt.date, within_days: int) -> int:
    sent = 0
    last = today + dt.timedelta(days=within_days)
    for cert in m.Certificate.objects.filter(valid_until__gte=today, valid_until__lte=last).order_by("id"):
        sent += _once(f"certificate-expiring:{cert.pk}:{cert.valid_until.isoformat()}", Notice(
            "certificate-expiring", employee_ids=(cert.holder_employee_id,), to_hr=True,
            family=cert.job_family, level=cert.level, number=cert.number, on=cert.valid_until))
    return sent


def ending_publications(today: dt.date) -> int:
    sent = 0
    zone = timezone.get_current_timezone()
    # a notice ends at midnight after its last local day: the last day is today or tomorrow
    start = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    found = m.Publication.objects.filter(ends_at__gte=start, ends_at__lte=start + dt.timedelta(days=1))
    for publication in found.select_related("cycle").order_by("id"):
        running = list(publication.applications.filter(state=ApplicationState.published.value)
                       .values_list("person__employee_id", flat=True))
        if not running:
            continue
        last_day = publication.ends_at.astimezone(zone).date() - dt.timedelta(days=1)
        cycle = publication.cycle
        sent += _once(f"publication-ending:{publication.pk}", Notice(
            "publication-ending", employee_ids=tuple(running), to_hr=True, family=cycle.family,
            cycle_name=cycle.name, cycle_id=cycle.pk, on=last_day))
    return sent


def sheets_due(today: dt.date) -> int:
    sent = 0
    week = "{}-W{:02d}".format(*today.isocalendar()[:2])
    pending = (m.Assignment.objects.filter(
        active=True, kind="review", state=AssignmentState.pending.value,
        application__state=ApplicationState.in_review.value, application__cycle__closes_on__lt=today)
        .select_related("application__cycle").order_by("id"))
    for sheet in pending:
        app, cycle = sheet.application, sheet.application.cycle
        sent += _once(f"sheet-due:{sheet.pk}:{week}", Notice(
            "sheet-due", user_ids=(sheet.assessor_id,), cycle_name=cycle.name, cycle_id=cycle.pk,
            application_id=app.pk, level=app.target_level, family=cycle.family, on=cycle.closes_on))
    return sent


def send_reminders(today: dt.date | None = None, *, within_days: int = EXPIRY_WARNING_DAYS) -> dict[str, int]:
    """Send the reminders due on ``today`` (default: the local date); how many of each were sent."""
    day = today or timezone.localdate()
    return {
        "certificate-expiring": expiring_certificates(day, within_days),
        "publication-ending": ending_publications(day),
        "sheet-due": sheets_due(day),
    }
