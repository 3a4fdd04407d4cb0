"""HR's overview: levels by unit, eligible vs certified per level, a cycle's funnel, the score spread
by panel, expiring certificates by month. Counted in the database (``reports.py``), within the user's HR
scope. Each chart's figures go to the page as JSON (``json_script``, every text already translated) for
``overview-charts.js`` to draw with the vendored Apache ECharts; each has its table twin, and the same
tables are one xlsx workbook."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qualify.formats.table_xlsx import Table
from qualify.web.accounts import access
from qualify.web.certification import reports
from qualify.web.exports import xlsx_response
from qualify.web.language import lang


def _cycle_id(request: HttpRequest) -> int | None:
    value = request.GET.get("cycle", "")
    return int(value) if value.isdigit() else None


def _charts(request: HttpRequest) -> tuple[list[dict[str, Any]], Any]:
    user = request.user
    today = reports.today()
    cycle = reports.latest_cycle(user, _cycle_id(request))
    people = reports.people_in_scope(user)
    levels = sorted(set(people.values_list("current_level", flat=True).distinct().order_by()))
    offered = sorted(set(cycle.levels or [])) if cycle is not None else [lv for lv in levels if lv > 0]
    stages = {
        "eligible": pgettext("overview", "eligible"),
        "applied": pgettext("overview", "applied"),
        "decided": pgettext("overview", "decided"),
        "certified": pgettext("overview", "certified"),
    }
    ratings = {
        "exceeds": pgettext("rating", "exceeds"),
        "meets": pgettext("rating", "meets"),
        "partial": pgettext("rating", "partial"),
        "not_met": pgettext("rating", "not met"),
    }
    level_name = {str(lv): (_("no level") if lv == 0 else _("level %(n)d") % {"n": lv}) for lv in levels}
    figures: list[tuple[reports.Series, str, str, str, dict[str, str], bool]] = [
        (
            reports.levels_by_unit(user, levels, lang(), _("other units")),
            _("Levels by unit"),
            _("People per organisation unit, by their current level: the largest units, then the others "
              "added up."),
            _("Unit"),
            level_name,
            True,
        ),
        (
            reports.eligible_and_certified(user, cycle, offered, today),
            _("Eligible and certified per level"),
            _("Eligible: the cycle's screening found the level or a higher one open to them. "
              "Certified: they hold a valid certificate of the level."),
            _("Level"),
            {"eligible": stages["eligible"], "certified": stages["certified"]},
            False,
        ),
        (
            reports.funnel(cycle),
            _("The cycle's funnel"),
            _("Eligible in the screening → applied (submitted) → decided → certified."),
            _("Stage"),
            {"people": pgettext("overview", "people")},
            False,
        ),
        (
            reports.score_spread(cycle),
            _("Score spread by panel"),
            _("Element scores given by each review panel's assessors, by rating."),
            _("Panel"),
            ratings,
            True,
        ),
        (
            reports.expiring_by_month(user, today),
            _("Certificates expiring by month"),
            _("Certificates whose last valid day falls in the month, for the next twelve months."),
            _("Month"),
            {"certificates": pgettext("overview", "certificates")},
            False,
        ),
    ]
    charts = []
    for series, title, description, axis, names, stacked in figures:
        labels = series.labels
        if series.key == "funnel":
            labels = [stages.get(label, label) for label in labels]
        if series.key == "eligible_certified":
            labels = [level_name.get(label, label) for label in labels]
        named = [(names.get(key, key), values) for key, values in series.rows.items()]
        charts.append(
            {
                "key": series.key,
                "json_id": f"chart-data-{series.key}",
                "title": title,
                "description": description,
                "empty": series.empty,
                "data": {
                    "title": title,
                    "axis": axis,
                    "labels": labels,
                    "series": [{"name": name, "values": values} for name, values in named],
                    "stacked": stacked,
                },
                "header": [axis, *(name for name, _values in named)],
                "rows": [[label, *(values[i] for _n, values in named)] for i, label in enumerate(labels)],
            }
        )
    return charts, cycle


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not access.is_hr(request.user):
        raise Http404("not found")
    charts, cycle = _charts(request)
    return render(
        request,
        "certification/overview.html",
        {
            "charts": charts,
            "cycle": cycle,
            "cycles": reports.cycles_in_scope(request.user).order_by("-created_at", "-id")[:50],
        },
    )


@login_required
def overview_xlsx(request: HttpRequest) -> HttpResponse:
    if not access.is_hr(request.user):
        raise Http404("not found")
    charts, _cycle = _charts(request)
    tables = [Table(str(c["title"]), c["header"], c["rows"]) for c in charts]
    return xlsx_response(tables, f"{_('overview')}.xlsx")
