"""Importing HR data into the store: validate the whole file, then write it all or nothing.

The file is the full state of the people it contains: each of them is created or updated, and their
performance, exams, evidence and ratings are replaced by the file's. People not in the file are not
touched. A person whose record the file changes keeps their previous record (a snapshot).

The store is reached through ``HRRepository`` (the web app's is ``qualify.web.people.repository``),
so this module knows nothing of Django.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from qualify.core.errors import InvalidInput, Problem
from qualify.core.records import Organisation, PersonRecord
from qualify.core.standard import Standard
from qualify.formats.hrdata import MAX_PROBLEMS, read_hr_data, to_organisation


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
                      unchanged=tuple(unchanged), records=records)


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
