"""Backup and restore of a whole deployment: the database and the uploaded files, together.

A backup is a folder:

- ``manifest.json``: the format, when, the Qualify version, the database engine, the applied
  migrations, each table's row count, and every file with its size and SHA-256;
- ``database.sqlite3`` (SQLite, through its online backup API: a consistent copy while the app runs)
  or ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``; restored with ``pg_restore``);
- ``files/``: every file of the file storage (``STORAGES["default"]``, whatever its backend: import
  uploads, screening workbooks, evidence and appeal attachments), under its name in the storage.

Timestamps keep their microseconds (no JSON dump in between), so the audit chain verifies after a
restore. A backup is written to a temporary folder and renamed when complete; a restore checks every
file's hash first, and goes only into an empty database and an empty file storage unless forced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection

from qualify.core.errors import QualifyError
from qualify.web.files import walk

FORMAT = "qualify-backup/1"


def _error(code: str, en: str, zh: str) -> QualifyError:
    return QualifyError(code=code, message_en=en, message_zh=zh)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _storage_name() -> str:
    """The file storage, as a user knows it: its folder, else its backend's name."""
    return str(getattr(default_storage, "location", "") or type(default_storage).__name__)


def table_counts() -> dict[str, int]:
    """Every table of the database and its number of rows."""
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608 names from introspection
            counts[name] = int(cursor.fetchone()[0])
    return counts


def _applied_migrations() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    settings = connection.settings_dict
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    args = ["-d", str(settings["NAME"])]
    if settings.get("HOST"):
        args += ["-h", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["-p", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["-U", str(settings["USER"])]
    return env, args


def _run(command: list[str], env: dict[str, str], what_en: str, what_zh: str) -> None:
    if shutil.which(command[0]) is None:
        raise _error("tool-missing", f"{command[0]} is not installed: install the PostgreSQL client "
                     "of the server's version (Debian: postgresql-client)",
                     f"未安装 {command[0]}：请安装与服务器版本一致的 PostgreSQL 客户端"
                     "（Debian：postgresql-client）")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 fixed tool, our args
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["exit code " + str(done.returncode)])[-1]
        raise _error("backup-failed", f"{what_en} failed: {reason}", f"{what_zh}失败：{reason}")


@dataclass(frozen=True)
class BackupSummary:
    folder: Path
    engine: str
    tables: int
    rows: int
    files: int
    bytes: int


def backup(target: Path) -> BackupSummary:
    """Write a backup of the database and the uploaded files into the new folder ``target``."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise _error("backup-target-exists", f"{target}: exists and is not an empty folder; "
                     "name a new folder for the backup",
                     f"{target}：已存在且不是空文件夹；请为备份指定一个新文件夹")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        engine = connection.vendor
        connection.ensure_connection()
        if engine == "sqlite":
            database_file = "database.sqlite3"
            destination = sqlite3.connect(work / database_file)
            try:
                connection.connection.backup(destination)
            finally:
                destination.close()
        elif engine == "postgresql":
            database_file = "database.pgdump"
            env, args = _pg_env_and_args()
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f",
                  str(work / database_file), *args], env, "pg_dump", "pg_dump ")
        else:
            raise _error("backup-unsupported", f"backups of a {engine} database are not supported",
                         f"不支持备份 {engine} 数据库")
        files = []
        for name in walk(default_storage):
            copy = work / "files" / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(name, "rb") as stored, copy.open("wb") as handle:
                shutil.copyfileobj(stored, handle, 1 << 20)
            files.append({"path": name, "size": copy.stat().st_size, "sha256": _sha256(copy)})
        counts = table_counts()
        from qualify import __version__ as version

        manifest = {
            "format": FORMAT,
            "made_at": dt.datetime.now(dt.UTC).isoformat(),
            "qualify_version": version,
            "database": {"engine": engine, "file": database_file,
                         "sha256": _sha256(work / database_file)},
            "migrations": _applied_migrations(),
            "tables": counts,
            "files": files,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                            encoding="utf-8")
        if target.exists():
            target.rmdir()
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupSummary(target, engine, len(counts), sum(counts.values()), len(files),
                         sum(int(str(f["size"])) for f in files))


def read_manifest(folder: Path) -> dict[str, Any]:
    """The backup's manifest, after checking that every file in it is there with its hash."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        raise _error("bad-backup", f"{folder}: not a Qualify backup (no readable manifest.json)",
                     f"{folder}：不是 Qualify 备份（没有可读的 manifest.json）") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _error("bad-backup", f"{folder}/manifest.json: not a backup of this format ({FORMAT})",
                     f"{folder}/manifest.json：不是此格式（{FORMAT}）的备份")
    database = manifest["database"]
    for entry in [database["file"], *(f["path"] for f in manifest["files"])]:
        parts = Path(entry).parts
        if Path(entry).is_absolute() or ".." in parts or not parts:
            raise _error("bad-backup", f"{folder}/manifest.json: the path {entry!r} leaves the backup folder",
                         f"{folder}/manifest.json：路径 {entry!r} 超出了备份文件夹")
    checks = [(folder / database["file"], database["sha256"])]
    checks += [(folder / "files" / f["path"], f["sha256"]) for f in manifest["files"]]
    for path, expected in checks:
        if not path.is_file() or _sha256(path) != expected:
            raise _error("bad-backup",
                         f"{path}: missing or changed since the backup was made (SHA-256 differs)",
                         f"{path}：缺失，或自备份以来已被改动（SHA-256 不符）")
    return manifest


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return not names


