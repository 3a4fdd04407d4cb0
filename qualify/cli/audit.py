"""``qualify audit verify|checkpoint``: check the tamper-evident audit record.

Every change to cycles, applications, evidence, ratings, decisions, appeals, certificates (and
imports and admin changes) is an entry that carries the keyed hash of the entry before it (the keys
live outside the database: ``QUALIFY_AUDIT_KEYS``, else one derived from ``SECRET_KEY``). ``verify``
recomputes the chain and names the first entry that no longer fits; with ``--against FILE`` it also
checks the record against a signed checkpoint made earlier by ``checkpoint -o FILE`` and kept outside
the database, which finds entries deleted or the chain cut short since. Exit 0: intact; 1: broken;
2: an error (the database cannot be read, the checkpoint file is unreadable).
The database is the web app's (``DATABASE_URL``, or the SQLite file under ``QUALIFY_HOME``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from qualify.cli.language import LangOption, resolve
from qualify.core.audit import Checkpoint, parse_checkpoint
from qualify.core.errors import QualifyError

audit_app = typer.Typer(help="The tamper-evident audit record (who changed what, when, before and after).",
                        no_args_is_help=True)


def _database_error(error: Exception) -> QualifyError:
    return QualifyError(code="database-unavailable",
                        message_en=f"cannot read the audit record: {error}",
                        message_zh=f"无法读取审计记录：{error}")


def _read_checkpoint(path: Path) -> Checkpoint:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not a JSON file"
        raise QualifyError(code="bad-checkpoint", message_en=f"{path}: cannot read the checkpoint ({reason})",
                           message_zh=f"{path}：无法读取检查点（{reason}）") from None
    checkpoint = parse_checkpoint(data)
    if checkpoint is None:
        raise QualifyError(code="bad-checkpoint",
                           message_en=f"{path}: not an audit checkpoint made by 'qualify audit checkpoint'",
                           message_zh=f"{path}：不是由 qualify audit checkpoint 生成的审计检查点")
    return checkpoint


@audit_app.command("verify")
def verify_cmd(
    against: Annotated[Path | None, typer.Option("--against", help="A checkpoint file made by "
                       "'qualify audit checkpoint': also find entries deleted or cut off since.")] = None,
    lang: LangOption = None,
) -> None:
    """Check the audit record's keyed hash chain: name the first broken entry (exit 1) or say it is intact."""
    from qualify.web.server import setup

    setup()
    from django.db import DatabaseError

    from qualify.web.accounts.audit import CheckpointProblem, verify, verify_against
    from qualify.web.accounts.models import AuditEntry

    zh = resolve(lang) == "zh"
    checkpoint = _read_checkpoint(against) if against is not None else None
    try:
        count = AuditEntry.objects.count()
        broken = verify()
        problem = None
        if checkpoint is not None:
            try:
                verify_against(checkpoint)
            except CheckpointProblem as found:
                problem = found
    except DatabaseError as error:
        raise _database_error(error) from None
    if broken is not None:
        where = (f"#{broken.pk} {broken.at:%Y-%m-%d %H:%M:%S} {broken.actor_name} {broken.action} "
                 f"{broken.object_type}:{broken.object_id}") if broken.pk else broken.action
        typer.echo(f"审计记录被改动：第一条不符合哈希链的记录是 {where}" if zh
                   else f"audit record broken: the first entry that does not fit the hash chain is {where}")
        raise SystemExit(1)
    if problem is not None:
        typer.echo(f"审计记录与检查点 {against} 不符：{problem.message_zh}" if zh
                   else f"audit record does not match the checkpoint {against}: {problem.message_en}")
        raise SystemExit(1)
    suffix_zh = f"，与检查点 {against} 相符" if against else ""
    suffix_en = f", and it holds everything the checkpoint {against} signed" if against else ""
    typer.echo(f"审计记录完整：{count} 条，哈希链未被改动{suffix_zh}" if zh
               else f"audit record intact: {count} entries, hash chain unbroken{suffix_en}")
    raise SystemExit(0)


@audit_app.command("checkpoint")
def checkpoint_cmd(
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the signed checkpoint "
                      "(keep it outside the database: another host, write-once storage).")],
    lang: LangOption = None,
) -> None:
    """Sign the audit record's current state (count, newest entry and hash) into a file kept elsewhere."""
    from qualify.web.server import setup

    setup()
    from django.db import DatabaseError

    from qualify.formats.files import atomic_path
    from qualify.web.accounts.audit import make_checkpoint

    zh = resolve(lang) == "zh"
    try:
        checkpoint = make_checkpoint()
    except DatabaseError as error:
        raise _database_error(error) from None
    text = json.dumps(checkpoint.as_json(), ensure_ascii=False, indent=2) + "\n"
    try:
        with atomic_path(output) as temporary:
            temporary.write_text(text, encoding="utf-8")
    except OSError as error:
        raise QualifyError(code="cannot-write", message_en=f"{output}: cannot write ({error.strerror})",
                           message_zh=f"{output}：无法写入（{error.strerror}）") from None
    if zh:
        typer.echo(f"已写入检查点 {output}：{checkpoint.count} 条记录，最新 #{checkpoint.last_id}，"
                   f"密钥 {checkpoint.key_id}")
    else:
        typer.echo(f"checkpoint written to {output}: {checkpoint.count} entries, newest "
                   f"#{checkpoint.last_id}, key {checkpoint.key_id}")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
