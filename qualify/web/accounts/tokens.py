"""API tokens: made once (the key is shown once, by ``qualify.services.accounts``), stored as a SHA-256
hash, checked in constant time, valid for a limited number of days, listed and revoked by their owner."""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.utils import timezone

from qualify.services.accounts import DEFAULT_TOKEN_DAYS, KEY_PREFIX, make_token
from qualify.services.accounts import hash_key as _hash
from qualify.web.accounts.models import ApiToken
from qualify.web.accounts.repository import OrmAccountStore


def create_token(user: Any, name: str, days: int = DEFAULT_TOKEN_DAYS) -> tuple[ApiToken, str]:
    """A new token for ``user``, valid for ``days``, made by the service (recorded in the audit record
    as made by ``user``); returns the token and its key (the only time the key is known)."""
    made = make_token(OrmAccountStore(), user, user, user.get_username(), name, days=days)
    return ApiToken.objects.get(pk=made.id), made.key


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
