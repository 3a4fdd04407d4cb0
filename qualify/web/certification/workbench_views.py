"""``/workbench/`` (every role's home) and its JSON twin ``/api/workbench/``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from ninja import Router

from qualify.web.certification.workbench import as_json, workbench_for

router = Router(tags=["workbench"])


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    roles = workbench_for(request.user)
    return render(request, "certification/workbench.html", {
        "roles": roles,
        "today": timezone.localdate(),
        "todo": sum(role.todo for role in roles),
    })


@router.get("/", response=dict[str, Any], summary="Your workbench: what each of your roles has to do")
def workbench_api(request: HttpRequest) -> Any:
    """Per role (employee, manager, assessor, HR): sections with a count, the first items (each with
    the page that does it) and a "see all" link, in the reader's language."""
    return {"today": timezone.localdate().isoformat(), **as_json(workbench_for(request.user))}
