"""The group robots' formats and signatures, the webhook address check, and the outbox's retries
(no database, no network: the resolver and the store are fakes)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

import pytest

from qualify.core.errors import QualifyError
from qualify.services.notifications import outbox
from qualify.services.notifications.robots import (
    RobotMessage,
    accepted,
    dingtalk_sign,
    feishu_sign,
    robot_request,
)
from qualify.services.notifications.webhook import check_url

NOW = dt.datetime(2026, 12, 4, 0, 30, tzinfo=dt.UTC)
MESSAGE = RobotMessage("申诉已提交", "Appeal filed", "“2026 冬季认证”中的申请 #7 有申诉。",
                       "An appeal was filed on application #7.", "https://q.example.com/applications/7/")


def test_a_dingtalk_signature_is_base64_hmac_sha256_of_timestamp_and_secret_keyed_by_the_secret() -> None:
    # the documented example's shape: key = secret, message = "{timestamp}\n{secret}"
    expected = base64.b64encode(hmac.new(b"SECabc", b"1700000000000\nSECabc", hashlib.sha256).digest())
    assert dingtalk_sign(1700000000000, "SECabc") == expected.decode()
    assert dingtalk_sign(1700000000000, "SECabc") != dingtalk_sign(1700000000001, "SECabc")


def test_a_feishu_signature_is_keyed_by_timestamp_newline_secret_over_an_empty_message() -> None:
    expected = base64.b64encode(hmac.new(b"1700000000\nkey", b"", hashlib.sha256).digest())
    assert feishu_sign(1700000000, "key") == expected.decode()


def test_a_signed_dingtalk_request_carries_timestamp_and_sign_in_its_query_and_keeps_the_token() -> None:
    url = "https://oapi.dingtalk.com/robot/send?access_token=T1"
    req = robot_request("dingtalk", url, "SECx", MESSAGE, NOW)
    query = parse_qs(urlsplit(req.url).query)
    timestamp = int(query["timestamp"][0])
    assert query["access_token"] == ["T1"] and timestamp == int(NOW.timestamp() * 1000)
    assert query["sign"] == [dingtalk_sign(timestamp, "SECx")]  # parse_qs undid the URL-encoding
    assert req.payload["msgtype"] == "markdown"
    assert "Appeal filed" in req.payload["markdown"]["title"]
    assert "申诉已提交" in req.payload["markdown"]["text"] and MESSAGE.link in req.payload["markdown"]["text"]


def test_an_unsigned_dingtalk_robot_gets_the_url_as_configured() -> None:
    req = robot_request("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=T1", "", MESSAGE, NOW)
    assert req.url == "https://oapi.dingtalk.com/robot/send?access_token=T1"


def test_a_feishu_request_is_a_post_in_both_languages_with_timestamp_and_sign_in_the_body() -> None:
    req = robot_request("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/abc", "k", MESSAGE, NOW)
    body = req.payload
    timestamp = int(NOW.timestamp())
    assert body["timestamp"] == str(timestamp) and body["sign"] == feishu_sign(timestamp, "k")
    assert body["msg_type"] == "post"
    zh, en = body["content"]["post"]["zh_cn"], body["content"]["post"]["en_us"]
    assert zh["title"] == "申诉已提交" and en["title"] == "Appeal filed"
    assert zh["content"][1] == [{"tag": "a", "text": "打开", "href": MESSAGE.link}]
    assert req.url == "https://open.feishu.cn/open-apis/bot/v2/hook/abc"


def test_a_wecom_request_is_unsigned_markdown_cut_to_4096_bytes() -> None:
    long = RobotMessage("标题", "Title", "长" * 3000, "x", "")
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K"
    req = robot_request("wecom", url, "ignored", long, NOW)
    assert req.url == url
    assert req.payload["msgtype"] == "markdown"
    assert len(req.payload["markdown"]["content"].encode()) <= 4096
    assert "sign" not in req.payload and "timestamp" not in req.payload


def test_a_platform_that_answers_200_with_an_error_code_did_not_accept_the_message() -> None:
    assert accepted("wecom", 200, b'{"errcode":0,"errmsg":"ok"}') == (True, "")
    assert accepted("dingtalk", 200, b'{"errcode":310000,"errmsg":"sign not match"}')[0] is False
    assert accepted("feishu", 200, b'{"code":0,"msg":"success","data":{}}') == (True, "")
    refused = b'{"code":19021,"msg":"sign match fail or timestamp is not within one hour"}'
    assert accepted("feishu", 200, refused)[0] is False
    assert accepted("wecom", 502, b"bad gateway") == (False, "HTTP 502: bad gateway")


def fake_dns(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError("no such host")
        return table[host]
    return resolve


@pytest.mark.parametrize("url,address", [
    ("http://127.0.0.1:8080/hook", "127.0.0.1"),
    ("https://intranet.example.com/hook", "10.1.2.3"),
    ("https://metadata.example.com/latest", "169.254.169.254"),
    ("https://v6.example.com/", "::1"),
    ("https://mapped.example.com/", "::ffff:192.168.1.1"),
])
def test_a_webhook_to_a_private_or_loopback_address_is_refused_unless_allowed(url: str, address: str) -> None:
    dns = fake_dns({urlsplit(url).hostname or "": [address]})
    with pytest.raises(QualifyError) as refused:
        check_url(url, allow_private=False, resolver=dns)
    assert refused.value.code == "webhook-url-refused" and address in refused.value.message_en
    assert "QUALIFY_WEBHOOK_ALLOW_PRIVATE" in refused.value.message_en
    assert check_url(url, allow_private=True, resolver=dns).addresses == (address,)


def test_a_host_with_one_private_address_among_public_ones_is_refused() -> None:
    dns = fake_dns({"mixed.example.com": ["93.184.216.34", "192.168.0.5"]})
    with pytest.raises(QualifyError):
        check_url("https://mixed.example.com/", allow_private=False, resolver=dns)


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "https://user:pw@example.com/",
                                 "https:///nohost", "https://unknown.example.com/"])
def test_a_webhook_address_that_is_not_a_plain_http_url_to_a_known_host_is_refused(url: str) -> None:
    with pytest.raises(QualifyError) as refused:
        check_url(url, allow_private=True, resolver=fake_dns({"example.com": ["93.184.216.34"]}))
    assert refused.value.code == "webhook-url-refused"


def test_a_public_address_is_accepted_with_its_path_and_query() -> None:
    target = check_url("https://oapi.dingtalk.com/robot/send?access_token=T", allow_private=False,
                       resolver=fake_dns({"oapi.dingtalk.com": ["203.119.129.1"]}))
    assert (target.host, target.port, target.path) == ("oapi.dingtalk.com", 443, "/robot/send?access_token=T")


class FakeStore:
    def __init__(self, items: list[outbox.OutboxItem]) -> None:
        self.items = {i.id: i for i in items}
        self.state: dict[int, tuple[str, int, str]] = {}
        self.claimed: set[int] = set()
        self.at = NOW

    def now(self) -> dt.datetime:
        return self.at

    def due(self, now: dt.datetime, limit: int) -> list[outbox.OutboxItem]:
        return [i for i in self.items.values() if self.state.get(i.id, ("pending",))[0] == "pending"][:limit]

    def claim(self, item_id: int, now: dt.datetime, until: dt.datetime) -> bool:
        if item_id in self.claimed:
            return False
        self.claimed.add(item_id)
        return True

    def sent(self, item_id: int, now: dt.datetime) -> None:
        self.state[item_id] = ("sent", self.items[item_id].attempts + 1, "")

    def failed(self, item_id: int, attempts: int, error: str, retry_at: dt.datetime | None) -> None:
        self.state[item_id] = ("pending" if retry_at else "failed", attempts, error)
        self.items[item_id] = outbox.OutboxItem(item_id, "webhook", attempts)
        self.claimed.discard(item_id)


def test_a_failed_send_is_retried_with_a_growing_pause_and_given_up_after_the_last_attempt() -> None:
    assert [outbox.retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 7, 20)] == [1, 2, 4, 60, 60]
    store = FakeStore([outbox.OutboxItem(1, "webhook", 0), outbox.OutboxItem(2, "email", 0)])

    def send(item: outbox.OutboxItem) -> None:
        if item.id == 1:
            raise outbox.SendFailed("sign not match")

    assert outbox.deliver_due(store, send) == {"sent": 1, "retried": 1, "failed": 0}
    assert store.state[1] == ("pending", 1, "sign not match") and store.state[2][0] == "sent"
    for _ in range(outbox.MAX_ATTEMPTS - 2):
        outbox.deliver_due(store, send)
    assert store.state[1][0] == "pending"
    assert outbox.deliver_due(store, send) == {"sent": 0, "retried": 0, "failed": 1}
    assert store.state[1] == ("failed", outbox.MAX_ATTEMPTS, "sign not match")


def test_a_row_another_worker_claimed_is_left_to_it() -> None:
    store = FakeStore([outbox.OutboxItem(1, "email", 0)])
    store.claimed.add(1)
    sent: list[int] = []
    counts = outbox.deliver_due(store, lambda item: sent.append(item.id))
    assert counts == {"sent": 0, "retried": 0, "failed": 0}
    assert sent == []
