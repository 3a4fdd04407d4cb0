"""Pages of the cycle itself: the list, opening one, HR's progress view, applying, panels, my assessments.

The application's own pages are in ``application_views.py``, scoring in ``scoring_views.py``, and
results (decision, appeal, certificate) in ``outcome_views.py``. Every page calls the services.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from qualify.core.cycle import Action, CycleState, Role
from qualify.core.errors import NotFound, QualifyError
from qualify.services import certification as svc
from qualify.services.standards import list_standards
from qualify.web.accounts import access
from qualify.web.certification import models as m
from qualify.web.certification.common import (
    STATE_CSS,
    actor,
    attempt,
    element_names,
    lang,
    repo,
    state_name,
)
from qualify.web.certification.forms import ApplyForm, CycleForm, PanelForm


def _cycle_or_404(request: HttpRequest, cycle_id: int) -> svc.CycleView:
    try:
        return svc.visible_cycle(repo(), actor(request), cycle_id)
    except NotFound:
        raise Http404("no such cycle") from None


def _row(app: svc.ApplicationView) -> dict[str, Any]:
    return {"app": app, "state": state_name(app.state), "css": STATE_CSS.get(app.state.value, "")}


@login_required
def cycles(request: HttpRequest) -> HttpResponse:
    me = actor(request)
    r = repo()
    rows = []
    for cycle in r.cycles():
        roles = svc.roles_for_cycle(me, cycle)
        hr = bool(roles & {Role.hr, Role.admin})
        if not hr and cycle.state in {CycleState.draft, CycleState.cancelled}:
            continue
        mine = r.applications(cycle.id, employee_id=me.employee_id) if me.employee_id else []
        rows.append(
            {
                "cycle": cycle,
                "hr": hr,
                "state": state_name(cycle.state),
                "css": STATE_CSS.get(cycle.state.value, ""),
                "mine": [_row(a) for a in mine],
                "may_apply": cycle.state is CycleState.open and me.employee_id is not None,
            }
        )
    return render(
        request,
        "certification/cycles.html",
        {
            "rows": rows,
            "may_create": access.is_hr(request.user),
        },
    )


@login_required
def cycle_new(request: HttpRequest) -> HttpResponse:
    if not access.is_hr(request.user):
        raise Http404("not found")
    families = access.hr_families(request.user)
    standards = [
        (s.id, f"{s.name.get(lang())} ({s.id})")
        for s in list_standards()
        if families is None or s.family in families
    ]
    today = timezone.localdate()
    shown = [s for s in list_standards() if families is None or s.family in families]
    levels = sorted({(lv.level, lv.name.get(lang())) for s in shown for lv in s.levels})
    form = CycleForm(
        request.POST or None,
        standards=standards,
        levels=[(number, f"{number} · {name}") for number, name in dict(levels).items()],
        initial={"opens_on": today, "closes_on": today + dt.timedelta(days=30), "as_of": today},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = attempt(
            request,
            svc.create_cycle,
            repo(),
            actor(request),
            svc.NewCycle(
                name=data["name"],
                standard_id=data["standard_id"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                as_of=data["as_of"],
                levels=data["levels"],
                notice_days=data["notice_days"],
                manager_opinion=data.get("manager_opinion") or "off",
            ),
            done=_("The cycle was created as a draft. Open it when ready."),
        )
        if made:
            return redirect("certification:cycle", cycle_id=made.id)
    return render(request, "certification/cycle_form.html", {"form": form})


APPLICATIONS_PAGE = 50


@login_required
def cycle(request: HttpRequest, cycle_id: int) -> HttpResponse:
    c = _cycle_or_404(request, cycle_id)
    me = actor(request)
    r = repo()
    roles = svc.roles_for_cycle(me, c)
    hr = bool(roles & {Role.hr, Role.admin})
    context: dict[str, Any] = {
        "cycle": c,
        "state": state_name(c.state),
        "css": STATE_CSS.get(c.state.value, ""),
        "hr": hr,
    }
    if hr:
        progress = svc.progress(r, me, c.id)
        context["progress"] = progress
        standard = svc.cycle_standard(r, c)
        names = {code: name for level in c.levels for code, name in element_names(standard, level).items()}
        context["spreads"] = [
            (app_id, [names.get(code, code) for code in elements])
            for app_id, elements in progress.spreads.items()
        ]
        context["per_state"] = [
            (state_name(svc.ApplicationState(k)), v) for k, v in progress.per_state.items()
        ]
        listed = progress.applications
        context["panels"] = r.panels(c.id)
        context["actions"] = [
            a
            for a in (
                Action.open,
                Action.screen,
                Action.close_applications,
                Action.publish,
                Action.close,
                Action.cancel,
            )
            if _may_cycle(c, a, roles)
        ]
        context["screened"] = m.ScreeningEntry.objects.filter(cycle_id=c.id).count()
        context["screened_eligible"] = (
            m.ScreeningEntry.objects.filter(cycle_id=c.id).exclude(eligible_levels=[]).count()
        )
        context["finishable"] = c.state is CycleState.notice
    else:
        listed = svc.applications_for(r, me, c.id)
    # A cycle of a job family may hold thousands of applications: a page of them.
    page = Paginator(listed, APPLICATIONS_PAGE).get_page(request.GET.get("page"))
    context["page"] = page
    context["applications"] = [_row(a) for a in page.object_list]
    context["has_publication"] = m.Publication.objects.filter(cycle_id=c.id).exists()
    context["may_apply"] = c.state is CycleState.open and me.employee_id is not None
    context["may_nominate"] = c.state is CycleState.open and "manager" in me.roles
    return render(request, "certification/cycle.html", context)


def _may_cycle(c: svc.CycleView, action: Action, roles: set[Role]) -> bool:
    from qualify.core.cycle import may

    return may(c.state, action, roles)


CYCLE_STEPS: dict[str, tuple[Any, Any]] = {
    "open": (svc.open_cycle, gettext_lazy("The cycle is open for applications.")),
    "screen": (svc.screen_cycle, gettext_lazy("Screening is done.")),
    "close_applications": (
        svc.close_applications,
        gettext_lazy("Applications are closed; the panels can score."),
    ),
    "close": (svc.close_cycle, gettext_lazy("The cycle is closed.")),
    "cancel": (svc.cancel_cycle, gettext_lazy("The cycle is cancelled.")),
}


@login_required
@require_POST
def cycle_action(request: HttpRequest, cycle_id: int) -> HttpResponse:
    _cycle_or_404(request, cycle_id)
    if request.POST.get("action") == "finish":
        return _finish(request, cycle_id)
    if request.POST.get("action") == "publish":
        return _publish(request, cycle_id)
    step = CYCLE_STEPS.get(request.POST.get("action", ""))
    if step is None:
        raise Http404("no such action")
    function, done = step
    attempt(request, function, repo(), actor(request), cycle_id, done=str(done))
    return redirect("certification:cycle", cycle_id=cycle_id)


def finish_messages(counts: dict[str, int], notice_ends: dt.datetime | None) -> list[str]:
    """What finishing a cycle did, in numbers: certificates issued only when some were, and when the
    notice of the results still waiting ends."""
    said = []
    if counts.get("certified"):
        said.append(
            ngettext("%(n)d certificate issued.", "%(n)d certificates issued.", counts["certified"])
            % {"n": counts["certified"]}
        )
    if counts.get("closed"):
        said.append(
            ngettext(
                "%(n)d application closed (not passed).",
                "%(n)d applications closed (not passed).",
                counts["closed"],
            )
            % {"n": counts["closed"]}
        )
    if counts.get("in_notice"):
        said.append(
            ngettext(
                "%(n)d result is in its notice period until %(when)s; it is certified or closed after that.",
                "%(n)d results are in their notice period until %(when)s; they are certified or closed "
                "after that.",
                counts["in_notice"],
            )
            % {
                "n": counts["in_notice"],
                "when": date_format(timezone.localtime(notice_ends), "Y-m-d H:i") if notice_ends else "—",
            }
        )
    if counts.get("to_publish"):
        said.append(
            ngettext(
                "%(n)d result changed on appeal: publish it again first.",
                "%(n)d results changed on appeal: publish them again first.",
                counts["to_publish"],
            )
            % {"n": counts["to_publish"]}
        )
    return said or [_("Nothing to certify or close yet.")]


def _publish(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Publish the decided results, and say how many and until when their notice runs."""
    _cycle_or_404(request, cycle_id)
    r = repo()
    published = attempt(request, svc.publish, r, actor(request), cycle_id)
    if published:
        ends = max((a.notice_ends_at for a in published if a.notice_ends_at), default=None)
        messages.success(
            request,
            ngettext(
                "%(n)d result is published; its notice period ends %(when)s.",
                "%(n)d results are published; their notice period ends %(when)s.",
                len(published),
            )
            % {
                "n": len(published),
                "when": date_format(timezone.localtime(ends), "Y-m-d H:i") if ends else "—",
            },
        )
    return redirect("certification:cycle", cycle_id=cycle_id)


