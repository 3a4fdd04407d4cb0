"""The two admin bases: ``AuditedAdmin`` records every change made in the admin (who, when, before,
after); ``ReadOnlyAdmin`` is for rows that only the workflow writes (the admin is for looking)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qualify.web.accounts.audit import record, snapshot


class AuditedAdmin(admin.ModelAdmin[Any]):
    """A ModelAdmin whose saves and deletions are recorded."""

    def _type(self) -> str:
        return f"{self.model._meta.app_label}.{self.model.__name__}"

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        request._qualify_audit_before = before  # per request: the admin object is shared by threads

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(request, "_qualify_audit_before", None)
        record(request.user, "admin.change" if change else "admin.add", self._type(), obj.pk,
               before, snapshot(obj))

    def delete_model(self, request: Any, obj: Any) -> None:
        before, pk = snapshot(obj), obj.pk
        super().delete_model(request, obj)
        record(request.user, "admin.delete", self._type(), pk, before, None)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for obj in queryset:
            record(request.user, "admin.delete", self._type(), obj.pk, snapshot(obj), None)
        super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """The admin of rows the workflow writes: nobody adds or changes one here. ``may_delete``: whether
    an administrator may delete rows (e.g. failed logins, to lift a throttle)."""

    may_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_delete and super().has_delete_permission(request, obj)
