"""API tokens: made once (the key is shown once, by ``qualify.services.accounts``), stored as a SHA-256
hash, checked in constant time."""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.utils import timezone

from qualify.services.accounts import KEY_PREFIX, make_token
from qualify.services.accounts import hash_key as _hash
from qualify.web.accounts.models import ApiToken
from qualify.web.accounts.repository import OrmAccountStore


def create_token(user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user`` made by the service (recorded in the audit record as made by
    ``user``); returns the token and its key (the only time the key is known)."""
    made = make_token(OrmAccountStore(), user, user, user.get_username(), name)
    return ApiToken.objects.get(pk=made.id), made.key


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
