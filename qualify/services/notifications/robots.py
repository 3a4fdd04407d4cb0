"""The group robots' message formats and signatures, as their platforms document them.

- 企业微信 (WeCom) group robot: ``POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY``
  with ``{"msgtype": "markdown", "markdown": {"content": "..."}}`` (content at most 4096 bytes).
  WeCom does not sign: the key in the URL is the secret.
- 钉钉 (DingTalk) custom robot: ``POST https://oapi.dingtalk.com/robot/send?access_token=TOKEN``
  with ``{"msgtype": "markdown", "markdown": {"title": "...", "text": "..."}}``. With 加签 the URL
  also carries ``timestamp`` (milliseconds) and ``sign``: Base64 of HMAC-SHA256 keyed with the secret
  over ``"{timestamp}\\n{secret}"``, URL-encoded. The timestamp must be within an hour of DingTalk's clock.
- 飞书 (Feishu/Lark) custom bot: ``POST https://open.feishu.cn/open-apis/bot/v2/hook/ID`` with
  ``{"msg_type": "post", "content": {"post": {"zh_cn": {...}, "en_us": {...}}}}``. With 签名校验
  the body also carries ``timestamp`` (seconds, a string) and ``sign``: Base64 of HMAC-SHA256 keyed
  with ``"{timestamp}\\n{secret}"`` over an empty message.

Each platform answers HTTP 200 also when it refuses a message; the JSON answer says (``errcode`` 0
for WeCom and DingTalk, ``code`` 0 for Feishu): ``accepted`` reads it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

PLATFORMS: Final = ("wecom", "dingtalk", "feishu")
WECOM_MAX_BYTES: Final = 4096  # a markdown message's content


@dataclass(frozen=True)
class RobotMessage:
    """What a group is told, in both languages, and where to read more (an absolute URL or "")."""

    title_zh: str
    title_en: str
    text_zh: str
    text_en: str
    link: str = ""


@dataclass(frozen=True)
class RobotRequest:
    """The HTTP request to make: POST ``url`` with the JSON ``payload``."""

    url: str
    payload: dict[str, Any]

    @property
    def body(self) -> bytes:
        return json.dumps(self.payload, ensure_ascii=False).encode("utf-8")


def dingtalk_sign(timestamp_ms: int, secret: str) -> str:
    """DingTalk's 加签: Base64(HMAC-SHA256(key=secret, msg="{timestamp}\\n{secret}")), not yet URL-encoded."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(timestamp_s: int, secret: str) -> str:
    """Feishu's 签名校验: Base64(HMAC-SHA256(key="{timestamp}\\n{secret}", msg=b""))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _cut(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[: max_bytes - 3].decode("utf-8", errors="ignore") + "…"


def _with_query(url: str, extra: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in extra]
    query += list(extra.items())
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote_plus)))


def _markdown(message: RobotMessage) -> str:
    lines = [f"### {message.title_zh} / {message.title_en}", "", message.text_zh, "", message.text_en]
    if message.link:
        lines += ["", f"[打开 / Open]({message.link})"]
    return "\n".join(lines)


def wecom_request(url: str, message: RobotMessage) -> RobotRequest:
    content = _cut(_markdown(message), WECOM_MAX_BYTES)
    return RobotRequest(url, {"msgtype": "markdown", "markdown": {"content": content}})


def dingtalk_request(url: str, secret: str, message: RobotMessage, now: dt.datetime) -> RobotRequest:
    payload = {
        "msgtype": "markdown",
        "markdown": {"title": f"{message.title_zh} / {message.title_en}", "text": _markdown(message)},
    }
    if secret:
        timestamp = int(now.timestamp() * 1000)
        url = _with_query(url, {"timestamp": str(timestamp), "sign": dingtalk_sign(timestamp, secret)})
    return RobotRequest(url, payload)


def _feishu_post(title: str, text: str, link: str, open_label: str) -> dict[str, Any]:
    line: list[dict[str, str]] = [{"tag": "text", "text": text}]
    content = [line]
    if link:
        content.append([{"tag": "a", "text": open_label, "href": link}])
    return {"title": title, "content": content}


def feishu_request(url: str, secret: str, message: RobotMessage, now: dt.datetime) -> RobotRequest:
    payload: dict[str, Any] = {}
    if secret:
        timestamp = int(now.timestamp())
        payload |= {"timestamp": str(timestamp), "sign": feishu_sign(timestamp, secret)}
    payload |= {
        "msg_type": "post",
        "content": {
            "post": {
                "zh_cn": _feishu_post(message.title_zh, message.text_zh, message.link, "打开"),
                "en_us": _feishu_post(message.title_en, message.text_en, message.link, "Open"),
            }
        },
    }
    return RobotRequest(url, payload)


def robot_request(
    platform: str, url: str, secret: str, message: RobotMessage, now: dt.datetime
) -> RobotRequest:
    """The request for ``platform`` (``wecom``, ``dingtalk``, ``feishu``), signed with ``secret`` where
    the platform signs and a secret is set; ``now`` is the signing time (timezone-aware)."""
    if platform == "wecom":
        return wecom_request(url, message)
    if platform == "dingtalk":
        return dingtalk_request(url, secret, message, now)
    if platform == "feishu":
        return feishu_request(url, secret, message, now)
    raise ValueError(f"unknown platform {platform!r}")


def accepted(platform: str, status: int, body: bytes) -> tuple[bool, str]:
    """Whether the platform took the message, and what it said (for the outbox's last error)."""
    text = body.decode("utf-8", errors="replace")[:300]
    if status != 200:
        return False, f"HTTP {status}: {text}"
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return False, f"not JSON: {text}"
    if not isinstance(answer, dict):
        return False, f"unexpected answer: {text}"
    code = answer.get("code" if platform == "feishu" else "errcode", answer.get("StatusCode"))
    if code in (0, "0"):
        return True, ""
    return False, text
