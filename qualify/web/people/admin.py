"""Admin for master data: organisation units and people (changes audited); imports read only."""

from __future__ import annotations

from django.contrib import admin

from qualify.web.accounts.base_admin import AuditedAdmin, ReadOnlyAdmin
from qualify.web.people.models import ImportBatch, OrgUnit, Person, RecordSnapshot, StandingRun


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
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "created_by", "file_name", "status", "applied_at"]
    list_filter = ["status"]
    exclude = ["upload"]
    may_delete = True  # an old upload may be cleared (its file leaves the storage with it)


@admin.register(RecordSnapshot)
class RecordSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["person", "batch", "taken_at"]
    search_fields = ["person__employee_id"]


@admin.register(StandingRun)
class StandingRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "standard_id", "status", "progress", "stale", "as_of", "sitting", "cohort",
                    "people_count", "created_at", "finished_at"]
    list_filter = ["status", "job_family"]
    exclude = ["schedule"]
