"""The one language helper: the language of the request being answered, as ``"zh"`` or ``"en"``.

Django's ``LocaleMiddleware`` and ``ProfileLanguageMiddleware`` activate the request's language
(cookie, then account, then Accept-Language); every page, API answer and error message reads it here.
"""

from __future__ import annotations

from django.utils.translation import get_language

from qualify.core.text import Lang


def lang() -> Lang:
    """``"en"`` when the active language is English, else ``"zh"`` (Qualify's default)."""
    return "en" if (get_language() or "").lower().startswith("en") else "zh"
