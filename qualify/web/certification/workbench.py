"""The workbench (工作台/待办): what each role has to do, as the home page and ``/api/workbench/``.

``workbench_for(user)`` gathers, for every role the account holds, the sections of that role: each a
count, the first ``FIRST`` items (each with the page that does it) and a "see all" link. Every query is
bounded (a count and a slice), and scoped the way the pages are: an employee their own records, a
manager their units, an assessor their own score sheets, HR the families they administer.

Texts are in the reader's language (the active one); the API returns the same sections.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualify.core.cycle import TERMINAL_APPLICATION_STATES, ApplicationState
from qualify.services.certification.opinions import OPINION_STATES
from qualify.web.accounts import access
from qualify.web.certification import models as m
from qualify.web.certification.common import state_name
from qualify.web.people.models import ImportBatch, Person

FIRST = 5
"""Items shown per section; the count says how many there are in all."""

EXPIRY_DAYS = 90
NOTICE_DAYS = 7
IMPORT_DAYS = 30


@dataclass
class Item:
    title: str
    url: str
    detail: str = ""
    date: dt.date | None = None
    urgent: bool = False


@dataclass
class Section:
    key: str
    title: str
    count: int
    items: list[Item]
    empty: str
    see_all: str | None = None
    action: str = ""  # the button text of each item's link ("Apply now", "Score it" …)
    listing: bool = True  # the items are the first of ``count`` (a summary's items are groups)

    @property
    def more(self) -> bool:
        return self.listing and self.count > len(self.items)


@dataclass
class Role:
    key: str  # employee | manager | assessor | hr
    title: str
    sections: list[Section]
    status: dict[str, Any] = field(default_factory=dict)

    @property
    def todo(self) -> int:
        return sum(s.count for s in self.sections if s.key not in INFORMATION)

    @property
    def busy(self) -> list[Section]:
        """The sections with something in them: to-dos first, then what is for information."""
        full = [s for s in self.sections if s.count]
        return sorted(full, key=lambda s: s.key in INFORMATION)

    @property
    def idle(self) -> list[Section]:
        return [s for s in self.sections if not s.count]


INFORMATION = frozenset({"applications", "certificates", "team", "gaps"})
"""Sections that inform (my applications, my certificates, my team, my gaps) rather than ask for a
step; the to-do count leaves them out."""


def url(name: str, *args: Any, query: str = "") -> str | None:
    """A page's address by its URL name, or ``None`` where this site has no such page."""
    try:
        found = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{found}?{query}" if query else found


def _first(rows: QuerySet[Any]) -> tuple[int, list[Any]]:
    return rows.count(), list(rows[:FIRST])


def workbench_for(user: Any) -> list[Role]:
    """The account's roles, each with its sections, in the order employee, manager, assessor, HR."""
    roles = access.roles_of(user)
    today = timezone.localdate()
    found = []
    person = access.own_person(user)
    if person is not None:
        found.append(employee_role(person, today))
    profile = access.profile_of(user)
    if "manager" in roles and profile is not None and profile.managed_unit_id is not None:
        found.append(manager_role(profile.managed_unit.path, person, today))
    if roles & {"assessor", "admin"}:
        found.append(assessor_role(user))
    if access.is_hr(user):
        found.append(hr_role(user, today))
    if len(found) > 1 and found[0].key == "employee":
        found.append(found.pop(0))  # a manager's, assessor's or HR's work comes before their own record
    return found


# --- employee ----------------------------------------------------------------------------------------


