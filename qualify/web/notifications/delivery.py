"""Sending the outbox, in the background worker (``qualify worker``): e-mail through Django's mail
framework, group robots through ``qualify.services.notifications`` (signed, checked, with a timeout)."""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mail
from django.db.models import F, Q
from django.utils import timezone

from qualify.core.errors import QualifyError
from qualify.services.notifications import outbox, webhook
from qualify.services.notifications.robots import RobotMessage, accepted, robot_request
from qualify.web import config
from qualify.web.notifications.models import OutboxMessage

TIMEOUT_SECONDS = 10.0


class OrmOutboxStore:
    def now(self) -> dt.datetime:
        return timezone.now()

    def due(self, now: dt.datetime, limit: int) -> list[outbox.OutboxItem]:
        rows = (OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
                .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
                .order_by("next_attempt_at", "id").values_list("id", "channel", "attempts")[:limit])
        return [outbox.OutboxItem(i, c, a) for i, c, a in rows]

    def claim(self, item_id: int, now: dt.datetime, until: dt.datetime) -> bool:
        return OutboxMessage.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            pk=item_id, status=OutboxMessage.Status.PENDING,
        ).update(claimed_until=until) == 1

    def sent(self, item_id: int, now: dt.datetime) -> None:
        OutboxMessage.objects.filter(pk=item_id).update(
            status=OutboxMessage.Status.SENT, sent_at=now, claimed_until=None, attempts=F("attempts") + 1,
            last_error="")

    def failed(self, item_id: int, attempts: int, error: str, retry_at: dt.datetime | None) -> None:
        changes = {"attempts": attempts, "last_error": error[:2000], "claimed_until": None}
        if retry_at is None:
            changes["status"] = OutboxMessage.Status.FAILED
        else:
            changes["next_attempt_at"] = retry_at
        OutboxMessage.objects.filter(pk=item_id).update(**changes)


def allow_private() -> bool:
    """``QUALIFY_WEBHOOK_ALLOW_PRIVATE``, read when a message is sent (the environment of the worker)."""
    return config.settings().QUALIFY_WEBHOOK_ALLOW_PRIVATE


def send_webhook(row: OutboxMessage) -> None:
    hook = row.webhook
    if hook is None or not hook.active:
        raise outbox.SendFailed("the webhook was removed or switched off")
    c = row.content
    message = RobotMessage(c["title_zh"], c["title_en"], c["text_zh"], c["text_en"], c.get("link", ""))
    request = robot_request(hook.platform, hook.url, hook.secret, message, timezone.now())
    try:
        status, answer = webhook.post(request.url, request.body, allow_private=allow_private(),
                                      timeout=TIMEOUT_SECONDS)
    except QualifyError as refused:
        raise outbox.SendFailed(refused.message_en) from None
    ok, said = accepted(hook.platform, status, answer)
    if not ok:
        raise outbox.SendFailed(said)


def send_item(item: outbox.OutboxItem) -> None:
    row = OutboxMessage.objects.select_related("webhook").get(pk=item.id)
    if row.channel == "email":
        send_mail(row.subject, row.content.get("body", ""), None, [row.to_email])
    else:
        send_webhook(row)


def deliver(limit: int = 50) -> dict[str, int]:
    """Send what is due now: ``{"sent", "retried", "failed"}``."""
    return outbox.deliver_due(OrmOutboxStore(), send_item, limit=limit)
