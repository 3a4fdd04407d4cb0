from __future__ import annotations

from django.contrib import admin

from qualify.web.accounts.base_admin import AuditedAdmin, ReadOnlyAdmin
from qualify.web.notifications.forms import WebhookForm
from qualify.web.notifications.models import Notification, OutboxMessage, Webhook


@admin.register(Webhook)
class WebhookAdmin(AuditedAdmin):
    form = WebhookForm  # the same checks as HR's page: a public address, no secret for WeCom
    list_display = ["name", "platform", "family", "active", "created_at"]
    list_filter = ["platform", "active", "family"]
    fields = ["name", "platform", "url", "secret", "family", "events", "active"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "channel", "event", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "channel", "event"]
    exclude = ["content"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "event", "created_at", "read_at"]
    list_filter = ["event"]
