"""Importing HR data into the store: validate the whole file, then write it all or nothing.

The file is the full state of the people it contains: each of them is created or updated, and their
performance, exams, evidence and ratings are replaced by the file's. People not in the file are not
touched. A person whose record the file changes keeps their previous record (a snapshot).

The store is reached through ``HRRepository`` (the web app's is ``qualify.web.people.repository``),
so this module knows nothing of Django.

The use cases the page, the API and ``qualify import`` call (through an ``ImportStore``, which also keeps
the import batches and the audit record):

- ``queue_upload`` (a web request): keep an uploaded workbook as a ``queued`` batch, its file in the
  store's file storage; nothing is read in the request;
- ``check_batch`` (the worker): check a batch's file, ``validated`` (with what applying it would do)
  or ``rejected`` (with every problem: file, sheet, row, column);
- ``confirm_batch`` (a web request): HR confirms a validated batch, the worker applies it;
- ``apply_batch`` (the worker): write a confirmed batch, all or nothing, after checking it again;
- ``import_file``: check a file and write it at once (``qualify import``), kept as an applied batch;
- ``on_imported``: subscribe to applied imports (the job families they touched).

New people are written from the Polars frames in bulk (the store's ``add_people``), never one object
per row; only people already on record are compared and snapshotted one by one.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Collection, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import polars as pl

from qualify.core.errors import InvalidInput, Problem, QualifyError
from qualify.core.records import PersonRecord
from qualify.core.standard import Standard
from qualify.formats.hrdata import MAX_PROBLEMS, HRFrames, read_hr_data, to_organisation
from qualify.formats.hrdata_raw import SHEET_NAMES
from qualify.services.hr_import_diff import import_diffs
from qualify.services.standards import list_standards, shipped_standard


class HRRepository(Protocol):
    def families(self, employee_ids: Collection[str]) -> Mapping[str, str]:
        """The job family on record of those of ``employee_ids`` that exist (and only those)."""

    def existing(self, employee_ids: Collection[str]) -> Mapping[str, PersonRecord]:
        """The stored records of those of ``employee_ids`` that exist."""

    def write(self, records: Iterable[PersonRecord], *, new: Collection[str], changed: Collection[str],
              batch: Any) -> None:
        """Create the ``new`` people, replace the ``changed`` ones (snapshotting their previous
        record against ``batch``), in ONE transaction."""

    def add_people(self, frames: HRFrames, employee_ids: Collection[str], *, batch: Any) -> None:
        """Create the people ``employee_ids`` (none of them exists) with their whole record as the
        frames hold it, straight from the frames in bulk (no object per row)."""


@dataclass(frozen=True)
class ImportPlan:
    """What applying a file would do. ``records``: the changed people's new records (the new people
    are written from ``frames``, never turned into objects one by one)."""

    frames: HRFrames = field(repr=False)
    sheets: dict[str, int]
    new: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    records: dict[str, PersonRecord] = field(default_factory=dict, repr=False)
    notes: tuple[Problem, ...] = ()  # what reading the file did (sheets joined or ignored, encoding …)

    def counts(self) -> dict[str, Any]:
        return {"sheets": self.sheets, "people": self.frames.employees.height, "new": len(self.new),
                "changed": len(self.changed), "unchanged": len(self.unchanged)}

    def families(self, before: Mapping[str, str]) -> frozenset[str]:
        """The job families the import touches: of the people it writes, now and (``before``) as they
        were on record."""
        written = set(self.new) | set(self.changed)
        now = self.frames.employees.filter(pl.col("employee_id").is_in(list(written)))["job_family"]
        return frozenset(now.to_list()) | {f for i, f in before.items() if i in written}


def _scope_problems(employees: pl.DataFrame, standard: Standard, on_record: Mapping[str, str],
                    allowed_families: Collection[str] | None, file: str) -> list[Problem]:
    """People of another job family than the standard's, or outside what the importer administers.
    ``on_record``: the job family of those already on record."""
    problems = []
    # The row a user sees: the header is row 1, the first employee row 2.
    for index, (employee_id, family) in enumerate(employees.select("employee_id", "job_family").iter_rows()):
        where = functools.partial(Problem, file=file, sheet="employees", row=index + 2, column="job_family")
        if family != standard.family:
            problems.append(where(
                code="wrong-family",
                message_en=(f"employee {employee_id} is in job family {family!r}; "
                            f"this file is checked against {standard.id} (family {standard.family!r})"),
                message_zh=(f"员工 {employee_id} 的职位族为 {family!r}；"
                            f"本文件按 {standard.id}（职位族 {standard.family!r}）校验"),
            ))
            continue
        if allowed_families is None:
            continue
        before = on_record.get(employee_id)
        if family not in allowed_families:
            problems.append(where(
                code="not-your-family",
                message_en=f"employee {employee_id}: you do not administer job family {family}",
                message_zh=f"员工 {employee_id}：您无权管理职位族 {family}",
            ))
        elif before is not None and before not in allowed_families:
            # The record on file is outside the importer's scope: say so without saying what it holds.
            problems.append(where(
                code="not-your-family",
                message_en=(f"employee {employee_id} is on record in a job family you do not "
                            "administer"),
                message_zh=f"员工 {employee_id} 已登记在您无权管理的职位族中",
            ))
    return problems


def _only(frames: HRFrames, employee_ids: Collection[str]) -> HRFrames:
    """The frames' rows of these people only."""
    ids = list(employee_ids)
    return HRFrames.of(**{name: frames.sheet(name).filter(pl.col("employee_id").is_in(ids))
                          for name in SHEET_NAMES})


