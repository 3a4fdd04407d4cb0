"""Login throttling, by django-axes: failures are counted per account across addresses and per address
across accounts (``AXES_LOCKOUT_PARAMETERS``), in the database, so it holds across processes and hosts.

What is ours: which address a request comes from (a forwarded header counts only when the request
came through a configured proxy, ``QUALIFY_TRUSTED_PROXIES``), and the answer to a locked-out login
(the login page again, with the reason in the reader's language, status 429).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in settings.QUALIFY_TRUSTED_PROXIES)


def client_ip(request: Any) -> str:
    """The client's address: ``REMOTE_ADDR``, unless that is a trusted proxy; then the nearest address
    in ``X-Forwarded-For`` (read from the right) that is not itself a trusted proxy.

    A client that sends its own ``X-Forwarded-For`` through the proxy only adds addresses on the left,
    which are never reached while the proxy appends the real one; a client that talks to the app
    directly is not a trusted proxy, so its header is ignored.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))[:64]
    if not _trusted(remote):
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            return hop[:64]
    return remote


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None,
               credentials: dict[str, Any] | None = None) -> HttpResponse:
    """The answer to a login refused for too many failures: the page the view made (its form says why)
    with status 429, or a short text where the view made none."""
    if original_response is not None and original_response.status_code == 200:
        original_response.status_code = 429
        return original_response
    message = throttled_message()
    return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")


def throttled_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("Too many failed logins. Try again in %(minutes)d minutes.") % {"minutes": minutes}

