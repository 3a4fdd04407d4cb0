"""``qualify audit verify``: check the tamper-evident audit record.

Every change to cycles, applications, evidence, ratings, decisions, appeals, certificates (and
imports and admin changes) is an entry that carries the hash of the entry before it. ``verify``
recomputes the chain and names the first entry that no longer fits. Exit 0: intact; 1: broken.
The database is the web app's (``DATABASE_URL``, or the SQLite file under ``QUALIFY_HOME``).
"""

from __future__ import annotations

import os

import typer

from qualify.cli.language import LangOption, resolve
from qualify.core.errors import ErrorCode, QualifyError

audit_app = typer.Typer(help="The tamper-evident audit record (who changed what, when, before and after).",
                        no_args_is_help=True)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualify.web.settings")
    import django

    django.setup()


@audit_app.command("verify")
def verify_cmd(lang: LangOption = None) -> None:
    """Check the hash chain of the audit record; name the first broken entry (exit 1) or say it is intact."""
    setup_django()
    from django.db import DatabaseError

    from qualify.web.accounts.audit import verify
    from qualify.web.accounts.models import AuditEntry

    zh = resolve(lang) == "zh"
    try:
        count = AuditEntry.objects.count()
        broken = verify()
    except DatabaseError as error:
        raise QualifyError(code=ErrorCode.DATABASE_UNAVAILABLE,
                           message_en=f"cannot read the audit record: {error}",
                           message_zh=f"无法读取审计记录：{error}") from None
    if broken is None:
        typer.echo(f"审计记录完整：{count} 条，哈希链未被改动" if zh
                   else f"audit record intact: {count} entries, hash chain unbroken")
        raise SystemExit(0)
    where = (f"#{broken.pk} {broken.at:%Y-%m-%d %H:%M:%S} {broken.actor_name} {broken.action} "
             f"{broken.object_type}:{broken.object_id}") if broken.pk else broken.action
    typer.echo(f"审计记录被改动：第一条不符合哈希链的记录是 {where}" if zh
               else f"audit record broken: the first entry that does not fit the hash chain is {where}")
    raise SystemExit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
