"""Import batches for the page and the API: the use cases of ``qualify.services.hr_import`` on the ORM
store, with the web app's settings (upload limit) and the user's scope (the job families they
administer), returning the batch rows the pages show.

The page, the API and ``qualify import`` all come through ``qualify.services.hr_import``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from qualify.services import hr_import
from qualify.services.hr_import import NotApplicable, default_standard_id
from qualify.web.accounts import access
from qualify.web.people.models import ImportBatch
from qualify.web.people.repository import OrmRepository

__all__ = ["NotApplicable", "apply_batch", "batches_visible_to", "confirm_batch", "default_standard_id",
           "note_rows", "problem_rows", "queue_upload", "validate_upload"]


def queue_upload(user: Any, upload: Any, standard_id: str = "") -> ImportBatch:
    """Keep an uploaded workbook (an open file: copied into the file storage in blocks) as a batch
    for the worker to check; too large or not a workbook: rejected at once, not kept."""
    batch_id = hr_import.queue_upload(
        OrmRepository(), user, upload.name or "upload.xlsx", upload, standard_id, size=upload.size or 0,
        max_bytes=settings.QUALIFY_UPLOAD_MAX_BYTES)
    return ImportBatch.objects.get(pk=batch_id)


def confirm_batch(user: Any, batch_id: int) -> ImportBatch:
    """HR confirms a validated batch; the worker applies it. ``NotApplicable`` if it is not validated."""
    hr_import.confirm_batch(OrmRepository(), user, batch_id)
    return ImportBatch.objects.get(pk=batch_id)


def validate_upload(user: Any, file_name: str, content: bytes, standard_id: str = "", *,
                    size: int | None = None) -> ImportBatch:
    """Check an uploaded workbook in this process (the demo, tests; a web request queues instead) and
    keep it as a batch: ``validated`` (ready) or ``rejected``.

    ``size``: the upload's size when ``content`` is only its beginning (a file too large to read).
    """
    batch_id = hr_import.validate_upload(
        OrmRepository(), user, file_name, content, standard_id, size=size,
        max_bytes=settings.QUALIFY_UPLOAD_MAX_BYTES, allowed_families=access.hr_families(user))
    return ImportBatch.objects.get(pk=batch_id)


def apply_batch(user: Any, batch_id: int) -> ImportBatch:
    """Write a validated batch in this process (the demo, tests; the worker for the pages), all or
    nothing (checked again first); ``NotApplicable`` if it is not validated (applied at most once)."""
    hr_import.apply_batch(OrmRepository(), user, batch_id, allowed_families=access.hr_families(user))
    return ImportBatch.objects.get(pk=batch_id)


def batches_visible_to(user: Any) -> QuerySet[ImportBatch]:
    """The batches a user may see: their own uploads; all for admins; none for non-HR."""
    if not access.can_import(user):
        return ImportBatch.objects.none()
    batches = ImportBatch.objects.select_related("created_by")
    return batches if access.is_admin(user) else batches.filter(created_by=user)


def problem_rows(batch: ImportBatch, language: str) -> list[dict[str, Any]]:
    """The batch's problems for a report, the message in ``language``."""
    zh = not language.startswith("en")
    return [{**p, "text": (p.get("message_zh") if zh else None) or p.get("message", "")}
            for p in batch.problems]


def note_rows(batch: ImportBatch, language: str) -> list[dict[str, Any]]:
    """What reading the batch's file did (tables joined from several sheets, sheets ignored, title
    rows skipped, ratings superseded), the message in ``language``."""
    zh = not language.startswith("en")
    notes = (batch.counts or {}).get("notes", [])
    return [{**n, "text": (n.get("message_zh") if zh else None) or n.get("message", "")} for n in notes]
