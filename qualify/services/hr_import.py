"""Importing HR data into the store: validate the whole file, then write it all or nothing.

The file is the full state of the people it contains: each of them is created or updated, and their
performance, exams, evidence and ratings are replaced by the file's. People not in the file are not
touched. A person whose record the file changes keeps their previous record (a snapshot).

The store is reached through ``HRRepository`` (the web app's is ``qualify.web.people.repository``),
so this module knows nothing of Django.

The use cases the page, the API and ``qualify import`` call (through an ``ImportStore``, which also keeps
the import batches and the audit record):

- ``validate_upload``: check an uploaded workbook and keep it as a batch, ``validated`` or ``rejected``;
- ``apply_batch``: write a validated batch, all or nothing, after checking it again;
- ``import_file``: check a file and write it at once (the command line), kept as an applied batch.
"""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from collections.abc import Collection, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from qualify.core.errors import InvalidInput, Problem, QualifyError
from qualify.core.records import Organisation, PersonRecord
from qualify.core.standard import Standard
from qualify.formats.hrdata import MAX_PROBLEMS, read_hr_data, to_organisation
from qualify.services.hr_import_diff import import_diffs
from qualify.services.standards import list_standards, shipped_standard


class HRRepository(Protocol):
    def existing(self, employee_ids: Collection[str]) -> Mapping[str, PersonRecord]:
        """The stored records of those of ``employee_ids`` that exist."""

    def write(self, records: Iterable[PersonRecord], *, new: Collection[str], changed: Collection[str],
              batch: Any) -> None:
        """Create the ``new`` people, replace the ``changed`` ones (snapshotting their previous
        record against ``batch``), in ONE transaction."""


@dataclass(frozen=True)
class ImportPlan:
    """What applying a file would do."""

    organisation: Organisation
    sheets: dict[str, int]
    new: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    records: dict[str, PersonRecord] = field(default_factory=dict, repr=False)
    notes: tuple[Problem, ...] = ()  # what reading the file did (sheets joined or ignored, encoding …)

    def counts(self) -> dict[str, Any]:
        return {"sheets": self.sheets, "people": len(self.organisation.employees), "new": len(self.new),
                "changed": len(self.changed), "unchanged": len(self.unchanged)}


def _employee_rows(org: Organisation) -> dict[str, int]:
    # The row a user sees: the header is row 1, the first employee row 2.
    return {e.employee_id: index + 2 for index, e in enumerate(org.employees)}


