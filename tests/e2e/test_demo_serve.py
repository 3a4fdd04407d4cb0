"""The commands a newcomer and an operator run: ``qualify demo``, ``qualify serve``, ``qualify import``,
as real processes with a real server."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qualify.services.standards import get_standard
from tests.support.org import edit_workbook, hr_workbook

pytestmark = pytest.mark.slow

QUALIFY = [sys.executable, "-m", "qualify"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("QUALIFY_", "DJANGO_", "PYTEST_")) and k not in {"SECRET_KEY", "DATABASE_URL"}
    }
    # English error lines: these tests read them (Chinese, the default, is tested in test_cli_errors).
    env.update({"QUALIFY_HOME": str(tmp_path / "home"), "QUALIFY_LANG": "en", **extra})
    return env


def _run(args: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*QUALIFY, *args], env=env, capture_output=True, text=True, timeout=120, **kwargs)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _get(url: str, opener: Any = None) -> tuple[int, Any, str]:
    opener = opener or urllib.request.build_opener(NoRedirect)
    try:
        # generous: the first answer waits for a worker to import Django, slow on a loaded 2-core machine
        with opener.open(url, timeout=60) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


def _wait_until_up(port: int, process: subprocess.Popen[str], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1][-3000:]
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the server did not come up")


def _stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        raise AssertionError(f"did not stop on Ctrl-C: {err[-2000:]}") from None
    return process.returncode, err


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory: Any) -> Path:
    """A migrated SQLite database, made once; tests copy it (migrating takes seconds)."""
    folder = tmp_path_factory.mktemp("template")
    database = folder / "template.sqlite3"
    env = _env(folder, DATABASE_URL=f"sqlite:///{database}")
    result = _run(["manage", "migrate", "-v", "0"], env)
    assert result.returncode == 0, result.stderr
    return database


def _copy_db(template: Path, target: Path) -> Path:
    shutil.copyfile(template, target)
    return target


@pytest.fixture
def served(tmp_path: Path, migrated_template: Path) -> Iterator[Any]:
    """Start ``qualify serve`` with a config file; yields a function (extra env) -> base URL."""
    processes: list[subprocess.Popen[str]] = []

    def start(**extra: str) -> str:
        config = tmp_path / "qualify.conf"
        database = _copy_db(migrated_template, tmp_path / "serve.sqlite3")
        config.write_text(
            f"# test config\nSECRET_KEY={'s' * 20}-a-long-enough-test-secret\n"
            f"DATABASE_URL=sqlite:///{database}\n",
            encoding="utf-8",
        )
        env = _env(tmp_path, QUALIFY_CONFIG=str(config), QUALIFY_ACCESS_LOG="0", **extra)
        port = _free_port()
        process = subprocess.Popen(
            [*QUALIFY, "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        _wait_until_up(port, process)
        return f"http://127.0.0.1:{port}"

    yield start
    for process in processes:
        if process.poll() is None:
            _stop(process)


def test_serve_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    result = _run(["serve", "--port", str(_free_port())], _env(tmp_path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no-secret SECRET_KEY is not set")
    assert "Traceback" not in result.stderr


def test_serve_sends_secure_cookies_and_headers_and_serves_its_own_static_files(served: Any) -> None:
    base = served()
    status, headers, body = _get(f"{base}/accounts/login/")
    assert status == 200
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Server" not in headers  # no banner naming the software and its version
    assert "no-store" in headers["Cache-Control"]
    cookie = headers["Set-Cookie"]
    assert "csrftoken=" in cookie and "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "demo-banner" not in body
    stylesheet = re.search(r'href="(/static/qualify/app\.[0-9a-f]+\.css)"', body)
    assert stylesheet, "the stylesheet's name carries its hash (collected, cacheable forever)"
    status, headers, css = _get(base + stylesheet[1])
    assert status == 200 and "max-age=315360000" in headers["Cache-Control"] and "--brand" in css


def test_serve_on_plain_http_can_be_told_to_send_cookies_without_secure(served: Any) -> None:
    base = served(QUALIFY_INSECURE_COOKIES="1")
    _, headers, _ = _get(f"{base}/accounts/login/")
    assert "Secure" not in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]


def test_serve_behind_a_proxy_trusts_its_forwarded_https(served: Any) -> None:
    base = served(QUALIFY_BEHIND_PROXY="1")
    url = f"{base}/accounts/login/"
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310 (local http)
    status, headers, _ = _get(request)  # type: ignore[arg-type]
    assert status == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_demo_runs_with_sample_data_and_logins_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [*QUALIFY, "demo", "--port", str(port), "--people", "40"],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_up(port, process, seconds=120)
        base = f"http://127.0.0.1:{port}"
        status, headers, _ = _get(f"{base}/")
        assert status == 302 and "/accounts/login/" in headers["Location"]
        assert "Server" not in headers  # no banner naming the software, under the demo's gunicorn too
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        _, _, page = _get(f"{base}/accounts/login/", opener)
        assert "demo-banner" in page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]  # type: ignore[index]
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": "hr", "password": "qualify-demo"}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (a local http URL)
            f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}
        )
        with opener.open(request, timeout=60) as response:
            assert response.status == 200
        status, _, body = _get(f"{base}/api/accounts/me", opener)
        assert status == 200 and '"hr"' in body
        db = sqlite3.connect(tmp_path / "home" / "qualify.sqlite3")
        assert db.execute("select count(*) from people_person").fetchone()[0] == 40
        assert db.execute("select count(*) from people_orgunit where parent_id is not null").fetchone()[0] > 3
    finally:
        code, err = _stop(process)
    assert "password for every login" in err and "qualify-demo" in err
    for role in ("hr", "manager", "employee", "assessor", "admin"):
        assert re.search(rf"^\s+{role}\s", err, re.MULTILINE), role
    assert code == 0
    assert "Traceback" not in err
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))  # the server is gone: the port is free again


def _migrated(tmp_path: Path, template: Path) -> tuple[dict[str, str], Path]:
    database = _copy_db(template, tmp_path / "cli.sqlite3")
    return _env(tmp_path, DATABASE_URL=f"sqlite:///{database}"), database


def test_import_from_the_command_line_rejects_a_bad_file_whole(
    tmp_path: Path, migrated_template: Path
) -> None:
    env, database = _migrated(tmp_path, migrated_template)
    workbook = hr_workbook(tmp_path / "hr.xlsx", get_standard("service-marketing@2.0"), people=8)
    edit_workbook(workbook, {("employees", 3, "hire_date"): "yesterday", ("performance", 5, "rating"): "Q"})
    result = _run(["import", str(workbook)], env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert any("sheet employees, row 3, column hire_date" in line for line in lines)
    assert any("sheet performance, row 5, column rating" in line for line in lines)
    assert all(line.startswith("error: ") for line in lines)
    assert sqlite3.connect(database).execute("select count(*) from people_person").fetchone()[0] == 0


def test_import_from_the_command_line_writes_a_good_file(tmp_path: Path, migrated_template: Path) -> None:
    env, database = _migrated(tmp_path, migrated_template)
    workbook = hr_workbook(tmp_path / "hr.xlsx", get_standard("service-marketing@2.0"), people=8)
    result = _run(["import", str(workbook), "--standard", "service-marketing@2.0"], env)
    assert result.returncode == 0, result.stderr
    assert "8 people" in result.stdout and "8 new" in result.stdout
    assert sqlite3.connect(database).execute("select count(*) from people_person").fetchone()[0] == 8
    again = _run(["import", str(workbook)], env)
    assert "8 unchanged" in again.stdout


def test_accounts_and_api_tokens_are_made_on_the_command_line(
    tmp_path: Path, migrated_template: Path
) -> None:
    env, _ = _migrated(tmp_path, migrated_template)
    made = _run(
        ["createuser", "ops", "--role", "hr", "--family", "service-marketing", "--password-stdin"],
        env,
        input="a-long-enough-passphrase\n",
    )
    assert made.returncode == 0, made.stderr
    token = _run(["token", "ops", "--name", "sync"], env)
    assert token.returncode == 0 and token.stdout.strip().startswith("qk_")
    unknown = _run(["token", "nobody"], env)
    assert unknown.returncode == 2 and unknown.stderr.startswith("error: unknown-user")
