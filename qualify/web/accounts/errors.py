"""The one place an error becomes a response, for the pages and for the API alike.

- Under ``/api/``: ``{"error": {"code": ..., "message": ..., "fields": {...}}}`` with the status of
  the code's kind (``qualify.core.errors.ErrorCode``).
- Elsewhere: the page ``error.html`` with the same status, code and message.

The message is in the request's language. Django's ``handler400/403/404/500`` and the CSRF failure
view come here, the API's exception handlers too (``qualify.web.api``), and ``ErrorShapeMiddleware``
turns a bare "405 method not allowed" into the same shape.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualify.core.errors import ErrorCode, InvalidInput, QualifyError
from qualify.web.language import lang

log = logging.getLogger(__name__)

# What a protocol error says when the code alone is the news.
GENERIC_MESSAGES: dict[ErrorCode, Promise] = {
    ErrorCode.INVALID_REQUEST: gettext_lazy("The request is not valid."),
    ErrorCode.UNAUTHENTICATED: gettext_lazy("Log in, or send an API token: Authorization: Bearer <token>."),
    ErrorCode.FORBIDDEN: gettext_lazy("You may not do this."),
    ErrorCode.NOT_FOUND: gettext_lazy("This page does not exist, or you may not see it."),
    ErrorCode.METHOD_NOT_ALLOWED: gettext_lazy("This address does not take this kind of request."),
    ErrorCode.TOO_LARGE: gettext_lazy("The request is too large."),
    ErrorCode.THROTTLED: gettext_lazy("Too many attempts. Wait a few minutes and try again."),
    ErrorCode.INTERNAL_ERROR: gettext_lazy("Something went wrong on the server. The error was logged."),
}
TITLES: dict[int, Promise] = {
    403: gettext_lazy("Not allowed"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Not allowed"),
    409: gettext_lazy("Not possible now"),
    500: gettext_lazy("Server error"),
}


def wants_json(request: HttpRequest) -> bool:
    """The API answers in JSON; the pages in HTML."""
    return request.path.startswith("/api/")


def error_body(code: ErrorCode | str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": str(ErrorCode(code)), "message": message, "fields": fields or {}}}


def error_response(request: HttpRequest, code: ErrorCode | str, message: str | None = None,
                   fields: dict[str, Any] | None = None) -> HttpResponse:
    """The response for ``code``: its kind's status, JSON under /api/, a page elsewhere."""
    code = ErrorCode(code)
    text = message if message is not None else str(GENERIC_MESSAGES.get(code, _("The request is not valid.")))
    if wants_json(request):
        body = json.dumps(error_body(code, text, fields), ensure_ascii=False, default=str)
        response = HttpResponse(body, status=code.status, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(_page(request, code, text), status=code.status)
    response.qualify_error_code = code  # type: ignore[attr-defined]  # shaped: the middleware leaves it
    return response


def _page(request: HttpRequest, code: ErrorCode, text: str) -> str:
    if code.status >= 500:
        # No context processors that might fail again: a plain page.
        return loader.get_template("500.html").render({"request_path": request.path})
    return loader.render_to_string("error.html", {
        "status": code.status, "code": str(code), "message": text,
        "title": TITLES.get(code.status, _("Not possible")),
    }, request)


def message_of(error: QualifyError) -> str:
    """An error's message in the request's language; a rejected input lists its problems."""
    language = lang()
    if isinstance(error, InvalidInput):
        return "; ".join(p.message(language) + (f" ({p.path})" if p.path else "") for p in error.problems)
    return error.message(language)


def response_for(request: HttpRequest, error: QualifyError) -> HttpResponse:
    """A refusal from core or the services as the one error shape."""
    return error_response(request, error.error_code, message_of(error), error.fields)


# --- Django's handlers (``qualify.web.urls``) -----------------------------------------------------


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, ErrorCode.INVALID_REQUEST)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, ErrorCode.FORBIDDEN)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, ErrorCode.NOT_FOUND)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(request, ErrorCode.INTERNAL_ERROR)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: an expired form, said in the request's language."""
    return error_response(request, ErrorCode.FORBIDDEN,
                          _("The form has expired (CSRF check failed). Reload the page and try again."))


class ErrorShapeMiddleware:
    """A refusal (``QualifyError``) a page did not handle gets its status and the error page; a bare
    405 (Django's ``require_POST``, django-ninja's wrong method) gets the one error shape, keeping its
    ``Allow`` header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not hasattr(response, "qualify_error_code"):
            shaped = error_response(request, ErrorCode.METHOD_NOT_ALLOWED)
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, QualifyError):
            return response_for(request, exception)
        return None
