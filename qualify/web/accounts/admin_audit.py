"""Every change made in the admin goes to the audit record (who, when, before, after)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms.models import model_to_dict

from qualify.web.accounts.audit import record

SECRET_FIELDS = {"password", "key_hash"}


def snapshot(obj: models.Model) -> dict[str, Any]:
    """An object's own fields as JSON-able values (secrets masked)."""
    data = model_to_dict(obj)
    data["id"] = obj.pk
    for field in obj._meta.concrete_fields:
        if field.name not in data:
            data[field.name] = getattr(obj, field.attname, None)
    for name, value in list(data.items()):
        if name in SECRET_FIELDS:
            data[name] = "***"
        elif isinstance(value, list | tuple) and value and isinstance(value[0], models.Model):
            data[name] = [v.pk for v in value]
        elif isinstance(value, models.Model):
            data[name] = value.pk
    return data


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
