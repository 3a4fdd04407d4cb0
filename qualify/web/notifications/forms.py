from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qualify.core.errors import QualifyError
from qualify.services.notifications.webhook import check_url
from qualify.web.language import lang
from qualify.web.notifications.delivery import allow_private
from qualify.web.notifications.events import CHANNELS, DEFAULT_GROUP_EVENTS, EVENTS, GROUP_EVENTS
from qualify.web.notifications.models import PLATFORM_CHOICES, Webhook


class PreferencesForm(forms.Form):
    """One checkbox per channel and event: checked means "tell me"."""

    def __init__(self, *args: Any, muted: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for channel in CHANNELS:
            for code in EVENTS:
                name = f"{channel}:{code}"
                self.fields[name] = forms.BooleanField(required=False, initial=name not in muted)

    def rows(self) -> list[dict[str, Any]]:
        return [{"label": event.label, "cells": [self[f"{channel}:{code}"] for channel in CHANNELS]}
                for code, event in EVENTS.items()]

    def muted(self) -> list[str]:
        return sorted(name for name, value in self.cleaned_data.items() if not value)


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("webhook address"), max_length=500, assume_scheme="https")
    platform = forms.ChoiceField(label=_("platform"), choices=PLATFORM_CHOICES)
    events = forms.MultipleChoiceField(
        label=_("Events"), widget=forms.CheckboxSelectMultiple,
        choices=[(code, EVENTS[code].label) for code in GROUP_EVENTS], initial=DEFAULT_GROUP_EVENTS)

    class Meta:
        model = Webhook
        fields = ["name", "platform", "url", "secret", "family", "events"]
        widgets = {"secret": forms.PasswordInput(render_value=False)}
        help_texts = {
            "secret": _("DingTalk: the SEC… string of 加签; Feishu: the key of 签名校验. "
                        "WeCom does not sign."),
        }

    def __init__(self, *args: Any, families: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if families is None:  # an administrator: any family, or all
            self.fields["family"].required = False
        else:
            self.fields["family"] = forms.ChoiceField(label=_("job family"),
                                                      choices=[(f, f) for f in families])

    def clean_secret(self) -> str:
        secret = self.cleaned_data.get("secret", "")
        if not secret and self.instance.pk:
            return self.instance.secret  # never shown again: an empty field keeps the one saved
        return secret

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_url(url, allow_private=allow_private())
        except QualifyError as refused:
            said = refused.message_zh if lang() == "zh" else refused.message_en
            raise forms.ValidationError(said) from None
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("platform") == "wecom" and data.get("secret"):
            self.add_error("secret", _("WeCom group robots do not sign; leave the secret empty."))
        return data
