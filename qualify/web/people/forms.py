"""Forms of the people app: the HR data upload, the filters of the people list, and the
date/stage/level choices of a person's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from qualify.services.standards import list_standards
from qualify.web.people.models import OrgUnit, Person

STAGES = [("screening", _("Screening")), ("certification", _("Certification"))]
MAX_LEVEL = 9


def date_input() -> forms.DateInput:
    """A date picker; its value is always ISO (what the browser's date input reads and sends)."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _level_choices(empty: Any) -> list[tuple[str, Any]]:
    return [("", empty), *[(str(n), str(n)) for n in range(MAX_LEVEL + 1)]]


class PeopleFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Employee ID or name")}))
    unit = forms.ModelChoiceField(label=_("Organisation unit"), required=False,
                                  queryset=OrgUnit.objects.none(),
                                  to_field_name="code", empty_label=_("All units"))
    unit_only = forms.BooleanField(label=_("this unit only, not the units below"), required=False)
    family = forms.ChoiceField(label=_("Job family"), required=False)
    level = forms.TypedChoiceField(label=_("Current level"), required=False, coerce=int, empty_value=None,
                                   choices=_level_choices(_("Any")))
    eligible = forms.TypedChoiceField(label=_("Highest eligible level"), required=False, coerce=int,
                                      empty_value=None, choices=_level_choices(_("Any")))
    as_of = forms.DateField(label=_("As of"), required=False, widget=date_input())

    def __init__(self, data: Any, *, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        # (order_by() drops the default ordering, which DISTINCT would otherwise include)
        unit_paths = people.exclude(org_unit=None).order_by().values_list("org_unit__path", flat=True)
        unit_paths = unit_paths.distinct()
        unit_ids = {int(part) for path in unit_paths for part in path.strip("/").split("/") if part}
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = OrgUnit.objects.filter(pk__in=unit_ids).order_by("path")
        families = sorted(set(people.order_by().values_list("job_family", flat=True).distinct()))
        family_field = self.fields["family"]
        assert isinstance(family_field, forms.ChoiceField)
        family_field.choices = [("", _("All job families")), *[(f, f) for f in families]]

    def filter(self, people: QuerySet[Person]) -> QuerySet[Person]:
        """``people`` narrowed by every filter except the highest eligible level (see the view)."""
        data = self.cleaned_data
        if data.get("q"):
            q = data["q"].strip()
            people = people.filter(Q(employee_id__icontains=q) | Q(name__icontains=q))
        unit: OrgUnit | None = data.get("unit")
        if unit is not None:
            people = people.filter(org_unit=unit) if data.get("unit_only") else \
                people.filter(org_unit__path__startswith=unit.path)
        if data.get("family"):
            people = people.filter(job_family=data["family"])
        if data.get("level") is not None:
            people = people.filter(current_level=data["level"])
        return people


class DecisionOptions(forms.Form):
    """``?as_of=&stage=&level=`` of a person's page and of "my qualification"."""

    as_of = forms.DateField(label=_("As of"), required=False, widget=date_input())
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=STAGES)
    level = forms.IntegerField(label=_("Level"), required=False, min_value=1, max_value=MAX_LEVEL)

    def value(self, name: str, default: Any) -> Any:
        if not self.is_bound or not self.is_valid():
            return default
        got = self.cleaned_data.get(name)
        return default if got in (None, "") else got


def standard_choices() -> list[tuple[str, str]]:
    return [(s.id, f"{s.name.zh} / {s.name.en} ({s.id})") for s in list_standards()]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("HR data workbook (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    standard = forms.ChoiceField(label=_("Check against the standard"), choices=standard_choices)
