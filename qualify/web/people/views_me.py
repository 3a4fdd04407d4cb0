"""``/me/``: my qualification. My current level, what a level asks (the next one unless I pick
another), and my checks against it, each with what to do."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qualify.core.decision import Stage
from qualify.services.people_decisions import level_asks, next_level
from qualify.web.accounts import access
from qualify.web.people import presenters
from qualify.web.people.decisions import decide, standard_for, today
from qualify.web.people.forms_people import DecisionOptions
from qualify.web.people.records import person_record


def my_qualification(person: Any, *, as_of: Any, stage: Stage, level: int | None) -> dict[str, Any]:
    """Everything "my qualification" shows, for the page and the API alike."""
    standard = standard_for(person.job_family)
    context: dict[str, Any] = {"person": person, "standard": standard, "as_of": as_of, "stage": stage.value}
    if standard is None:
        return context
    record = person_record(person)
    decision, standing = decide(record, standard, as_of=as_of, stage=stage)
    upcoming = next_level(standard, person.current_level)
    target = level if level is not None and standard.level(level) is not None else upcoming
    levels = presenters.decision_rows(standard, decision)
    chosen = next((row for row in levels if row["level"] == target), None)
    asks = level_asks(standard, target) if target is not None else None
    context.update({
        "standard_name": presenters.text(standard.name),
        "decision": decision,
        "standing": standing,
        "levels": levels,
        "current_name": presenters.level_name(standard, person.current_level) if person.current_level else "",
        "highest": decision.highest_eligible_level,
        "next_level": upcoming,
        "target": target,
        "chosen": chosen,
        "asks": presenters.asks_view(asks) if asks is not None else None,
        "gaps": presenters.gap_rows(standard, decision),
        "record": presenters.record_view(standard, record, as_of, standing),
    })
    return context


@login_required
def me(request: HttpRequest) -> HttpResponse:
    person = access.own_person(request.user)
    options = DecisionOptions(request.GET or None)
    as_of = options.value("as_of", today())
    stage = Stage(options.value("stage", Stage.certification.value))
    context: dict[str, Any] = {"person": None, "as_of": as_of, "stage": stage.value}
    if person is not None:
        context = my_qualification(person, as_of=as_of, stage=stage, level=options.value("level", None))
    context.update({
        "is_today": as_of == today(),
        "stage_label": presenters.STAGE_LABELS[stage.value],
        "options": options,
    })
    return render(request, "people/me.html", context)
