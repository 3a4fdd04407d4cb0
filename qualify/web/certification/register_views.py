"""The certificate register (证书台账) for HR: search, filter by unit, level and status, export to xlsx;
each row links to the certificate and offers re-certification in an open cycle of its family."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qualify.core.cycle import expiry
from qualify.formats.table_xlsx import Table
from qualify.web.accounts import access
from qualify.web.certification import reports
from qualify.web.exports import xlsx_response
from qualify.web.people.models import OrgUnit

PAGE = 50
XLSX_LIMIT = 200_000


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def chosen(request: HttpRequest) -> reports.RegisterFilter:
    status = request.GET.get("status", "")
    return reports.RegisterFilter(
        q=request.GET.get("q", "").strip()[:100],
        unit=_int(request.GET.get("unit")),
        level=_int(request.GET.get("level")),
        status=status if status in reports.STATUSES else "",
    )


def status_names() -> dict[str, str]:
    return {"valid": _("valid"), "expiring": _("expiring"), "expired": _("expired")}


@login_required
def register(request: HttpRequest) -> HttpResponse:
    if not access.is_hr(request.user):
        raise Http404("not found")
    today = reports.today()
    query = chosen(request)
    found = reports.register(request.user, query, today)
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    names = status_names()
    open_cycles: dict[tuple[str, int], list[Any]] = {}
    rows = []
    for cert in page.object_list:
        state = expiry(cert.valid_until, today).value
        key = (cert.job_family, cert.level)
        if key not in open_cycles:
            open_cycles[key] = reports.open_cycles_offering(cert.job_family, cert.level, today)
        rows.append(
            {
                "cert": cert,
                "status": state,
                "status_name": names[state],
                "css": {"valid": "ok", "expiring": "warn", "expired": "bad"}[state],
                "recertify": open_cycles[key][0] if state != "valid" and open_cycles[key] else None,
            }
        )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "certification/register.html",
        {
            "rows": rows,
            "page": page,
            "query": query,
            "total": page.paginator.count,
            "units": OrgUnit.objects.order_by("path"),
            "levels": range(1, 6),
            "statuses": names.items(),
            "params": params.urlencode(),
        },
    )


@login_required
def register_xlsx(request: HttpRequest) -> HttpResponse:
    if not access.is_hr(request.user):
        raise Http404("not found")
    today = reports.today()
    names = status_names()
    found = reports.register(request.user, chosen(request), today)[:XLSX_LIMIT]
    table = Table(
        _("Certificate register"),
        [
            _("Number"),
            _("Employee ID"),
            pgettext("person", "Name"),
            _("Organisation unit"),
            _("Job family"),
            _("Level"),
            _("Standard"),
            _("Valid from"),
            _("Valid until"),
            _("Status"),
        ],
        (
            [
                c.number,
                c.holder_employee_id,
                c.holder_name,
                c.holder_unit,
                c.job_family,
                c.level,
                c.standard_id,
                c.valid_from.isoformat(),
                c.valid_until.isoformat(),
                names[expiry(c.valid_until, today).value],
            ]
            for c in found.iterator(chunk_size=2000)
        ),
    )
    return xlsx_response([table], f"{_('certificate-register')}-{today.isoformat()}.xlsx")
