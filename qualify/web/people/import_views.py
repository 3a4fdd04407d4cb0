"""``/import/``: HR uploads a workbook, reads the validation report row by row, confirms."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualify.web.accounts import access
from qualify.web.language import lang
from qualify.web.people.forms import ImportForm
from qualify.web.people.importing import (
    NotApplicable,
    batches_visible_to,
    confirm_batch,
    default_standard_id,
    note_rows,
    problem_rows,
    queue_upload,
)
from qualify.web.people.models import ImportBatch


def _hr_only(request: HttpRequest) -> None:
    if not access.can_import(request.user):
        raise Http404


def _form_context(form: ImportForm, request: HttpRequest) -> dict[str, object]:
    return {
        "form": form,
        "max_mb": settings.QUALIFY_UPLOAD_MAX_BYTES // (1024 * 1024),
        "families": access.hr_families(request.user),
    }


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    _hr_only(request)
    if request.method == "POST":
        limit = settings.QUALIFY_UPLOAD_MAX_BYTES
        if int(request.META.get("CONTENT_LENGTH") or 0) > limit + 256 * 1024:
            # Refused before the body is read.
            messages.error(request, _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)})
            return redirect("imports:upload")
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            # Kept and queued: the worker checks it; this request reads no more than its first bytes.
            batch = queue_upload(request.user, form.cleaned_data["file"], form.cleaned_data["standard"])
            return redirect("imports:detail", batch_id=batch.pk)
    else:
        form = ImportForm(initial={"standard": default_standard_id()})
    batches = Paginator(batches_visible_to(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "people/import_upload.html", {**_form_context(form, request), "batches": batches})


def _batch_or_404(request: HttpRequest, batch_id: int) -> ImportBatch:
    try:
        return batches_visible_to(request.user).get(pk=batch_id)
    except ImportBatch.DoesNotExist:
        raise Http404 from None


@login_required
def detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    _hr_only(request)
    batch = _batch_or_404(request, batch_id)
    form = ImportForm(initial={"standard": batch.standard_id})
    return render(request, "people/import_detail.html", {
        **_form_context(form, request),
        "batch": batch,
        "problems": problem_rows(batch, lang()),
        "notes": note_rows(batch, lang()),
    })


@login_required
@require_POST
def apply(request: HttpRequest, batch_id: int) -> HttpResponse:
    _hr_only(request)
    batch = _batch_or_404(request, batch_id)
    try:
        confirm_batch(request.user, batch.pk)
    except NotApplicable as error:
        messages.error(request, error.message(lang()))
        return redirect("imports:detail", batch_id=batch.pk)
    messages.success(request, _("Confirmed: the background worker imports the data, all or nothing; "
                                "this page shows when it is done."))
    return redirect("imports:detail", batch_id=batch.pk)
