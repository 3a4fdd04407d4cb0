"""Admin for master data: organisation units and people (changes audited); imports read only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from qualify.web.accounts.admin_audit import AuditedAdmin
from qualify.web.people.models import ImportBatch, OrgUnit, Person, RecordSnapshot


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ["code", "name_zh", "name_en", "path"]
    search_fields = ["code", "name_zh", "name_en", "path"]
    autocomplete_fields = ["parent"]


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["employee_id", "name", "org_unit", "job_family", "current_level", "updated_at"]
    list_filter = ["job_family", "current_level"]
    search_fields = ["employee_id", "name"]
    autocomplete_fields = ["org_unit"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    list_display = ["id", "created_at", "created_by", "file_name", "status", "applied_at"]
    list_filter = ["status"]
    exclude = ["content"]
    readonly_fields = ["created_at", "created_by", "file_name", "standard_id", "status", "problems",
                       "counts", "applied_at"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(RecordSnapshot)
class RecordSnapshotAdmin(admin.ModelAdmin[RecordSnapshot]):
    list_display = ["person", "batch", "taken_at"]
    readonly_fields = ["person", "batch", "taken_at", "data"]
    search_fields = ["person__employee_id"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
