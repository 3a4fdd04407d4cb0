"""The import half of the background worker (``qualify worker``): claims an uploaded batch and checks
it, or a confirmed one and applies it (``qualify.services.hr_import``), so that no web request reads
or writes HR data in bulk.

A batch is claimed by an atomic conditional update (``queued`` → ``checking``, ``confirmed`` →
``applying``) that only one worker can win, on PostgreSQL and SQLite alike. A failure that is not in
the file (the database went away …) marks the batch ``failed``; its transaction wrote nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.utils import timezone

from qualify.services import hr_import
from qualify.web.accounts import access
from qualify.web.people.models import ImportBatch
from qualify.web.people.repository import OrmRepository

log = logging.getLogger(__name__)
Status = ImportBatch.Status
# A check or an apply beats only when it is claimed (an apply holds one transaction, whose writes no
# one else sees until it ends): a batch is left by a dead worker only after this long.
STALE_AFTER = dt.timedelta(minutes=30)
STEPS = ((Status.QUEUED, Status.CHECKING), (Status.CONFIRMED, Status.APPLYING))


def fail_stale(now: dt.datetime) -> list[int]:
    """Mark failed the batches whose worker stopped: checking or applying, no sign of life for
    ``STALE_AFTER``. (An apply holds its batch's row lock until it commits: on PostgreSQL a live one
    is never marked, the update waits and then finds it applied.)"""
    stale = list(ImportBatch.objects.filter(status__in=[Status.CHECKING, Status.APPLYING],
                                            heartbeat__lt=now - STALE_AFTER).values_list("pk", flat=True))
    minutes = int(STALE_AFTER.total_seconds() // 60)
    problem = {"code": "worker-died",
               "message": f"the worker stopped (no sign of life for {minutes} minutes); nothing was written: "
                          "upload the file again",
               "message_zh": f"后台进程已停止（{minutes} 分钟无响应）；未写入任何数据：请重新上传文件",
               "file": "", "sheet": "", "row": None, "column": "", "path": ""}
    return [pk for pk in stale if ImportBatch.objects.filter(
        pk=pk, status__in=[Status.CHECKING, Status.APPLYING], heartbeat__lt=now - STALE_AFTER,
    ).update(status=Status.FAILED, problems=[problem], progress=100)]


def claim_next() -> int | None:
    """Take the oldest batch waiting to be checked or applied, or ``None`` (nothing, or others won)."""
    now = timezone.now()
    fail_stale(now)
    for waiting, working in STEPS:
        candidates = ImportBatch.objects.filter(status=waiting).order_by("created_at", "id")
        for pk in list(candidates.values_list("pk", flat=True)[:10]):
            if ImportBatch.objects.filter(pk=pk, status=waiting).update(status=working, progress=10,
                                                                        heartbeat=now):
                return int(pk)
    return None


def _families(user: Any) -> list[str] | None:
    return access.hr_families(user) if user is not None else []  # uploader gone: nobody's families


def run_once() -> ImportBatch | None:
    """Claim one batch and check or apply it; ``None`` when nothing was waiting."""
    batch_id = claim_next()
    if batch_id is None:
        return None
    batch = ImportBatch.objects.select_related("created_by", "confirmed_by").get(pk=batch_id)
    log.info("import #%s claimed (%s)", batch_id, batch.status)
    store = OrmRepository()
    try:
        if batch.status == Status.CHECKING:
            hr_import.check_batch(store, batch_id, allowed_families=_families(batch.created_by))
        else:
            hr_import.apply_batch(store, batch.confirmed_by, batch_id,
                                  allowed_families=_families(batch.confirmed_by))
    except Exception as error:  # the worker keeps serving; the batch says what happened
        log.exception("import #%s failed", batch_id)
        problem = {"code": "internal-error", "message": f"internal error: {type(error).__name__}: {error}",
                   "message_zh": f"内部错误：{type(error).__name__}：{error}", "file": "", "sheet": "",
                   "row": None, "column": "", "path": ""}
        ImportBatch.objects.filter(pk=batch_id).update(status=Status.FAILED, problems=[problem], progress=100)
    return ImportBatch.objects.get(pk=batch_id)
