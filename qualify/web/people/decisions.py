"""Decisions about people in the database: the standard of their job family, their knowledge standing
within the whole family, and the engine's decision (``qualify.services.assessment``).

The knowledge rank is a property of the whole job family (not of what a viewer may see): the cohort
is everyone of the family who sat the family's latest sitting, so it is computed from the exam
results of that sitting for the whole family, whoever asks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.utils import timezone

from qualify.core.decision import Decision, Stage
from qualify.core.knowledge import KnowledgeStanding
from qualify.core.records import ExamRecord, Organisation, PersonRecord
from qualify.core.standard import Standard
from qualify.services import knowledge
from qualify.services.assessment import evaluate_person
from qualify.services.people_decisions import standard_for_family
from qualify.services.standards import list_standards
from qualify.web.people.models import ExamResult, Person
from qualify.web.people.records import organisation_for


def today() -> dt.date:
    return timezone.localdate()


def standard_for(family: str) -> Standard | None:
    """The standard that applies to a job family (``None``: no shipped standard covers it)."""
    return standard_for_family(family, list_standards())


def family_exams(standard: Standard) -> list[ExamRecord]:
    """The exam results of the standard's exams in the job family's latest sitting, for everyone of
    the family (the engine reads no other sitting: a ranking needs only these)."""
    codes = [e.code for e in standard.knowledge.exams]
    rows = ExamResult.objects.filter(person__job_family=standard.family, exam__in=codes)
    # The latest sitting compared as Python text, as the engine does (not by the database's collation).
    latest = knowledge.latest_sitting(set(rows.values_list("sitting", flat=True).distinct()))
    if latest is None:
        return []
    return [ExamRecord(employee_id=i, sitting=s, exam=x, score=score) for i, s, x, score in
            rows.filter(sitting=latest).values_list("person__employee_id", "sitting", "exam", "score")]


def family_standings(standard: Standard, employee_ids: Iterable[str]) -> dict[str, KnowledgeStanding]:
    """The knowledge standing of ``employee_ids`` (people of the standard's family) within the whole
    family (``qualify.services.knowledge``), over the family's latest sitting in the database."""
    return knowledge.family_standings(standard, employee_ids, family_exams(standard))


def decide(record: PersonRecord, standard: Standard, *, as_of: dt.date, stage: Stage | str,
           standing: KnowledgeStanding | None = None) -> tuple[Decision, KnowledgeStanding | None]:
    """One person's decision at every level with the full trace, and their knowledge standing
    (ranked now unless given)."""
    employee_id = record.employee.employee_id
    if standing is None:
        standing = family_standings(standard, [employee_id]).get(employee_id)
    return evaluate_person(standard, record, as_of, stage, standing), standing


def decide_many(people: Sequence[Person], *, as_of: dt.date,
                stage: Stage | str = Stage.screening) -> dict[str, Decision]:
    """The decisions of a few people (a page of a list), grouped by job family: one ranking query
    per family, five queries for all their records. People whose family has no standard are left out."""
    by_family: dict[str, list[Person]] = {}
    for person in people:
        by_family.setdefault(person.job_family, []).append(person)
    decisions: dict[str, Decision] = {}
    for family, members in by_family.items():
        standard = standard_for(family)
        if standard is None:
            continue
        ids = [p.employee_id for p in members]
        standings = family_standings(standard, ids)
        organisation: Organisation = organisation_for(Person.objects.filter(pk__in=[p.pk for p in members]))
        for employee_id in ids:
            record = organisation.person(employee_id)
            if record is not None:
                decisions[employee_id] = evaluate_person(standard, record, as_of, stage,
                                                         standings.get(employee_id))
    return decisions
