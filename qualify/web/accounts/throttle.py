"""Login throttling: after N failures for one username from one address within a window, refuse
further attempts until the window has passed. Counted in the database (works across processes)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from qualify.web.accounts.models import LoginAttempt


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR is the proxy's address behind a reverse proxy; gunicorn's forwarded_allow_ips and
    # the proxy's X-Forwarded-For handling are documented in the deployment notes.
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        if forwarded:
            return forwarded.split(",")[-1].strip()[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.QUALIFY_LOGIN_WINDOW_MINUTES)


def record_failure(username: str, ip: str) -> None:
    LoginAttempt.objects.create(username=username.strip().lower()[:150], ip=ip)
    # Forget failures long past, so the table stays small.
    LoginAttempt.objects.filter(at__lt=timezone.now() - 4 * _window()).delete()


def is_locked(username: str, ip: str) -> bool:
    since = timezone.now() - _window()
    failures = LoginAttempt.objects.filter(username=username.strip().lower()[:150], ip=ip, at__gte=since)
    return failures.count() >= settings.QUALIFY_LOGIN_FAILURES


def clear(username: str, ip: str) -> None:
    LoginAttempt.objects.filter(username=username.strip().lower()[:150], ip=ip).delete()
