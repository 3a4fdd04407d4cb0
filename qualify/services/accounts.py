"""Accounts and API tokens: make or update an account (``qualify createuser``), make a token (the
tokens page and ``qualify token``).

The store is an ``AccountStore`` (the web app's is ``qualify.web.accounts.repository.OrmAccountStore``);
this module knows nothing of Django. Every change is recorded in the audit record through the store.
A refused request says every problem at once and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from qualify.core.errors import InvalidInput, Problem, QualifyError

ROLES = ("employee", "manager", "assessor", "hr", "admin")
KEY_PREFIX = "qk_"
TOKEN_NAME_MAX = 100
TOKEN_DAYS = (30, 90, 180, 365)
"""How long a token may be valid, in days (the choices offered; 90 by default)."""
DEFAULT_TOKEN_DAYS = 90


@dataclass(frozen=True)
class AccountInput:
    """What ``createuser`` asks for: the login, its roles and scope, its own employee record."""

    username: str
    roles: tuple[str, ...]
    hr_families: tuple[str, ...] = ()
    managed_unit: str | None = None
    employee_id: str | None = None


@dataclass(frozen=True)
class TokenMade:
    """A new token: its id and prefix (kept), and its key (shown once, never stored)."""

    id: int
    name: str
    prefix: str
    key: str
    expires: dt.datetime


class AccountStore(Protocol):
    def atomic(self) -> AbstractContextManager[Any]: ...
    def unit_exists(self, code: str) -> bool: ...
    def person_exists(self, employee_id: str) -> bool: ...
    def active_user(self, username: str) -> Any:
        """The active account of that name (an opaque handle), or ``None``."""

    def password_problems(self, username: str, password: str) -> list[str]:
        """What the password validators say against ``password`` for that account (empty: fine)."""

    def save_account(self, account: AccountInput, password: str) -> int:
        """Create or update the account with that name, its roles, scope and password; its id."""

    def add_token(self, user: Any, name: str, prefix: str, key_hash: str, expires: dt.datetime) -> int: ...
    def audit(
        self, actor: Any, action: str, obj_type: str, obj_id: object, before: Any, after: Any
    ) -> None: ...


def hash_key(key: str) -> str:
    """The stored form of a token key. Keys are 256-bit random strings, so a plain fast hash is
    enough (there is no dictionary to attack)."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def _problem(code: str, en: str, zh: str, option: str) -> Problem:
    """A problem with one input, named as the command line's option (``--role``)."""
    return Problem(code=code, message_en=en, message_zh=zh, path=option)


def account_problems(store: AccountStore, account: AccountInput) -> list[Problem]:
    """Every problem with ``account``, one per thing that is wrong."""
    problems = []
    if not account.username.strip():
        problems.append(_problem("username-required", "a login name is required", "须填写登录名", "USERNAME"))
    if not account.roles:
        problems.append(
            _problem(
                "role-required",
                f"give at least one role: {', '.join(ROLES)}",
                f"至少给出一个角色：{', '.join(ROLES)}",
                "--role",
            )
        )
    bad = sorted(set(account.roles) - set(ROLES))
    if bad:
        problems.append(
            _problem(
                "bad-role",
                f"unknown role(s) {', '.join(bad)}; roles: {', '.join(ROLES)}",
                f"未知角色 {', '.join(bad)}；可用角色：{', '.join(ROLES)}",
                "--role",
            )
        )
    if account.hr_families and "hr" not in account.roles:
        problems.append(
            _problem(
                "family-needs-hr",
                "--family is the scope of an HR account: add --role hr (an admin has every family)",
                "--family 是人力资源账号的管理范围：请加上 --role hr（管理员管理所有职位族）",
                "--family",
            )
        )
    if account.managed_unit and "manager" not in account.roles:
        problems.append(
            _problem(
                "unit-needs-manager",
                "--unit is the unit a manager manages: add --role manager",
                "--unit 是主管所管理的组织：请加上 --role manager",
                "--unit",
            )
        )
    if account.managed_unit and not store.unit_exists(account.managed_unit):
        problems.append(
            _problem(
                "unknown-unit",
                f"no org unit {account.managed_unit!r}",
                f"没有组织单元 {account.managed_unit!r}",
                "--unit",
            )
        )
    if account.employee_id and not store.person_exists(account.employee_id):
        problems.append(
            _problem(
                "unknown-employee",
                f"no employee {account.employee_id!r}",
                f"没有员工 {account.employee_id!r}",
                "--employee-id",
            )
        )
    return problems


def check_account(store: AccountStore, account: AccountInput) -> None:
    """``InvalidInput`` with every problem of ``account`` (before a password is asked for)."""
    problems = account_problems(store, account)
    if problems:
        raise InvalidInput(problems, source="createuser")


def set_account(
    store: AccountStore, actor: Any, account: AccountInput, password: str, *, via: str = ""
) -> int:
    """Make the account (or update its roles, scope and password) in one transaction, recorded in the
    audit record; its id. ``InvalidInput`` (nothing written) when anything is wrong."""
    account = AccountInput(
        username=account.username.strip(),
        roles=tuple(dict.fromkeys(account.roles)),
        hr_families=tuple(dict.fromkeys(account.hr_families)),
        managed_unit=account.managed_unit or None,
        employee_id=account.employee_id or None,
    )
    check_account(store, account)
    weak = store.password_problems(account.username, password)
    if weak:
        raise QualifyError(
            code="weak-password", message_en=" ".join(weak), message_zh="密码不符合要求：" + " ".join(weak)
        )
    with store.atomic():
        user_id = store.save_account(account, password)
        after: dict[str, Any] = {
            "username": account.username,
            "roles": list(account.roles),
            "hr_families": list(account.hr_families),
            "managed_unit": account.managed_unit,
            "employee_id": account.employee_id,
        }
        if via:
            after["via"] = via
        store.audit(actor, "account.set", "auth.User", user_id, None, after)
    return user_id


def _token_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > TOKEN_NAME_MAX:
        raise InvalidInput(
            [
                _problem(
                    "token-name",
                    f"a token needs a name of 1 to {TOKEN_NAME_MAX} characters (what it is for)",
                    f"令牌须有 1 至 {TOKEN_NAME_MAX} 个字符的名称（用途）",
                    "--name",
                )
            ],
            source="token",
        )
    return name


def make_token(
    store: AccountStore, actor: Any, user: Any, username: str, name: str, *, via: str = "",
    days: int = DEFAULT_TOKEN_DAYS,
) -> TokenMade:
    """A new API token for ``user`` (named ``username``), valid for ``days``, recorded in the audit
    record (its prefix and expiry, never its key)."""
    name = _token_name(name)
    key = new_key()
    prefix = key[:10]
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    with store.atomic():
        token_id = store.add_token(user, name, prefix, hash_key(key), expires)
        after = {"user": username, "name": name, "prefix": prefix, "expires": expires.isoformat()}
        if via:
            after["via"] = via
        store.audit(actor, "token.create", "ApiToken", token_id, None, after)
    return TokenMade(id=token_id, name=name, prefix=prefix, key=key, expires=expires)


def make_token_for(store: AccountStore, actor: Any, username: str, name: str, *, via: str = "",
                   days: int = DEFAULT_TOKEN_DAYS) -> TokenMade:
    """``make_token`` for the active account named ``username`` (``unknown-user`` otherwise)."""
    name = _token_name(name)
    user = store.active_user(username)
    if user is None:
        raise QualifyError(
            code="unknown-user",
            message_en=f"no active account {username!r}",
            message_zh=f"没有有效账号 {username!r}",
        )
    return make_token(store, actor, user, username, name, via=via, days=days)
