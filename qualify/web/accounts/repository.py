"""Accounts and tokens on the ORM: what ``qualify.services.accounts`` reads and writes through."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from qualify.services.accounts import AccountInput
from qualify.web.accounts.access import person_model
from qualify.web.accounts.audit import record
from qualify.web.accounts.models import ApiToken, Profile


def _unit_model() -> Any:
    """The model of org units, the one ``Profile.managed_unit`` points to (accounts imports no people)."""
    return Profile._meta.get_field("managed_unit").related_model


class OrmAccountStore:
    def atomic(self) -> AbstractContextManager[Any]:
        return transaction.atomic()

    def unit_exists(self, code: str) -> bool:
        return bool(_unit_model().objects.filter(code=code).exists())

    def person_exists(self, employee_id: str) -> bool:
        return person_model().objects.filter(employee_id=employee_id).exists()

    def active_user(self, username: str) -> Any:
        return get_user_model().objects.filter(username=username, is_active=True).first()

    def _user(self, username: str) -> Any:
        User = get_user_model()
        return User.objects.filter(username=username).first() or User(username=username)

    def password_problems(self, username: str, password: str) -> list[str]:
        try:
            validate_password(password, self._user(username))
        except ValidationError as error:
            return [str(m) for m in error.messages]
        return []

    def save_account(self, account: AccountInput, password: str) -> int:
        user = self._user(account.username)
        is_admin = "admin" in account.roles
        user.is_staff = user.is_superuser = is_admin
        user.set_password(password)
        user.save()
        profile = user.profile
        profile.roles, profile.hr_families = list(account.roles), list(account.hr_families)
        profile.managed_unit = (
            _unit_model().objects.get(code=account.managed_unit) if account.managed_unit else None
        )
        profile.person = (person_model().objects.get(employee_id=account.employee_id)
                          if account.employee_id else None)
        profile.save()
        return int(user.pk)

    def add_token(self, user: Any, name: str, prefix: str, key_hash: str, expires: dt.datetime) -> int:
        return int(ApiToken.objects.create(user=user, name=name, prefix=prefix, key_hash=key_hash,
                                           expires=expires).pk)

    def audit(self, actor: Any, action: str, obj_type: str, obj_id: object, before: Any, after: Any) -> None:
        record(actor, action, obj_type, obj_id, before, after)
