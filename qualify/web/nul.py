"""A request with a NUL character (``\\0``) anywhere a value is read from is refused up front.

PostgreSQL cannot store or even compare a text with NUL in it (the driver raises), so an employee ID,
a search or a JSON field with ``%00`` in it was a server error there. Refused here, before any view
or query: a 422 ``nul-character`` that says where (path, query, cookie, header, body), the same on
SQLite and PostgreSQL. A file's content may hold NUL bytes (a workbook does): uploaded files are
not looked into, only their names and the form's other fields.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualify.core.errors import ErrorCode
from qualify.web.accounts.errors import error_response

NUL = "\x00"
PLACES: dict[str, Promise] = {
    "path": gettext_lazy("address"),
    "query": gettext_lazy("query parameters"),
    "cookie": gettext_lazy("cookies"),
    "header": gettext_lazy("headers"),
    "body": gettext_lazy("body"),
}
HEADERS = ("HTTP_AUTHORIZATION", "HTTP_X_REQUEST_ID", "HTTP_X_CSRFTOKEN")


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def _body_holds_nul(request: HttpRequest) -> bool:
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return False
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    if length <= 0 or length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return False  # nothing to read, or too large: the view refuses it as it does today
    if request.content_type == "multipart/form-data":
        fields = any(_holds_nul(key) or _holds_nul(request.POST.getlist(key)) for key in request.POST)
        names = any(_holds_nul(f.name or "") for files in request.FILES.lists() for f in files[1])
        return fields or names
    body = request.body
    if b"\x00" in body or (request.content_type == "application/x-www-form-urlencoded" and b"%00" in body):
        return True
    if b"\\u0000" not in body:
        return False
    try:  # an escaped NUL in JSON; "\\u0000" (a backslash, then u0000) is no NUL
        return _holds_nul(json.loads(body))
    except ValueError:
        return True


def nul_place(request: HttpRequest) -> str | None:
    """Where the request holds a NUL character (a key of ``PLACES``), or ``None``."""
    if NUL in request.path or NUL in request.path_info:
        return "path"
    if "%00" in request.META.get("QUERY_STRING", "") or _holds_nul(dict(request.GET.lists())):
        return "query"
    if _holds_nul(request.COOKIES):
        return "cookie"
    if any(NUL in request.META.get(header, "") for header in HEADERS):
        return "header"
    if _body_holds_nul(request):
        return "body"
    return None


class RefuseNulMiddleware:
    """After ``LocaleMiddleware`` (the refusal speaks the request's language) and the lazy
    ``AuthenticationMiddleware``, before anything that reads the session, the user or a token."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        place = nul_place(request)
        if place is not None:
            if place in {"cookie", "header"}:  # the session or token is not looked up to draw the page
                request.user = AnonymousUser()
            message = _("The request holds a NUL character (\\0) in its %(place)s: remove it and try again.")
            return error_response(request, ErrorCode.NUL_CHARACTER, message % {"place": PLACES[place]},
                                  fields={"where": place})
        return self.get_response(request)
