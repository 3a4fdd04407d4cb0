"""``/me/``: my qualification. My current level, whether I may apply for each level (screening:
gate conditions and knowledge), and for the level I look at (the next one unless I pick another)
every check of certification, grouped by what I can do about it, with what the level asks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qualify.core.cycle import TERMINAL_APPLICATION_STATES, ApplicationState
from qualify.core.decision import Stage
from qualify.services.people_decisions import level_asks, next_level
from qualify.web.accounts import access
from qualify.web.people import presenters
from qualify.web.people.decisions import decide_stored, standard_for, today
from qualify.web.people.forms import DecisionOptions
from qualify.web.people.models import Evidence, Person
from qualify.web.people.records import person_record


def _group(checks: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    mine = [c for c in checks if presenters.rule_group(c["rule"]) == kind]
    return {
        "checks": mine,
        "failed": [c for c in mine if c["outcome"] == "fail"],
        "missing": [c for c in mine if c["outcome"] == "missing"],
        "passed": [c for c in mine if c["outcome"] == "pass"],
    }


def my_qualification(person: Person, *, as_of: dt.date, level: int | None) -> dict[str, Any]:
    """Everything "my qualification" shows."""
    standard = standard_for(person.job_family)
    context: dict[str, Any] = {"person": person, "standard": standard, "as_of": as_of}
    if standard is None:
        return context
    record = person_record(person)
    screening, stored = decide_stored(person, record, standard, as_of=as_of, stage=Stage.screening)
    full, _ = decide_stored(person, record, standard, as_of=as_of, stage=Stage.certification, stored=stored)
    standing = stored.knowledge
    upcoming = next_level(standard, person.current_level)
    target = level if level is not None and standard.level(level) is not None else upcoming
    levels = presenters.decision_rows(standard, screening)
    chosen = next((row for row in levels if row["level"] == target), None)
    full_row = next((row for row in presenters.decision_rows(standard, full) if row["level"] == target), None)
    groups = {}
    if full_row is not None:
        groups = {kind: _group(full_row["checks"], kind) for kind in ("gates", "evidence", "behaviour",
                                                                      "standard")}
    todo = 0
    if groups:
        todo = (len(groups["gates"]["failed"]) + len(groups["gates"]["missing"])
                + len(groups["evidence"]["failed"]) + len(groups["evidence"]["missing"])
                + len(groups["behaviour"]["failed"]) + (1 if groups["behaviour"]["missing"] else 0)
                + len(groups["standard"]["missing"]))  # an unknown part: see the level's warnings
    asks = level_asks(standard, target) if target is not None else None
    context.update({
        "entered": entered_evidence(person),
        "standard_name": presenters.text(standard.name),
        "standing": standing,
        "stored": stored,
        "levels": levels,
        "current_name": presenters.level_name(standard, person.current_level) if person.current_level else "",
        "highest": screening.highest_eligible_level,
        "next_level": upcoming,
        "next_row": next((row for row in levels if row["level"] == upcoming), None),
        "target": target,
        "chosen": chosen,
        "certified": full_row,
        "groups": groups,
        "todo": todo,
        "asks": presenters.asks_view(asks) if asks is not None else None,
    })
    return context


def entered_evidence(person: Person) -> list[dict[str, Any]]:
    """The person's open applications that hold evidence they entered, with how many records each
    (one evidence record per person: these records are in the record the self-check counts).
    Read through the evidence's link to the application items, by name: people sits below
    certification and does not import it."""
    open_states = [s.value for s in ApplicationState if s not in TERMINAL_APPLICATION_STATES]
    rows = (
        Evidence.objects.filter(
            person=person,
            source=Evidence.Source.APPLICATION,
            application_items__application__state__in=open_states,
        )
        .values("application_items__application_id", "application_items__application__target_level")
        .annotate(n=Count("id", distinct=True))
        .order_by("application_items__application_id")
    )
    return [
        {"id": r["application_items__application_id"],
         "level": r["application_items__application__target_level"], "count": r["n"]}
        for r in rows[:10]
    ]


@login_required
def me(request: HttpRequest) -> HttpResponse:
    person = access.own_person(request.user)
    options = DecisionOptions(request.GET or None)
    as_of = options.value("as_of", today())
    context: dict[str, Any] = {"person": None, "as_of": as_of}
    if person is not None:
        context = my_qualification(person, as_of=as_of, level=options.value("level", None))
    context.update({"is_today": as_of == today(), "options": options})
    return render(request, "people/me.html", context)
