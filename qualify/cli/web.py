"""The web application's commands: ``demo``, ``serve``, ``import``, ``worker``, ``createuser``,
``token`` and ``manage`` (Django's management commands, e.g. ``qualify manage migrate``)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from qualify.core.errors import ErrorCode, QualifyError


def _say(line: str = "") -> None:
    typer.echo(line, err=True)


# --- serve ----------------------------------------------------------------------------------------


def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on (behind a reverse proxy: 127.0.0.1).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Web worker processes (each with 4 threads).")] = 2,
) -> None:
    """Run Qualify in production: gunicorn, static files by WhiteNoise, secure cookies.
    Needs SECRET_KEY and (for PostgreSQL) DATABASE_URL in the environment or in QUALIFY_CONFIG."""
    from qualify.web import server

    os.environ["QUALIFY_MODE"] = "serve"
    server.require_secret()
    if not _port_free(host, port):
        raise QualifyError(
            code=ErrorCode.PORT_IN_USE,
            message_en=f"{host}:{port} is in use; choose another with --port",
            message_zh=f"{host}:{port} 已被占用；请用 --port 指定其他端口",
        )
    server.setup("serve")
    pending = server.pending_migrations()
    if pending:
        _say(
            f"warning: the database has {len(pending)} unapplied migration(s); run `qualify manage migrate` "
            f"/ 警告：数据库有 {len(pending)} 个迁移尚未执行"
        )
    server.collect_static()
    _say(f"Qualify serving on http://{host}:{port}/ ({workers} workers) / 服务已启动")
    server.run_gunicorn(server.gunicorn_options(host, port, workers))


# --- demo -----------------------------------------------------------------------------------------


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _wait_for_port(host: str, port: int, process: subprocess.Popen[Any], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _stop(processes: list[subprocess.Popen[Any]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def demo(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8000,
    reset: Annotated[bool, typer.Option("--reset", help="Start from a new database.")] = False,
    people: Annotated[int, typer.Option(help="How many people the sample organisation has.")] = 500,
) -> None:
    """From nothing to a running Qualify with sample data: a SQLite database in ./var (or
    $QUALIFY_HOME), about 500 people, one login per role. Ctrl-C stops it."""
    from qualify.web import config

    home = config.home().resolve()
    database = home / "qualify.sqlite3"
    if reset:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    if not _port_free("127.0.0.1", port):
        raise QualifyError(
            code=ErrorCode.PORT_IN_USE,
            message_en=f"port {port} is in use; choose another with --port",
            message_zh=f"端口 {port} 已被占用；请用 --port 指定其他端口",
        )

    from qualify.web.demo import make_accounts, secret_key

    env = {
        "QUALIFY_MODE": "demo",
        "QUALIFY_HOME": str(home),
        "DATABASE_URL": f"sqlite:///{database}",  # a demo never touches a configured database
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secret_key(home),
    }
    os.environ.update(env)
    from qualify.web import server

    server.setup("demo")
    _say(f"database / 数据库: {database}")
    server.migrate()
    standard = _demo_standard()
    from qualify.web.people.models import Person

    if not Person.objects.exists():
        _say(f"generating and importing {people} people / 正在生成并导入 {people} 名员工 …")
        from qualify.web.demo import load_people

        load_people(standard, home, people)
    logins = make_accounts(standard)
    from qualify.web.certification.demo import seed_demo_cycle

    for line in seed_demo_cycle(standard):  # an earlier cycle with certificates, an open one in progress
        _say(line)
    from qualify.web.demo import Login, demo_user_exists

    if demo_user_exists("assessor2"):
        logins.insert(-1, Login("assessor2", "lead 主评委", "lead assessor of the open cycle's panel"))

    # Ctrl-C, or a supervisor's SIGTERM, stops the children too (even when started in the background,
    # where a shell would have the interrupt ignored).
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    child_env = {**os.environ, **env}
    web = subprocess.Popen(  # noqa: S603  (our own interpreter and fixed arguments)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "qualify.web.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=child_env,
    )
    processes = [web, subprocess.Popen([sys.executable, "-m", "qualify", "worker"], env=child_env)]
    try:
        if not _wait_for_port("127.0.0.1", port, web):
            raise QualifyError(
                code=ErrorCode.SERVER_FAILED,
                message_en="the web server did not start (see above)",
                message_zh="Web 服务未能启动（见上方输出）",
            )
        _banner(port, logins, standard.id, with_worker=len(processes) > 1)
        warned = False
        while web.poll() is None:
            if not warned and any(p.poll() is not None for p in processes[1:]):
                _say(
                    "warning: the screening worker stopped; screening runs stay queued / "
                    "警告：资格审查后台进程已退出"
                )
                warned = True
            time.sleep(0.5)
        _say("the web server stopped; shutting down / Web 服务已退出，正在关闭")
    except KeyboardInterrupt:
        _say("\nstopping / 正在停止 …")
    finally:
        _stop(processes)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _demo_standard() -> Any:
    from qualify.services.hr_import import default_standard_id
    from qualify.services.standards import get_standard

    standard_id = default_standard_id()
    if not standard_id:
        raise QualifyError(
            code=ErrorCode.STANDARD_NOT_FOUND, message_en="no shipped standard found",
            message_zh="没有找到随附的标准"
        )
    return get_standard(standard_id)


def _banner(port: int, logins: list[Any], standard_id: str, *, with_worker: bool) -> None:
    from qualify.web.demo import DEMO_PASSWORD

    url = f"http://127.0.0.1:{port}/"
    width = max(len(login.username) for login in logins)
    _say("")
    _say(f"  Qualify demo / 任职资格认证演示   {url}")
    _say(f"  standard / 标准: {standard_id}")
    _say(f"  password for every login / 所有账号的密码: {DEMO_PASSWORD}")
    for login in logins:
        _say(f"    {login.username.ljust(width)}  {login.role:<16} {login.note}")
    if not with_worker:
        _say("  (the screening worker is not available in this build / 资格审查后台进程不可用)")
    _say("  Ctrl-C stops the demo / 按 Ctrl-C 停止")
    _say("")


# --- import ---------------------------------------------------------------------------------------


def import_cmd(
    data: Annotated[
        Path, typer.Argument(help="An .xlsx workbook or a folder of CSV files (HR data contract).")
    ],
    standard: Annotated[
        str | None,
        typer.Option(help="Standard to check against (id or YAML path); default: the shipped one."),
    ] = None,
) -> None:
    """Import HR data into the database: all or nothing. The file is the full record of each person
    in it; people not in it are not touched."""
    from qualify.web import server

    server.setup()
    server.require_migrated()
    from qualify.services.hr_import import default_standard_id, import_file
    from qualify.services.standards import get_standard
    from qualify.web.people.repository import OrmRepository

    std = get_standard(standard or default_standard_id())
    # InvalidInput: one line per problem, exit 2, nothing written
    done = import_file(OrmRepository(), data, std, via="cli")
    c = done.counts
    typer.echo(
        f"imported / 已导入 {data}: {c['people']} people / 人 "
        f"({c['new']} new / 新增, {c['changed']} changed / 变更, {c['unchanged']} unchanged / 未变) "
        f"— import #{done.batch_id}"
    )
    from qualify.cli.assess import note_lines
    from qualify.cli.language import resolve

    for line in note_lines(done.notes, resolve(None)):
        typer.echo(line, err=True)


# --- worker ------------------------------------------------------------------------------------------


def worker() -> None:
    """Run queued screening runs and HR imports (check, then apply once confirmed): a separate process;
    start as many as you like."""
    from qualify.web import server

    server.setup()
    server.require_migrated()
    from qualify.web.screening.worker import run_worker

    with contextlib.suppress(KeyboardInterrupt):
        run_worker()


def notify_expiring(
    today: Annotated[
        str | None, typer.Option(help="The local date to remind for (YYYY-MM-DD; default today).")
    ] = None,
) -> None:
    """Reminders for cron (daily): certificates expiring, notice periods ending, score sheets due.
    Each is sent once, however often this runs; the worker sends the e-mail and robot messages."""
    import datetime as dt

    from qualify.web import server

    server.setup()
    server.require_migrated()
    from qualify.web.certification.reminders import send_reminders

    day = None
    if today:
        try:
            day = dt.date.fromisoformat(today)
        except ValueError:
            raise QualifyError(code=ErrorCode.BAD_DATE,
                               message_en=f"--today {today}: not a date (YYYY-MM-DD)",
                               message_zh=f"--today {today}：不是日期（YYYY-MM-DD）") from None
    counts = send_reminders(day)
    typer.echo(", ".join(f"{event}: {n}" for event, n in counts.items()))


# --- accounts -------------------------------------------------------------------------------------------


def _read_password(from_stdin: bool) -> tuple[str, bool]:
    """The new password and whether it was generated (and must be shown)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass("password / 密码: ")
        if first != getpass.getpass("again / 再输入一次: "):
            raise QualifyError(
                code=ErrorCode.PASSWORD_MISMATCH,
                message_en="the two passwords differ",
                message_zh="两次输入的密码不一致",
            )
        return first, False
    import secrets

    return secrets.token_urlsafe(12), True


