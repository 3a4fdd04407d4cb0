"""From the database to core records (and to JSON for snapshots).

``person_record(person)`` and ``organisation_for(people)`` are what every page that evaluates
someone calls; ``snapshots_for(person)`` lists a person's earlier records, newest first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from qualify.core.records import (
    Employee,
    EvidenceRecord,
    ExamRecord,
    Organisation,
    PerformanceRecord,
    PersonRecord,
    RatingRecord,
)
from qualify.web.people.models import (
    ElementRating,
    Evidence,
    ExamResult,
    PerformanceRating,
    Person,
    RecordSnapshot,
)


def employee_of(person: Person) -> Employee:
    return Employee(
        employee_id=person.employee_id,
        name=person.name,
        org_unit=person.org_unit.code if person.org_unit is not None else "",
        job_family=person.job_family,
        current_level=person.current_level,
        hire_date=person.hire_date,
        family_start_date=person.family_start_date,
    )


def _performance(row: PerformanceRating, employee_id: str) -> PerformanceRecord:
    return PerformanceRecord(employee_id=employee_id, period=row.period, rating=row.rating)


def _exam(row: ExamResult, employee_id: str) -> ExamRecord:
    return ExamRecord(employee_id=employee_id, sitting=row.sitting, exam=row.exam, score=row.score)


def _evidence(row: Evidence, employee_id: str) -> EvidenceRecord:
    return EvidenceRecord(
        employee_id=employee_id, evidence_id=row.evidence_id, activity=row.activity, date=row.date,
        role=row.role or None, audience=row.audience or None, scope=row.scope or None,
        project_kind=row.project_kind or None, outcome=row.outcome or None,
        deliverables=tuple(row.deliverables or ()), note=row.note,
    )


def _rating(row: ElementRating, employee_id: str) -> RatingRecord:
    return RatingRecord(employee_id=employee_id, level=row.level, element=row.element,
                        assessor=row.assessor, rating=row.rating, comment=row.comment)


def person_record(person: Person) -> PersonRecord:
    """Everything the database knows about ``person``, as a core record."""
    i = person.employee_id
    return PersonRecord(
        employee=employee_of(person),
        performance=tuple(_performance(r, i) for r in person.performance.order_by("period")),
        exams=tuple(_exam(r, i) for r in person.exams.order_by("sitting", "exam")),
        evidence=tuple(_evidence(r, i) for r in person.evidence.order_by("date", "evidence_id")),
        ratings=tuple(_rating(r, i) for r in person.element_ratings.order_by("level", "element", "id")),
    )


def organisation_for(people: QuerySet[Person], *, imported_only: bool = False) -> Organisation:
    """The records of ``people`` (already limited to what the caller may see), in five queries;
    ``imported_only``: only the evidence that came from HR data (what an import compares)."""
    people = people.select_related("org_unit").order_by("employee_id")
    ids = {p.pk: p.employee_id for p in people}
    pks = list(ids)

    def rows(model: Any, order: tuple[str, ...]) -> dict[int, list[Any]]:
        grouped: dict[int, list[Any]] = defaultdict(list)
        # Chunks keep the IN list within what every database accepts.
        for start in range(0, len(pks), 5000):
            found = model.objects.filter(person_id__in=pks[start:start + 5000])
            if model is Evidence and imported_only:
                found = found.filter(source=Evidence.Source.IMPORT)
            for row in found.order_by(*order):
                grouped[row.person_id].append(row)
        return grouped

    perf = rows(PerformanceRating, ("person_id", "period"))
    exams = rows(ExamResult, ("person_id", "sitting", "exam"))
    evidence = rows(Evidence, ("person_id", "date", "evidence_id"))
    ratings = rows(ElementRating, ("person_id", "level", "element", "id"))
    return Organisation(
        employees=tuple(employee_of(p) for p in people),
        performance=tuple(_performance(r, ids[pk]) for pk in pks for r in perf.get(pk, ())),
        exams=tuple(_exam(r, ids[pk]) for pk in pks for r in exams.get(pk, ())),
        evidence=tuple(_evidence(r, ids[pk]) for pk in pks for r in evidence.get(pk, ())),
        ratings=tuple(_rating(r, ids[pk]) for pk in pks for r in ratings.get(pk, ())),
    )


# --- snapshots ------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def record_data(record: PersonRecord) -> dict[str, Any]:
    """A person's record as JSON: the contract's five sheets, this person's rows only."""

    def rows(items: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [{k: _plain(getattr(item, k)) for k in item.__slots__ if k != "employee_id"} for item in items]

    employee = {k: _plain(getattr(record.employee, k)) for k in record.employee.__slots__}
    return {
        "employee": employee,
        "performance": rows(record.performance),
        "exams": rows(record.exams),
        "evidence": rows(record.evidence),
        "ratings": rows(record.ratings),
    }


def snapshots_for(person: Person) -> QuerySet[RecordSnapshot]:
    """The person's earlier records (each as it was before an import changed it), newest first.

    ``snapshot.data`` has the keys ``employee``, ``performance``, ``exams``, ``evidence``,
    ``ratings``; ``snapshot.batch`` says which import replaced it.
    """
    return RecordSnapshot.objects.filter(person=person).select_related("batch", "batch__created_by")
