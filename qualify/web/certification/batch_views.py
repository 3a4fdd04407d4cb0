"""HR's batch work on a cycle's applications: the selection on the cycle's page goes to a confirmation
page that lists who is affected (a dry run of ``svc.run_batch``); confirming runs it. Also the cycle's
applications as an xlsx workbook."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.http import require_POST

from qualify.core.cycle import Role
from qualify.core.errors import NotFound
from qualify.formats.table_xlsx import Table
from qualify.services import certification as svc
from qualify.web.accounts.errors import message_of
from qualify.web.certification.common import STATE_CSS, actor, attempt, repo, state_name
from qualify.web.certification.forms import BatchForm
from qualify.web.exports import xlsx_response

MAX_REFUSALS_SHOWN = 20


def hr_cycle_or_404(request: HttpRequest, cycle_id: int) -> svc.CycleView:
    """The cycle, if the user runs it (HR of its family or an admin); a 404 for everyone else."""
    try:
        cycle = svc.visible_cycle(repo(), actor(request), cycle_id)
    except NotFound:
        raise Http404("no such cycle") from None
    if not svc.roles_for_cycle(actor(request), cycle) & {Role.hr, Role.admin}:
        raise Http404("no such cycle")
    return cycle


ACTION_NAMES = {
    "assign_panel": gettext_lazy("Assign a panel"),
    "decide": gettext_lazy("Decide"),
    "publish": gettext_lazy("Publish"),
    "certify": gettext_lazy("Certify"),
}


@login_required
@require_POST
def batch(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = hr_cycle_or_404(request, cycle_id)
    me, r = actor(request), repo()
    panels = {p.id: p.name for p in r.panels(cycle.id) if p.kind == "review"}
    form = BatchForm(
        request.POST,
        panels=list(panels.items()),
        applications=[a.id for a in svc.applications_for(r, me, cycle.id)],
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("certification:cycle", cycle_id=cycle.id)
    data = form.cleaned_data
    result = attempt(
        request,
        svc.run_batch,
        r,
        me,
        cycle.id,
        data["action"],
        data["ids"],
        panel_id=data["panel"],
        dry_run=not data["confirm"],
    )
    if not result:
        return redirect("certification:cycle", cycle_id=cycle.id)
    action_name = str(ACTION_NAMES[result.action.value])
    if result.dry_run:
        return render(
            request,
            "certification/batch.html",
            {
                "cycle": cycle,
                "action": result.action.value,
                "action_name": action_name,
                "panel_id": data["panel"],
                "panel_name": panels.get(data["panel"] or 0, ""),
                "done": [_line(line) for line in result.done],
                "refused": [_line(line) for line in result.refused],
            },
        )
    if result.done:
        messages.success(
            request,
            ngettext(
                "%(action)s: done for %(n)d application.",
                "%(action)s: done for %(n)d applications.",
                len(result.done),
            )
            % {"action": action_name, "n": len(result.done)},
        )
    for line in result.refused[:MAX_REFUSALS_SHOWN]:
        assert line.refusal is not None
        who = f"#{line.application.id} {line.application.person_name}"
        messages.error(request, f"{who}: {message_of(line.refusal)}")
    if len(result.refused) > MAX_REFUSALS_SHOWN:
        messages.error(
            request, _("%(n)d more were refused.") % {"n": len(result.refused) - MAX_REFUSALS_SHOWN}
        )
    return redirect("certification:cycle", cycle_id=cycle.id)


def _line(line: svc.BatchLine) -> dict[str, object]:
    app = line.application
    return {
        "app": app,
        "state": state_name(app.state),
        "css": STATE_CSS.get(app.state.value, ""),
        "reason": message_of(line.refusal) if line.refusal is not None else "",
    }


@login_required
def applications_xlsx(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The cycle's applications as HR sees them on the cycle's page, as an xlsx workbook."""
    cycle = hr_cycle_or_404(request, cycle_id)
    apps = svc.applications_for(repo(), actor(request), cycle.id)

    def when(value: dt.datetime | None) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    table = Table(
        _("Applications"),
        [
            "#",
            _("Employee ID"),
            pgettext("person", "Name"),
            _("Current level"),
            _("Target level"),
            _("State"),
            _("Submitted"),
            _("Notice ends"),
        ],
        [
            [
                a.id,
                a.employee_id,
                a.person_name,
                a.current_level,
                a.target_level,
                state_name(a.state),
                when(a.submitted_at),
                when(a.notice_ends_at),
            ]
            for a in apps
        ],
    )
    return xlsx_response([table], f"{cycle.name}-{_('applications')}.xlsx")
