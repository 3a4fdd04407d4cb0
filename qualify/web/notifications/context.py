"""The bell in every page's header: the user's unread count, one COUNT on an index, only when shown."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from qualify.web.notifications.models import Notification


def uid(request: HttpRequest) -> int:
    """The logged-in user's id (the views that call this require a login)."""
    return int(request.user.pk or 0)


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def bell(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"notify_unread": SimpleLazyObject(lambda: unread_count(user))}