def employee_role(person: Person, today: dt.date) -> Role:
    apps = m.Application.objects.filter(person=person).select_related("cycle", "publication")
    open_apps = apps.exclude(state__in=[s.value for s in TERMINAL_APPLICATION_STATES])
    busy_cycles = open_apps.values("cycle_id")
    cycles = (
        m.Cycle.objects.filter(
            state="open", family=person.job_family, opens_on__lte=today, closes_on__gte=today
        )
        .exclude(pk__in=busy_cycles)
        .order_by("closes_on", "id")
    )
    offered = [c for c in cycles[:50] if any(level > person.current_level for level in c.levels)]
    count, recent = _first(apps.order_by("-id"))
    app_items = [_employee_application(a, today) for a in recent]
    certificates = m.Certificate.objects.filter(person=person, valid_until__gte=today)
    certificates = certificates.order_by("-valid_until")
    cert_count, certs = _first(certificates)
    cert_items = [
        Item(
            title=_("Level %(level)s · %(number)s") % {"level": c.level, "number": c.number},
            url=url("certification:certificate", c.number) or "",
            detail=_("valid until %(date)s") % {"date": c.valid_until.isoformat()},
            date=c.valid_until,
            urgent=(c.valid_until - today).days <= EXPIRY_DAYS,
        )
        for c in certs
    ]
    todo = [i for i in app_items if i.urgent]
    gaps, highest = _gaps(person, today)
    may_apply = highest is None or highest > person.current_level
    apply_items = [
        Item(
            title=c.name,
            url=url("certification:apply", c.pk) or "",
            detail=_("applications close on %(date)s") % {"date": c.closes_on.isoformat()}
            + ("" if may_apply else " · " + _("you do not meet the conditions to apply yet: see your gaps")),
            date=c.closes_on,
            urgent=may_apply and (c.closes_on - today).days <= 3,
        )
        for c in offered[:FIRST]
    ]
    sections = [
        Section(
            "apply",
            _("Open cycles you may apply to"),
            len(offered),
            apply_items,
            _("No open cycle of your job family waits for your application."),
            url("certification:cycles"),
            _("Apply now"),
        ),
        Section(
            "todo",
            _("Your applications waiting for you"),
            len(todo),
            todo,
            _("Nothing waits for you on your applications."),
        ),
        Section(
            "gaps",
            _("Gaps to act on"),
            len(gaps),
            gaps[:FIRST],
            _("Every check of your next level passes."),
            url("people:me"),
        ),
        Section(
            "applications",
            _("My applications"),
            count,
            app_items,
            _("You have not applied yet."),
            url("certification:cycles"),
        ),
        Section(
            "certificates",
            _("My certificates"),
            cert_count,
            cert_items,
            _("You hold no valid certificate."),
        ),
    ]
    status = {
        "current_level": person.current_level,
        "open_applications": open_apps.count(),
        "valid_certificates": cert_count,
        "self_check": url("people:me"),
    }
    return Role("employee", _("As an employee"), sections, status)


def _employee_application(a: m.Application, today: dt.date) -> Item:
    state = ApplicationState(a.state)
    detail = f"{a.cycle.name} · {state_name(state)}"
    urgent = False
    if state is ApplicationState.draft:
        detail += " · " + _("add your evidence and submit it")
        urgent = True
    elif state is ApplicationState.published and a.publication is not None:
        ends = timezone.localtime(a.publication.ends_at).date()
        if ends >= today:
            detail += " · " + _("result published; the notice ends on %(date)s") % {"date": ends.isoformat()}
            urgent = True
    return Item(
        title=_("Application #%(id)s for level %(level)s") % {"id": a.pk, "level": a.target_level},
        url=url("certification:application", a.pk) or "",
        detail=detail,
        urgent=urgent,
    )


def _gaps(person: Person, today: dt.date) -> tuple[list[Item], int | None]:
    """The failed and missing checks of the person's next level (the self-check's gap list), and the
    highest level the person may apply for today (``None``: no standard covers their family)."""
    from qualify.web.people.me_views import my_qualification

    found = my_qualification(person, as_of=today, level=None)
    groups = found.get("groups") or {}
    target = found.get("target")
    link = url("people:me", query=f"level={target}") if target else url("people:me")
    items = []
    for kind in ("gates", "evidence", "behaviour"):
        group = groups.get(kind) or {}
        for check in [*group.get("failed", []), *group.get("missing", [])]:
            items.append(
                Item(
                    title=str(check.get("label", "")),
                    url=(link or "") + "#gap-list",
                    detail=str(check.get("todo") or check.get("message") or ""),
                    urgent=check.get("outcome") == "fail",
                )
            )
    return items, found.get("highest")


# --- manager -----------------------------------------------------------------------------------------


def manager_role(unit_path: str, own: Person | None, today: dt.date) -> Role:
    team = Person.objects.filter(org_unit__path__startswith=unit_path)
    if own is not None:
        team = team.exclude(pk=own.pk)
    by_level = list(team.values("current_level").annotate(n=Count("id")).order_by("current_level"))
    total = sum(row["n"] for row in by_level)
    team_items = [
        Item(
            title=_("Level %(level)s") % {"level": row["current_level"]}
            if row["current_level"]
            else _("No level yet"),
            url=url("people:list", query=f"level={row['current_level']}") or "",
            detail=_("%(n)s people") % {"n": row["n"]},
        )
        for row in by_level
    ]
    waiting = (
        m.Application.objects.filter(
            person__in=team,
            state__in=[s.value for s in OPINION_STATES],
            cycle__manager_opinion__in=["required", "optional"],
            manager_opinion="",
        )
        .select_related("person", "cycle")
        .order_by("submitted_at", "id")
    )
    count, first = _first(waiting)
    opinion_items = [
        Item(
            title=f"{a.person.name or a.person.employee_id} · "
            + _("level %(level)s") % {"level": a.target_level},
            url=(url("certification:application", a.pk) or "") + "#manager-opinion",
            detail=a.cycle.name
            + (" · " + _("required before the panel") if a.cycle.manager_opinion == "required" else ""),
            date=timezone.localtime(a.submitted_at).date() if a.submitted_at else None,
            urgent=a.cycle.manager_opinion == "required",
        )
        for a in first
    ]
    in_cycles = (
        m.Application.objects.filter(person__in=team)
        .exclude(state__in=[s.value for s in TERMINAL_APPLICATION_STATES])
        .count()
    )
    sections = [
        Section(
            "opinions",
            _("Applications awaiting your opinion"),
            count,
            opinion_items,
            _("No application of your team waits for your opinion."),
            action=_("Give your opinion"),
        ),
        Section(
            "team",
            _("Your team's standing"),
            total,
            team_items,
            _("Nobody is in your units yet."),
            url("people:list"),
            listing=False,
        ),
    ]
    return Role("manager", _("As a manager"), sections, {"team": total, "in_cycles": in_cycles})


