"""The controls of the comparison page: two levels, or another version; plain GET forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qualify.core.standard import Standard
from qualify.web.choices import set_choices


class CompareForm(forms.Form):
    """``a`` and ``b``: two levels (both, or neither for every level against the one below);
    ``other``: another standard to compare with, level by level; ``changes``: only rows that differ."""

    a = forms.TypedChoiceField(label=_("Level"), required=False, coerce=int, empty_value=None)
    b = forms.TypedChoiceField(label=_("compared with level"), required=False, coerce=int, empty_value=None)
    other = forms.ChoiceField(label=_("Other version"), required=False)
    changes = forms.BooleanField(label=_("Only rows with differences"), required=False)

    def __init__(self, data: Any, *, standard: Standard, others: list[Standard]) -> None:
        super().__init__(data)
        levels = [(str(level.level), str(level.level)) for level in standard.levels]
        set_choices(self, "a", [("", "—"), *levels])
        set_choices(self, "b", [("", "—"), *levels])
        set_choices(self, "other", [("", "—"), *[(s.id, s.id) for s in others]])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        a, b = cleaned.get("a"), cleaned.get("b")
        if (a is None) != (b is None) and not self.has_error("a") and not self.has_error("b"):
            raise forms.ValidationError(_("Choose two levels, or neither to see every level against "
                                          "the one below."), code="one-level")
        return cleaned

    @property
    def mode(self) -> str:
        """``versions``, ``levels`` or ``ladder`` (also when the form is not valid)."""
        if not self.is_valid():
            return "ladder"
        if self.cleaned_data.get("other"):
            return "versions"
        if self.cleaned_data.get("a") is not None:
            return "levels"
        return "ladder"
