"""The one dispatcher: a ``Notice`` from a step of the cycle becomes a message in each recipient's bell,
an e-mail in the outbox for those who want one, and a post in the outbox for each group robot of the
family that asked for the event. Only rows are written here (with the step's transaction when there is
one); the background worker sends the outbox (``delivery.py``)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from qualify.services.certification.values import Notice
from qualify.web.accounts.models import Profile
from qualify.web.notifications.events import EVENTS, link_for, render_both
from qualify.web.notifications.models import Notification, OutboxMessage, Preference, Webhook

log = logging.getLogger(__name__)


def values_of(notice: Notice) -> dict[str, Any]:
    return {
        "cycle": notice.cycle_name, "cycle_id": notice.cycle_id, "app": notice.application_id,
        "level": notice.level, "date": notice.on.isoformat() if notice.on else None,
        "number": notice.number, "count": notice.count,
    }


def hr_user_ids(family: str) -> set[int]:
    """The active HR accounts whose job families include ``family``."""
    profiles = Profile.objects.filter(user__is_active=True).exclude(hr_families=[]).only(
        "user_id", "roles", "hr_families")
    return {p.user_id for p in profiles if "hr" in (p.roles or []) and family in (p.hr_families or [])}


def recipient_ids(notice: Notice) -> set[int]:
    users = get_user_model().objects.filter(is_active=True)
    ids = set(notice.user_ids)
    if notice.employee_ids:
        ids |= set(users.filter(profile__person__employee_id__in=list(notice.employee_ids))
                   .values_list("pk", flat=True))
    if notice.to_hr and notice.family:
        ids |= hr_user_ids(notice.family)
    ids.discard(notice.skip_user_id)  # type: ignore[arg-type]  # None is simply not in the set
    return ids


def muted_of(user_ids: set[int]) -> dict[int, set[str]]:
    return {p.user_id: set(p.muted or []) for p in Preference.objects.filter(user_id__in=user_ids)}


def absolute(path: str) -> str:
    base = settings.QUALIFY_SITE_URL
    return f"{base}{path}" if base and path else ""


def email_body(zh: tuple[str, str], en: tuple[str, str], link: str) -> str:
    body = f"{zh[1]}\n\n{en[1]}\n"
    if link:
        body += f"\n{link}\n"
    return body + "\n— Qualify\n"


def dispatch(notice: Notice) -> int:
    """Write ``notice``'s messages; how many rows (bell, e-mail, robots) were written. An event that is
    not in ``EVENTS`` is logged and told to nobody (a step never fails for want of a message)."""
    event = EVENTS.get(notice.event)
    if event is None:
        log.warning("notification event %r is not in qualify.web.notifications.events.EVENTS", notice.event)
        return 0
    values = values_of(notice)
    link = link_for(notice.event, values)
    ids = recipient_ids(notice)
    muted = muted_of(ids)
    users = list(get_user_model().objects.filter(pk__in=ids).only("pk", "email"))
    bell = [Notification(user_id=u.pk, event=notice.event, values=values, link=link)
            for u in users if f"app:{notice.event}" not in muted.get(u.pk, set())]
    Notification.objects.bulk_create(bell)
    zh, en = render_both(notice.event, values)
    now = timezone.now()
    mail = [OutboxMessage(channel="email", event=notice.event, to_email=u.email, next_attempt_at=now,
                          subject=f"[Qualify] {zh[0]} / {en[0]}",
                          content={"body": email_body(zh, en, absolute(link))})
            for u in users if u.email and f"email:{notice.event}" not in muted.get(u.pk, set())]
    robots = []
    if event.for_groups and notice.family:
        for hook in Webhook.objects.filter(active=True, family__in=[notice.family, ""]):
            if notice.event in (hook.events or []):
                robots.append(OutboxMessage(
                    channel="webhook", event=notice.event, webhook=hook, next_attempt_at=now,
                    subject=f"{zh[0]} / {en[0]}",
                    content={"title_zh": zh[0], "title_en": en[0], "text_zh": zh[1], "text_en": en[1],
                             "link": absolute(link)}))
    OutboxMessage.objects.bulk_create(mail + robots)
    return len(bell) + len(mail) + len(robots)