def _finish(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Certify the passed and close the failed results whose notice is over, and say how many."""
    _cycle_or_404(request, cycle_id)
    r = repo()
    counts = attempt(request, svc.finish, r, actor(request), cycle_id)
    if counts:
        issued = bool(counts["certified"] or counts["closed"])
        for text in finish_messages(counts, svc.notice_ends(r, cycle_id)):
            (messages.success if issued else messages.info)(request, text)
    return redirect("certification:cycle", cycle_id=cycle_id)


@login_required
def apply(request: HttpRequest, cycle_id: int) -> HttpResponse:
    c = _cycle_or_404(request, cycle_id)
    me = actor(request)
    r = repo()
    nominate = "manager" in me.roles or bool(me.roles & {"hr", "admin"})
    current = r.person(me.employee_id).current_level if me.employee_id else 0
    default = svc.rules.default_target_level(current, c.levels)
    asked = request.GET.get("level", "")  # re-certification links name the certificate's level
    if asked.isdigit() and int(asked) in c.levels:
        default = int(asked)
    form = ApplyForm(
        request.POST or None,
        levels=list(c.levels),
        default=default,
        nominate=nominate,
        initial={"employee_id": request.GET.get("employee", "")[:64]} if nominate else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = attempt(
            request,
            svc.apply,
            r,
            me,
            c.id,
            employee_id=(data.get("employee_id") or "").strip() or None,
            target_level=data["target_level"],
            reason=data["reason"],
            done=_("Application created. Add your evidence and self-assessment, then submit."),
        )
        if made:
            return redirect("certification:application", application_id=made.id)
    screening = None
    if me.employee_id:
        try:
            decision = svc.screening_decision(r, c, me.employee_id)
            screening = [
                {
                    "level": ld.level,
                    "outcome": ld.outcome.value,
                    "checks": [ch for ch in ld.checks if ch.outcome.value != "pass"],
                }
                for ld in decision.levels
                if ld.level in c.levels
            ]
        except QualifyError:  # another job family, no record: the form says why on submit
            screening = None
    return render(
        request,
        "certification/apply.html",
        {"cycle": c, "form": form, "screening": screening, "lang": lang(), "current": current},
    )


@login_required
def panels(request: HttpRequest, cycle_id: int) -> HttpResponse:
    c = _cycle_or_404(request, cycle_id)
    me = actor(request)
    if not svc.roles_for_cycle(me, c) & {Role.hr, Role.admin}:
        raise Http404("not found")
    r = repo()
    pool = [
        (u.pk, f"{u.get_username()}"
         + (f" · {u.profile.person.name}" if u.profile.person is not None else ""))
        for u in get_user_model()
        .objects.filter(is_active=True)
        .select_related("profile__person")
        .order_by("username")
        if "assessor" in access.roles_of(u)
    ]
    form = PanelForm(request.POST or None, assessors=pool)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = attempt(
            request,
            svc.form_panel,
            r,
            me,
            c.id,
            name=data["name"],
            lead_user_id=data["lead"],
            member_user_ids=data["members"],
            kind=data["kind"],
            done=_("The panel was formed."),
        )
        if made:
            return redirect("certification:panels", cycle_id=c.id)
    names = dict(pool)
    panel_rows = [
        {
            "panel": p,
            "lead": names.get(p.lead_user_id, p.lead_user_id),
            "members": [names.get(u, u) for u in p.member_user_ids],
            "load": m.Assignment.objects.filter(panel_id=p.id, active=True, is_lead=True).count(),
        }
        for p in r.panels(c.id)
    ]
    apps = [a for a in r.applications(c.id) if a.state.value in {"submitted", "in_review", "appealed"}]
    return render(
        request,
        "certification/panels.html",
        {
            "cycle": c,
            "form": form,
            "panels": panel_rows,
            "applications": [_row(a) for a in apps],
            "review_panels": [p for p in r.panels(c.id) if p.kind == "review"],
            "appeal_panels": [p for p in r.panels(c.id) if p.kind == "appeal"],
        },
    )


@login_required
def assignments(request: HttpRequest) -> HttpResponse:
    me = actor(request)
    r = repo()
    rows = []
    for sheet in svc.my_assignments(r, me):
        app = r.application(sheet.application_id)
        rows.append(
            {
                "sheet": sheet,
                "app": app,
                "state": state_name(app.state),
                "css": STATE_CSS.get(app.state.value, ""),
                "cycle": r.cycle(app.cycle_id),
                "sheet_state": state_name(sheet.state),
            }
        )
    if not rows and not (me.roles & {"assessor", "admin"}):
        raise Http404("not found")
    return render(request, "certification/assignments.html", {"rows": rows})


def notice(request: HttpRequest, text: str) -> None:
    messages.info(request, text)
