"""What an HR import changes about each person, field by field (old → new), for the import preview.

A person who holds a certificate keeps the certificate as it was issued (the certificate stores the
holder's name); a changed name of such a person is flagged so that the preview can warn loudly.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from qualify.core.records import PersonRecord

FIELDS = ("name", "org_unit", "job_family", "current_level", "hire_date", "family_start_date")
"""The employee columns compared, in the order of the employees sheet."""

TABLES = ("performance", "exams", "evidence", "ratings")
"""The person's other tables: a change there is reported by row count (old → new)."""


@dataclass(frozen=True)
class PersonDiff:
    employee_id: str
    fields: tuple[tuple[str, str, str], ...]  # (column, old, new)
    holds_certificate: bool = False

    @property
    def renamed(self) -> bool:
        return any(column == "name" for column, _, _ in self.fields)

    @property
    def renames_certificate_holder(self) -> bool:
        return self.holds_certificate and self.renamed

    def as_dict(self) -> dict[str, Any]:
        return {
            "employee_id": self.employee_id,
            "fields": [{"field": c, "old": o, "new": n} for c, o, n in self.fields],
            "holds_certificate": self.holds_certificate,
            "renames_certificate_holder": self.renames_certificate_holder,
        }


def person_diff(before: PersonRecord, after: PersonRecord, *, holds_certificate: bool = False) -> PersonDiff:
    """The columns of ``after`` that differ from ``before``, as text (old, new)."""
    changes: list[tuple[str, str, str]] = []
    for column in FIELDS:
        old, new = getattr(before.employee, column), getattr(after.employee, column)
        if old != new:
            changes.append((column, _text(old), _text(new)))
    for table in TABLES:
        old_rows, new_rows = getattr(before, table), getattr(after, table)
        if set(old_rows) != set(new_rows):
            changes.append((table, f"{len(old_rows)} rows", f"{len(new_rows)} rows"))
    return PersonDiff(before.employee.employee_id, tuple(changes), holds_certificate)


def import_diffs(
    existing: Mapping[str, PersonRecord],
    records: Mapping[str, PersonRecord],
    changed: Collection[str],
    certificate_holders: Collection[str] = (),
) -> list[PersonDiff]:
    """A diff per changed person (in ``changed`` order), certificate holders who are renamed first."""
    holders = set(certificate_holders)
    diffs = [
        person_diff(existing[i], records[i], holds_certificate=i in holders)
        for i in changed
        if i in existing and i in records
    ]
    return sorted(diffs, key=lambda d: not d.renames_certificate_holder)


def _text(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
