"""Notifications in the database.

- ``Notification``: one message in one user's bell. Its words are rendered when it is shown, in the
  reader's language, from the event and its values (``events.py``).
- ``Preference``: which events a user wants on which channel (in the app, by e-mail); everything by
  default.
- ``Webhook``: a group robot HR configured (企业微信, 钉钉 or 飞书), for the events of one job family.
- ``OutboxMessage``: a message to leave the system (an e-mail, a robot's post), written with the step
  that caused it and sent by the background worker with retries (``qualify.services.notifications``).
- ``SentKey``: what a scheduled reminder already told (``qualify notify-expiring`` runs idempotently).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL

PLATFORM_CHOICES = [("wecom", _("WeCom (企业微信)")), ("dingtalk", _("DingTalk (钉钉)")),
                    ("feishu", _("Feishu / Lark (飞书)"))]


class Notification(models.Model):
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(_("event"), max_length=40)
    values = models.JSONField(_("values"), default=dict)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        # the bell's count: a user's unread rows, from the index alone
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.event}"


class Preference(models.Model):
    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="notification_preference")
    muted = models.JSONField(_("muted"), default=list, blank=True)  # "channel:event" strings

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {len(self.muted)} muted"


class Webhook(models.Model):
    name = models.CharField(_("name"), max_length=100)
    platform = models.CharField(_("platform"), max_length=10, choices=PLATFORM_CHOICES)
    url = models.URLField(_("webhook address"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    family = models.CharField(_("job family"), max_length=100, blank=True,
                              help_text=_("Empty: every job family (administrators only)."))
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("group robot webhook")
        verbose_name_plural = _("group robot webhooks")
        ordering = ["family", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.platform})"


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.CharField(_("channel"), max_length=10)  # email | webhook
    event = models.CharField(_("event"), max_length=40)
    to_email = models.EmailField(_("to"), blank=True)
    webhook = models.ForeignKey(Webhook, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="messages")
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    content = models.JSONField(_("content"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.channel} {self.event} {self.status}"


class SentKey(models.Model):
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self) -> str:
        return self.key
