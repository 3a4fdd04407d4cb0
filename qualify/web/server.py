"""Starting Django for a command: the settings mode, the checks before serving, gunicorn."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from typing import Any

from qualify.core.errors import ErrorCode, QualifyError


def setup(mode: str = "") -> None:
    """Configure Django for a CLI command (``mode``: serve, demo, or the environment's/dev)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualify.web.settings")
    if mode:
        os.environ["QUALIFY_MODE"] = mode
    import django

    # A bad setting raises qualify.web.config.ConfigError (a QualifyError): one line, no traceback.
    django.setup()


def require_secret() -> None:
    """``qualify serve`` refuses to start without a secret key."""
    from qualify.web import config

    secret = config.settings().secret_key
    if not secret:
        raise QualifyError(
            code=ErrorCode.NO_SECRET,
            message_en="SECRET_KEY is not set: set it in the environment or in the file named by "
            "QUALIFY_CONFIG (make one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')",
            message_zh="未设置 SECRET_KEY：请在环境变量或 QUALIFY_CONFIG 指定的文件中设置",
        )
    if len(secret) < 32:
        raise QualifyError(
            code=ErrorCode.WEAK_SECRET,
            message_en="SECRET_KEY is too short: use at least 32 characters",
            message_zh="SECRET_KEY 太短：至少 32 个字符",
        )


def pending_migrations() -> list[str]:
    """The migrations not yet applied to the database."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def require_migrated() -> None:
    pending = pending_migrations()
    if pending:
        raise QualifyError(
            code=ErrorCode.NOT_MIGRATED,
            message_en=f"the database needs {len(pending)} migration(s): run `qualify manage migrate` first",
            message_zh=f"数据库有 {len(pending)} 个迁移尚未执行：请先运行 `qualify manage migrate`",
        )


def migrate(verbose: bool = False) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)


def collect_static() -> None:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


# gunicorn's access log line ends with the answer's X-Request-ID (set by RequestIdMiddleware).
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms %({x-request-id}o)s'


def access_line(atoms: dict[str, Any]) -> str:
    """An access log line as one JSON object (``QUALIFY_LOG_FORMAT=json``), from gunicorn's atoms."""
    return json.dumps({
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"), "level": "INFO",
        "logger": "gunicorn.access", "remote": atoms.get("h"), "request": atoms.get("r"),
        "status": atoms.get("s"), "bytes": atoms.get("B"), "duration_ms": atoms.get("M"),
        "agent": atoms.get("a"), "request_id": atoms.get("{x-request-id}o") or "-",
    }, ensure_ascii=False, default=str)


def json_access_logger() -> type:
    """gunicorn's logger with JSON access lines (gunicorn is imported only to serve)."""
    from gunicorn.glogging import Logger

    class JsonAccessLogger(Logger):  # gunicorn ships no types: Logger is Any here
        def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
            if self.cfg.accesslog:
                self.access_log.info(access_line(self.atoms(resp, req, environ, request_time)))

    return JsonAccessLogger


def gunicorn_options(host: str, port: int, workers: int, threads: int = 4) -> dict[str, Any]:
    from qualify.web import config

    env = config.settings()
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 120,
        "graceful_timeout": 20,
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "accesslog": "-" if env.QUALIFY_ACCESS_LOG else None,
        "access_log_format": ACCESS_LOG_FORMAT,
        "logger_class": json_access_logger() if env.QUALIFY_LOG_FORMAT == "json" else None,
        "errorlog": "-",
        # Who may set X-Forwarded-* headers: the reverse proxy's address.
        "forwarded_allow_ips": env.QUALIFY_FORWARDED_ALLOW_IPS,
        "proc_name": "qualify",
    }


def run_gunicorn(options: dict[str, Any]) -> None:
    """Serve ``qualify.web.wsgi`` with gunicorn in this process until it is stopped."""
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                if value is not None and key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            from qualify.web.wsgi import application

            return application

    sys.argv = sys.argv[:1]  # gunicorn reads sys.argv; the options above are all it should see
    no_server_banner()
    Application().run()


def no_server_banner() -> None:
    """Answers carry no ``Server:`` header naming the software and its version.

    gunicorn has no setting for it: its responses write the header in ``default_headers``, whose
    result is filtered here (checked by ``tests/e2e/test_demo_serve.py``).
    """
    from gunicorn.http.wsgi import Response

    if getattr(Response.default_headers, "_qualify_no_banner", False):
        return
    original = Response.default_headers

    def default_headers(self: Any) -> list[str]:
        return [line for line in original(self) if not line.lower().startswith("server:")]

    default_headers._qualify_no_banner = True  # type: ignore[attr-defined]  # a marker, set once
    Response.default_headers = default_headers  # see the docstring