def plan_import(path: Path, standard: Standard, repo: HRRepository, *,
                allowed_families: Collection[str] | None = None, file_label: str = "") -> ImportPlan:
    """Check the file and say what applying it would do; raise ``InvalidInput`` with every problem.

    ``allowed_families``: the job families the importing user administers (``None``: all).
    ``file_label``: the file name to show in problems (an upload is read from a temporary path).
    """
    label = file_label or str(path)
    try:
        frames = read_hr_data(path, standard)
    except InvalidInput as error:
        if file_label:
            for index, problem in enumerate(error.problems):
                if problem.file == str(path):
                    error.problems[index] = replace(problem, file=file_label)
            error.fields["problems"] = [p.as_dict() for p in error.problems]
        raise
    ids = frames.employees["employee_id"].to_list()
    on_record = repo.families(ids)
    problems = _scope_problems(frames.employees, standard, on_record, allowed_families, label)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > len(shown):
            more = len(problems) - len(shown)
            shown.append(Problem(code="more-problems", message_en=f"… and {more} more problems",
                                 message_zh=f"…… 另有 {more} 个问题", file=label))
        raise InvalidInput(shown, source=label)
    # Only the people already on record are compared (as objects); the new ones stay in the frames.
    known = [i for i in ids if i in on_record]
    existing = repo.existing(known) if known else {}
    org = to_organisation(_only(frames, known)) if known else None
    records: dict[str, PersonRecord] = {}
    new, changed, unchanged = [], [], []
    for i in ids:
        before = existing.get(i)
        record = org.person(i) if org is not None and before is not None else None
        if before is None or record is None:
            new.append(i)
        elif same_record(before, _normalised(record)):
            unchanged.append(i)
        else:
            changed.append(i)
            records[i] = _normalised(record)
    return ImportPlan(frames=frames, sheets=frames.counts(), new=tuple(new), changed=tuple(changed),
                      unchanged=tuple(unchanged), records=records, notes=frames.notes)


def _normalised(record: PersonRecord) -> PersonRecord:
    """Blank optional texts as empty strings, as the store keeps them."""
    employee = record.employee
    if employee.name is None or employee.org_unit is None:
        employee = replace(employee, name=employee.name or "", org_unit=employee.org_unit or "")
        return replace(record, employee=employee)
    return record


def same_record(a: PersonRecord, b: PersonRecord) -> bool:
    """Whether two records hold the same data (the order of rows within a sheet does not matter)."""

    def key(items: Iterable[Any]) -> list[str]:
        return sorted(repr(item) for item in items)

    return (a.employee == b.employee and key(a.performance) == key(b.performance)
            and key(a.exams) == key(b.exams) and key(a.evidence) == key(b.evidence)
            and key(a.ratings) == key(b.ratings))


def apply_import(plan: ImportPlan, repo: HRRepository, *, batch: Any = None) -> dict[str, Any]:
    """Write what ``plan`` says (the caller holds the transaction); returns the counts."""
    if plan.new:
        repo.add_people(plan.frames, plan.new, batch=batch)
    if plan.changed:
        repo.write([plan.records[i] for i in plan.changed], new=(), changed=plan.changed, batch=batch)
    return plan.counts()


# --- import batches: the page, the API, the worker and the command line ----------------------------

