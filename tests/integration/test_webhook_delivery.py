"""The done-when test of the group robots: a local HTTP receiver, started here, gets the messages of
企业微信, 钉钉 and 飞书 from the outbox as the worker sends them; the test checks each body's shape and
each signature as the platform would. Loopback is allowed through ``QUALIFY_WEBHOOK_ALLOW_PRIVATE``,
the documented switch; without it nothing reaches the receiver."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from qualify.services.certification.values import Notice
from qualify.web.notifications.delivery import deliver
from qualify.web.notifications.dispatch import dispatch
from qualify.web.notifications.models import OutboxMessage, Webhook

pytestmark = pytest.mark.django_db


class Receiver:
    """A robot endpoint on 127.0.0.1: records each POST; answers as the platform does (``answer``)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answer: dict[str, Any] | None = None  # None: the platform's "ok" for the path
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                          "at": time.time()})
                ok = {"code": 0, "msg": "success", "data": {}} if "feishu" in self.path else {
                    "errcode": 0, "errmsg": "ok"}
                data = json.dumps(receiver.answer or ok).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def by_path(self, start: str) -> dict[str, Any]:
        found = [r for r in self.requests if r["path"].startswith(start)]
        assert len(found) == 1, [r["path"] for r in self.requests]
        return found[0]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    thread = threading.Thread(target=found.server.serve_forever, daemon=True)
    thread.start()
    yield found
    found.server.shutdown()
    found.server.server_close()


@pytest.fixture
def robots(receiver: Receiver, users: dict[str, Any]) -> dict[str, Webhook]:
    def hook(platform: str, path: str, secret: str = "") -> Webhook:
        return Webhook.objects.create(name=platform, platform=platform, url=receiver.url + path,
                                      secret=secret, family="mini", events=["publication-started"])

    return {
        "wecom": hook("wecom", "/cgi-bin/webhook/send?key=wecom-key"),
        "dingtalk": hook("dingtalk", "/robot/send?access_token=ding-token", "SECding-secret"),
        "feishu": hook("feishu", "/open-apis/bot/v2/hook/feishu-id", "feishu-secret"),
    }


def published(settings: Any) -> None:
    settings.QUALIFY_SITE_URL = "https://qualify.example.com"
    dispatch(Notice("publication-started", to_hr=True, family="mini", cycle_name="2026 冬季认证", cycle_id=3,
                    count=12, on=dt.date(2026, 12, 11)))


def test_the_three_platforms_receive_their_payloads_signed_as_each_platform_checks(
    receiver: Receiver, robots: dict[str, Webhook], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUALIFY_WEBHOOK_ALLOW_PRIVATE", "1")
    published(settings)
    assert receiver.requests == []  # the step only wrote the outbox
    assert deliver() == {"sent": 3, "retried": 0, "failed": 0}

    # 企业微信: markdown content, no signature, the key kept in the URL
    wecom = receiver.by_path("/cgi-bin/webhook/send")
    assert parse_qs(urlsplit(wecom["path"]).query) == {"key": ["wecom-key"]}
    assert wecom["headers"]["Content-Type"].startswith("application/json")
    body = json.loads(wecom["body"])
    assert set(body) == {"msgtype", "markdown"} and body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert "结果已公示 / Results published" in content
    assert "“2026 冬季认证”的 12 个结果已公示，公示期至 2026-12-11。" in content
    assert "12 results of “2026 冬季认证” are published" in content
    assert "(https://qualify.example.com/cycles/3/)" in content

    # 钉钉: markdown with a title; timestamp (ms) and sign in the query, sign = HMAC-SHA256 as documented
    ding = receiver.by_path("/robot/send")
    query = parse_qs(urlsplit(ding["path"]).query)
    assert query["access_token"] == ["ding-token"]
    timestamp = query["timestamp"][0]
    assert abs(int(timestamp) / 1000 - ding["at"]) < 3600  # DingTalk refuses more than an hour off
    expected = base64.b64encode(hmac.new(b"SECding-secret", f"{timestamp}\nSECding-secret".encode(),
                                         hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected]
    body = json.loads(ding["body"])
    assert body["msgtype"] == "markdown" and set(body["markdown"]) == {"title", "text"}
    assert body["markdown"]["title"] == "结果已公示 / Results published"

    # 飞书: a post in zh_cn and en_us; timestamp (s, a string) and sign in the body
    feishu = receiver.by_path("/open-apis/bot/v2/hook/feishu-id")
    body = json.loads(feishu["body"])
    assert isinstance(body["timestamp"], str) and abs(int(body["timestamp"]) - feishu["at"]) < 3600
    key = f"{body['timestamp']}\nfeishu-secret".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["msg_type"] == "post"
    post = body["content"]["post"]
    assert post["zh_cn"]["title"] == "结果已公示" and post["en_us"]["title"] == "Results published"
    assert post["en_us"]["content"][1] == [{"tag": "a", "text": "Open",
                                            "href": "https://qualify.example.com/cycles/3/"}]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_a_refusal_by_the_platform_is_kept_and_retried_later(
    receiver: Receiver, robots: dict[str, Webhook], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUALIFY_WEBHOOK_ALLOW_PRIVATE", "1")
    receiver.answer = {"errcode": 310000, "errmsg": "sign not match"}
    Webhook.objects.exclude(platform="dingtalk").delete()
    published(settings)
    assert deliver() == {"sent": 0, "retried": 1, "failed": 0}
    row = OutboxMessage.objects.get()
    assert row.status == "pending" and row.attempts == 1 and "sign not match" in row.last_error
    assert deliver() == {"sent": 0, "retried": 0, "failed": 0}  # not due yet: it waits a minute
    assert len(receiver.requests) == 1


def test_without_the_switch_a_loopback_robot_is_never_called(
    receiver: Receiver, robots: dict[str, Webhook], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QUALIFY_WEBHOOK_ALLOW_PRIVATE", raising=False)
    published(settings)
    assert deliver() == {"sent": 0, "retried": 3, "failed": 0}
    assert receiver.requests == []
    assert all("private or loopback" in e for e in OutboxMessage.objects.values_list("last_error", flat=True))


def test_a_robot_that_does_not_answer_in_time_is_given_up_on_and_retried(
    robots: dict[str, Webhook], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never answers
    try:
        Webhook.objects.update(url=f"http://127.0.0.1:{silent.getsockname()[1]}/robot/send?access_token=x")
        Webhook.objects.exclude(platform="dingtalk").delete()
        monkeypatch.setenv("QUALIFY_WEBHOOK_ALLOW_PRIVATE", "1")
        monkeypatch.setattr("qualify.web.notifications.delivery.TIMEOUT_SECONDS", 0.5)
        published(settings)
        started = time.monotonic()
        assert deliver() == {"sent": 0, "retried": 1, "failed": 0}
        assert time.monotonic() - started < 5
        assert "timed out" in OutboxMessage.objects.get().last_error
    finally:
        silent.close()
