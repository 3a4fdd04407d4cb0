"""Running Qualify: /healthz, the request id, JSON logs, the error hook, hostile input (NUL), and a
screening run whose worker died (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from qualify.web import health, observability
from qualify.web.screening import heartbeat
from qualify.web.screening.models import ScreeningResult, ScreeningRun, WorkerHeartbeat
from qualify.web.screening.worker import run_worker

ClientFor = Callable[[str], Client]
AS_OF = dt.date(2026, 11, 26)
REPORTED: list[tuple[BaseException, str]] = []


def record_error(exception: BaseException, request_id: str) -> None:
    """The error hook of these tests (``QUALIFY_ERROR_HOOK``)."""
    REPORTED.append((exception, request_id))


def broken_hook(exception: BaseException, request_id: str) -> None:
    raise RuntimeError("the error tracker is down")


# --- /healthz -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_is_ok_for_anyone_once_a_worker_beats() -> None:
    WorkerHeartbeat.objects.create(worker="host:1", seen_at=timezone.now() - dt.timedelta(seconds=5))
    answer = Client().get("/healthz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["migrations"] == "ok"
    assert body["worker"]["status"] == "ok" and 4 <= body["worker"]["heartbeat_age_seconds"] < 60
    assert "host:1" not in answer.content.decode()  # no names of hosts or processes


@pytest.mark.django_db
def test_healthz_is_503_when_no_worker_beat_for_a_minute_unless_asked_for_the_web_alone() -> None:
    WorkerHeartbeat.objects.create(worker="host:1", seen_at=timezone.now() - dt.timedelta(seconds=90))
    answer = Client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["status"] == "unhealthy" and answer.json()["worker"]["status"] == "stale"
    assert Client().get("/healthz", {"scope": "web"}).status_code == 200


@pytest.mark.django_db
def test_healthz_is_503_when_no_worker_ever_ran() -> None:
    answer = Client().get("/healthz")
    assert answer.status_code == 503 and answer.json()["worker"] == {"status": "none",
                                                                     "heartbeat_age_seconds": None}


@pytest.mark.django_db
def test_healthz_is_503_when_a_migration_is_not_applied(monkeypatch: pytest.MonkeyPatch) -> None:
    WorkerHeartbeat.objects.create(worker="host:1", seen_at=timezone.now())
    monkeypatch.setattr(health, "_migrated", False)
    monkeypatch.setattr(health.MigrationExecutor, "migration_plan", lambda self, targets: [("m", False)])
    answer = Client().get("/healthz", {"scope": "web"})
    assert answer.status_code == 503 and answer.json()["migrations"] == "1 not applied"


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    class Down:
        def cursor(self) -> Any:
            raise OperationalError("connection refused to db.internal:5432 as qualify")

    monkeypatch.setattr(health, "connection", Down())
    answer = Client().get("/healthz", {"scope": "web"})
    assert answer.status_code == 503 and answer.json()["database"] == "unreachable"
    assert "db.internal" not in answer.content.decode()  # no error text, no secrets


@pytest.mark.django_db
def test_the_worker_leaves_a_heartbeat_that_healthz_reads() -> None:
    assert Client().get("/healthz").status_code == 503
    run_worker(once=True)
    assert WorkerHeartbeat.objects.count() == 1
    assert Client().get("/healthz").status_code == 200


# --- the request id, JSON logs and the error hook -------------------------------------------------------


def test_every_answer_carries_a_request_id_and_a_given_one_is_kept(client_for: ClientFor) -> None:
    client = client_for("hr")
    made = client.get("/api/accounts/me")["X-Request-ID"]
    assert len(made) == 32 and made != client.get("/api/accounts/me")["X-Request-ID"]
    assert client.get("/people/", HTTP_X_REQUEST_ID="lb-7f3a.9")["X-Request-ID"] == "lb-7f3a.9"
    assert client.get("/people/", HTTP_X_REQUEST_ID="bad id\nwith a newline")["X-Request-ID"] != "bad id"


@pytest.fixture
def failing_api(monkeypatch: pytest.MonkeyPatch) -> None:
    """``/api/accounts/me`` fails inside (a bug, as far as the caller can tell)."""
    from qualify.web.accounts import access

    def broken(user: Any) -> Any:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(access, "profile_of", broken)


@pytest.fixture
def json_log() -> Any:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(observability.JsonFormatter())
    handler.addFilter(observability.RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def test_a_server_error_is_logged_as_json_with_the_request_id_and_handed_to_the_hook(
        client_for: ClientFor, failing_api: None, json_log: io.StringIO, settings: Any) -> None:
    settings.QUALIFY_ERROR_HOOK = f"{__name__}.record_error"
    REPORTED.clear()
    answer = client_for("hr").get("/api/accounts/me", HTTP_X_REQUEST_ID="req-42")
    assert answer.status_code == 500 and answer["X-Request-ID"] == "req-42"
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    error = next(line for line in lines if line["level"] == "ERROR")
    assert error["request_id"] == "req-42" and "ZeroDivisionError" in error["exception"]
    assert [(type(e), rid) for e, rid in REPORTED] == [(ZeroDivisionError, "req-42")]


def test_a_pages_server_error_goes_to_the_hook_too(users: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
                                                   settings: Any) -> None:
    from qualify.web.people import views

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(views, "filtered_people", broken)
    settings.QUALIFY_ERROR_HOOK = f"{__name__}.record_error"
    REPORTED.clear()
    client = Client(raise_request_exception=False)
    client.force_login(users["hr"])
    answer = client.get("/people/", HTTP_X_REQUEST_ID="page-1")
    assert answer.status_code == 500
    assert [(type(e), rid) for e, rid in REPORTED] == [(ZeroDivisionError, "page-1")]


def test_a_hook_that_fails_changes_nothing_for_the_caller(client_for: ClientFor, failing_api: None,
                                                          settings: Any) -> None:
    settings.QUALIFY_ERROR_HOOK = f"{__name__}.broken_hook"
    answer = client_for("hr").get("/api/accounts/me")
    assert answer.status_code == 500 and answer.json()["error"]["code"] == "internal-error"


def test_the_text_log_format_prints_the_request_id() -> None:
    config = observability.logging_config("INFO", "text")
    assert "%(request_id)s" in config["formatters"]["qualify"]["format"]
    json_config = observability.logging_config("INFO", "json")
    assert json_config["formatters"]["qualify"]["()"].endswith("JsonFormatter")


# --- NUL characters: refused before any query (PostgreSQL cannot store them) ----------------------------


@pytest.mark.parametrize(("method", "url", "body", "where"), [
    ("get", "/api/people/E%00/", None, "path"),
    ("get", "/api/people/?q=%00", None, "query"),
    ("get", "/api/cycles/certificates/C%00", None, "path"),
    ("get", "/api/standards/x%00y", None, "path"),
    ("post", "/api/screening/", {"standard": "a\u0000b", "as_of": "2026-12-04"}, "body"),
    ("get", "/people/?q=a%00", None, "query"),
    ("get", "/people/E%00/", None, "path"),
])
def test_a_nul_character_anywhere_is_a_422_saying_where(client_for: ClientFor, method: str, url: str,
                                                        body: Any, where: str) -> None:
    client = client_for("hr")
    if body is None:
        answer = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    else:
        answer = client.post(url, json.dumps(body), content_type="application/json",
                             HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 422
    if url.startswith("/api/"):
        error = answer.json()["error"]
        assert error["code"] == "nul-character" and error["fields"] == {"where": where}
        assert "NUL" in error["message"]
    else:
        assert 'data-error-code="nul-character"' in answer.content.decode()


def test_a_nul_in_a_token_is_refused_not_looked_up(users: dict[str, Any]) -> None:
    answer = Client().get("/api/accounts/me", HTTP_AUTHORIZATION="Bearer qk_\x00x")
    assert answer.status_code == 422 and answer.json()["error"]["fields"] == {"where": "header"}


def test_an_escaped_backslash_before_u0000_is_no_nul(client_for: ClientFor) -> None:
    body = json.dumps({"standard": "a\\u0000b", "as_of": "2026-12-04"})  # the text a\u0000b
    answer = client_for("hr").post("/api/screening/", body, content_type="application/json")
    assert answer.status_code != 422 or answer.json()["error"]["code"] != "nul-character"


def test_the_refusal_speaks_chinese_when_asked(client_for: ClientFor) -> None:
    answer = client_for("hr").get("/api/people/?q=%00", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "空字符" in answer.json()["error"]["message"]


# --- a screening run whose worker died; results only once done ------------------------------------------


def _running(users: dict[str, Any], seconds_ago: float) -> ScreeningRun:
    run = ScreeningRun.objects.create(created_by=users["hr"], standard_id="mini@1.0", as_of=AS_OF,
                                      status="running", progress=40,
                                      heartbeat=timezone.now() - dt.timedelta(seconds=seconds_ago))
    ScreeningResult.objects.create(run=run, employee_id="E001", current_level=1, highest_eligible_level=3)
    return run


def test_a_run_silent_for_a_minute_shows_failed_on_the_next_look(users: dict[str, Any],
                                                                client_for: ClientFor) -> None:
    run = _running(users, seconds_ago=65)
    answer = client_for("hr").get(f"/api/screening/{run.pk}")
    assert answer.json()["status"] == "failed" and "worker-died" in answer.json()["error"]
    assert not run.results.exists()


def test_a_run_that_beat_recently_stays_running(users: dict[str, Any], client_for: ClientFor) -> None:
    run = _running(users, seconds_ago=20)
    assert client_for("hr").get(f"/api/screening/{run.pk}").json()["status"] == "running"


def test_a_running_runs_results_are_a_409_not_a_partial_list(users: dict[str, Any],
                                                             client_for: ClientFor) -> None:
    run = _running(users, seconds_ago=1)
    hr = client_for("hr")
    answer = hr.get(f"/api/screening/{run.pk}/results")
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "run-not-finished"
    assert answer.json()["error"]["fields"] == {"status": "running", "progress": 40}
    assert hr.get(f"/screening/{run.pk}/result.xlsx").status_code == 409


@pytest.mark.django_db(transaction=True)
def test_a_run_in_progress_keeps_beating_while_the_engine_holds_the_worker(users: dict[str, Any]) -> None:
    run = ScreeningRun.objects.create(created_by=users["hr"], standard_id="mini@1.0", as_of=AS_OF,
                                      status="running", heartbeat=timezone.now() - dt.timedelta(seconds=50))
    before = ScreeningRun.objects.get(pk=run.pk).heartbeat
    with heartbeat.beating("host:9", run.pk, every=0.05):
        time.sleep(0.5)  # the engine at work: no progress written meanwhile
    assert ScreeningRun.objects.get(pk=run.pk).heartbeat > before
    assert WorkerHeartbeat.objects.filter(worker="host:9").exists()