XLSX_MAGIC = b"PK\x03\x04"
SHOWN_IDS = 200  # how many employee ids of each kind a batch keeps for its report
QUEUED, CHECKING, VALIDATED, REJECTED = "queued", "checking", "validated", "rejected"
CONFIRMED, APPLYING, APPLIED, FAILED = "confirmed", "applying", "applied", "failed"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchView:
    """An import batch as the use cases read it back (its file stays in the store)."""

    id: int
    status: str
    file_name: str
    standard_id: str
    user: Any = None  # who uploaded it


class ImportStore(HRRepository, Protocol):
    """The HR data store with its import batches (and their files) and the audit record."""

    def atomic(self) -> AbstractContextManager[Any]: ...
    def now(self) -> dt.datetime: ...
    def add_batch(self, user: Any, *, file_name: str, standard_id: str, status: str,
                  content: bytes | BinaryIO | Path | None, counts: Mapping[str, Any],
                  problems: list[dict[str, Any]], applied_at: dt.datetime | None = None) -> int:
        """Keep a batch and its file (``content``: the bytes, an open file or a path; ``None``: no
        file kept); its id."""

    def batch(self, batch_id: int) -> BatchView: ...
    def batch_file(self, batch_id: int) -> AbstractContextManager[Path]:
        """The batch's file as a local path, for as long as the context lasts."""

    def lock_batch(self, batch_id: int) -> BatchView:
        """The batch, locked until the transaction ends (another apply of it waits)."""

    def update_batch(self, batch_id: int, **fields: Any) -> None: ...
    def certificate_holders(self, employee_ids: Collection[str]) -> set[str]:
        """Which of these people hold a certificate (their issued certificates keep their old name)."""

    def audit(
        self, actor: Any, action: str, obj_type: str, obj_id: object, before: Any, after: Any
    ) -> None: ...


class NotApplicable(QualifyError):
    """The batch is not (or no longer) ready to apply."""


# --- after an import: who wants to know --------------------------------------------------------------

@dataclass(frozen=True)
class AppliedImport:
    """What an applied import changed: the batch, the job families of the people it wrote (as they
    are now and as they were), and who was added or changed."""

    batch_id: int
    families: frozenset[str]
    new: tuple[str, ...]
    changed: tuple[str, ...]


_subscribers: list[Callable[[AppliedImport], None]] = []


def on_imported(callback: Callable[[AppliedImport], None]) -> Callable[[AppliedImport], None]:
    """Call ``callback`` after every applied import (web, worker and ``qualify import``), once its
    data is committed, e.g. to refresh the stored standings of the affected job families. A failing
    subscriber is logged; the import stays applied. Usable as a decorator; returns ``callback``."""
    if callback not in _subscribers:
        _subscribers.append(callback)
    return callback


def _notify(applied: AppliedImport) -> None:
    for callback in list(_subscribers):
        try:
            callback(applied)
        except Exception:  # one subscriber's failure must not undo or hide the import
            log.exception("on_imported subscriber %r failed for import #%s", callback, applied.batch_id)


def person_diffs(store: ImportStore, plan: ImportPlan,
                 existing: Mapping[str, PersonRecord] | None = None) -> list[dict[str, Any]]:
    """Per changed person (the first ``SHOWN_IDS``), the columns that change (old → new), renamed
    certificate holders flagged; ``existing``: the records as they were before the import wrote."""
    ids = list(plan.changed[:SHOWN_IDS])
    before = existing if existing is not None else store.existing(ids)
    holders = store.certificate_holders(ids)
    return [d.as_dict() for d in import_diffs(before, plan.records, ids, holders)]


def default_standard_id() -> str:
    """The standard an import is checked against when none is named: the first published one."""
    standards = list_standards()
    published = [s for s in standards if s.status.value == "published"] or standards
    return published[0].id if published else ""


def check_upload(name: str, size: int, head: bytes, max_bytes: int) -> list[Problem]:
    """An upload's type and size, before it is read."""
    if not name.lower().endswith(".xlsx") or not head.startswith(XLSX_MAGIC):
        return [Problem(code="not-xlsx", message_en="the file is not an .xlsx workbook",
                        message_zh="文件不是 .xlsx 工作簿", file=name)]
    if size > max_bytes:
        mb = max_bytes // (1024 * 1024)
        return [Problem(code="too-large", message_en=f"the file is larger than {mb} MB",
                        message_zh=f"文件超过 {mb} MB", file=name)]
    return []


