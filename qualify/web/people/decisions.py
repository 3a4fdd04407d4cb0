"""Decisions about people in the database: the standard of their job family, their knowledge standing
within the whole family, and the engine's decision (``qualify.services.assessment``).

The knowledge rank is a property of the whole job family (not of what a viewer may see): the cohort
is everyone of the family who sat the family's latest sitting. It is computed once per family by the
batch engine and stored with each person's screening decision (``qualify.web.people.standing_store``);
a request reads the stored rows of the people it shows, and computes a person alone (against the
stored cohort) only for another date, another stage, or a person whose data changed since the run.
No request reads the whole family's results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from qualify.core.decision import Decision, Stage
from qualify.core.knowledge import KnowledgeStanding, no_standing
from qualify.core.records import ExamRecord, Organisation, PersonRecord
from qualify.core.standard import Standard
from qualify.services import knowledge, standings
from qualify.services.assessment import evaluate_person
from qualify.services.people_decisions import standard_for_family
from qualify.services.standards import list_standards
from qualify.web.people import standing_store as store
from qualify.web.people.models import ExamResult, Person, StandingRun
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
    family, from the stored standings (``qualify.web.people.standing_store``): one query for the rows
    of these people, and for anyone without a row one ranked alone against the stored cohort."""
    ids = list(dict.fromkeys(employee_ids))
    people = {p.employee_id: p for p in Person.objects.filter(employee_id__in=ids)}
    found = standings_for(standard, list(people.values()))
    return {i: found[people[i].pk].knowledge for i in ids if i in people and people[i].pk in found}


@dataclass(frozen=True)
class Stored:
    """A person's standing as the pages show it: the knowledge standing, where it comes from (the
    stored run and its date, or ranked alone against the stored cohort), and their stored row."""

    knowledge: KnowledgeStanding
    run: StandingRun | None
    row: standings.PersonRow | None

    @property
    def live(self) -> bool:
        return self.row is None

    @property
    def as_of(self) -> dt.date | None:
        return self.run.as_of if self.run is not None else None

    @property
    def computed_at(self) -> dt.datetime | None:
        return self.run.finished_at if self.run is not None else None


def _alone(standard: Standard, run: StandingRun | None, person: Person, old: standings.PersonRow | None,
           exams: Iterable[ExamRecord] | None = None) -> KnowledgeStanding:
    """One person ranked alone against the stored cohort (their data changed after the run, or they
    are new): the others of the cohort as stored, this person's results as they are now."""
    if run is None:
        return no_standing(standard)
    if exams is None:
        exams = [ExamRecord(employee_id=person.employee_id, sitting=s, exam=x, score=v) for s, x, v in
                 person.exams.filter(sitting=run.sitting).values_list("sitting", "exam", "score")]
    others = run.cohort - (1 if old is not None and old.rank is not None else 0)
    def above(score: float) -> int:
        return store.count_above(run, score, other_than=person.pk)

    return standings.live_standing(standard, exams, sitting=run.sitting or None, cohort=others,
                                   count_above=above)


def standings_for(standard: Standard, people: Sequence[Person]) -> dict[int, Stored]:
    """The stored standing of each of ``people`` (of the standard's family), by person pk."""
    run = store.current_run(standard)
    rows = store.rows_of(run, [p.pk for p in people]) if run is not None else {}
    found = {}
    for person in people:
        row = rows.get(person.pk)
        if row is not None and run is not None and not row.changed:
            knowledge_standing = standings.stored_standing(row, run.sitting or None, run.cohort)
            found[person.pk] = Stored(knowledge_standing, run, row)
        else:
            found[person.pk] = Stored(_alone(standard, run, person, row), run, None)
    return found


def standing_of(standard: Standard, person: Person, record: PersonRecord | None = None) -> Stored:
    """One person's stored standing (two queries), or their standing ranked alone against the stored
    cohort when their row is missing or marked changed (their data changed after the run)."""
    run = store.current_run(standard)
    row = store.row_of(run, person.pk) if run is not None else None
    if row is not None and run is not None and not row.changed:
        return Stored(standings.stored_standing(row, run.sitting or None, run.cohort), run, row)
    return Stored(_alone(standard, run, person, row, record.exams if record is not None else None), run, None)


