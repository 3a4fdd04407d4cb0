"""Screening runs in the admin: read only (they are made by HR on the screening page)."""

from __future__ import annotations

from django.contrib import admin

from qualify.web.accounts.base_admin import ReadOnlyAdmin
from qualify.web.screening.models import ScreeningRun


@admin.register(ScreeningRun)
class ScreeningRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "standard_id", "org_unit", "as_of", "stage", "status", "progress", "people_count",
                    "created_by", "created_at", "finished_at"]
    list_filter = ["status", "stage", "standard_id"]
    exclude = ["result"]
    may_delete = True  # an old run and its results may be cleared
