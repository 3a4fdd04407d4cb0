"""A person's record as the HR data contract describes it (DESIGN.md, "HR data").

These are plain values: the readers in ``qualify.formats`` build them from a workbook or CSV folder,
the web app from its database, the example cases of a standard from YAML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Employee:
    employee_id: str
    name: str
    org_unit: str
    job_family: str
    current_level: int
    hire_date: dt.date
    family_start_date: dt.date


@dataclass(frozen=True, slots=True)
class PerformanceRecord:
    employee_id: str
    period: str  # "2026Q3"
    rating: str  # "A", "B+", "B", "C", "D"


@dataclass(frozen=True, slots=True)
class ExamRecord:
    employee_id: str
    sitting: str  # "2026"
    exam: str  # "general", "professional"
    score: float


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    employee_id: str
    evidence_id: str
    activity: str
    date: dt.date
    role: str | None = None
    audience: str | None = None
    scope: str | None = None
    project_kind: str | None = None
    outcome: str | None = None
    deliverables: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class RatingRecord:
    employee_id: str
    level: int
    element: str
    assessor: str
    rating: str  # "exceeds", "meets", "partial", "not_met"
    comment: str = ""


@dataclass(frozen=True)
class PersonRecord:
    """Everything known about one person that a decision may use."""

    employee: Employee
    performance: tuple[PerformanceRecord, ...] = ()
    exams: tuple[ExamRecord, ...] = ()
    evidence: tuple[EvidenceRecord, ...] = ()
    ratings: tuple[RatingRecord, ...] = ()


@dataclass(frozen=True)
class Organisation:
    """The HR data of a whole organisation: the contract's five sheets."""

    employees: tuple[Employee, ...] = ()
    performance: tuple[PerformanceRecord, ...] = ()
    exams: tuple[ExamRecord, ...] = ()
    evidence: tuple[EvidenceRecord, ...] = ()
    ratings: tuple[RatingRecord, ...] = ()
    _index: dict[str, PersonRecord] = field(default_factory=dict, repr=False, compare=False)

    def person(self, employee_id: str) -> PersonRecord | None:
        if not self._index:
            self._build_index()
        return self._index.get(employee_id)

    def _build_index(self) -> None:
        perf: dict[str, list[PerformanceRecord]] = {}
        exams: dict[str, list[ExamRecord]] = {}
        evidence: dict[str, list[EvidenceRecord]] = {}
        ratings: dict[str, list[RatingRecord]] = {}
        for p in self.performance:
            perf.setdefault(p.employee_id, []).append(p)
        for x in self.exams:
            exams.setdefault(x.employee_id, []).append(x)
        for e in self.evidence:
            evidence.setdefault(e.employee_id, []).append(e)
        for r in self.ratings:
            ratings.setdefault(r.employee_id, []).append(r)
        for emp in self.employees:
            i = emp.employee_id
            self._index[i] = PersonRecord(
                employee=emp,
                performance=tuple(perf.get(i, ())),
                exams=tuple(exams.get(i, ())),
                evidence=tuple(evidence.get(i, ())),
                ratings=tuple(ratings.get(i, ())),
            )
