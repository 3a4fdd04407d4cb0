"""A person's applications and certificates for the person page (``qualify.web.people.history``),
with a re-certification link when a certificate expires soon and an open cycle offers its level:
to apply (the person), or to nominate them (HR, a manager)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from qualify.core.cycle import ApplicationState, expiry
from qualify.web.accounts import access
from qualify.web.certification import models as m
from qualify.web.certification import reports
from qualify.web.certification.common import STATE_CSS, state_name
from qualify.web.people.history import HistoryEntry

STATUS_CSS = {"valid": "ok", "expiring": "warn", "expired": "bad"}


def _status_name(status: str) -> str:
    from django.utils.translation import gettext as _

    return {"valid": _("valid"), "expiring": _("expiring"), "expired": _("expired")}[status]


class CertificationHistory:
    def history(self, person: Any, user: Any) -> list[HistoryEntry]:
        today = reports.today()
        own = access.own_person(user) == person
        may_nominate = bool(access.roles_of(user) & {"hr", "admin", "manager"}) and not own
        entries = []
        apps = m.Application.objects.filter(person=person).select_related("cycle").order_by("-created_at")
        for app in apps:
            state = ApplicationState(app.state)
            entries.append(
                HistoryEntry(
                    kind="application",
                    title=app.cycle.name,
                    level=app.target_level,
                    state=state_name(state),
                    css=STATE_CSS.get(app.state, ""),
                    url=reverse("certification:application", args=[app.pk]),
                )
            )
        for cert in m.Certificate.objects.filter(person=person).order_by("-valid_until"):
            status = expiry(cert.valid_until, today).value
            recertify_url = recertify_cycle = ""
            if status != "valid" and (own or may_nominate):
                cycles = reports.open_cycles_offering(cert.job_family, cert.level, today)
                if cycles:
                    query: dict[str, Any] = {"level": cert.level}
                    if not own:
                        query["employee"] = person.employee_id
                    apply_url = reverse("certification:apply", args=[cycles[0].pk])
                    recertify_url = f"{apply_url}?{urlencode(query)}"
                    recertify_cycle = cycles[0].name
            entries.append(
                HistoryEntry(
                    kind="certificate",
                    title=cert.number,
                    level=cert.level,
                    state=_status_name(status),
                    css=STATUS_CSS[status],
                    url=reverse("certification:certificate", args=[cert.number]),
                    valid_until=cert.valid_until,
                    recertify_url=recertify_url,
                    recertify_cycle=recertify_cycle,
                )
            )
        return entries