def batch_counts(plan: ImportPlan) -> dict[str, Any]:
    """What a batch keeps of a plan: the counts and (the first ``SHOWN_IDS``) ids added and changed."""
    counts = plan.counts()
    counts["new_ids"] = list(plan.new[:SHOWN_IDS])
    counts["changed_ids"] = list(plan.changed[:SHOWN_IDS])
    counts["notes"] = [note.as_dict() for note in plan.notes]  # sheets joined or ignored, title rows …
    return counts


def rejected_problems(error: QualifyError) -> list[dict[str, Any]]:
    if isinstance(error, InvalidInput):
        return [p.as_dict() for p in error.problems]
    return [{"code": error.code, "message": error.message("en"), "message_zh": error.message("zh"),
             "file": "", "sheet": "", "row": None, "column": "", "path": ""}]


def _plan_batch(store: ImportStore, batch: BatchView, *,
                allowed_families: Collection[str] | None) -> ImportPlan:
    """``plan_import`` of a batch's stored file, checked against a SHIPPED standard by id (what a user
    sends is never a path)."""
    standard = shipped_standard(batch.standard_id)
    with store.batch_file(batch.id) as path:
        return plan_import(path, standard, store, allowed_families=allowed_families,
                           file_label=batch.file_name)


def queue_upload(store: ImportStore, user: Any, file_name: str, content: bytes | BinaryIO,
                 standard_id: str = "", *, max_bytes: int, size: int | None = None) -> int:
    """Keep an uploaded workbook as a batch for the worker to check (``queued``); one that is not an
    .xlsx workbook, too large, or for a standard that is not shipped is ``rejected`` at once and not
    kept. Returns the batch's id.

    ``content``: the bytes or an open file (read by the store, never whole by this function);
    ``size``: its size when not the length of ``content``."""
    standard_id = standard_id or default_standard_id()
    file_name = Path(file_name).name[:255]
    if isinstance(content, bytes):
        head, length = content[:4], len(content)
    else:
        head = content.read(4)
        content.seek(0)
        length = size or 0
    problems = check_upload(file_name, length if size is None else size, head, max_bytes)
    problem_rows = [p.as_dict() for p in problems]
    if not problems:
        try:
            shipped_standard(standard_id)  # a shipped standard, by id (what a user sends is never a path)
        except QualifyError as error:
            problem_rows = rejected_problems(error)
    status = REJECTED if problem_rows else QUEUED
    with store.atomic():
        batch_id = store.add_batch(user, file_name=file_name, standard_id=standard_id, status=status,
                                   content=None if problem_rows else content, counts={},
                                   problems=problem_rows)
        action = f"import.{'rejected' if problem_rows else 'uploaded'}"
        store.audit(user, action, "people.ImportBatch", batch_id, None,
                    {"file": file_name, "standard": standard_id, "problems": len(problem_rows)})
    return batch_id


def check_batch(store: ImportStore, batch_id: int, *, allowed_families: Collection[str] | None) -> str:
    """The worker's first step: read and check a queued (claimed: ``checking``) batch's file, and keep
    the result, ``validated`` with what applying it would do, or ``rejected`` with every problem.
    ``allowed_families``: those of the uploader. Nothing of the data is written."""
    batch = store.batch(batch_id)
    counts: dict[str, Any] = {}
    try:
        plan = _plan_batch(store, batch, allowed_families=allowed_families)
    except QualifyError as error:
        status, problem_rows = REJECTED, rejected_problems(error)
    else:
        status, problem_rows = VALIDATED, []
        counts = {**batch_counts(plan), "diffs": person_diffs(store, plan)}
    with store.atomic():
        store.update_batch(batch_id, status=status, counts=counts, problems=problem_rows, progress=100)
        store.audit(batch.user, f"import.{status}", "people.ImportBatch", batch_id, None,
                    {"file": batch.file_name, "standard": batch.standard_id, "counts": counts,
                     "problems": len(problem_rows)})
    return status


def validate_upload(store: ImportStore, user: Any, file_name: str, content: bytes, standard_id: str = "", *,
                    max_bytes: int, allowed_families: Collection[str] | None, size: int | None = None) -> int:
    """``queue_upload`` and ``check_batch`` at once, in this process (the demo, tests): the batch ends
    ``validated`` or ``rejected``. Returns the batch's id."""
    batch_id = queue_upload(store, user, file_name, content, standard_id, max_bytes=max_bytes, size=size)
    if store.batch(batch_id).status == QUEUED:
        store.update_batch(batch_id, status=CHECKING)
        check_batch(store, batch_id, allowed_families=allowed_families)
    return batch_id