def createuser(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[
        list[str], typer.Option("--role", help="employee, manager, assessor, hr, admin; repeatable.")
    ],
    family: Annotated[
        list[str] | None, typer.Option("--family", help="HR: a job family they administer.")
    ] = None,
    unit: Annotated[str | None, typer.Option(help="Manager: the org unit code they manage.")] = None,
    employee_id: Annotated[str | None, typer.Option(help="The account's own employee record.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
) -> None:
    """Make an account (or update its roles and scope) and set its password."""
    from qualify.web import server

    server.setup()
    server.require_migrated()
    from qualify.services.accounts import AccountInput, check_account, set_account
    from qualify.web.accounts.repository import OrmAccountStore

    store = OrmAccountStore()
    account = AccountInput(username=username, roles=tuple(role), hr_families=tuple(family or []),
                           managed_unit=unit, employee_id=employee_id)
    check_account(store, account)  # every problem at once, before a password is asked for
    password, generated = _read_password(password_stdin)
    set_account(store, None, account, password, via="cli")
    typer.echo(f"account / 账号 {username}: {', '.join(role)}")
    if generated:
        typer.echo(f"password / 密码: {password}")


def token(
    username: Annotated[str, typer.Argument(help="The account the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "script",
) -> None:
    """Make an API token (printed once): Authorization: Bearer <token>."""
    from qualify.web import server

    server.setup()
    server.require_migrated()
    from qualify.services.accounts import make_token_for
    from qualify.web.accounts.repository import OrmAccountStore

    typer.echo(make_token_for(OrmAccountStore(), None, username, name, via="cli").key)


# --- Django's own commands -----------------------------------------------------------------------------


def manage(ctx: typer.Context) -> None:
    """Django's management commands: `qualify manage migrate`, `qualify manage collectstatic` …"""
    from qualify.web import server

    server.setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qualify manage", *ctx.args])


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.command("serve")(serve)
    app.command("import")(import_cmd)
    app.command("worker")(worker)
    app.command("notify-expiring")(notify_expiring)
    app.command("createuser")(createuser)
    app.command("token")(token)
    app.command(
        "manage",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
    )(manage)
