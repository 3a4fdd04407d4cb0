"""The cycle's records in the Django admin: read-only (every change goes through the services, which
keep the audit record; the admin is for looking)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from qualify.web.accounts.base_admin import ReadOnlyAdmin as ReadOnly
from qualify.web.certification import models as m
from qualify.web.certification.labels import family_name, state_name


@admin.display(description=_("job family"), ordering="family")
def family_of_cycle(obj: m.Cycle) -> str:
    return family_name(obj.family)


@admin.display(description=_("state"), ordering="state")
def cycle_state(obj: m.Cycle) -> str:
    return state_name("cycle", obj.state)


@admin.display(description=_("state"), ordering="state")
def application_state(obj: m.Application) -> str:
    return state_name("application", obj.state)


@admin.display(description=_("job family"), ordering="job_family")
def family_of_certificate(obj: m.Certificate) -> str:
    return family_name(obj.job_family)


@admin.register(m.Cycle)
class CycleAdmin(ReadOnly):
    list_display = ("name", family_of_cycle, "standard_id", cycle_state, "opens_on", "closes_on")
    list_filter = ("state", "family")
    exclude = ("standard_text",)


@admin.register(m.Application)
class ApplicationAdmin(ReadOnly):
    list_display = ("id", "cycle", "person", "current_level", "target_level", application_state)
    list_filter = ("state", "cycle")
    search_fields = ("person__employee_id", "person__name")


@admin.register(m.Decision)
class DecisionAdmin(ReadOnly):
    list_display = ("id", "application", "kind", "passed", "level", "decided_by_name", "decided_at")
    list_filter = ("kind", "passed")


@admin.register(m.Certificate)
class CertificateAdmin(ReadOnly):
    list_display = (
        "number",
        "holder_name",
        "holder_employee_id",
        family_of_certificate,
        "level",
        "standard_id",
        "valid_from",
        "valid_until",
    )
    search_fields = ("number", "holder_employee_id", "holder_name")


@admin.register(m.Panel)
class PanelAdmin(ReadOnly):
    list_display = ("name", "cycle", "kind", "lead")
