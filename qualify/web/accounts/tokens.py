"""API tokens: made once (the key is shown once), stored as a SHA-256 hash, checked in constant time,
valid for a limited number of days (``TOKEN_DAYS``), listed and revoked by their owner."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.utils import timezone

from qualify.web.accounts.models import ApiToken

KEY_PREFIX = "qk_"
TOKEN_DAYS = (30, 90, 180, 365)
"""How long a token may be valid, in days (the choices offered; 90 by default)."""
DEFAULT_TOKEN_DAYS = 90


def _hash(key: str) -> str:
    # The keys are 256-bit random strings, so a plain fast hash is enough (no dictionary to attack).
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user: Any, name: str, days: int = DEFAULT_TOKEN_DAYS) -> tuple[ApiToken, str]:
    """A new token for ``user``, valid for ``days``; returns the token and its key (the only time the
    key is known)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:10], key_hash=_hash(key),
                                    expires=timezone.now() + dt.timedelta(days=days))
    return token, key


def user_for_key(key: str) -> Any:
    """The active user a key belongs to, or ``None`` (also for a key whose token has expired)."""
    if not key.startswith(KEY_PREFIX):
        return None
    digest = _hash(key)
    live = ApiToken.objects.filter(prefix=key[:10], expires__gt=timezone.now()).select_related("user")
    for token in live:
        if hmac.compare_digest(token.key_hash, digest) and token.user.is_active:
            now = timezone.now()
            if token.last_used is None or now - token.last_used > dt.timedelta(minutes=1):
                ApiToken.objects.filter(pk=token.pk).update(last_used=now)
            return token.user
    return None