def stored_decision(standard: Standard, stored: Stored, *, as_of: dt.date,
                    stage: Stage | str) -> Decision | None:
    """The stored screening decision when it answers the question (the run's date, the screening
    stage, the current standard); ``None`` otherwise."""
    run, row = stored.run, stored.row
    if run is None or row is None or Stage(stage) is not Stage.screening or run.as_of != as_of \
            or run.standard_sha256 != store.standard_sha256(standard):
        return None
    return standings.stored_decision(row, standard_id=run.standard_id, as_of=as_of, schedule=run.schedule,
                                     texts=store.texts_of(run, standings.text_numbers(row)))


def decide_stored(person: Person, record: PersonRecord, standard: Standard, *, as_of: dt.date,
                  stage: Stage | str, stored: Stored | None = None) -> tuple[Decision, Stored]:
    """One person's decision: the stored one when it answers the question, else computed for this
    person alone with their stored standing (never the whole family)."""
    if stored is None:
        stored = standing_of(standard, person, record)
    decision = stored_decision(standard, stored, as_of=as_of, stage=stage)
    if decision is None:
        decision = evaluate_person(standard, record, as_of, stage, stored.knowledge)
    return decision, stored


def decide(record: PersonRecord, standard: Standard, *, as_of: dt.date, stage: Stage | str,
           standing: KnowledgeStanding | None = None) -> tuple[Decision, KnowledgeStanding | None]:
    """One person's decision at every level with the full trace, and their knowledge standing
    (the stored one unless given)."""
    if standing is None:
        person = Person.objects.get(employee_id=record.employee.employee_id)
        decision, stored = decide_stored(person, record, standard, as_of=as_of, stage=stage)
        return decision, stored.knowledge
    return evaluate_person(standard, record, as_of, stage, standing), standing


def highest_levels(people: Sequence[Person], *, as_of: dt.date) -> dict[str, tuple[int, int | None]]:
    """The highest eligible level (screening) of a few people (a page of a list), with the stored run
    it comes from: from their stored rows when the run is of ``as_of``, else computed for them alone
    with their stored standings (run ``None``). People whose family has no standard are left out."""
    by_family: dict[str, list[Person]] = {}
    for person in people:
        by_family.setdefault(person.job_family, []).append(person)
    found: dict[str, tuple[int, int | None]] = {}
    for family, members in by_family.items():
        standard = standard_for(family)
        if standard is None:
            continue
        stored = standings_for(standard, members)
        rest = []
        for person in members:
            s = stored[person.pk]
            if s.row is not None and s.as_of == as_of and s.row.current_level == person.current_level \
                    and s.run is not None and s.run.standard_sha256 == store.standard_sha256(standard):
                found[person.employee_id] = (s.row.highest_eligible_level, s.run.pk)
            else:
                rest.append(person)
        if rest:
            organisation: Organisation = organisation_for(Person.objects.filter(pk__in=[p.pk for p in rest]))
            for person in rest:
                record = organisation.person(person.employee_id)
                if record is not None:
                    found[person.employee_id] = (evaluate_person(
                        standard, record, as_of, Stage.screening, stored[person.pk].knowledge
                    ).highest_eligible_level, None)
    return found


def decide_many(people: Sequence[Person], *, as_of: dt.date,
                stage: Stage | str = Stage.screening) -> dict[str, Decision]:
    """The decisions of a few people (a page of a list), grouped by job family, with their stored
    standings; five queries for all their records. People whose family has no standard are left out."""
    by_family: dict[str, list[Person]] = {}
    for person in people:
        by_family.setdefault(person.job_family, []).append(person)
    decisions: dict[str, Decision] = {}
    for family, members in by_family.items():
        standard = standard_for(family)
        if standard is None:
            continue
        stored = standings_for(standard, members)
        organisation: Organisation = organisation_for(Person.objects.filter(pk__in=[p.pk for p in members]))
        for person in members:
            record = organisation.person(person.employee_id)
            if record is not None:
                decisions[person.employee_id] = evaluate_person(standard, record, as_of, stage,
                                                                stored[person.pk].knowledge)
    return decisions
