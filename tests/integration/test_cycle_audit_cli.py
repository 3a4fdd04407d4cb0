"""``qualify audit verify`` on the database: intact chain exit 0; an edited entry is named, exit 1."""

from __future__ import annotations

from typing import Any

import pytest

from qualify.cli.main import main
from qualify.web.accounts.audit import record
from qualify.web.accounts.models import AuditEntry


def run(*args: str) -> int:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    return int(done.value.code or 0)


@pytest.mark.django_db
def test_audit_verify_says_an_untouched_record_is_intact(users: dict[str, Any], capsys: Any) -> None:
    for n in range(3):
        record(users["hr"], "rate", "element_score", n, None, {"rating": "meets"})
    assert run("audit", "verify", "--lang", "en") == 0
    assert "audit record intact: 3 entries" in capsys.readouterr().out


@pytest.mark.django_db
def test_audit_verify_names_the_first_entry_that_was_edited(users: dict[str, Any], capsys: Any) -> None:
    entries = [record(users["hr"], "rate", "element_score", n, None, {"rating": "meets"}) for n in range(4)]
    AuditEntry.objects.filter(pk=entries[1].pk).update(after={"rating": "exceeds"})  # a quiet edit
    assert run("audit", "verify", "--lang", "en") == 1
    out = capsys.readouterr().out
    assert f"#{entries[1].pk} " in out and "rate element_score:1" in out
    assert run("audit", "verify") == 1
    assert "审计记录被改动" in capsys.readouterr().out