def _scope_problems(org: Organisation, standard: Standard, existing: Mapping[str, PersonRecord],
                    allowed_families: Collection[str] | None, file: str) -> list[Problem]:
    """People of another job family than the standard's, or outside what the importer administers."""
    rows = _employee_rows(org)
    problems = []
    for employee in org.employees:
        where = functools.partial(Problem, file=file, sheet="employees", row=rows[employee.employee_id],
                                  column="job_family")
        if employee.job_family != standard.family:
            problems.append(where(
                code="wrong-family",
                message_en=(f"employee {employee.employee_id} is in job family {employee.job_family!r}; "
                            f"this file is checked against {standard.id} (family {standard.family!r})"),
                message_zh=(f"员工 {employee.employee_id} 的职位族为 {employee.job_family!r}；"
                            f"本文件按 {standard.id}（职位族 {standard.family!r}）校验"),
            ))
            continue
        if allowed_families is None:
            continue
        before = existing.get(employee.employee_id)
        if employee.job_family not in allowed_families:
            problems.append(where(
                code="not-your-family",
                message_en=(f"employee {employee.employee_id}: you do not administer job family "
                            f"{employee.job_family}"),
                message_zh=f"员工 {employee.employee_id}：您无权管理职位族 {employee.job_family}",
            ))
        elif before is not None and before.employee.job_family not in allowed_families:
            # The record on file is outside the importer's scope: say so without saying what it holds.
            problems.append(where(
                code="not-your-family",
                message_en=(f"employee {employee.employee_id} is on record in a job family you do not "
                            "administer"),
                message_zh=f"员工 {employee.employee_id} 已登记在您无权管理的职位族中",
            ))
    return problems


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
    org = to_organisation(frames)
    ids = [e.employee_id for e in org.employees]
    existing = repo.existing(ids)
    problems = _scope_problems(org, standard, existing, allowed_families, label)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > len(shown):
            more = len(problems) - len(shown)
            shown.append(Problem(code="more-problems", message_en=f"… and {more} more problems",
                                 message_zh=f"…… 另有 {more} 个问题", file=label))
        raise InvalidInput(shown, source=label)
    records = {i: _normalised(rec) for i in ids if (rec := org.person(i)) is not None}
    new, changed, unchanged = [], [], []
    for i in ids:
        before = existing.get(i)
        if before is None:
            new.append(i)
        elif same_record(before, records[i]):
            unchanged.append(i)
        else:
            changed.append(i)
    return ImportPlan(organisation=org, sheets=frames.counts(), new=tuple(new), changed=tuple(changed),
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
    """Write what ``plan`` says, in one transaction (the repository's); returns the counts."""
    to_write = [plan.records[i] for i in (*plan.new, *plan.changed)]
    repo.write(to_write, new=plan.new, changed=plan.changed, batch=batch)
    return plan.counts()


# --- import batches: the page, the API and the command line ------------------------------------------

XLSX_MAGIC = b"PK\x03\x04"
SHOWN_IDS = 200  # how many employee ids of each kind a batch keeps for its report
VALIDATED, REJECTED, APPLIED = "validated", "rejected", "applied"


@dataclass(frozen=True)
class BatchView:
    """An import batch as the use cases read it back."""

    id: int
    status: str
    file_name: str
    standard_id: str
    content: bytes = b""


class ImportStore(HRRepository, Protocol):
    """The HR data store with its import batches and the audit record."""

    def atomic(self) -> AbstractContextManager[Any]: ...
    def now(self) -> dt.datetime: ...
    def add_batch(self, user: Any, *, file_name: str, standard_id: str, status: str, content: bytes,
                  counts: Mapping[str, Any], problems: list[dict[str, Any]],
                  applied_at: dt.datetime | None = None) -> int:
        """Keep a batch; its id."""

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


def plan_upload(repo: HRRepository, content: bytes, file_name: str, standard_id: str, *,
                allowed_families: Collection[str] | None) -> ImportPlan:
    """``plan_import`` of an uploaded workbook, checked against a SHIPPED standard by id (what a user
    sends is never a path)."""
    standard = shipped_standard(standard_id)
    with tempfile.TemporaryDirectory(prefix="qualify-import-") as folder:
        path = Path(folder) / "upload.xlsx"
        path.write_bytes(content)
        return plan_import(path, standard, repo, allowed_families=allowed_families, file_label=file_name)


def validate_upload(store: ImportStore, user: Any, file_name: str, content: bytes, standard_id: str = "", *,
                    max_bytes: int, allowed_families: Collection[str] | None, size: int | None = None) -> int:
    """Check an uploaded workbook and keep it as a batch, ``validated`` (ready) or ``rejected`` (with
    every problem); recorded in the audit record. Returns the batch's id.

    ``size``: the upload's size when ``content`` is only its beginning (a file too large to read).
    """
    standard_id = standard_id or default_standard_id()
    file_name = Path(file_name).name[:255]
    counts: dict[str, Any] = {}
    problems = check_upload(file_name, len(content) if size is None else size, content[:4], max_bytes)
    if problems:
        status, problem_rows, content = REJECTED, [p.as_dict() for p in problems], b""
    else:
        try:
            plan = plan_upload(store, content, file_name, standard_id, allowed_families=allowed_families)
        except QualifyError as error:
            status, problem_rows = REJECTED, rejected_problems(error)
        else:
            status, problem_rows = VALIDATED, []
            counts = {**batch_counts(plan), "diffs": person_diffs(store, plan)}
    with store.atomic():
        batch_id = store.add_batch(user, file_name=file_name, standard_id=standard_id, status=status,
                                   content=content, counts=counts, problems=problem_rows)
        store.audit(user, f"import.{status}", "people.ImportBatch", batch_id, None,
                    {"file": file_name, "standard": standard_id, "counts": counts,
                     "problems": len(problem_rows)})
    return batch_id


def apply_batch(store: ImportStore, user: Any, batch_id: int, *,
                allowed_families: Collection[str] | None) -> str:
    """Write a validated batch, all or nothing; its new status (``applied``, or ``rejected`` when the
    file no longer passes: the data may have changed since it was checked). A batch is applied at
    most once (``NotApplicable``)."""
    with store.atomic():
        batch = store.lock_batch(batch_id)
        if batch.status != VALIDATED:
            raise NotApplicable(
                code="import-not-applicable",
                message_en=f"import #{batch.id} is {batch.status}; only a validated file is applied",
                message_zh=f"导入 #{batch.id} 的状态为 {batch.status}；只有校验通过的文件才能导入")
        try:
            plan = plan_upload(store, batch.content, batch.file_name, batch.standard_id,
                               allowed_families=allowed_families)
        except QualifyError as error:
            problems = rejected_problems(error)
            store.update_batch(batch.id, status=REJECTED, problems=problems)
            store.audit(user, "import.rejected", "people.ImportBatch", batch.id, None,
                        {"problems": len(problems)})
            return REJECTED
        before = store.existing(plan.changed[:SHOWN_IDS])
        apply_import(plan, store, batch=batch.id)
        counts = {**batch_counts(plan), "diffs": person_diffs(store, plan, before)}
        store.update_batch(batch.id, status=APPLIED, counts=counts, applied_at=store.now())
        store.audit(user, "import.applied", "people.ImportBatch", batch.id, {"status": VALIDATED},
                    {"status": APPLIED, "file": batch.file_name, "standard": batch.standard_id,
                     "new": list(plan.new), "changed": list(plan.changed)})
    return APPLIED


@dataclass(frozen=True)
class Imported:
    batch_id: int
    counts: dict[str, Any]
    notes: tuple[Problem, ...] = ()  # what reading the file did (sheets joined or ignored, encoding …)


def import_file(store: ImportStore, path: Path, standard: Standard, *, user: Any = None,
                via: str = "cli") -> Imported:
    """Check a workbook or CSV folder and write it at once, all or nothing (``InvalidInput`` with every
    problem, nothing written). The file is kept as an applied batch, like a confirmed upload, so the
    import pages list it with the people it added and changed."""
    plan = plan_import(path, standard, store)
    counts = batch_counts(plan)
    with store.atomic():
        batch_id = store.add_batch(user, file_name=path.name[:255], standard_id=standard.id, status=APPLIED,
                                   content=path.read_bytes() if path.is_file() else b"", counts=counts,
                                   problems=[], applied_at=store.now())
        apply_import(plan, store, batch=batch_id)
        store.audit(user, "import.applied", "people.ImportBatch", batch_id, None,
                    {"file": str(path), "standard": standard.id, "new": list(plan.new),
                     "changed": list(plan.changed), "via": via})
    return Imported(batch_id=batch_id, counts=counts, notes=plan.notes)
