"""Import batches: validate an uploaded file into a batch, apply a validated batch.

The page, the API and ``qualify import`` all come through here; the rules are in
``qualify.services.hr_import``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qualify.core.errors import InvalidInput, Problem, QualifyError
from qualify.core.records import PersonRecord
from qualify.services.hr_import import ImportPlan, apply_import, plan_import
from qualify.services.hr_import_diff import import_diffs
from qualify.services.standards import list_standards, shipped_standard
from qualify.web.accounts import access
from qualify.web.accounts.audit import record
from qualify.web.people.models import ImportBatch, Person
from qualify.web.people.repository import OrmRepository

XLSX_MAGIC = b"PK\x03\x04"
SHOWN_IDS = 200  # how many employee ids of each kind a batch keeps for its report


def default_standard_id() -> str:
    standards = list_standards()
    published = [s for s in standards if s.status.value == "published"] or standards
    return published[0].id if published else ""


def _problem(code: str, en: str, zh: str, file: str) -> Problem:
    return Problem(code=code, message_en=en, message_zh=zh, file=file)


def check_upload(name: str, size: int, head: bytes) -> list[Problem]:
    """An upload's type and size, before it is read."""
    limit = settings.QUALIFY_UPLOAD_MAX_BYTES
    if not name.lower().endswith(".xlsx") or not head.startswith(XLSX_MAGIC):
        return [_problem("not-xlsx", "the file is not an .xlsx workbook", "文件不是 .xlsx 工作簿", name)]
    if size > limit:
        mb = limit // (1024 * 1024)
        return [_problem("too-large", f"the file is larger than {mb} MB", f"文件超过 {mb} MB", name)]
    return []


def _counts(plan: ImportPlan) -> dict[str, Any]:
    counts = plan.counts()
    counts["new_ids"] = list(plan.new[:SHOWN_IDS])
    counts["changed_ids"] = list(plan.changed[:SHOWN_IDS])
    return counts


def _diffs(plan: ImportPlan, existing: Mapping[str, PersonRecord] | None = None) -> list[dict[str, Any]]:
    """Per changed person, the columns that change (old → new); renamed certificate holders first."""
    ids = list(plan.changed[:SHOWN_IDS])
    before = existing if existing is not None else OrmRepository().existing(ids)
    holders = Person.objects.filter(employee_id__in=ids, certificates__isnull=False).values_list(
        "employee_id", flat=True)
    return [d.as_dict() for d in import_diffs(before, plan.records, ids, set(holders))]


def _plan(content: bytes, file_name: str, standard_id: str, user: Any) -> ImportPlan:
    standard = shipped_standard(standard_id)  # a shipped one by id: what a user sends is never a path
    with tempfile.TemporaryDirectory(prefix="qualify-import-") as folder:
        path = Path(folder) / "upload.xlsx"
        path.write_bytes(content)
        return plan_import(path, standard, OrmRepository(), allowed_families=access.hr_families(user),
                           file_label=file_name)


def _rejected(error: QualifyError) -> list[dict[str, Any]]:
    if isinstance(error, InvalidInput):
        return [p.as_dict() for p in error.problems]
    return [{"code": error.code, "message": error.message("en"), "message_zh": error.message("zh"),
             "file": "", "sheet": "", "row": None, "column": "", "path": ""}]


def validate_upload(user: Any, file_name: str, content: bytes, standard_id: str = "", *,
                    size: int | None = None) -> ImportBatch:
    """Check an uploaded workbook and keep it as a batch: ``validated`` (ready) or ``rejected``.

    ``size``: the upload's size when ``content`` is only its beginning (a file too large to read).
    """
    standard_id = standard_id or default_standard_id()
    batch = ImportBatch(created_by=user if getattr(user, "is_authenticated", False) else None,
                        file_name=Path(file_name).name[:255], standard_id=standard_id, content=content)
    problems = check_upload(file_name, len(content) if size is None else size, content[:4])
    if problems:
        batch.status, batch.problems = ImportBatch.Status.REJECTED, [p.as_dict() for p in problems]
        batch.content = b""
    else:
        try:
            plan = _plan(content, batch.file_name, standard_id, user)
        except QualifyError as error:
            batch.status, batch.problems = ImportBatch.Status.REJECTED, _rejected(error)
        else:
            batch.status = ImportBatch.Status.VALIDATED
            batch.counts = {**_counts(plan), "diffs": _diffs(plan)}
    batch.save()
    record(user, f"import.{batch.status}", "people.ImportBatch", batch.pk, None,
           {"file": batch.file_name, "standard": standard_id, "counts": batch.counts,
            "problems": len(batch.problems)})
    return batch


class NotApplicable(QualifyError):
    """The batch is not (or no longer) ready to apply."""


def apply_batch(user: Any, batch_id: int) -> ImportBatch:
    """Write a validated batch, all or nothing. The file is checked again first: the database may
    have changed since it was validated. A batch is applied at most once."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != ImportBatch.Status.VALIDATED:
            raise NotApplicable(
                code="import-not-applicable",
                message_en=f"import #{batch.pk} is {batch.status}; only a validated file is applied",
                message_zh=f"导入 #{batch.pk} 的状态为 {batch.status}；只有校验通过的文件才能导入")
        try:
            plan = _plan(bytes(batch.content), batch.file_name, batch.standard_id, user)
        except QualifyError as error:
            batch.status, batch.problems = ImportBatch.Status.REJECTED, _rejected(error)
            batch.save(update_fields=["status", "problems"])
            record(user, "import.rejected", "people.ImportBatch", batch.pk, None,
                   {"problems": len(batch.problems)})
            return batch
        before = OrmRepository().existing(plan.changed[:SHOWN_IDS])
        apply_import(plan, OrmRepository(), batch=batch)
        batch.status = ImportBatch.Status.APPLIED
        batch.counts = {**_counts(plan), "diffs": _diffs(plan, before)}
        batch.applied_at = timezone.now()
        batch.save(update_fields=["status", "counts", "applied_at"])
        record(user, "import.applied", "people.ImportBatch", batch.pk, {"status": "validated"},
               {"status": "applied", "file": batch.file_name, "standard": batch.standard_id,
                "new": list(plan.new), "changed": list(plan.changed)})
    return batch


def batches_visible_to(user: Any) -> Any:
    """The batches a user may see: their own uploads; all for admins; none for non-HR."""
    if not access.can_import(user):
        return ImportBatch.objects.none()
    batches = ImportBatch.objects.select_related("created_by").defer("content")
    return batches if access.is_admin(user) else batches.filter(created_by=user)


def problem_rows(batch: ImportBatch, language: str) -> list[dict[str, Any]]:
    """The batch's problems for a report, the message in ``language``."""
    zh = not language.startswith("en")
    return [{**p, "text": (p.get("message_zh") if zh else None) or p.get("message", "")}
            for p in batch.problems]
