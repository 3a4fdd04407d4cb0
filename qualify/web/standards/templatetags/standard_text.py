"""``{{ text|tr }}``: a standard's bilingual text in the language of the request."""

from __future__ import annotations

from typing import Any

from django import template

from qualify.core.text import Text
from qualify.web.language import lang as current_lang

register = template.Library()


@register.filter
def tr(value: Any) -> str:
    """The ``zh`` or ``en`` text of a ``Text`` for the current language (the other one if missing)."""
    if isinstance(value, Text):
        return value.get(current_lang())
    return "" if value is None else str(value)
