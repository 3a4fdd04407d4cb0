"""``qualify createuser`` and ``qualify token`` go through ``qualify.services.accounts``: what the service
checks and records is what the command line does."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from qualify.cli.main import main
from qualify.web.accounts.models import ApiToken, AuditEntry
from qualify.web.accounts.tokens import user_for_key


def run(monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        return main(list(args))
    except SystemExit as done:
        return int(done.code or 0)


@pytest.mark.django_db
def test_createuser_names_every_problem_on_its_own_line_and_makes_no_account(
    org: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    code = run(monkeypatch, "createuser", "lee", "--role", "employee", "--role", "boss", "--family", "mini",
               "--unit", "nowhere", "--password-stdin", stdin="a-long-enough-passphrase\n")
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert [line.split(": ", 2)[-1].split()[0] for line in lines] == [
        "bad-role", "family-needs-hr", "unit-needs-manager", "unknown-unit"]
    assert not get_user_model().objects.filter(username="lee").exists()


@pytest.mark.django_db
def test_createuser_makes_a_manager_with_a_unit_and_records_it(
    org: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    code = run(monkeypatch, "createuser", "lee", "--role", "employee", "--role", "manager", "--unit", "north",
               "--employee-id", "M001", "--password-stdin", stdin="a-long-enough-passphrase\n")
    assert code == 0, capsys.readouterr().err
    user = get_user_model().objects.get(username="lee")
    assert user.check_password("a-long-enough-passphrase")
    assert (user.profile.managed_unit.code, user.profile.person.employee_id) == ("north", "M001")
    entry = AuditEntry.objects.get(action="account.set", object_id=str(user.pk))
    assert entry.after["via"] == "cli" and entry.after["roles"] == ["employee", "manager"]


@pytest.mark.django_db
def test_token_refuses_a_blank_name_and_makes_no_token(
    users: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    assert run(monkeypatch, "token", "hr", "--name", "  ") == 2
    assert "token-name" in capsys.readouterr().err
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_token_prints_a_key_that_signs_in_and_records_it_by_prefix(
    users: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    assert run(monkeypatch, "token", "hr", "--name", "nightly") == 0
    key = capsys.readouterr().out.strip()
    assert user_for_key(key) == users["hr"]
    token = ApiToken.objects.get()
    entry = AuditEntry.objects.get(action="token.create")
    assert entry.after == {"user": "hr", "name": "nightly", "prefix": token.prefix,
                           "expires": token.expires.isoformat(), "via": "cli"}
    assert key not in str(entry.after)


@pytest.mark.django_db
def test_a_token_made_on_the_page_is_recorded_the_same_way(client_for: Any) -> None:
    response = client_for("hr").post("/accounts/tokens/", {"name": "sync"})
    assert response.status_code == 200
    token = ApiToken.objects.get()
    entry = AuditEntry.objects.get(action="token.create")
    assert entry.actor_name == "hr"
    assert entry.after == {"user": "hr", "name": "sync", "prefix": token.prefix,
                           "expires": token.expires.isoformat()}
