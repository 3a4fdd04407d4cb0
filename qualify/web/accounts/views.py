"""Home, login and logout, the language switch, API tokens, changing and resetting one's password."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from qualify.web.accounts import access
from qualify.web.accounts.audit import record
from qualify.web.accounts.forms import LoginForm, TokenForm
from qualify.web.accounts.models import ApiToken
from qualify.web.accounts.tokens import create_token
from qualify.web.requests import AuthenticatedHttpRequest


def _first_url(*names: str) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Everyone with a role starts at their workbench (工作台/待办); without it (a site without the
    certification pages) HR and managers start at the people list, employees at their qualification."""
    user = request.user
    workbench = _first_url("certification:workbench")
    if workbench and access.roles_of(user):
        return redirect(workbench)
    if access.can_list_people(user):
        target = _first_url("people:list")
    elif access.own_person(user) is not None:
        target = _first_url("people:me")
    else:
        target = None
    if target:
        return redirect(target)
    return render(request, "accounts/home.html")


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice on the account."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in {"zh-hans", "en"}:
        profile = access.profile_of(request.user)
        if profile is not None and profile.language != language:
            profile.language = language
            profile.save(update_fields=["language"])
        request.session["qualify_language"] = language
    return response


@login_required
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's API tokens: make one (its key is shown once), revoke one."""
    new_key = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, new_key = create_token(request.user, form.cleaned_data["name"], int(form.cleaned_data["days"]))
        form = TokenForm()
    return render(request, "accounts/tokens.html", {
        "form": form,
        "new_key": new_key,
        "tokens": ApiToken.objects.filter(user=request.user),
    })


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponseRedirect:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    record(request.user, "token.revoke", "ApiToken", token.pk,
           {"name": token.name, "prefix": token.prefix}, None)
    token.delete()
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


class PasswordChangeView(auth_views.PasswordChangeView):
    """A user changes their own password (the old one first); other sessions of the account end."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record(self.request.user, "password.change", "User", self.request.user.pk)
        messages.success(self.request, _("Your password was changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for the e-mail address of an account and sends it a link to set a new password. The page
    says the same whether or not an account has that address, so it tells nobody who has one."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link from the e-mail: set a new password (the link works once, for a limited time)."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record(form.user, "password.reset", "User", form.user.pk)
        messages.success(self.request, _("Your password was set. Log in with it."))
        return response
