"""HR's lists and figures, counted in the database (GROUP BY): the certificate register, the
publication list (公示名单) of a cycle, and the overview's charts. Every query is cut to what the user
may see: HR their job families (``access.hr_families``), an admin everything.

A figure is a ``Series``: labels along one axis and one or more named rows of numbers; the overview
draws it (``overview-charts.js``, Apache ECharts) and prints it as its table twin, and the xlsx export
writes the same rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from qualify.core.cycle import EXPIRY_WARNING_DAYS
from qualify.web.accounts import access
from qualify.web.certification import models as m
from qualify.web.people.models import OrgUnit, Person

MAX_UNITS_SHOWN = 12
"""Units a chart names; the rest are added up as one bar ("other units")."""
RATINGS = ("exceeds", "meets", "partial", "not_met")
STATUSES = ("valid", "expiring", "expired")


# --- scope ------------------------------------------------------------------------------------------


def certificates_in_scope(user: Any) -> QuerySet[m.Certificate]:
    families = access.hr_families(user)
    found = m.Certificate.objects.all()
    return found if families is None else found.filter(job_family__in=families)


def people_in_scope(user: Any) -> QuerySet[Person]:
    families = access.hr_families(user)
    found = Person.objects.all()
    return found if families is None else found.filter(job_family__in=families)


def cycles_in_scope(user: Any) -> QuerySet[m.Cycle]:
    families = access.hr_families(user)
    found = m.Cycle.objects.exclude(state="draft")
    return found if families is None else found.filter(family__in=families)


# --- the certificate register -----------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterFilter:
    q: str = ""
    unit: int | None = None
    level: int | None = None
    status: str = ""  # "", valid, expiring, expired


def register(user: Any, chosen: RegisterFilter, today: dt.date) -> QuerySet[m.Certificate]:
    """The certificates the user may see that match ``chosen``, soonest expiry first."""
    found = certificates_in_scope(user).select_related("person__org_unit")
    if chosen.q:
        found = found.filter(
            Q(number__icontains=chosen.q)
            | Q(holder_name__icontains=chosen.q)
            | Q(holder_employee_id__icontains=chosen.q)
        )
    if chosen.unit is not None:
        unit = OrgUnit.objects.filter(pk=chosen.unit).first()
        found = found.filter(person__org_unit__path__startswith=unit.path) if unit else found.none()
    if chosen.level is not None:
        found = found.filter(level=chosen.level)
    warn = today + dt.timedelta(days=EXPIRY_WARNING_DAYS)
    if chosen.status == "valid":
        found = found.filter(valid_until__gt=warn)
    elif chosen.status == "expiring":
        found = found.filter(valid_until__gte=today, valid_until__lte=warn)
    elif chosen.status == "expired":
        found = found.filter(valid_until__lt=today)
    return found.order_by("valid_until", "number")


def open_cycles_offering(family: str, level: int, today: dt.date) -> list[m.Cycle]:
    """Open cycles of ``family`` that offer ``level`` and take applications today (re-certification)."""
    return [
        c
        for c in m.Cycle.objects.filter(
            family=family, state="open", opens_on__lte=today, closes_on__gte=today
        )
        if level in (c.levels or [])
    ]


# --- the publication list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedRow:
    application_id: int
    employee_id: str
    name: str
    unit: str
    level: int
    passed: bool | None
    published_at: dt.datetime
    ends_at: dt.datetime
    state: str


def publication_rows(cycle_id: int, lang: str) -> list[PublishedRow]:
    """Every result of the cycle that was published (公示), with the window of its latest notice."""
    apps = (
        m.Application.objects.filter(cycle_id=cycle_id, publication__isnull=False)
        .select_related("person__org_unit", "publication")
        .order_by("person__org_unit__path", "target_level", "person__employee_id")
    )
    current = dict(
        m.Decision.objects.filter(application__cycle_id=cycle_id, superseded_by__isnull=True).values_list(
            "application_id", "passed"
        )
    )
    rows = []
    for app in apps:
        unit = app.person.org_unit
        unit_name = "" if unit is None else ((unit.name_en if lang == "en" else unit.name_zh) or str(unit))
        assert app.publication is not None
        rows.append(
            PublishedRow(
                application_id=app.pk,
                employee_id=app.person.employee_id,
                name=app.person.name,
                unit=unit_name,
                level=app.target_level,
                passed=current.get(app.pk),
                published_at=app.publication.published_at,
                ends_at=app.publication.ends_at,
                state=app.state,
            )
        )
    return rows


# --- the overview -----------------------------------------------------------------------------------


@dataclass
class Series:
    """A figure: ``labels`` along the axis, one row of numbers per name in ``rows``."""

    key: str
    labels: list[str]
    rows: dict[str, list[int]] = field(default_factory=dict)

    def table(self) -> list[list[Any]]:
        return [[label, *(values[i] for values in self.rows.values())] for i, label in enumerate(self.labels)]

    @property
    def empty(self) -> bool:
        return not any(any(values) for values in self.rows.values())


def levels_by_unit(user: Any, levels: list[int], lang: str, rest_label: str = "…") -> Series:
    counts = (
        people_in_scope(user).values("org_unit_id", "current_level").annotate(n=Count("id")).order_by()
    )
    per_unit: dict[int | None, dict[int, int]] = {}
    for row in counts:
        per_unit.setdefault(row["org_unit_id"], {})[row["current_level"]] = row["n"]
    ranked = sorted(per_unit, key=lambda u: -sum(per_unit[u].values()))
    shown, rest = ranked[:MAX_UNITS_SHOWN], ranked[MAX_UNITS_SHOWN:]
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=[u for u in shown if u is not None])}

    def name(pk: int | None) -> str:
        unit = units.get(pk or 0)
        if unit is None:
            return "—"
        return (unit.name_en if lang == "en" else unit.name_zh) or str(unit)

    labels = [name(u) for u in shown]
    rows = {str(level): [per_unit[u].get(level, 0) for u in shown] for level in levels}
    if rest:
        labels.append(rest_label)
        for level in levels:
            rows[str(level)].append(sum(per_unit[u].get(level, 0) for u in rest))
    return Series("levels_by_unit", labels, rows)


def eligible_and_certified(user: Any, cycle: m.Cycle | None, levels: list[int], today: dt.date) -> Series:
    """Per level: people whose highest eligible level in the cycle's screening is at least it, and people
    holding a valid certificate of it."""
    eligible = dict.fromkeys(levels, 0)
    if cycle is not None:
        by_top = (
            m.ScreeningEntry.objects.filter(cycle=cycle, highest_eligible_level__gt=0)
            .values("highest_eligible_level")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in by_top:
            for level in levels:
                if row["highest_eligible_level"] >= level:
                    eligible[level] += row["n"]
    certified = dict(
        certificates_in_scope(user)
        .filter(valid_until__gte=today)
        .values("level")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
        .values_list("level", "n")
    )
    return Series(
        "eligible_certified",
        [str(level) for level in levels],
        {"eligible": [eligible[lv] for lv in levels], "certified": [certified.get(lv, 0) for lv in levels]},
    )


def funnel(cycle: m.Cycle | None) -> Series:
    """The cycle's funnel: eligible (screening) → applied (submitted) → decided → certified."""
    if cycle is None:
        return Series("funnel", ["eligible", "applied", "decided", "certified"], {"people": [0, 0, 0, 0]})
    apps = m.Application.objects.filter(cycle=cycle)
    counts = apps.aggregate(
        applied=Count("id", filter=Q(submitted_at__isnull=False)),
        decided=Count("id", filter=Q(decisions__isnull=False), distinct=True),
        certified=Count("id", filter=Q(state="certified")),
    )
    eligible = m.ScreeningEntry.objects.filter(cycle=cycle, highest_eligible_level__gt=0).count()
    return Series(
        "funnel",
        ["eligible", "applied", "decided", "certified"],
        {"people": [eligible, counts["applied"], counts["decided"], counts["certified"]]},
    )


