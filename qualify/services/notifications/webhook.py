"""Delivering a webhook: the URL is checked, then the request goes to the very address that was checked.

A group robot's URL is typed in by HR, so it could point inside the company's network (a database
console, a cloud metadata address). ``check_url`` refuses every address that is not public unless
``allow_private`` (``QUALIFY_WEBHOOK_ALLOW_PRIVATE=1``) says otherwise; ``post`` resolves the host once,
checks every address it resolves to and connects to the checked one (no second lookup that could
answer differently), follows no redirect and gives up after ``timeout`` seconds.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from qualify.core.errors import QualifyError

Resolver = Callable[[str, int], list[str]]
MAX_ANSWER = 64 * 1024


def resolve(host: str, port: int) -> list[str]:
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


def _refuse(en: str, zh: str) -> QualifyError:
    return QualifyError(code="webhook-url-refused", message_en=en, message_zh=zh, fields={"url": [en]})


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, *, allow_private: bool, resolver: Resolver = resolve) -> Target:
    """The URL's parts and the addresses it may be sent to; refused (``webhook-url-refused``) when it
    is not http(s), carries a user name, does not resolve, or resolves to a private or loopback address
    (unless ``allow_private``)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise _refuse(f"not a URL: {url}", f"不是有效的网址：{url}") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise _refuse("the address must start with https:// and name a host",
                      "地址须以 https:// 开头并包含主机名")
    if parts.username or parts.password:
        raise _refuse("the address must not carry a user name or password", "地址中不能包含用户名或密码")
    host = parts.hostname
    try:
        addresses = resolver(host, port)
    except (OSError, UnicodeError):
        raise _refuse(f"the host {host} cannot be found", f"找不到主机 {host}") from None
    if not addresses:
        raise _refuse(f"the host {host} cannot be found", f"找不到主机 {host}")
    if not allow_private:
        private = [a for a in addresses if not _public(a)]
        if private:
            raise _refuse(
                f"{host} is a private or loopback address ({private[0]}); webhooks go to public addresses "
                "only (QUALIFY_WEBHOOK_ALLOW_PRIVATE=1 allows them)",
                f"{host} 是内网或本机地址（{private[0]}）；Webhook 只能发往公网地址"
                "（设置 QUALIFY_WEBHOOK_ALLOW_PRIVATE=1 可允许）",
            )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, host, port, path, tuple(addresses))


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.addresses[0]

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self._tls)
        self._address = target.addresses[0]

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def post(url: str, body: bytes, *, allow_private: bool, timeout: float = 10.0,
         resolver: Resolver = resolve) -> tuple[int, bytes]:
    """POST ``body`` as JSON to ``url``; the status and (the first 64 KB of) the answer.

    Raises ``QualifyError`` (``webhook-url-refused``) for a refused URL and ``OSError`` when the
    connection fails or times out."""
    target = check_url(url, allow_private=allow_private, resolver=resolver)
    connection: http.client.HTTPConnection = (
        _PinnedHTTPS(target, timeout) if target.scheme == "https" else _PinnedHTTP(target, timeout)
    )
    try:
        connection.request("POST", target.path, body=body, headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "Qualify",
        })
        answer = connection.getresponse()
        return answer.status, answer.read(MAX_ANSWER)
    except http.client.HTTPException as error:
        raise OSError(str(error)) from error
    finally:
        connection.close()
