"""Middleware of the accounts area.

- ``ProfileLanguageMiddleware``: the language of the pages: the browser's choice (cookie) first, then
  the account's, then Accept-Language (Django's LocaleMiddleware, which runs before this).
- ``NoStoreMiddleware``: pages and API answers are never kept by a browser or proxy cache.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers


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
