"""``qualify backup`` and ``qualify restore``: the database and the uploaded files come back whole into a
fresh database and home, the audit record verifies, and a broken or misdirected backup is refused.

Runs on SQLite and, in the PostgreSQL tier, on PostgreSQL (pg_dump / pg_restore)."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from qualify.cli.main import main
from qualify.web.accounts.audit import record

QUALIFY = [sys.executable, "-m", "qualify"]


def run(*args: str) -> int:
    try:
        return main(list(args))
    except SystemExit as done:
        return int(done.code or 0)


def _plain(value: Any) -> Any:
    """A value as text the same way whichever driver (and its converters) read it."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else str(value)
    if isinstance(value, (dt.date, dt.time, decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.dumps(json.loads(value), sort_keys=True, ensure_ascii=False)
        except ValueError:
            return value
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _rows(cursor: Any, table: str) -> list[tuple[Any, ...]]:
    cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 table names from introspection
    return sorted((tuple(_plain(v) for v in row) for row in cursor.fetchall()), key=repr)


def _all_rows(conn: Any, tables: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    cursor = conn.cursor()
    return {table: _rows(cursor, table) for table in tables}


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """A database URL nobody has used, of the engine the tests run on, and a way to open it."""
    if connection.vendor == "sqlite":
        import sqlite3

        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path)
        return
    import psycopg

    s = connection.settings_dict
    name = f"qualify_restore_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(dbname="postgres", user=s["USER"], password=s["PASSWORD"], host=s["HOST"],
                            port=s["PORT"] or 5432, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT'] or 5432}/{name}"
    opened: list[Any] = []

    def open_it() -> Any:
        opened.append(psycopg.connect(url))
        return opened[-1]

    try:
        yield url, open_it
    finally:
        for conn in opened:
            conn.close()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_and_file_into_a_fresh_database_and_home(
        users: dict[str, Any], tmp_path: Path, settings: Any, fresh_database: tuple[str, Any]) -> None:
    uploads = tmp_path / "home" / "uploads"
    settings.MEDIA_ROOT = str(uploads)
    (uploads / "applications" / "7").mkdir(parents=True)
    evidence = uploads / "applications" / "7" / "方案.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence " * 1000)
    for n in range(5):
        record(users["hr"], "rate", "element_score", n, None, {"rating": "meets", "n": n})
    backup_dir = tmp_path / "backup-2026-12-03"
    assert run("backup", "-o", str(backup_dir), "--lang", "en") == 0

    url, open_restored = fresh_database
    home = tmp_path / "home2"
    env = {**os.environ, "DATABASE_URL": url, "QUALIFY_HOME": str(home), "QUALIFY_LANG": "en",
           "DJANGO_SETTINGS_MODULE": "qualify.web.settings"}
    env.pop("QUALIFY_MEDIA_ROOT", None)
    done = subprocess.run([*QUALIFY, "restore", str(backup_dir)], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "restored:" in done.stdout and "audit record intact" in done.stdout
    verified = subprocess.run([*QUALIFY, "audit", "verify"], env=env, capture_output=True, text=True,
                              timeout=120, check=False)
    assert verified.returncode == 0 and "5 entries" in verified.stdout

    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
    restored = open_restored()
    if connection.vendor == "sqlite":
        source = connection.connection
    else:
        import psycopg

        s = connection.settings_dict
        source = psycopg.connect(dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"], host=s["HOST"],
                                 port=s["PORT"] or 5432)
    expected = _all_rows(source, tables)
    assert sum(len(rows) for rows in expected.values()) > 50
    assert _all_rows(restored, tables) == expected
    copy = home / "uploads" / "applications" / "7" / "方案.pdf"
    assert hashlib.sha256(copy.read_bytes()).digest() == hashlib.sha256(evidence.read_bytes()).digest()


@pytest.mark.django_db(transaction=True)
def test_a_restore_refuses_a_database_that_is_not_empty(users: dict[str, Any], tmp_path: Path,
                                                        capsys: Any) -> None:
    backup_dir = tmp_path / "b"
    assert run("backup", "-o", str(backup_dir)) == 0
    capsys.readouterr()
    assert run("restore", str(backup_dir), "--lang", "en") == 2
    assert "the database is not empty" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_a_changed_backup_file_is_refused_before_anything_is_written(users: dict[str, Any], tmp_path: Path,
                                                                     settings: Any, capsys: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    (tmp_path / "uploads" / "a.txt").write_text("evidence")
    backup_dir = tmp_path / "b"
    assert run("backup", "-o", str(backup_dir)) == 0
    (backup_dir / "files" / "a.txt").write_text("forged")
    capsys.readouterr()
    assert run("restore", str(backup_dir), "--force", "--lang", "en") == 2
    err = capsys.readouterr().err
    assert "a.txt: missing or changed since the backup was made" in err
    assert (tmp_path / "uploads" / "a.txt").read_text() == "evidence"


@pytest.mark.django_db(transaction=True)
def test_a_backup_never_writes_into_a_folder_that_holds_something(users: dict[str, Any], tmp_path: Path,
                                                                  capsys: Any) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "keep.txt").write_text("mine")
    assert run("backup", "-o", str(tmp_path / "b"), "--lang", "en") == 2
    assert "exists and is not an empty folder" in capsys.readouterr().err
    assert (tmp_path / "b" / "keep.txt").read_text() == "mine"
