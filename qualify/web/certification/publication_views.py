"""A cycle's publication list (公示名单): every published result, for everyone in the company who is
signed in, with only name, unit, level, result and the notice window; printable and as xlsx. During
the notice, the person concerned sees the link to appeal on their own row."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qualify.core.errors import NotFound
from qualify.formats.table_xlsx import Table
from qualify.services import certification as svc
from qualify.web.certification import reports
from qualify.web.certification.common import actor, repo
from qualify.web.exports import xlsx_response
from qualify.web.language import lang


def _cycle(request: HttpRequest, cycle_id: int) -> svc.CycleView:
    """Any signed-in account with a role sees the list of an announced cycle (``visible_cycle``)."""
    try:
        return svc.visible_cycle(repo(), actor(request), cycle_id)
    except NotFound:
        raise Http404("no such cycle") from None


def result_name(passed: bool | None) -> str:
    return _("passed") if passed else (_("not passed") if passed is False else "—")


def window(row: reports.PublishedRow) -> str:
    start, end = timezone.localtime(row.published_at), timezone.localtime(row.ends_at)
    return f"{start:%Y-%m-%d %H:%M} — {end:%Y-%m-%d %H:%M}"


@login_required
def publication(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    me = actor(request)
    now = timezone.now()
    rows = [
        {
            "row": row,
            "result": result_name(row.passed),
            "css": "ok" if row.passed else "",
            "window": window(row),
            "running": row.published_at <= now < row.ends_at,
            "may_appeal": (
                me.employee_id == row.employee_id and row.state == "published" and now < row.ends_at
            ),
        }
        for row in reports.publication_rows(cycle.id, lang())
    ]
    return render(
        request,
        "certification/publication.html",
        {"cycle": cycle, "rows": rows, "printed": timezone.localtime(now)},
    )


@login_required
def publication_xlsx(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    table = Table(
        _("Publication list"),
        [pgettext("person", "Name"), _("Unit"), _("Level"), _("Result"), _("Notice window")],
        [
            [row.name, row.unit, row.level, result_name(row.passed), window(row)]
            for row in reports.publication_rows(cycle.id, lang())
        ],
    )
    return xlsx_response([table], f"{cycle.name}-{_('publication-list')}.xlsx")
