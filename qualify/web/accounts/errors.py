"""The 404 and 500 pages; under /api/ the same errors in the API's JSON shape."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext as _


def _json(status: int, code: str, message: str) -> HttpResponse:
    body = json.dumps({"error": {"code": code, "message": message, "fields": {}}}, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/json")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _json(404, "not-found", _("Not found."))
    return HttpResponseNotFound(loader.render_to_string("404.html", {}, request))


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _json(500, "internal-error", _("Something went wrong on the server. The error was logged."))
    # No context processors that might fail again: a plain page.
    return HttpResponseServerError(loader.get_template("500.html").render({"request_path": request.path}))
