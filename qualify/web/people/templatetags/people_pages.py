"""Small template helpers of the people and screening pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict

from qualify.web.language import lang

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters replaced (``None`` or "" removes one)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    if mapping is None:
        return None
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def unit_name(unit: Any) -> str:
    """An organisation unit's name in the page's language."""
    if unit is None:
        return ""
    return str(unit.name(lang()))
