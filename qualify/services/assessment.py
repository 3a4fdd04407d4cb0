"""Use cases: assess a whole organisation, explain one person's decision, evaluate one person.

- ``assess``: reads HR data (all or nothing), evaluates every employee of the standard's job family
  at every level (with the Polars batch evaluator when available, else the reference evaluator) and
  streams the decisions in input order, counting a summary as they go;
- ``explain``: the full trace of one person by the reference evaluator;
- ``evaluate_person`` / ``rank_knowledge``: for callers that already hold records (the web app).

Employees of other job families are not assessed; the summary counts them as skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from qualify.core.decision import Decision, LevelOutcome, Stage
from qualify.core.errors import NotFound, Problem, QualifyError
from qualify.core.evaluate import evaluate
from qualify.core.knowledge import KnowledgeStanding, most_allowed_levels_above, rank_knowledge
from qualify.core.records import Employee, Organisation, PersonRecord
from qualify.core.standard import Standard
from qualify.services.standards import get_standard, list_standards

Engine = Literal["auto", "batch", "reference"]

__all__ = ["Assessment", "Engine", "Explanation", "Summary", "SummaryCounter", "assess", "evaluate_person",
           "explain", "rank_knowledge", "resolve_standard"]

DEFAULT_STAGE = Stage.screening
"""The stage every entry point uses when none is given: ``qualify assess``, ``qualify explain``, the
people pages and their API give the same answer for the same person on the same day."""


def resolve_standard(ref: str | None) -> Standard:
    """The standard ``ref`` (an id or a YAML path); without one, the only shipped standard."""
    if ref:
        return get_standard(ref)
    shipped = list_standards()
    if len(shipped) != 1:
        known = ", ".join(s.id for s in shipped) or "none"
        raise QualifyError(code="standard-required",
                           message_en=f"say which standard with --standard; shipped: {known}",
                           message_zh=f"请用 --standard 指定标准；已有标准：{known}")
    return shipped[0]


def evaluate_person(standard: Standard, person: PersonRecord, as_of: dt.date, stage: Stage | str,
                    knowledge: KnowledgeStanding | None) -> Decision:
    """One person's decision with the full trace (the reference evaluator)."""
    return evaluate(standard, person, as_of=as_of, stage=stage, knowledge=knowledge)


# --- summary ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """People per highest eligible level, and per level the count of each outcome."""

    standard: str
    as_of: dt.date
    stage: Stage
    assessed: int
    skipped: int
    by_highest: dict[int, int]
    by_level: dict[int, dict[str, int]]
    notes: tuple[Problem, ...] = ()  # what reading the HR data did (sheets joined or ignored, encoding …)


@dataclass
class SummaryCounter:
    standard: Standard
    as_of: dt.date
    stage: Stage
    skipped: int = 0
    assessed: int = 0
    by_highest: dict[int, int] = field(default_factory=dict)
    by_level: dict[int, dict[str, int]] = field(default_factory=dict)
    notes: tuple[Problem, ...] = ()

    def __post_init__(self) -> None:
        self.by_highest = dict.fromkeys([0, *self.standard.level_numbers], 0)
        self.by_level = {n: dict.fromkeys([o.value for o in LevelOutcome], 0)
                         for n in self.standard.level_numbers}

    def add(self, decision: Decision) -> None:
        self.assessed += 1
        highest = decision.highest_eligible_level
        self.by_highest[highest] = self.by_highest.get(highest, 0) + 1
        for level in decision.levels:
            self.by_level[level.level][level.outcome.value] += 1

    def summary(self) -> Summary:
        return Summary(standard=self.standard.id, as_of=self.as_of, stage=self.stage, assessed=self.assessed,
                       skipped=self.skipped, by_highest=dict(self.by_highest),
                       by_level={k: dict(v) for k, v in self.by_level.items()}, notes=self.notes)


# --- assess -------------------------------------------------------------------------------------


@dataclass
class Assessment:
    """An organisation's assessment: ``decisions()`` streams one decision per assessed employee in
    input order and counts ``summary()`` as it goes (iterate it once)."""

    standard: Standard
    as_of: dt.date
    stage: Stage
    engine: str
    employees: dict[str, Employee]
    skipped: int
    _produce: Callable[[], Iterator[Decision]]
    _counter: SummaryCounter

    @property
    def people(self) -> int:
        return len(self.employees)

    @property
    def reach(self) -> int:
        """How many levels above the current level a person may apply for at best (at least one):
        the levels whose failing checks matter to them."""
        return max(1, most_allowed_levels_above(self.standard.knowledge.policy))

    def decisions(self) -> Iterator[Decision]:
        for decision in self._produce():
            self._counter.add(decision)
            yield decision

    def summary(self) -> Summary:
        return self._counter.summary()


