"""``/screening/`` (HR): queue a screening run, follow its progress, read its results, download them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualify.services import screening
from qualify.web.accounts import access
from qualify.web.people.decisions import today
from qualify.web.people.presenters import LEVEL_OUTCOME_CLASSES, LEVEL_OUTCOME_LABELS
from qualify.web.screening import runs as run_service
from qualify.web.screening.forms import ScreeningRunForm
from qualify.web.screening.models import ScreeningRun

RESULTS_PAGE = 50
STATUS_LABELS = {
    "queued": gettext_lazy("waiting for the worker"),
    "running": gettext_lazy("running"),
    "done": gettext_lazy("done"),
    "failed": gettext_lazy("failed"),
}


def _hr_only(request: HttpRequest) -> None:
    if not access.can_screen(request.user):
        raise Http404


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    _hr_only(request)
    form = ScreeningRunForm(request.POST or None, user=request.user,
                            initial={"as_of": today(), "include_subtree": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = run_service.queue_run(request.user, standard_id=data["standard"], org_unit=data["org_unit"],
                                    include_subtree=data["include_subtree"], as_of=data["as_of"],
                                    stage=data["stage"], language=request.LANGUAGE_CODE)
        messages.success(request, _("Screening run #%(n)d is queued.") % {"n": run.pk})
        return redirect("screening:detail", run_id=run.pk)
    runs = Paginator(run_service.runs_visible_to(request.user).select_related("org_unit", "created_by"), 20)
    return render(request, "screening/list.html", {
        "form": form, "runs": runs.get_page(request.GET.get("page")), "status_labels": STATUS_LABELS,
        "language": request.LANGUAGE_CODE,
    })


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    _hr_only(request)
    run = run_service.get_run_or_404(request.user, run_id)
    context: dict[str, Any] = {"run": run, "status_label": STATUS_LABELS[run.status],
                               "language": request.LANGUAGE_CODE}
    if run.status == ScreeningRun.Status.DONE:
        summary = screening.summarise(run.counts)
        levels = summary.levels
        results = run_service.results_for(request.user, run).select_related("person__org_unit")
        highest = request.GET.get("highest", "")
        q = request.GET.get("q", "").strip()
        if highest.isdigit():
            results = results.filter(highest_eligible_level=int(highest))
        if q:
            results = results.filter(employee_id__icontains=q) | results.filter(name__icontains=q)
        page = Paginator(results.order_by("employee_id"), RESULTS_PAGE).get_page(request.GET.get("page"))
        context.update({
            "levels": levels,
            "page": page,
            "rows": [{"result": r, "cells": [(n, LEVEL_OUTCOME_LABELS.get(r.levels.get(str(n), ""), "—"),
                                               LEVEL_OUTCOME_CLASSES.get(r.levels.get(str(n), ""), ""))
                                              for n in levels]} for r in page.object_list],
            "by_highest": summary.by_highest,
            "by_level": summary.by_level,
            "highest": highest,
            "q": q,
            "filtered": bool(highest or q),
        })
    return render(request, "screening/detail.html", context)


@login_required
def run_workbook(request: HttpRequest, run_id: int) -> FileResponse:
    _hr_only(request)
    run = run_service.get_run_or_404(request.user, run_id)
    if run.status != ScreeningRun.Status.DONE:
        raise run_service.not_finished(run)
    if not run.result:
        raise Http404
    try:
        handle = run.result.open("rb")  # streamed from the file storage, never read whole
    except FileNotFoundError:
        raise Http404 from None
    name = run.result_file or f"screening-{run.pk}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