@dataclass(frozen=True)
class RestoreSummary:
    engine: str
    tables: int
    rows: int
    files: int


def restore(folder: Path, *, force: bool = False) -> RestoreSummary:
    """Restore a backup into the configured database and file storage.

    Both must be empty (a fresh database, a new ``QUALIFY_HOME`` or storage) unless ``force``, which replaces
    what is there. The engine must be the backup's (a SQLite backup into SQLite, PostgreSQL into
    PostgreSQL).
    """
    manifest = read_manifest(folder)
    engine = connection.vendor
    if manifest["database"]["engine"] != engine:
        kind = manifest["database"]["engine"]
        raise _error("backup-engine", f"the backup is of a {kind} database; this one is {engine}",
                     f"备份来自 {kind} 数据库；当前数据库是 {engine}")
    if not force:
        if not _database_is_empty():
            raise _error("restore-target-not-empty",
                         "the database is not empty: restore into a fresh database, "
                         "or add --force to replace it",
                         "数据库不是空的：请恢复到新数据库，或加 --force 覆盖")
        if next(walk(default_storage), None) is not None:
            where = _storage_name()
            raise _error("restore-target-not-empty",
                         f"{where}: the file storage is not empty: restore into a new QUALIFY_HOME "
                         "(or storage), or add --force to replace it",
                         f"{where}：文件存储不是空的：请恢复到新的 QUALIFY_HOME（或存储），或加 --force 覆盖")
    source = Path(folder) / manifest["database"]["file"]
    connection.ensure_connection()
    if engine == "sqlite":
        backup_db = sqlite3.connect(source)
        try:
            backup_db.backup(connection.connection)
        finally:
            backup_db.close()
    else:
        env, args = _pg_env_and_args()
        _run(["pg_restore", "--no-owner", "--no-privileges", "--clean", "--if-exists", "--exit-on-error",
              *args, str(source)], env, "pg_restore", "pg_restore ")
    if force:
        for name in list(walk(default_storage)):
            default_storage.delete(name)
    for entry in manifest["files"]:
        with (Path(folder) / "files" / entry["path"]).open("rb") as handle:
            stored = default_storage.save(entry["path"], File(handle))
        if stored != entry["path"]:
            raise _error("backup-failed", f"{entry['path']}: the file storage kept it as {stored}",
                         f"{entry['path']}：文件存储将其保存为 {stored}")
    counts = table_counts()
    return RestoreSummary(engine, len(counts), sum(counts.values()), len(manifest["files"]))
