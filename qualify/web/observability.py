"""Running Qualify: a request id on every request and log line, JSON logs, an error-reporting hook.

- ``RequestIdMiddleware``: the request's ``X-Request-ID`` (from the load balancer, when it is a
  plain token of at most 128 characters) or a new one; sent back in the response's ``X-Request-ID``
  and put on every log line written while the request is served (``RequestIdFilter``).
- ``QUALIFY_LOG_FORMAT=json``: one JSON object per log line (``JsonFormatter``): time (UTC), level,
  logger, message, request_id and, for an error, the exception's traceback. ``text`` (the default)
  is a plain line with the request id.
- ``QUALIFY_ERROR_HOOK=package.module.callable``: called with the exception and the request id for
  every server error (a page's or the API's), e.g. to send it to an error tracker. A hook that fails
  is logged and never changes the answer.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"[A-Za-z0-9._:@+=/-]{1,128}")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("qualify_request_id", default="-")


def current_request_id() -> str:
    """The id of the request being served ("-" outside a request)."""
    return _request_id.get()


class RequestIdMiddleware:
    """First in ``MIDDLEWARE``: every log line of the request carries its id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _ACCEPTED.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # read by the error hook
        # Set, not reset afterwards: Django logs the answer ("Not Found: /x") after the middleware returns.
        _request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record (the formatters print it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", current_request_id()),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(level: str, log_format: str) -> dict[str, Any]:
    """``LOGGING`` for settings: a console handler in the chosen format, the request id on each line."""
    formatter: dict[str, Any] = (
        {"()": "qualify.web.observability.JsonFormatter"} if log_format == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "qualify.web.observability.RequestIdFilter"}},
        "formatters": {"qualify": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "qualify",
                                 "filters": ["request_id"]}},
        "root": {"handlers": ["console"], "level": level},
    }


def report_error(exception: BaseException, request: HttpRequest | None = None) -> None:
    """Hand a server error to ``QUALIFY_ERROR_HOOK`` (when set) with the request's id."""
    path = getattr(settings, "QUALIFY_ERROR_HOOK", "")
    if not path:
        return
    request_id = getattr(request, "request_id", None) or current_request_id()
    try:
        hook = import_string(path)
        hook(exception, request_id)
    except Exception:
        log.exception("the error hook %s failed", path)


def on_uncaught_exception(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """``got_request_exception`` (a page's server error): the exception being handled is reported."""
    import sys

    exception = sys.exc_info()[1]
    if exception is not None:
        report_error(exception, request)
