"""The cycle's records in the Django admin: read-only (every change goes through the services, which
keep the audit record; the admin is for looking)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qualify.web.certification import models as m


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.Cycle)
class CycleAdmin(ReadOnly):
    list_display = ("name", "family", "standard_id", "state", "opens_on", "closes_on")
    list_filter = ("state", "family")
    exclude = ("standard_text",)


@admin.register(m.Application)
class ApplicationAdmin(ReadOnly):
    list_display = ("id", "cycle", "person", "current_level", "target_level", "state")
    list_filter = ("state", "cycle")
    search_fields = ("person__employee_id", "person__name")


@admin.register(m.Decision)
class DecisionAdmin(ReadOnly):
    list_display = ("id", "application", "kind", "passed", "level", "decided_by_name", "decided_at")
    list_filter = ("kind", "passed")


@admin.register(m.Certificate)
class CertificateAdmin(ReadOnly):
    list_display = ("number", "person", "level", "standard_id", "valid_from", "valid_until")
    search_fields = ("number", "person__employee_id")


@admin.register(m.Panel)
class PanelAdmin(ReadOnly):
    list_display = ("name", "cycle", "kind", "lead")
