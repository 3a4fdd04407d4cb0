"""``{% load cycle_words %}``: ``{{ code|family_name }}`` shows a job family by its name, not its code."""

from __future__ import annotations

from django import template

from qualify.web.certification import labels

register = template.Library()


@register.filter
def family_name(code: str) -> str:
    return labels.family_name(code)