def _not_applicable(batch: BatchView) -> NotApplicable:
    return NotApplicable(
        code="import-not-applicable",
        message_en=f"import #{batch.id} is {batch.status}; only a validated file is applied",
        message_zh=f"导入 #{batch.id} 的状态为 {batch.status}；只有校验通过的文件才能导入")


def confirm_batch(store: ImportStore, user: Any, batch_id: int) -> None:
    """HR confirms a validated batch: the worker applies it (``confirmed``); ``NotApplicable`` when it
    is not validated (a batch is applied at most once)."""
    with store.atomic():
        batch = store.lock_batch(batch_id)
        if batch.status != VALIDATED:
            raise _not_applicable(batch)
        store.update_batch(batch_id, status=CONFIRMED, progress=0,
                           confirmed_by=user if getattr(user, "is_authenticated", False) else None)
        store.audit(user, "import.confirmed", "people.ImportBatch", batch_id, {"status": VALIDATED},
                    {"status": CONFIRMED})


def apply_batch(store: ImportStore, user: Any, batch_id: int, *,
                allowed_families: Collection[str] | None) -> str:
    """Write a validated (or confirmed, or claimed by the worker: ``applying``) batch, all or nothing;
    its new status (``applied``, or ``rejected`` when the file no longer passes: the data may have
    changed since it was checked). A batch is applied at most once (``NotApplicable``). ``user``: who
    confirmed it, ``allowed_families`` theirs. Subscribers (``on_imported``) are told afterwards."""
    with store.atomic():
        batch = store.lock_batch(batch_id)
        if batch.status not in {VALIDATED, CONFIRMED, APPLYING}:
            raise _not_applicable(batch)
        try:
            plan = _plan_batch(store, batch, allowed_families=allowed_families)
        except QualifyError as error:
            problems = rejected_problems(error)
            store.update_batch(batch.id, status=REJECTED, problems=problems, progress=100)
            store.audit(user, "import.rejected", "people.ImportBatch", batch.id, None,
                        {"problems": len(problems)})
            return REJECTED
        before = store.existing(plan.changed[:SHOWN_IDS])
        families_before = store.families(plan.changed)
        apply_import(plan, store, batch=batch.id)
        counts = {**batch_counts(plan), "diffs": person_diffs(store, plan, before)}
        store.update_batch(batch.id, status=APPLIED, counts=counts, applied_at=store.now(), progress=100)
        store.audit(user, "import.applied", "people.ImportBatch", batch.id, {"status": batch.status},
                    {"status": APPLIED, "file": batch.file_name, "standard": batch.standard_id,
                     "new": list(plan.new), "changed": list(plan.changed)})
    _notify(AppliedImport(batch.id, plan.families(families_before), plan.new, plan.changed))
    return APPLIED


@dataclass(frozen=True)
class Imported:
    batch_id: int
    counts: dict[str, Any]
    notes: tuple[Problem, ...] = ()  # what reading the file did (sheets joined or ignored, encoding …)


def import_file(store: ImportStore, path: Path, standard: Standard, *, user: Any = None,
                via: str = "cli") -> Imported:
    """Check a workbook or CSV folder and write it at once, all or nothing (``InvalidInput`` with every
    problem, nothing written): ``qualify import``, in its own process, with the worker's bulk writes.
    A workbook is kept (in the store's files) as an applied batch, like a confirmed upload, so the
    import pages list it with the people it added and changed."""
    plan = plan_import(path, standard, store)
    counts = batch_counts(plan)
    with store.atomic():
        families_before = store.families(plan.changed)
        batch_id = store.add_batch(user, file_name=path.name[:255], standard_id=standard.id, status=APPLIED,
                                   content=path if path.is_file() else None, counts=counts,
                                   problems=[], applied_at=store.now())
        apply_import(plan, store, batch=batch_id)
        store.audit(user, "import.applied", "people.ImportBatch", batch_id, None,
                    {"file": str(path), "standard": standard.id, "new": list(plan.new),
                     "changed": list(plan.changed), "via": via})
    _notify(AppliedImport(batch_id, plan.families(families_before), plan.new, plan.changed))
    return Imported(batch_id=batch_id, counts=counts, notes=plan.notes)
