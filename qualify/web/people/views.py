"""``/people/``: the people a manager or HR may see, and one person's record and decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qualify.core.decision import Stage
from qualify.core.standard import Standard, Status
from qualify.formats.table_xlsx import Table
from qualify.services.assessment import DEFAULT_STAGE
from qualify.web.accounts import access
from qualify.web.exports import wants_xlsx, xlsx_response
from qualify.web.people import presenters, standing_store
from qualify.web.people.decisions import decide_stored, highest_levels, standard_for, today
from qualify.web.people.forms import DecisionOptions, PeopleFilter
from qualify.web.people.history import history
from qualify.web.people.models import OrgUnit, Person
from qualify.web.people.records import person_record, record_data, snapshots_for
from qualify.web.people.standings import stored

PAGE_SIZE = 25
EXPORT_LIMIT = 200_000


def list_rows(people: list[Person], as_of: dt.date, language: str) -> list[dict[str, Any]]:
    """One row per person: current level and highest eligible level as of ``as_of``, from a stored
    screening result where one stands for that date, else evaluated now (only these people)."""
    results = stored().standing_results([p.pk for p in people], as_of)
    live = highest_levels([p for p in people if p.pk not in results], as_of=as_of)
    rows = []
    for person in people:
        result = results.get(person.pk)
        if result is not None:
            highest: int | None = result.highest_eligible_level
            source = {"run": result.run_id}
        elif person.employee_id in live:
            highest, run_id = live[person.employee_id]
            source = {"standings": run_id} if run_id is not None else {"live": True}
        else:
            highest, source = None, {}
        rows.append({
            "person": person,
            "unit": person.org_unit.name(language) if person.org_unit is not None else "",
            "highest": highest,
            "source": source,
            "ready": highest is not None and highest > person.current_level,
        })
    return rows


def people_xlsx(people: QuerySet[Person], as_of: dt.date, language: str) -> HttpResponse:
    """The filtered list as a workbook. The highest eligible level comes from the stored screening
    result for ``as_of`` (empty without one: the whole list is never evaluated in a request)."""
    rows = []
    for start in range(0, min(people.count(), EXPORT_LIMIT), 2000):
        chunk = list(people[start : start + 2000])
        results = stored().standing_results([p.pk for p in chunk], as_of)
        for person in chunk:
            result = results.get(person.pk)
            rows.append([
                person.employee_id,
                person.name,
                person.org_unit.name(language) if person.org_unit is not None else "",
                person.job_family,
                person.current_level,
                result.highest_eligible_level if result is not None else "",
            ])
    header = [_("Employee ID"), pgettext("person", "Name"), _("Organisation unit"), _("Job family"),
              _("Current level"), _("Highest eligible level")]
    return xlsx_response([Table(str(_("People")), header, rows)], f"{_('people')}-{as_of.isoformat()}.xlsx")


def filtered_people(request: HttpRequest) -> tuple[PeopleFilter, QuerySet[Person], dt.date, dict[str, Any]]:
    """The list's form, the people it selects, the as-of date, and notes about the date and the
    eligibility filter. Without a date asked for, the date is that of the newest screening run that
    still describes the data (its stored results make the list instant), else today."""
    scope = access.people_visible_to(request.user)
    form = PeopleFilter(request.GET or None, people=scope)
    people, notes = scope, {}
    asked = None
    if form.is_bound and form.is_valid():
        people = form.filter(scope)
        asked = form.cleaned_data.get("as_of")
    standings = stored()
    as_of = asked or standings.latest_screening_date(scope) or today()
    notes["from_screening"] = asked is None and as_of != today()
    if form.is_bound and form.is_valid() and form.cleaned_data.get("eligible") is not None:
        notes["unscreened"] = standings.unscreened_count(people, as_of)
        notes["dates"] = [d for d in standings.screening_dates(people) if d != as_of]
        people = standings.with_highest_level(people, as_of, form.cleaned_data["eligible"])
    return form, people.select_related("org_unit").order_by("employee_id"), as_of, notes


def standard_readable(user: Any, standard: Standard) -> bool:
    """Whether the standard's page would open for ``user`` (drafts are for HR)."""
    return standard.status is Status.published or access.is_hr(user)


def unit_path(unit: OrgUnit | None, language: str) -> list[str]:
    """The names of a unit and the units above it, from the top."""
    if unit is None:
        return []
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids)}
    return [units[i].name(language) for i in ids if i in units]


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    if not access.can_list_people(request.user):
        raise Http404
    form, people, as_of, notes = filtered_people(request)
    if wants_xlsx(request):
        return people_xlsx(people, as_of, request.LANGUAGE_CODE)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    language = request.LANGUAGE_CODE
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "people/list.html", {
        "form": form,
        "page": page,
        "rows": list_rows(list(page.object_list), as_of, language),
        "as_of": as_of,
        "is_today": as_of == today(),
        "today": today().isoformat(),
        "can_screen": access.can_screen(request.user),
        "notes": notes,
        "refreshing": standing_store.refreshing(),
        "query": query.urlencode(),
        "filtered": bool(request.GET.get("q") or request.GET.get("unit") or request.GET.get("family")
                         or request.GET.get("level") or request.GET.get("eligible")),
    })


@login_required
def person_detail(request: HttpRequest, employee_id: str) -> HttpResponse:
    person = access.get_person_or_404(request.user, employee_id)
    options = DecisionOptions(request.GET or None)
    as_of: dt.date = options.value("as_of", today())
    stage = Stage(options.value("stage", DEFAULT_STAGE.value))  # as the CLI
    standard = standard_for(person.job_family)
    record = person_record(person)
    decision = standing = stored = None
    if standard is not None:
        decision, stored = decide_stored(person, record, standard, as_of=as_of, stage=stage)
        standing = stored.knowledge
    current = record_data(record)
    snapshots = []
    later = current
    for snapshot in snapshots_for(person):  # newest first: each one is compared with the state after it
        snapshots.append({"snapshot": snapshot, "changes": presenters.snapshot_changes(snapshot.data, later)})
        later = snapshot.data
    language = request.LANGUAGE_CODE
    unit = person.org_unit if person.org_unit_id else None
    levels = presenters.decision_rows(standard, decision) if standard and decision else []
    return render(request, "people/detail.html", {
        "person": person,
        "unit_path": unit_path(unit, language),
        "standard": standard,
        "standard_name": presenters.text(standard.name) if standard else "",
        "standard_readable": standard is not None and standard_readable(request.user, standard),
        "as_of": as_of,
        "is_today": as_of == today(),
        "stage": stage.value,
        "stage_label": presenters.STAGE_LABELS[stage.value],
        "record": presenters.record_view(standard, record, as_of, standing),
        "stored": stored,
        "decision": decision,
        "levels": levels,
        "gaps": presenters.gap_rows(standard, decision) if standard and decision else [],
        "gap_groups": presenters.gap_groups(next((lv for lv in levels if lv["is_next"]), None)),
        "next_level": decision.current_level + 1 if decision and standard and
                      standard.level(decision.current_level + 1) else None,
        "snapshots": snapshots,
        "is_self": access.own_person(request.user) == person,
        "history": history(person, request.user),
    })
