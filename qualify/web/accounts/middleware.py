"""Middleware of the accounts area.

- ``ProfileLanguageMiddleware``: the language of the pages: the browser's choice (cookie) first, then
  the account's, then Accept-Language (Django's LocaleMiddleware, which runs before this).
- ``NoStoreMiddleware``: pages and API answers are never kept by a browser or proxy cache.
- ``IdleTimeoutMiddleware``: a session unused for ``QUALIFY_SESSION_IDLE_MINUTES`` ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


class ProfileLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and hasattr(request, "session"):
            language: Any = request.session.get("qualify_language")
            if language in dict(settings.LANGUAGES):
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer of the app that does not set its own caching.

    Pages and API answers show personal records: a shared computer's back button or a proxy must not
    keep them. Static files (WhiteNoise answers them before this runs) keep their long caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class IdleTimeoutMiddleware:
    """Ends a logged-in session that has not been used for ``QUALIFY_SESSION_IDLE_MINUTES``.

    Besides the absolute limit (``QUALIFY_SESSION_HOURS``): a computer left logged in ends its session
    by itself. The request then goes on as anonymous, so a page sends the user to the login (and back
    afterwards) and the API answers 401. The time of the last use is written at most once a minute.
    """

    KEY = "qualify_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            seen = session.get(self.KEY)
            if isinstance(seen, int) and now - seen > settings.QUALIFY_SESSION_IDLE_SECONDS:
                minutes = settings.QUALIFY_SESSION_IDLE_SECONDS // 60
                logout(request)
                messages.info(request, _("You were logged out after %(minutes)d minutes without activity.")
                              % {"minutes": minutes})
            elif not isinstance(seen, int) or now - seen >= 60:
                session[self.KEY] = now
        return self.get_response(request)
