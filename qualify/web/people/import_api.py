"""``/api/imports/``: the import page's JSON twin (HR and admins; others get 404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import File, Form, Router, Schema, UploadedFile
from ninja.responses import Status

from qualify.web.accounts import access
from qualify.web.pagination import Listing, paginate_api
from qualify.web.people.importing import batches_visible_to, confirm_batch, queue_upload
from qualify.web.people.models import ImportBatch

router = Router(tags=["imports"])


class ProblemOut(Schema):
    code: str
    message: str
    message_zh: str = ""
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""


class ImportOut(Schema):
    id: int
    created_at: dt.datetime
    created_by: str | None
    file_name: str
    standard: str
    status: str
    progress: int
    counts: dict[str, Any]
    problems: list[ProblemOut]
    applied_at: dt.datetime | None


def _out(batch: ImportBatch) -> ImportOut:
    return ImportOut(
        id=batch.pk, created_at=batch.created_at,
        created_by=batch.created_by.get_username() if batch.created_by else None,
        file_name=batch.file_name, standard=batch.standard_id, status=batch.status,
        progress=batch.progress, counts=batch.counts,
        problems=[ProblemOut(**{k: p.get(k) for k in ProblemOut.model_fields if k in p})
                  for p in batch.problems],
        applied_at=batch.applied_at,
    )


def _visible(request: HttpRequest, batch_id: int) -> ImportBatch:
    if not access.can_import(request.user):
        raise Http404
    try:
        return batches_visible_to(request.user).get(pk=batch_id)
    except ImportBatch.DoesNotExist:
        raise Http404 from None


@router.get("/", response=list[ImportOut], summary="Imports you uploaded (admins: all), newest first")
@paginate_api
def list_imports(request: HttpRequest) -> Listing:
    if not access.can_import(request.user):
        raise Http404
    return Listing(batches_visible_to(request.user), lambda page: [_out(batch) for batch in page])


@router.post("/", response={201: ImportOut},
             summary="Upload a workbook: kept and queued; the worker checks it (status queued → validated "
                     "or rejected), nothing is written yet")
def upload_import(request: HttpRequest, file: File[UploadedFile],
                  standard: Form[str] = "") -> Status[ImportOut]:
    if not access.can_import(request.user):
        raise Http404
    return Status(201, _out(queue_upload(request.user, file, standard)))


@router.get("/{batch_id}", response=ImportOut, summary="One import with its problems, row by row")
def get_import(request: HttpRequest, batch_id: int) -> ImportOut:
    return _out(_visible(request, batch_id))


@router.post("/{batch_id}/apply", response={202: ImportOut},
             summary="Confirm a checked import: the worker writes it, all or nothing (checked again "
                     "first); status confirmed → applied")
def apply_import(request: HttpRequest, batch_id: int) -> Status[ImportOut]:
    batch = _visible(request, batch_id)
    return Status(202, _out(confirm_batch(request.user, batch.pk)))
