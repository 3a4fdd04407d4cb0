"""``qualify backup -o DIR`` and ``qualify restore DIR``: the database and the uploaded files together.

See ``qualify.web.backup`` for what a backup folder holds. The database is the web app's
(``DATABASE_URL``, or the SQLite file under ``QUALIFY_HOME``); PostgreSQL needs ``pg_dump`` and
``pg_restore`` of the server's version on the PATH.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualify.cli.language import LangOption, resolve


def backup_cmd(
    output: Annotated[Path, typer.Option("-o", "--output", help="A new folder for the backup.")],
    lang: LangOption = None,
) -> None:
    """Back up the database and the uploaded files into a new folder (with a manifest of hashes)."""
    from qualify.web.server import setup

    setup()
    from qualify.web.backup import backup

    zh = resolve(lang) == "zh"
    done = backup(output)
    size = f"{done.bytes / 1024 / 1024:.1f} MB"
    typer.echo(f"已备份到 {done.folder}：{done.engine} 数据库 {done.tables} 张表 {done.rows} 行，"
               f"文件 {done.files} 个（{size}）" if zh else
               f"backed up to {done.folder}: {done.engine} database, {done.tables} tables, {done.rows} rows; "
               f"{done.files} files ({size})")


def restore_cmd(
    folder: Annotated[Path, typer.Argument(help="A folder written by 'qualify backup'.")],
    force: Annotated[bool, typer.Option(
        "--force", help="Replace a database and uploads that are not empty "
        "(default: restore only into a fresh database and home).")] = False,
    lang: LangOption = None,
) -> None:
    """Restore a backup into the configured database and QUALIFY_HOME, then check the audit record."""
    from qualify.web.server import setup

    setup()
    from qualify.web.accounts.audit import verify
    from qualify.web.backup import restore

    zh = resolve(lang) == "zh"
    done = restore(folder, force=force)
    typer.echo(f"已恢复：{done.engine} 数据库 {done.tables} 张表 {done.rows} 行，文件 {done.files} 个" if zh
               else f"restored: {done.engine} database, {done.tables} tables, {done.rows} rows; "
               f"{done.files} files")
    broken = verify()
    if broken is None:
        typer.echo("审计记录完整" if zh else "audit record intact")
        return
    typer.echo(f"审计记录被改动：第一条不符合哈希链的记录是 #{broken.pk}" if zh
               else f"audit record broken: the first entry that does not fit the hash chain is #{broken.pk}")
    raise SystemExit(1)


def register(app: typer.Typer) -> None:
    app.command("backup")(backup_cmd)
    app.command("restore")(restore_cmd)