# --- assessor ----------------------------------------------------------------------------------------


def assessor_role(user: Any) -> Role:
    mine = m.Assignment.objects.filter(assessor=user, active=True).select_related(
        "application", "application__person", "application__cycle"
    )
    to_score = mine.filter(
        state="pending", kind="review", application__state=ApplicationState.in_review.value
    ).order_by("application__submitted_at", "id")
    count, first = _first(to_score)
    score_items = [
        Item(
            title=_("Application #%(id)s · %(name)s · level %(level)s")
            % {"id": s.application_id, "name": s.application.person.name,
               "level": s.application.target_level},
            url=url("certification:score", s.application_id) or "",
            detail=s.application.cycle.name,
        )
        for s in first
    ]
    submitted = Count("application__assignments", filter=Q(application__assignments__active=True,
                                                           application__assignments__kind="review",
                                                           application__assignments__state="submitted"))
    sheets = Count("application__assignments", filter=Q(application__assignments__active=True,
                                                        application__assignments__kind="review"))
    lead = (
        mine.filter(is_lead=True, kind="review", application__state=ApplicationState.in_review.value)
        .annotate(submitted=submitted, sheets=sheets)
        .filter(submitted=F("sheets"))  # every sheet is in: the lead may consolidate now
        .order_by("application__submitted_at", "id")
    )
    lead_count, lead_first = _first(lead)
    lead_items = [
        Item(
            title=_("Application #%(id)s · %(name)s · level %(level)s")
            % {"id": s.application_id, "name": s.application.person.name,
               "level": s.application.target_level},
            url=url("certification:consolidate", s.application_id) or "",
            detail=_("%(done)s of %(all)s sheets submitted") % {"done": s.submitted, "all": s.sheets},
            urgent=True,
        )
        for s in lead_first
    ]
    appeals = mine.filter(is_lead=True, kind="appeal", application__state=ApplicationState.appealed.value)
    appeal_count, appeal_first = _first(appeals.select_related("application__publication").order_by("id"))
    appeal_items = [
        Item(
            title=_("Appeal of application #%(id)s · %(name)s")
            % {"id": s.application_id, "name": s.application.person.name},
            url=url("certification:decide-appeal", s.application_id) or "",
            detail=s.application.cycle.name,
            urgent=True,
        )
        for s in appeal_first
    ]
    sections = [
        Section("score", _("Score sheets to fill in"), count, score_items,
                _("No score sheet waits for you."), url("certification:assignments"), _("Score it")),
        Section("consolidate", _("Consolidations you lead"), lead_count, lead_items,
                _("No panel you lead waits for consolidation."), url("certification:assignments"),
                _("Consolidate")),
        Section("appeals", _("Appeals your panel decides"), appeal_count, appeal_items,
                _("No appeal waits for your panel.")),
    ]
    return Role("assessor", _("As an assessor"), sections)


# --- HR ----------------------------------------------------------------------------------------------


