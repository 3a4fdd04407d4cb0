"""Forms of the people app: the HR data upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qualify.services.standards import list_standards


def standard_choices() -> list[tuple[str, str]]:
    return [(s.id, f"{s.name.zh} / {s.name.en} ({s.id})") for s in list_standards()]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("HR data workbook (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    standard = forms.ChoiceField(label=_("Check against the standard"), choices=standard_choices)
