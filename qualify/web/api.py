"""The JSON API: one ``NinjaAPI`` under ``/api/`` that mounts each app's ``Router``.

- Authentication: ``Authorization: Bearer <token>`` for scripts (``qualify token``, or the tokens
  page), or the browser's session (CSRF-checked on writes).
- One error shape for every error: ``{"error": {"code": ..., "message": ..., "fields": {...}}}``,
  the message in the request's language, the status from the code's kind (``ErrorCode``); the
  mapping lives in ``qualify.web.accounts.errors`` (``error_response``, ``response_for``).
- Pagination: every list is a page, ``@paginate_api`` from ``qualify.web.pagination``:
  ``?page=&page_size=`` → ``{"items": [...], "count": N, "page": p, "page_size": s}``.
- Per-object access through ``qualify.web.accounts.access``: what a caller may not see is a 404.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from qualify.core.errors import ErrorCode, QualifyError
from qualify.web.accounts.errors import csrf_failure, error_response, response_for
from qualify.web.accounts.tokens import user_for_key
from qualify.web.observability import report_error
from qualify.web.pagination import EarlyResponse

log = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer qk_…``: the token's user becomes ``request.user``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_key(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Qualify API",
    version="1",
    description="Standards, people, records and decisions of Qualify. "
                "Authenticate with `Authorization: Bearer <token>` (make one with `qualify token`).",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth(csrf=True)],  # token first: a script sends no CSRF token
)


# --- the error shape: every handler maps to qualify.web.accounts.errors ------------------------------

HTTP_ERROR_CODES = {400: ErrorCode.INVALID_REQUEST, 401: ErrorCode.UNAUTHENTICATED, 403: ErrorCode.FORBIDDEN,
                    404: ErrorCode.NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED, 413: ErrorCode.TOO_LARGE,
                    422: ErrorCode.INVALID_REQUEST, 429: ErrorCode.THROTTLED}


@api.exception_handler(QualifyError)
def _qualify_error(request: HttpRequest, exc: QualifyError) -> HttpResponse:
    return response_for(request, exc)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, ErrorCode.NOT_FOUND)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, Any] = {}
    for error in exc.errors:
        parts = [str(part) for part in error.get("loc", ()) if part not in {"body", "query", "path"}]
        location = ".".join(parts)
        fields.setdefault(location or "request", []).append(error.get("msg", ""))
    return error_response(request, ErrorCode.INVALID_REQUEST, fields=fields)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, ErrorCode.UNAUTHENTICATED)


@api.exception_handler(AuthorizationError)
def _unauthorised(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return error_response(request, ErrorCode.FORBIDDEN)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = HTTP_ERROR_CODES.get(exc.status_code, ErrorCode.INTERNAL_ERROR)
    if exc.status_code == 403 and "CSRF" in str(exc):
        return csrf_failure(request)
    if code is ErrorCode.INVALID_REQUEST:  # e.g. a body that is not JSON: what the parser said
        return error_response(request, code, fields={"request": [str(exc)]})
    return error_response(request, code)


@api.exception_handler(EarlyResponse)
def _early(request: HttpRequest, exc: EarlyResponse) -> HttpResponse:
    return exc.response


@api.exception_handler(Exception)
def _internal(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("API error on %s", request.path)
    report_error(exc, request)
    return error_response(request, ErrorCode.INTERNAL_ERROR)


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, Any] = {}


class ErrorOut(Schema):
    error: ErrorBody


# --- the routers ---------------------------------------------------------------------------------

# Each area's router (``router = Router(tags=[...])`` in the app's api.py), mounted at /api/<prefix>/.
# Named by import path: ninja imports each here, after everything above that the routers use.
api.add_router("/accounts/", "qualify.web.accounts.api.router")
api.add_router("/imports/", "qualify.web.people.import_api.router")
api.add_router("/standards/", "qualify.web.standards.api.router")
api.add_router("/people/", "qualify.web.people.api.router")
api.add_router("/me/", "qualify.web.people.api.me_router")
api.add_router("/screening/", "qualify.web.screening.api.router")
api.add_router("/cycles/", "qualify.web.certification.api.router")
api.add_router("/notifications/", "qualify.web.notifications.api.router")
api.add_router("/workbench/", "qualify.web.certification.workbench_views.router")
