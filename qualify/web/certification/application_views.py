"""The application page (evidence, self-assessment, the steps its viewer may take) and its forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qualify.core.cycle import Action, Role
from qualify.core.errors import NotFound
from qualify.core.standard import Standard
from qualify.formats.decisions import rule_label
from qualify.services import certification as svc
from qualify.services.visibility import decision_visible
from qualify.web.certification import models as m
from qualify.web.certification.common import (
    STATE_CSS,
    actor,
    attempt,
    decision_kind_name,
    element_names,
    lang,
    rating_names,
    repo,
    state_name,
    term_name,
    upload_limits,
    visible_application,
)
from qualify.web.certification.forms import EvidenceForm, OverrideForm, ReasonForm
from qualify.web.people.facts_text import figures
from qualify.web.people.models import Evidence


def checks_of(decision: svc.DecisionView, standard: Standard) -> list[dict[str, Any]]:
    """The target level's checks from the stored trace, in the page's language: each rule by its name
    and its figures in the standard's words, written from the check's facts."""
    trace = decision.trace.get(lang()) or decision.trace.get("en") or {}
    level = next((lv for lv in trace.get("levels", []) if lv.get("level") == decision.level), None)
    css = {"pass": "ok", "fail": "bad", "missing": "warn"}
    rows = []
    for c in (level or {}).get("checks", []):
        actual, required = figures(standard, decision.level, c["rule"], c.get("facts"), c["actual"],
                                   c["required"], lang())
        warns = c["rule"] == "standard.unknown" and (c.get("facts") or {}).get("accepted") is True
        rows.append({**c, "css": "warn" if warns else css.get(c["outcome"], ""), "warns": warns,
                     "label": rule_label(standard, c["rule"], lang()), "actual": actual,
                     "required": required})
    return rows


def _evidence_rows(r: Any, app: svc.ApplicationView, standard: Any) -> list[dict[str, Any]]:
    elements = element_names(standard, app.target_level)
    modules = {mod.code: mod.name.get(lang()) for mod in standard.modules}
    rows = []
    for ev in r.evidence(app.id):
        item = ev.item
        rows.append(
            {
                "ev": ev,
                "activity": term_name(standard, "activities", item.activity),
                "role": term_name(standard, "roles", item.role),
                "audience": term_name(standard, "audience_ranks", item.audience),
                "scope": term_name(standard, "scopes", item.scope),
                "project_kind": term_name(standard, "project_kinds", item.project_kind),
                "outcome": term_name(standard, "outcomes", item.outcome),
                "deliverables": [term_name(standard, "deliverables", d) for d in item.deliverables],
                "elements": [elements.get(e, e) for e in item.elements],
                "measures": [modules.get(x, x) for x in item.measures],
            }
        )
    return rows


@login_required
def application(request: HttpRequest, application_id: int) -> HttpResponse:
    app = visible_application(request, application_id)
    me = actor(request)
    r = repo()
    cycle = r.cycle(app.cycle_id)
    standard = svc.cycle_standard(r, cycle)
    roles = svc.roles_for_application(r, me, app, cycle)
    allowed = set(svc.allowed(r, me, app))
    editable = Action.add_evidence in allowed
    elements = element_names(standard, app.target_level)
    ratings = rating_names(standard)
    own = r.self_assessment(app.id)
    self_rows = [
        {
            "code": code,
            "name": name,
            "rating": own[code].rating if code in own else "",
            "rating_name": ratings.get(own[code].rating, "") if code in own else "",
            "comment": own[code].comment if code in own else "",
        }
        for code, name in elements.items()
    ]
    decision = r.current_decision(app.id)
    show_decision = decision is not None and decision_visible(roles, app.state)
    sheets = r.assignments(app.id)
    context: dict[str, Any] = {
        "app": app,
        "cycle": cycle,
        "standard": standard,
        "state": state_name(app.state),
        "css": STATE_CSS.get(app.state.value, ""),
        "editable": editable,
        "allowed": allowed,
        "roles": {role.value for role in roles},
        "evidence": _evidence_rows(r, app, standard),
        "self_rows": self_rows,
        "ratings": ratings,
        "evidence_form": EvidenceForm(standard=standard, level=app.target_level, lang=lang())
        if editable
        else None,
        "decision": decision if show_decision else None,
        "checks": checks_of(decision, standard) if decision is not None and show_decision else [],
        "history": [(d, decision_kind_name(d.kind)) for d in r.decisions(app.id)] if show_decision else [],
        "appeal": r.appeal(app.id),
        "certificate": r.certificate_for(app.id),
        "my_sheet": next((s for s in sheets if s.user_id == me.user_id), None),
        "is_lead": Role.lead in roles,
        "panel_ratings": r.panel_ratings(app.id)
        if Role.hr in roles or Role.admin in roles or Role.lead in roles
        else {},
        "elements": elements,
        "override_form": OverrideForm() if Action.override in allowed else None,
        "reject_form": ReasonForm() if Action.reject in allowed else None,
        "review_panels": [p for p in r.panels(cycle.id) if p.kind == "review"]
        if Action.assign_panel in allowed
        else [],
        "appeal_panels": [p for p in r.panels(cycle.id) if p.kind == "appeal"]
        if Action.assign_appeal_panel in allowed
        else [],
        "hr": bool(roles & {Role.hr, Role.admin}),
        "sheets": [{"sheet": s, "state": state_name(s.state)} for s in sheets]
        if roles & {Role.hr, Role.admin, Role.lead}
        else [],
        "buttons": [
            a
            for a in (
                Action.submit,
                Action.approve_jump,
                Action.reject_jump,
                Action.decide,
                Action.certify,
                Action.close,
                Action.withdraw,
            )
            if _button(a, app, allowed)
        ],
    }
    panel_side = bool(roles & {Role.hr, Role.admin, Role.assessor, Role.lead, Role.manager})
    context.update({
        "opinion_visible": svc.opinion_wanted(cycle) and panel_side,
        "opinion_required": cycle.manager_opinion == "required" and not app.manager_opinion,
        "opinion_form": svc.may_give_opinion(r, me, app, cycle),
        "other_records": _other_records(app, standard)
        if roles & {Role.applicant, Role.hr, Role.admin, Role.assessor, Role.lead}
        else [],
        "name": app.person_name,
    })
    return render(request, "certification/application.html", context)


def _other_records(app: svc.ApplicationView, standard: Standard) -> list[dict[str, Any]]:
    """The person's evidence records that are not this application's, all counted in its decision
    (the first 50, newest first)."""
    rows = (
        Evidence.objects.filter(person__employee_id=app.employee_id)
        .exclude(application_items__application_id=app.id)
        .order_by("-date", "-id")
        .values("date", "activity", "evidence_id", "source")[:50]
    )
    found = []
    for row in rows:
        entered = row["source"] == Evidence.Source.APPLICATION
        number = row["evidence_id"][1:].split("-", 1)[0] if entered else ""
        found.append({
            "date": row["date"],
            "activity_name": term_name(standard, "activities", row["activity"]),
            "application_id": int(number) if number.isdigit() else None,
        })
    return found


@login_required
@require_POST
def give_opinion(request: HttpRequest, application_id: int) -> HttpResponse:
    visible_application(request, application_id)
    attempt(
        request,
        svc.give_opinion,
        repo(),
        actor(request),
        application_id,
        request.POST.get("opinion", ""),
        done=_("Your opinion was saved; the panel will read it."),
    )
    return redirect("certification:application", application_id=application_id)


def _button(action: Action, app: svc.ApplicationView, allowed: set[Action]) -> bool:
    if action is Action.submit:
        return bool(allowed & {Action.submit, Action.submit_jump})
    return action in allowed


APPLICATION_STEPS: dict[str, tuple[Any, Any]] = {
    "submit": (svc.submit, gettext_lazy("Submitted. You will be told when the result is published.")),
    "withdraw": (svc.withdraw, gettext_lazy("The application was withdrawn.")),
    "approve_jump": (svc.approve_jump, gettext_lazy("The jump is approved.")),
    "reject_jump": (svc.reject_jump, gettext_lazy("The jump was sent back to the applicant.")),
    "decide": (svc.decide, gettext_lazy("The decision was computed from the standard.")),
    "certify": (svc.certify, ""),
    "close": (svc.close_application, gettext_lazy("The application is closed.")),
}


@login_required
@require_POST
def application_action(request: HttpRequest, application_id: int) -> HttpResponse:
    visible_application(request, application_id)
    step = APPLICATION_STEPS.get(request.POST.get("action", ""))
    if step is None:
        raise Http404("no such action")
    function, done = step
    result = attempt(request, function, repo(), actor(request), application_id, done=str(done))
    if isinstance(result, svc.CertificateView):
        messages.success(
            request,
            _("Certificate %(number)s issued, valid until %(until)s.")
            % {"number": result.number, "until": result.valid_until.isoformat()},
        )
    return redirect("certification:application", application_id=application_id)


@login_required
@require_POST
def add_evidence(request: HttpRequest, application_id: int) -> HttpResponse:
    app = visible_application(request, application_id)
    r = repo()
    standard = svc.cycle_standard(r, r.cycle(app.cycle_id))
    form = EvidenceForm(request.POST, request.FILES, standard=standard, level=app.target_level, lang=lang())
    if not form.is_valid():
        messages.error(
            request,
            "; ".join(
                f"{form.fields[k].label}: {' '.join(map(str, v))}" if k in form.fields
                else " ".join(map(str, v))
                for k, v in form.errors.items()
            ),
        )
        return redirect("certification:application", application_id=app.id)
    d = form.cleaned_data
    item = svc.EvidenceInput(
        activity=d["activity"],
        date=d["date"],
        role=d["role"],
        audience=d["audience"],
        scope=d["scope"],
        project_kind=d["project_kind"],
        outcome=d["outcome"],
        deliverables=tuple(d["deliverables"]),
        note=d["note"],
        elements=tuple(d["elements"]),
        measures=tuple(d["measures"]),
    )
    sent = d.get("file")
    upload = None
    if sent is not None:
        # a file over the limit is refused by its size, without reading it all
        content = sent.read() if sent.size <= svc.MAX_UPLOAD_BYTES else sent.read(8)
        upload = svc.Upload(sent.name, content, sent.size)
    attempt(
        request,
        svc.add_evidence,
        r,
        actor(request),
        app.id,
        item,
        upload,
        upload_limits(),
        done=_("Evidence added with its file.") if upload else _("Evidence added."),
    )
    return redirect("certification:application", application_id=app.id)


@login_required
@require_POST
def remove_evidence(request: HttpRequest, application_id: int, evidence_id: int) -> HttpResponse:
    visible_application(request, application_id)
    if not m.EvidenceItem.objects.filter(pk=evidence_id, application_id=application_id).exists():
        raise Http404("no such evidence")
    attempt(request, svc.remove_evidence, repo(), actor(request), evidence_id, done=_("Evidence removed."))
    return redirect("certification:application", application_id=application_id)


@login_required
@require_POST
def self_assess(request: HttpRequest, application_id: int) -> HttpResponse:
    app = visible_application(request, application_id)
    r = repo()
    standard = svc.cycle_standard(r, r.cycle(app.cycle_id))
    saved = 0
    for code in element_names(standard, app.target_level):
        rating = request.POST.get(f"rating-{code}", "")
        if rating:
            ok = attempt(
                request,
                svc.self_assess,
                r,
                actor(request),
                app.id,
                code,
                rating,
                request.POST.get(f"comment-{code}", ""),
            )
            saved += 1 if ok else 0
    if saved:
        messages.success(request, _("Self-assessment saved."))
    return redirect("certification:application", application_id=app.id)


@login_required
@require_POST
def assign_panel(request: HttpRequest, application_id: int) -> HttpResponse:
    visible_application(request, application_id)
    try:
        panel_id = int(request.POST.get("panel", ""))
    except ValueError:
        raise Http404("no such panel") from None
    if request.POST.get("kind") == "appeal":
        r = repo()
        seated = attempt(
            request,
            svc.assign_appeal_panel,
            r,
            actor(request),
            application_id,
            panel_id,
            done=_("The appeal panel is assigned."),
        )
        shared = svc.shared_members(r, seated, r.panel(panel_id)) if seated else []
        if shared:
            messages.warning(
                request,
                _(
                    "Warning: %(names)s also sat on the panel whose decision is appealed; the standard's "
                    "owner allows this, but the appeal is not reviewed by independent assessors."
                )
                % {"names": ", ".join(shared)},
            )
    else:
        attempt(
            request,
            svc.assign_panel,
            repo(),
            actor(request),
            application_id,
            panel_id,
            done=_("The panel is assigned; its assessors were told."),
        )
    nxt = request.POST.get("next", "")
    if nxt:
        return redirect(_safe_next(nxt))
    return redirect("certification:application", application_id=application_id)


def _safe_next(url: str) -> str:
    return url if url.startswith("/") and not url.startswith("//") else "/cycles/"


@login_required
@require_POST
def override(request: HttpRequest, application_id: int) -> HttpResponse:
    visible_application(request, application_id)
    form = OverrideForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            svc.override,
            repo(),
            actor(request),
            application_id,
            passed=form.cleaned_data["passed"],
            reason=form.cleaned_data["reason"],
            done=_("The decision was overridden; the previous one is kept."),
        )
    else:
        messages.error(request, _("An override needs a result and a written reason."))
    return redirect("certification:application", application_id=application_id)


@login_required
@require_POST
def reject(request: HttpRequest, application_id: int) -> HttpResponse:
    visible_application(request, application_id)
    attempt(
        request,
        svc.reject,
        repo(),
        actor(request),
        application_id,
        request.POST.get("reason", ""),
        done=_("The application was rejected."),
    )
    return redirect("certification:application", application_id=application_id)


@login_required
def download(request: HttpRequest, file_id: int) -> FileResponse:
    """A stored file, only for those who may see the application it belongs to."""
    stored = m.StoredFile.objects.select_related("evidence", "appeal").filter(pk=file_id).first()
    if stored is None:
        raise Http404("no such file")
    owner = stored.evidence or stored.appeal  # a stored file belongs to one of the two
    if owner is None:
        raise Http404("no such file")
    application_id = owner.application_id
    try:
        svc.visible_application(repo(), actor(request), application_id)
    except NotFound:
        raise Http404("no such file") from None
    try:
        handle = stored.file.open("rb")  # from the file storage, streamed
    except (FileNotFoundError, ValueError):
        raise Http404("the file is missing") from None
    response = FileResponse(
        handle, content_type=stored.content_type, as_attachment=True, filename=stored.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