def score_spread(cycle: m.Cycle | None) -> Series:
    """Per review panel of the cycle, how many element scores of each rating its assessors gave."""
    if cycle is None:
        return Series("score_spread", [], {r: [] for r in RATINGS})
    counts = (
        m.ElementScore.objects.filter(assignment__panel__cycle=cycle, assignment__kind="review")
        .values("assignment__panel_id", "rating")
        .annotate(n=Count("id"))
        .order_by()
    )
    panels = list(m.Panel.objects.filter(cycle=cycle, kind="review").order_by("id"))
    per_panel: dict[int, dict[str, int]] = {}
    for row in counts:
        per_panel.setdefault(row["assignment__panel_id"], {})[row["rating"]] = row["n"]
    return Series(
        "score_spread",
        [p.name for p in panels],
        {r: [per_panel.get(p.pk, {}).get(r, 0) for p in panels] for r in RATINGS},
    )


def expiring_by_month(user: Any, today: dt.date, months: int = 12) -> Series:
    """Certificates whose last valid day falls in each of the next ``months`` months (this one first)."""
    first = today.replace(day=1)
    starts = []
    year, month = first.year, first.month
    for _ in range(months + 1):
        starts.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    counts = {
        (row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]): row["n"]
        for row in certificates_in_scope(user)
        .filter(valid_until__gte=first, valid_until__lt=starts[-1])
        .annotate(month=TruncMonth("valid_until"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    }
    shown = starts[:-1]
    return Series(
        "expiring", [s.strftime("%Y-%m") for s in shown], {"certificates": [counts.get(s, 0) for s in shown]}
    )


def latest_cycle(user: Any, cycle_id: int | None) -> m.Cycle | None:
    cycles = cycles_in_scope(user)
    if cycle_id is not None:
        return cycles.filter(pk=cycle_id).first()
    return cycles.order_by("-created_at", "-id").first()


def today() -> dt.date:
    return timezone.localdate()
