"""Forms of the certification pages. They only parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qualify.core.standard import Standard
from qualify.core.text import Lang
from qualify.web.choices import set_choices


def _term_choices(
    standard: Standard, vocabulary: str, lang: Lang, blank: bool = True
) -> list[tuple[str, str]]:
    terms = getattr(standard.vocabularies, vocabulary)
    choices = [(t.code, t.name.get(lang)) for t in terms]
    return [("", "—"), *choices] if blank else choices


def iso_date() -> forms.DateInput:
    """A date picker that shows its value in every language: ``<input type=date>`` only takes ISO
    dates, while Django would write the value in the language's format (zh-hans: ``2026/12/04``,
    which the browser drops, leaving the field empty)."""
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class CycleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    standard_id = forms.ChoiceField(label=_("Standard"))
    opens_on = forms.DateField(label=_("Applications open"), widget=iso_date())
    closes_on = forms.DateField(label=_("Applications close"), widget=iso_date())
    as_of = forms.DateField(
        label=_("As-of date for screening"), widget=iso_date()
    )
    levels = forms.TypedMultipleChoiceField(
        label=_("Levels offered"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    notice_days = forms.IntegerField(label=_("Notice period (days)"), min_value=1, max_value=60, initial=7)
    manager_opinion = forms.ChoiceField(
        label=_("Manager's opinion"),
        choices=[
            ("off", _("not asked")),
            ("optional", _("optional: the applicant's manager may give one")),
            ("required", _("required before the panel")),
        ],
        initial="off",
        required=False,  # not sent: not asked
        help_text=_("The applicant's manager writes it after submission; the panel reads it."),
    )

    def __init__(
        self, *args: Any, standards: list[tuple[str, str]], levels: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "standard_id", standards)
        set_choices(self, "levels", levels)

    def clean_levels(self) -> tuple[int, ...]:
        return tuple(self.cleaned_data["levels"])


class ApplyForm(forms.Form):
    target_level = forms.TypedChoiceField(label=_("Target level"), coerce=int)
    reason = forms.CharField(
        label=_("Reason for a jump of more than one level"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    employee_id = forms.CharField(label=_("Employee ID (to nominate someone)"), required=False, max_length=64)

    def __init__(
        self, *args: Any, levels: list[int], default: int | None, nominate: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "target_level", [(level, str(level)) for level in levels])
        if default is not None:
            self.fields["target_level"].initial = default
        if not nominate:
            del self.fields["employee_id"]


class EvidenceForm(forms.Form):
    activity = forms.ChoiceField(label=_("Activity"))
    date = forms.DateField(label=_("Date"), widget=iso_date())
    role = forms.ChoiceField(label=_("Your role"), required=False)
    audience = forms.ChoiceField(label=_("Audience rank"), required=False)
    scope = forms.ChoiceField(label=_("Scope"), required=False)
    project_kind = forms.ChoiceField(label=_("Project kind"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    deliverables = forms.MultipleChoiceField(
        label=_("Deliverables"), required=False, widget=forms.CheckboxSelectMultiple
    )
    elements = forms.MultipleChoiceField(
        label=_("Elements it supports"), required=False, widget=forms.CheckboxSelectMultiple
    )
    measures = forms.MultipleChoiceField(
        label=_("Measures it supports"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(
        label=_("Attachment (PDF, image, Office document or text; up to 10 MB)"), required=False
    )

    def __init__(self, *args: Any, standard: Standard, level: int, lang: Lang, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "activity", _term_choices(standard, "activities", lang, blank=False))
        for name, vocabulary in (
            ("role", "roles"),
            ("audience", "audience_ranks"),
            ("scope", "scopes"),
            ("project_kind", "project_kinds"),
            ("outcome", "outcomes"),
        ):
            set_choices(self, name, _term_choices(standard, vocabulary, lang))
        set_choices(self, "deliverables", _term_choices(standard, "deliverables", lang, blank=False))
        set_choices(self, "elements", [
            (e.code, e.name.get(lang)) for _, e, _ in standard.elements_at(level)
        ])
        set_choices(self, "measures", [(m.code, m.name.get(lang)) for m, _ in standard.measures_at(level)])


class PanelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("review", _("review")), ("appeal", _("appeal"))])
    lead = forms.TypedChoiceField(label=_("Lead assessor"), coerce=int)
    members = forms.TypedMultipleChoiceField(
        label=_("Members"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, assessors: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "lead", assessors)
        set_choices(self, "members", assessors)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))


class OverrideForm(ReasonForm):
    passed = forms.TypedChoiceField(
        label=_("Result"), coerce=lambda v: v == "1", choices=[("1", _("passed")), ("0", _("not passed"))]
    )


class AppealForm(ReasonForm):
    file = forms.FileField(label=_("Attachment (optional)"), required=False)


class AppealDecisionForm(ReasonForm):
    upheld = forms.TypedChoiceField(
        label=_("Appeal"),
        coerce=lambda v: v == "1",
        choices=[("1", _("upheld: change the result")), ("0", _("dismissed: the result stands"))],
    )
    passed = forms.TypedChoiceField(
        label=_("New result if upheld"),
        coerce=lambda v: v == "1",
        choices=[("1", _("passed")), ("0", _("not passed"))],
        required=False,
    )


class BatchForm(forms.Form):
    """HR's batch step on the applications selected on a cycle's page (``ids``)."""

    action = forms.ChoiceField(
        label=_("Do"),
        choices=[
            ("assign_panel", _("Assign a panel")),
            ("decide", _("Decide")),
            ("publish", _("Publish")),
            ("certify", _("Certify")),
        ],
    )
    panel = forms.TypedChoiceField(label=_("Panel"), coerce=int, required=False, empty_value=None)
    ids = forms.TypedMultipleChoiceField(label=_("Applications"), coerce=int)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, panels: list[tuple[int, str]], applications: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "panel", [("", "—"), *panels])
        set_choices(self, "ids", [(i, str(i)) for i in applications])
        self.fields["ids"].error_messages["required"] = _("Select at least one application.")
        self.fields["ids"].error_messages["invalid_choice"] = _(
            "Application %(value)s is not one of this cycle's that you may change."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "assign_panel" and not data.get("panel"):
            self.add_error("panel", _("Choose the panel to assign."))
        return data
