"""The audit record in the database is keyed: a re-chained forgery, a truncation after a checkpoint and
a key no longer held are all found by ``qualify audit verify``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qualify.cli.main import main
from qualify.core.audit import GENESIS, entry_hash
from qualify.web.accounts.audit import hashed_fields, key_plain_chain, keyring, record, verify
from qualify.web.accounts.models import AuditEntry, AuditHead


def run(*args: str) -> int:
    try:
        return main(list(args))
    except SystemExit as done:
        return int(done.code or 0)


def _entries(users: dict[str, Any], n: int) -> list[AuditEntry]:
    return [record(users["hr"], "rate", "element_score", i, None, {"rating": "meets"}) for i in range(n)]


@pytest.mark.django_db
def test_an_edited_entry_rechained_with_plain_hashes_is_reported_broken(users: dict[str, Any],
                                                                         capsys: Any) -> None:
    entries = _entries(users, 4)
    # The attack of the first release: edit one entry, recompute every hash after it, move the head.
    prev = entries[0].hash
    for entry in entries[1:]:
        entry.refresh_from_db()
        if entry.pk == entries[1].pk:
            entry.after = {"rating": "exceeds"}
        entry.prev_hash = prev
        entry.hash = entry_hash(prev, hashed_fields(entry))
        entry.save()
        prev = entry.hash
    AuditHead.objects.filter(pk=1).update(last_hash=prev)
    assert run("audit", "verify", "--lang", "en") == 1
    assert f"#{entries[1].pk} " in capsys.readouterr().out


@pytest.mark.django_db
def test_a_record_cut_short_after_a_checkpoint_is_found_with_it(users: dict[str, Any], tmp_path: Path,
                                                                capsys: Any) -> None:
    entries = _entries(users, 5)
    checkpoint = tmp_path / "audit-checkpoint.json"
    assert run("audit", "checkpoint", "-o", str(checkpoint), "--lang", "en") == 0
    assert "5 entries" in capsys.readouterr().out
    assert json.loads(checkpoint.read_text())["last_id"] == entries[-1].pk
    assert run("audit", "verify", "--against", str(checkpoint), "--lang", "en") == 0
    capsys.readouterr()
    # Cut off the newest two and reset the head: the chain alone still looks whole.
    AuditEntry.objects.filter(pk__in=[e.pk for e in entries[-2:]]).delete()
    AuditHead.objects.filter(pk=1).update(last_hash=entries[-3].hash)
    assert run("audit", "verify", "--lang", "en") == 0
    capsys.readouterr()
    assert run("audit", "verify", "--against", str(checkpoint), "--lang", "en") == 1
    out = capsys.readouterr().out
    assert "does not match the checkpoint" in out and f"#{entries[-1].pk}" in out
    assert run("audit", "verify", "--against", str(checkpoint)) == 1
    assert "与检查点" in capsys.readouterr().out


@pytest.mark.django_db
def test_entries_written_after_a_checkpoint_still_match_it(users: dict[str, Any], tmp_path: Path) -> None:
    _entries(users, 2)
    checkpoint = tmp_path / "cp.json"
    assert run("audit", "checkpoint", "-o", str(checkpoint)) == 0
    _entries(users, 2)
    assert run("audit", "verify", "--against", str(checkpoint)) == 0


@pytest.mark.django_db
def test_a_changed_checkpoint_file_is_refused(users: dict[str, Any], tmp_path: Path, capsys: Any) -> None:
    _entries(users, 3)
    checkpoint = tmp_path / "cp.json"
    assert run("audit", "checkpoint", "-o", str(checkpoint)) == 0
    data = json.loads(checkpoint.read_text())
    data["count"] = 2
    checkpoint.write_text(json.dumps(data))
    capsys.readouterr()
    assert run("audit", "verify", "--against", str(checkpoint), "--lang", "en") == 1
    assert "signature does not hold" in capsys.readouterr().out


def test_a_file_that_is_no_checkpoint_is_one_error_line(tmp_path: Path, capsys: Any) -> None:
    not_json = tmp_path / "notes.txt"
    not_json.write_text("hello")
    assert main(["audit", "verify", "--against", str(not_json), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "notes.txt: cannot read the checkpoint (not a JSON file)" in err
    assert "Traceback" not in err


@pytest.mark.django_db
def test_rotating_the_key_keeps_old_entries_verifiable_while_the_old_key_is_listed(
        users: dict[str, Any], settings: Any) -> None:
    settings.QUALIFY_AUDIT_KEYS = [("2026a", "first-key-of-the-audit-chain")]
    first = _entries(users, 2)
    assert first[0].key_id == "2026a"
    settings.QUALIFY_AUDIT_KEYS = [("2026b", "second-key-of-the-audit-chain"),
                                   ("2026a", "first-key-of-the-audit-chain")]
    second = _entries(users, 2)
    assert second[0].key_id == "2026b"
    assert verify() is None
    settings.QUALIFY_AUDIT_KEYS = [("2026b", "second-key-of-the-audit-chain")]
    broken = verify()
    assert broken is not None and broken.pk == first[0].pk


@pytest.mark.django_db
def test_a_record_from_before_keys_is_keyed_once_up_to_its_first_broken_entry(users: dict[str, Any]) -> None:
    # Entries as the first release wrote them: plain SHA-256, no key id.
    prev = GENESIS
    plain = []
    for i in range(4):
        entry = record(users["hr"], "rate", "element_score", i, None, {"rating": "meets"})
        entry.key_id, entry.prev_hash = "", prev
        entry.hash = entry_hash(prev, hashed_fields(entry))
        entry.save()
        plain.append(entry)
        prev = entry.hash
    AuditEntry.objects.filter(pk=plain[2].pk).update(after={"rating": "exceeds"})  # edited back then
    assert key_plain_chain(AuditEntry, AuditHead) == 2
    assert {e.key_id for e in AuditEntry.objects.filter(pk__in=[plain[0].pk, plain[1].pk])} == {keyring()[0]}
    broken = verify()
    assert broken is not None and broken.pk == plain[2].pk
