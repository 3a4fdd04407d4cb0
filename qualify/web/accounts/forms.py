"""Login with throttling, and the API token form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from qualify.web.accounts.models import ROLE_LABELS, ROLES, Profile
from qualify.web.accounts.throttle import clear, client_ip, is_locked


class ThrottledLoginMixin(AuthenticationForm):
    """Refuses a login for a username and address with too many recent failures, before checking the
    password, so guessing cannot go on. Failures are counted by the ``user_login_failed`` signal."""

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        ip = client_ip(self.request) if self.request is not None else ""
        if username and is_locked(username, ip):
            raise forms.ValidationError(
                _("Too many failed logins. Try again in %(minutes)d minutes."),
                code="throttled",
                params={"minutes": settings.QUALIFY_LOGIN_WINDOW_MINUTES},
            )
        cleaned: dict[str, Any] = super().clean()
        if username:
            clear(username, ip)
        return cleaned


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What the token is for, e.g. “nightly HR sync”."))


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
