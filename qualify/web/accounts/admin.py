"""Admin for accounts: users with their roles and scope, API tokens, the audit record (read only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from qualify.web.accounts.audit import record, snapshot
from qualify.web.accounts.base_admin import AuditedAdmin, ReadOnlyAdmin
from qualify.web.accounts.forms import ProfileForm
from qualify.web.accounts.models import ApiToken, AuditEntry, Profile

User = get_user_model()


class ProfileInline(admin.StackedInline[Profile, Any]):
    model = Profile
    form = ProfileForm
    can_delete = False
    autocomplete_fields = ["person", "managed_unit"]
    verbose_name_plural = _("roles and scope")


class QualifyUserAdmin(AuditedAdmin, UserAdmin[Any]):
    inlines = [ProfileInline]
    list_display = ["username", "first_name", "last_name", "roles", "is_active", "last_login"]

    @admin.display(description=_("roles"))
    def roles(self, user: Any) -> str:
        try:
            return ", ".join(user.profile.roles)
        except Profile.DoesNotExist:
            return ""

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        profile_before = None
        if change:
            profile = Profile.objects.filter(user=form.instance).first()
            profile_before = snapshot(profile) if profile else None
        super().save_related(request, form, formsets, change)
        profile = Profile.objects.filter(user=form.instance).first()
        if profile is not None:
            # The admin role is what lets an account into this admin.
            is_admin = "admin" in (profile.roles or [])
            if form.instance.is_staff != is_admin:
                User.objects.filter(pk=form.instance.pk).update(is_staff=is_admin)
            after = snapshot(profile)
            if after != profile_before:
                record(request.user, "admin.change" if profile_before else "admin.add", "accounts.Profile",
                       profile.pk, profile_before, after)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, QualifyUserAdmin)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ["name", "user", "prefix", "created", "last_used"]
    readonly_fields = ["prefix", "created", "last_used"]
    fields = ["user", "name", "prefix", "created", "last_used"]

    def has_add_permission(self, request: Any) -> bool:
        return False  # a key is shown once, where it is made: the tokens page or `qualify token`


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_name", "action"]
