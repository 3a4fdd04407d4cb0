"""A standard's example cases (worked cases with expected outcomes), run by either evaluator.

Each example is a small organisation: its people become records, exam ranks are computed among
those people, each person named in ``expect`` is evaluated at the example's as-of date and stage,
and every expectation is compared. ``run_examples`` returns one result per example with a readable
line per mismatch; CI runs them for every shipped standard through the reference evaluator (core)
and through the batch evaluator (Polars) alike (tests/contract/test_examples.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from qualify.core.decision import Decision, Stage
from qualify.core.evaluate import evaluate
from qualify.core.knowledge import rank_knowledge
from qualify.core.records import (
    Employee,
    EvidenceRecord,
    ExamRecord,
    Organisation,
    PerformanceRecord,
    PersonRecord,
    RatingRecord,
)
from qualify.core.standard import Example, ExamplePerson, Expectation, Standard


def person_record(person: ExamplePerson) -> PersonRecord:
    """An example person as the record the evaluators read."""
    i = person.employee_id
    return PersonRecord(
        employee=Employee(employee_id=i, name=person.name, org_unit=person.org_unit,
                          job_family=person.job_family, current_level=person.current_level,
                          hire_date=person.hire_date, family_start_date=person.family_start_date),
        performance=tuple(PerformanceRecord(i, p.period, p.rating) for p in person.performance),
        exams=tuple(ExamRecord(i, x.sitting, x.exam, x.score) for x in person.exams),
        evidence=tuple(
            EvidenceRecord(i, e.evidence_id, e.activity, e.date, e.role, e.audience, e.scope, e.project_kind,
                           e.outcome, tuple(e.deliverables), e.note)
            for e in person.evidence
        ),
        ratings=tuple(RatingRecord(i, r.level, r.element, r.assessor, r.rating, r.comment)
                      for r in person.ratings),
    )


def organisation(people: list[ExamplePerson]) -> Organisation:
    """Example people as an organisation (the five sheets of the HR data contract)."""
    records = [person_record(p) for p in people]
    return Organisation(
        employees=tuple(r.employee for r in records),
        performance=tuple(x for r in records for x in r.performance),
        exams=tuple(x for r in records for x in r.exams),
        evidence=tuple(x for r in records for x in r.evidence),
        ratings=tuple(x for r in records for x in r.ratings),
    )


Engine = Literal["reference", "batch"]


def decide_example(standard: Standard, example: Example, engine: Engine = "reference") -> dict[str, Decision]:
    """The decision of every person of the example who is in the standard's job family."""
    if engine == "batch":
        return _decide_in_batch(standard, example)
    records = {p.employee_id: person_record(p) for p in example.people}
    standings = rank_knowledge(standard, [r.employee for r in records.values()],
                               [x for r in records.values() for x in r.exams])
    return {
        i: evaluate(standard, record, as_of=example.as_of, stage=Stage(example.stage),
                    knowledge=standings.get(i))
        for i, record in records.items() if record.employee.job_family == standard.family
    }


def _decide_in_batch(standard: Standard, example: Example) -> dict[str, Decision]:
    """The same decisions by the batch evaluator, from the example's people as HR data frames."""
    from qualify.batch.evaluate import evaluate_batch  # Polars, imported when it is used
    from qualify.formats.hrdata import from_organisation

    frames = from_organisation(organisation(example.people))
    result = evaluate_batch(standard, frames, example.as_of, Stage(example.stage))
    return {decision.employee_id: decision for decision in result.iter_decisions()}


@dataclass(frozen=True)
class ExampleResult:
    standard: str
    code: str
    mismatches: list[str] = field(default_factory=list)
    engine: Engine = "reference"

    @property
    def ok(self) -> bool:
        return not self.mismatches


def compare(expectation: Expectation, decision: Decision | None) -> list[str]:
    """One readable line per expectation the decision does not meet."""
    who = expectation.employee_id
    if decision is None:
        return [f"{who}: no decision (not among the example's people of the standard's job family)"]
    out = []
    if (expectation.highest_eligible_level is not None
            and decision.highest_eligible_level != expectation.highest_eligible_level):
        out.append(f"{who}: highest eligible level: expected {expectation.highest_eligible_level}, "
                   f"got {decision.highest_eligible_level}")
    for number, expected in expectation.levels.items():
        level = decision.level(number)
        got = level.outcome.value if level is not None else "no such level"
        if got != expected:
            out.append(f"{who}, level {number}: expected {expected}, got {got}")
    for check in expectation.checks:
        level = decision.level(check.level)
        found = next((c for c in level.checks if c.rule == check.rule), None) if level else None
        if found is None:
            out.append(f"{who}, level {check.level}, {check.rule}: expected {check.outcome}, "
                       "got no such check")
        elif found.outcome.value != check.outcome:
            out.append(f"{who}, level {check.level}, {check.rule}: expected {check.outcome}, "
                       f"got {found.outcome.value} (actual {found.actual!r}; {found.message_en})")
    return out


def run_example(standard: Standard, example: Example, engine: Engine = "reference") -> ExampleResult:
    decisions = decide_example(standard, example, engine)
    mismatches = [line for expectation in example.expect
                  for line in compare(expectation, decisions.get(expectation.employee_id))]
    return ExampleResult(standard=standard.id, code=example.code, mismatches=mismatches, engine=engine)


def run_examples(standard: Standard, engine: Engine = "reference") -> list[ExampleResult]:
    """Every example case of ``standard``, in order, by the reference (core) or the batch evaluator."""
    return [run_example(standard, example, engine) for example in standard.examples]


def report(results: list[ExampleResult]) -> str:
    """A readable report of the failing examples (empty when all pass)."""
    lines = []
    for result in results:
        if not result.ok:
            by = " (batch evaluator)" if result.engine == "batch" else ""
            lines.append(f"{result.standard} example {result.code}{by}:")
            lines.extend(f"  {line}" for line in result.mismatches)
    return "\n".join(lines)
