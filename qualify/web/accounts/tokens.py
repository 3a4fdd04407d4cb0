"""API tokens: made once (the key is shown once), stored as a SHA-256 hash, checked in constant time."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.utils import timezone

from qualify.web.accounts.models import ApiToken

KEY_PREFIX = "qk_"


def _hash(key: str) -> str:
    # The keys are 256-bit random strings, so a plain fast hash is enough (no dictionary to attack).
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the token and its key (the only time the key is known)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:10], key_hash=_hash(key))
    return token, key


def user_for_key(key: str) -> Any:
    """The active user a key belongs to, or ``None``."""
    if not key.startswith(KEY_PREFIX):
        return None
    digest = _hash(key)
    for token in ApiToken.objects.filter(prefix=key[:10]).select_related("user"):
        if hmac.compare_digest(token.key_hash, digest) and token.user.is_active:
            now = timezone.now()
            if token.last_used is None or now - token.last_used > dt.timedelta(minutes=1):
                ApiToken.objects.filter(pk=token.pk).update(last_used=now)
            return token.user
    return None