def hr_role(user: Any, today: dt.date) -> Role:
    families = access.hr_families(user)
    apps = m.Application.objects.select_related("person", "cycle", "publication")
    certificates = m.Certificate.objects.all()
    publications = m.Publication.objects.select_related("cycle")
    if families is not None:
        apps = apps.filter(cycle__family__in=families)
        certificates = certificates.filter(job_family__in=families)
        publications = publications.filter(cycle__family__in=families)

    def app_items(rows: list[m.Application], anchor: str = "") -> list[Item]:
        return [
            Item(
                title=_("Application #%(id)s · %(name)s · level %(level)s")
                % {"id": a.pk, "name": a.person.name or a.person.employee_id, "level": a.target_level},
                url=(url("certification:application", a.pk) or "") + anchor,
                detail=a.cycle.name
                + (" · " + _("manager's opinion missing") if a.cycle.manager_opinion == "required"
                   and not a.manager_opinion and a.state == "submitted" else ""),
                date=timezone.localtime(a.submitted_at).date() if a.submitted_at else None,
            )
            for a in rows
        ]

    sections = []
    cycles = url("certification:cycles")
    for key, state, title, empty, action in (
        ("no_panel", ApplicationState.submitted, _("Applications without a panel"),
         _("Every submitted application has a panel."), _("Assign a panel")),
        ("jumps", ApplicationState.awaiting_approval, _("Level jumps to approve"),
         _("No jump waits for approval."), _("Review")),
        ("decide", ApplicationState.consolidated, _("Decisions to make"),
         _("No consolidated application waits for a decision."), _("Decide")),
        ("appeals", ApplicationState.appealed, _("Appeals"), _("No open appeal."), _("Handle")),
    ):
        count, first = _first(apps.filter(state=state.value).order_by("submitted_at", "id"))
        sections.append(Section(key, title, count, app_items(first), empty, cycles, action))
    now = timezone.now()
    ending = publications.filter(ends_at__gte=now, ends_at__lte=now + dt.timedelta(days=NOTICE_DAYS))
    count, first = _first(ending.order_by("ends_at"))
    sections.append(
        Section(
            "notices",
            _("Notices ending"),
            count,
            [
                Item(
                    title=p.cycle.name,
                    # the publication list (公示名单) of the cycle, where the site has one
                    url=url("certification:publication", p.cycle_id)
                    or url("certification:cycle", p.cycle_id)
                    or "",
                    detail=_("the notice ends on %(date)s")
                    % {"date": timezone.localtime(p.ends_at).date().isoformat()},
                    date=timezone.localtime(p.ends_at).date(),
                )
                for p in first
            ],
            _("No notice period ends in the next 7 days."),
            cycles,
        )
    )
    over = apps.filter(state=ApplicationState.published.value, publication__ends_at__lt=now)
    count, first = _first(over.order_by("publication__ends_at", "id"))
    sections.append(
        Section("finish", _("Notice over: certify or close"), count, app_items(first),
                _("No result waits to be certified or closed."), cycles, _("Finish"))
    )
    expiring = certificates.filter(
        valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=EXPIRY_DAYS)
    ).order_by("valid_until", "id")
    count, first_certs = _first(expiring)
    sections.append(
        Section(
            "expiring",
            _("Certificates expiring within 90 days"),
            count,
            [
                Item(
                    title=f"{c.holder_name} · " + _("level %(level)s") % {"level": c.level},
                    url=url("certification:certificate", c.number) or "",
                    detail=_("valid until %(date)s") % {"date": c.valid_until.isoformat()},
                    date=c.valid_until,
                    urgent=(c.valid_until - today).days <= 30,
                )
                for c in first_certs
            ],
            _("No certificate expires in the next 90 days."),
            url("certification:register", query="status=expiring") or url("certification:expiring"),
        )
    )
    imports = ImportBatch.objects.filter(  # rows only: the files are in the storage
        status=ImportBatch.Status.REJECTED, created_at__gte=now - dt.timedelta(days=IMPORT_DAYS)
    )
    if not access.is_admin(user):
        imports = imports.filter(created_by=user)  # a batch is its uploader's (and admins')
    count, first_batches = _first(imports.order_by("-created_at"))
    sections.append(
        Section(
            "imports",
            _("Failed imports (last 30 days)"),
            count,
            [
                Item(
                    title=b.file_name,
                    url=url("imports:detail", b.pk) or "",
                    detail=_("%(n)s problems") % {"n": len(b.problems or [])},
                    date=timezone.localtime(b.created_at).date(),
                )
                for b in first_batches
            ],
            _("No import failed in the last 30 days."),
            url("imports:upload"),
        )
    )
    return Role("hr", _("As HR"), sections)


def as_json(roles: list[Role]) -> dict[str, Any]:
    """The workbench as the API returns it."""
    return {
        "roles": [
            {
                "role": role.key,
                "title": role.title,
                "todo": role.todo,
                "status": role.status,
                "sections": [
                    {
                        "key": s.key,
                        "title": s.title,
                        "count": s.count,
                        "see_all": s.see_all,
                        "items": [
                            {
                                "title": i.title,
                                "url": i.url,
                                "detail": i.detail,
                                "date": i.date.isoformat() if i.date else None,
                                "urgent": i.urgent,
                            }
                            for i in s.items
                        ],
                    }
                    for s in role.sections
                ],
            }
            for role in roles
        ]
    }
