"""The form that queues a screening run."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qualify.core.standard import Standard
from qualify.services.standards import list_standards
from qualify.web.accounts import access
from qualify.web.language import lang
from qualify.web.people.forms import date_input
from qualify.web.people.models import OrgUnit
from qualify.web.screening.models import ScreeningRun


def standards_for(user: Any) -> list[Standard]:
    """The standards ``user`` may screen with: those of the job families they administer."""
    return [s for s in list_standards() if access.may_administer_family(user, s.family)]


def units_for(user: Any) -> Any:
    """The units that hold people ``user`` may see, and the units above them."""
    people = access.people_visible_to(user).exclude(org_unit=None).order_by()
    paths = people.values_list("org_unit__path", flat=True)
    ids = {int(part) for path in paths.distinct() for part in path.strip("/").split("/") if part}
    return OrgUnit.objects.filter(pk__in=ids).order_by("path")


class UnitChoiceField(forms.ModelChoiceField[OrgUnit]):
    """Units as an indented tree: each label is indented by the unit's depth."""

    def label_from_instance(self, obj: OrgUnit) -> str:
        depth = max(0, obj.path.strip("/").count("/"))
        indent = "\u00a0\u00a0\u00a0" * depth
        return f"{indent}{obj.name('en' if _english() else 'zh-hans')} ({obj.code})"


class ScreeningRunForm(forms.Form):
    standard = forms.ChoiceField(label=_("Standard"))
    org_unit = UnitChoiceField(label=_("Organisation unit"), required=False, queryset=OrgUnit.objects.none(),
                               to_field_name="code", empty_label=_("Everyone in your scope"))
    include_subtree = forms.BooleanField(label=_("Include the units below"), required=False, initial=True)
    as_of = forms.DateField(label=_("As of"), widget=date_input())
    stage = forms.ChoiceField(label=_("Stage"), initial=ScreeningRun.Stage.SCREENING, choices=[
        (ScreeningRun.Stage.SCREENING, _("Screening: gate conditions and knowledge")),
        (ScreeningRun.Stage.CERTIFICATION, _("Certification: every check")),
    ])

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        standard_field = self.fields["standard"]
        assert isinstance(standard_field, forms.ChoiceField)
        standard_field.choices = [(s.id, f"{s.id} · {s.name.get('en') if _english() else s.name.get('zh')}")
                                  for s in standards_for(user)]
        unit_field = self.fields["org_unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units_for(user)


def _english() -> bool:
    return lang() == "en"
