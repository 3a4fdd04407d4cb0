"""Screening runs in the admin: read only (they are made by HR on the screening page)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qualify.web.screening.models import ScreeningRun


@admin.register(ScreeningRun)
class ScreeningRunAdmin(admin.ModelAdmin[ScreeningRun]):
    list_display = ["id", "standard_id", "org_unit", "as_of", "stage", "status", "progress", "people_count",
                    "created_by", "created_at", "finished_at"]
    list_filter = ["status", "stage", "standard_id"]
    readonly_fields = [f.name for f in ScreeningRun._meta.fields]
    exclude = ["result_content"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
