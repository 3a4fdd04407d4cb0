"""Login with throttling, and the API token form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from qualify.services.accounts import DEFAULT_TOKEN_DAYS, TOKEN_DAYS
from qualify.web.accounts.models import ROLE_LABELS, ROLES, Profile
from qualify.web.accounts.throttle import throttled_message


class ThrottledLoginMixin(AuthenticationForm):
    """Says why a login was refused when django-axes locked it out (too many failures for the account
    or from the address): axes refuses before the password is checked, so guessing cannot go on."""

    def clean(self) -> dict[str, Any]:
        try:
            cleaned: dict[str, Any] = super().clean()
        except forms.ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                raise forms.ValidationError(throttled_message(), code="throttled") from None
            raise
        return cleaned


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What the token is for, e.g. “nightly HR sync”."))
    days = forms.TypedChoiceField(label=_("Valid for"), coerce=int, initial=DEFAULT_TOKEN_DAYS,
                                  required=False, empty_value=str(DEFAULT_TOKEN_DAYS),
                                  choices=[(d, _("%(days)d days") % {"days": d}) for d in TOKEN_DAYS])


def _families() -> list[tuple[str, str]]:
    from qualify.services.standards import list_standards
    from qualify.web.accounts.access import person_model

    known = {s.family: f"{s.family_name.zh} / {s.family_name.en} ({s.family})" for s in list_standards()}
    for family in person_model().objects.values_list("job_family", flat=True).distinct():
        known.setdefault(family, family)
    return sorted(known.items())


class ProfileForm(forms.ModelForm[Profile]):
    """Roles as checkboxes and HR families from the standards and the people on record."""

    roles = forms.MultipleChoiceField(label=_("Roles"), required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      choices=[(r, ROLE_LABELS[r]) for r in ROLES])
    hr_families = forms.MultipleChoiceField(
        label=_("HR job families"), required=False, widget=forms.CheckboxSelectMultiple, choices=_families,
        help_text=_("HR sees and imports the people of these job families."))

    class Meta:
        model = Profile
        fields = ["roles", "person", "managed_unit", "hr_families", "language"]
