"""The assessor's scoring page and the lead's consolidation page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qualify.core.cycle import AssignmentState, PanelChoice, Role, lowest_rating
from qualify.core.errors import QualifyError
from qualify.services import certification as svc
from qualify.web.certification.application_views import _evidence_rows, _other_records
from qualify.web.certification.common import (
    actor,
    attempt,
    error_text,
    lang,
    rating_names,
    repo,
    state_name,
    visible_application,
)


def _criteria(standard: Any, level: int) -> list[dict[str, Any]]:
    return [
        {
            "code": e.code,
            "module": mod.name.get(lang()),
            "name": e.name.get(lang()),
            "items": [item.get(lang()) for item in c.items],
        }
        for mod, e, c in standard.elements_at(level)
    ]


@login_required
def score(request: HttpRequest, application_id: int) -> HttpResponse:
    app = visible_application(request, application_id)
    me = actor(request)
    r = repo()
    sheet = next((a for a in r.assignments(app.id, "review") if a.user_id == me.user_id), None)
    if sheet is None:
        raise Http404("not assigned")
    standard = svc.cycle_standard(r, r.cycle(app.cycle_id))
    if request.method == "POST":
        _save_ratings(request, r, me, sheet, [e.code for _, e, _ in standard.elements_at(app.target_level)])
        return redirect("certification:score", application_id=app.id)
    view = svc.score_sheet(r, me, app.id)
    ratings = rating_names(standard)
    own = r.self_assessment(app.id)
    rows = []
    for criterion in _criteria(standard, app.target_level):
        code = criterion["code"]
        mine = view.my_scores.get(code)
        rows.append(
            {
                **criterion,
                "mine": mine,
                "others": sorted(view.others.get(code, {}).items()),
                "comments": view.others_comments.get(code, {}),
                "spread": view.spreads.get(code),
                "self": own.get(code),
            }
        )
    return render(
        request,
        "certification/score.html",
        {
            "app": app,
            "sheet": sheet,
            "rows": rows,
            "ratings": ratings,
            "view": view,
            "editable": sheet.state is AssignmentState.pending and app.state.value == "in_review",
            "evidence": _evidence_rows(r, app, standard),
            "other_records": _other_records(app, standard),
            "state": state_name(app.state),
            "sheet_state": state_name(sheet.state),
        },
    )


def _save_ratings(
    request: HttpRequest, r: Any, me: svc.Actor, sheet: svc.AssignmentView, elements: list[str]
) -> None:
    current = {s.element: s for s in r.scores(sheet.application_id) if s.assignment_id == sheet.id}
    saved = conflicts = 0
    for code in elements:
        rating = request.POST.get(f"rating-{code}", "")
        comment = request.POST.get(f"comment-{code}", "").strip()
        raw_version = request.POST.get(f"version-{code}", "")
        version = int(raw_version) if raw_version.isdigit() else None
        before = current.get(code)
        if not rating or (before is not None and (before.rating, before.comment) == (rating, comment)):
            continue
        try:
            svc.rate(r, me, sheet.id, code, rating, comment, expected_version=version)
            saved += 1
        except svc.EditConflict as error:
            conflicts += 1
            messages.error(request, f"{code}: {error_text(error)}")
        except QualifyError as error:
            messages.error(request, f"{code}: {error_text(error)}")
    if saved:
        messages.success(request, _("Ratings saved."))
    if request.POST.get("submit") and not conflicts:
        attempt(
            request,
            svc.submit_rating,
            r,
            me,
            sheet.id,
            done=_("Your ratings are submitted. You can now see the other assessors' ratings."),
        )


@login_required
def consolidate(request: HttpRequest, application_id: int) -> HttpResponse:
    app = visible_application(request, application_id)
    me = actor(request)
    r = repo()
    if Role.lead not in svc.roles_for_application(r, me, app):
        raise Http404("not the lead")
    standard = svc.cycle_standard(r, r.cycle(app.cycle_id))
    ladder = standard.vocabularies.codes("behaviour_ratings")
    criteria = _criteria(standard, app.target_level)
    if request.method == "POST":
        choices = {
            c["code"]: PanelChoice(
                request.POST.get(f"rating-{c['code']}", ""), request.POST.get(f"comment-{c['code']}", "")
            )
            for c in criteria
            if request.POST.get(f"rating-{c['code']}")
        }
        done = attempt(
            request,
            svc.consolidate,
            r,
            me,
            app.id,
            choices,
            done=_("The panel's ratings are recorded. HR can now decide."),
        )
        if done:
            return redirect("certification:application", application_id=app.id)
    view = svc.score_sheet(r, me, app.id)
    rows = []
    for criterion in criteria:
        code = criterion["code"]
        given = view.others.get(code, {})
        rows.append(
            {
                **criterion,
                "others": sorted(given.items()),
                "comments": view.others_comments.get(code, {}),
                "spread": view.spreads.get(code),
                "proposal": request.POST.get(f"rating-{code}") or lowest_rating(given.values(), ladder) or "",
                "comment": request.POST.get(f"comment-{code}", ""),
            }
        )
    return render(
        request,
        "certification/consolidate.html",
        {
            "app": app,
            "rows": rows,
            "ratings": rating_names(standard),
            "view": view,
            "state": state_name(app.state),
            "sheets": r.assignments(app.id, "review"),
        },
    )
