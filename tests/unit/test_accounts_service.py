"""``qualify.services.accounts`` on a fake store: accounts and API tokens without a database."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from qualify.core.errors import InvalidInput, QualifyError
from qualify.services import accounts as svc


@dataclass
class FakeStore:
    units: set[str] = field(default_factory=lambda: {"north"})
    people: set[str] = field(default_factory=lambda: {"E001"})
    users: dict[str, int] = field(default_factory=lambda: {"ops": 1})
    saved: list[tuple[svc.AccountInput, str]] = field(default_factory=list)
    tokens: list[tuple[Any, str, str, str]] = field(default_factory=list)
    audit_log: list[tuple[Any, ...]] = field(default_factory=list)
    fail_in_transaction: bool = False

    @contextlib.contextmanager
    def _atomic(self) -> Iterator[None]:
        saved, tokens, audit_log = list(self.saved), list(self.tokens), list(self.audit_log)
        try:
            yield
            if self.fail_in_transaction:
                raise RuntimeError("the database went away")
        except BaseException:
            self.saved, self.tokens, self.audit_log = saved, tokens, audit_log
            raise

    def atomic(self) -> Any:
        return self._atomic()

    def unit_exists(self, code: str) -> bool:
        return code in self.units

    def person_exists(self, employee_id: str) -> bool:
        return employee_id in self.people

    def active_user(self, username: str) -> Any:
        return self.users.get(username)

    def password_problems(self, username: str, password: str) -> list[str]:
        return ["This password is too short."] if len(password) < 12 else []

    def save_account(self, account: svc.AccountInput, password: str) -> int:
        self.saved.append((account, password))
        return self.users.setdefault(account.username, len(self.users) + 1)

    def add_token(self, user: Any, name: str, prefix: str, key_hash: str, expires: Any = None) -> int:
        self.tokens.append((user, name, prefix, key_hash))
        return len(self.tokens)

    def audit(self, actor: Any, action: str, obj_type: str, obj_id: object, before: Any, after: Any) -> None:
        self.audit_log.append((actor, action, obj_type, obj_id, before, after))


PASSWORD = "a-long-enough-passphrase"


def test_an_hr_account_is_saved_with_its_families_and_recorded_in_the_audit_record() -> None:
    store = FakeStore()
    user_id = svc.set_account(
        store, None, svc.AccountInput("lee", ("hr",), ("mini", "mini")), PASSWORD, via="cli"
    )
    ((account, password),) = store.saved
    assert (account.hr_families, password) == (("mini",), PASSWORD)
    assert store.audit_log == [
        (
            None,
            "account.set",
            "auth.User",
            user_id,
            None,
            {
                "username": "lee",
                "roles": ["hr"],
                "hr_families": ["mini"],
                "managed_unit": None,
                "employee_id": None,
                "via": "cli",
            },
        )
    ]


def test_every_problem_of_an_account_is_named_at_once_and_nothing_is_saved() -> None:
    store = FakeStore()
    wrong = svc.AccountInput("lee", ("hr", "boss"), managed_unit="nowhere", employee_id="E999")
    with pytest.raises(InvalidInput) as caught:
        svc.set_account(store, None, wrong, PASSWORD)
    assert [p.code for p in caught.value.problems] == [
        "bad-role",
        "unit-needs-manager",
        "unknown-unit",
        "unknown-employee",
    ]
    assert store.saved == [] and store.audit_log == []


def test_a_family_given_to_an_account_that_is_not_hr_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        svc.set_account(FakeStore(), None, svc.AccountInput("lee", ("employee",), ("mini",)), PASSWORD)
    assert [p.code for p in caught.value.problems] == ["family-needs-hr"]
    assert "--role hr" in caught.value.problems[0].message_en


def test_a_weak_password_is_refused_with_the_validators_words() -> None:
    store = FakeStore()
    with pytest.raises(QualifyError) as caught:
        svc.set_account(store, None, svc.AccountInput("lee", ("employee",)), "short")
    assert caught.value.code == "weak-password" and "too short" in caught.value.message_en
    assert store.saved == []


def test_a_token_is_stored_as_a_hash_of_its_key_and_recorded_by_its_prefix() -> None:
    store = FakeStore()
    made = svc.make_token_for(store, None, "ops", "  sync  ", via="cli")
    assert made.key.startswith("qk_") and made.prefix == made.key[:10] and made.name == "sync"
    ((user, name, prefix, key_hash),) = store.tokens
    assert (user, name, prefix) == (1, "sync", made.prefix)
    assert key_hash == svc.hash_key(made.key) and made.key not in key_hash
    assert store.audit_log == [
        (
            None,
            "token.create",
            "ApiToken",
            made.id,
            None,
            {"user": "ops", "name": "sync", "prefix": made.prefix, "expires": made.expires.isoformat(),
             "via": "cli"},
        )
    ]


def test_two_tokens_have_different_keys() -> None:
    store = FakeStore()
    assert svc.make_token_for(store, None, "ops", "a").key != svc.make_token_for(store, None, "ops", "a").key


def test_a_token_without_a_name_is_refused() -> None:
    store = FakeStore()
    for name in ("", "   ", "x" * (svc.TOKEN_NAME_MAX + 1)):
        with pytest.raises(InvalidInput) as caught:
            svc.make_token_for(store, None, "ops", name)
        assert [p.code for p in caught.value.problems] == ["token-name"]
    assert store.tokens == []


def test_a_token_for_an_unknown_account_is_refused() -> None:
    with pytest.raises(QualifyError) as caught:
        svc.make_token_for(FakeStore(), None, "nobody", "sync")
    assert caught.value.code == "unknown-user"


def test_a_token_whose_audit_entry_cannot_be_written_is_not_kept() -> None:
    store = FakeStore(fail_in_transaction=True)
    with pytest.raises(RuntimeError):
        svc.make_token_for(store, None, "ops", "sync")
    assert store.tokens == [] and store.audit_log == []