def _reference_decisions(standard: Standard, organisation: Organisation, ids: Iterable[str],
                         as_of: dt.date, stage: Stage) -> Iterator[Decision]:
    standings = rank_knowledge(standard, organisation.employees, organisation.exams)
    for employee_id in ids:
        person = organisation.person(employee_id)
        if person is not None:
            yield evaluate(standard, person, as_of=as_of, stage=stage, knowledge=standings.get(employee_id))


def assess(standard_ref: str | None, data_path: Path, as_of: dt.date, stage: Stage | str = DEFAULT_STAGE,
           *, engine: Engine = "auto") -> Assessment:
    """Read ``data_path`` (rejected whole on any bad row) and prepare the decisions of every employee of
    the standard's job family. Nothing is evaluated until ``decisions()`` is iterated."""
    from qualify.formats.hrdata import read_hr_data, to_organisation

    standard = resolve_standard(standard_ref)
    stage = Stage(stage)
    frames = read_hr_data(Path(data_path), standard)
    employees = {}
    skipped = 0
    for employee_id, name, org_unit, job_family, current_level, hire, family_start in (
            frames.employees.iter_rows()):
        if job_family == standard.family:
            employees[employee_id] = Employee(employee_id, name, org_unit, job_family, current_level, hire,
                                              family_start)
        else:
            skipped += 1
    counter = SummaryCounter(standard, as_of, stage, skipped=skipped, notes=frames.notes)

    if engine in ("auto", "batch"):
        from qualify.batch.evaluate import evaluate_batch  # Polars, imported when it is used

        def produce() -> Iterator[Decision]:
            return evaluate_batch(standard, frames, as_of, stage).iter_decisions()
        used = "batch"
    else:
        def produce() -> Iterator[Decision]:
            return _reference_decisions(standard, to_organisation(frames), employees, as_of, stage)
        used = "reference"
    return Assessment(standard=standard, as_of=as_of, stage=stage, engine=used, employees=employees,
                      skipped=skipped, _produce=produce, _counter=counter)


# --- explain ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    standard: Standard
    employee: Employee
    decision: Decision
    knowledge: KnowledgeStanding | None
    level: int | None  # the one level asked for, or None for all


def explain(standard_ref: str | None, data_path: Path, employee_id: str, level: int | None,
            as_of: dt.date, stage: Stage | str = DEFAULT_STAGE) -> Explanation:
    """One person's full trace, ranked within the whole organisation read from ``data_path``."""
    import polars as pl

    from qualify.formats.hrdata import SHEET_NAMES, HRFrames, read_hr_data, to_organisation

    standard = resolve_standard(standard_ref)
    if level is not None and standard.level(level) is None:
        raise NotFound(code="level-not-found",
                       message_en=f"{standard.id} has no level {level}; levels: {standard.level_numbers}",
                       message_zh=f"{standard.id} 没有 {level} 级；已有等级：{standard.level_numbers}",
                       fields={"level": level})
    frames = read_hr_data(Path(data_path), standard)
    # only this person's rows become records; the ranking needs everyone's employees and exams rows
    mine = HRFrames(**{name: frames.sheet(name).filter(pl.col("employee_id") == employee_id)
                       for name in SHEET_NAMES})
    person = to_organisation(mine).person(employee_id)
    if person is None:
        raise NotFound(code="employee-not-found",
                       message_en=f"no employee {employee_id!r} in {data_path}",
                       message_zh=f"{data_path} 中没有员工 {employee_id!r}",
                       fields={"employee_id": employee_id})
    cohort = to_organisation(HRFrames.of(employees=frames.employees, exams=frames.exams))
    standing = rank_knowledge(standard, cohort.employees, cohort.exams).get(employee_id)
    decision = evaluate(standard, person, as_of=as_of, stage=stage, knowledge=standing)
    return Explanation(standard=standard, employee=person.employee, decision=decision, knowledge=standing,
                       level=level)
