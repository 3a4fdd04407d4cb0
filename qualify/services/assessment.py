"""Use cases: assess a whole organisation, explain one person's decision, evaluate one person.

- ``assess``: reads HR data (all or nothing), evaluates every employee of the standard's job family
  at every level with the Polars batch evaluator (decisions as columns, written by
  ``qualify.batch.output``; the summary a group-by), or streams ``Decision`` objects in input order
  (the reference evaluator, readable text), counting a summary as they go;
- ``explain``: the full trace of one person by the reference evaluator;
- ``evaluate_person`` / ``rank_knowledge``: for callers that already hold records (the web app).

Employees of other job families are not assessed; the summary counts them as skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from qualify.core.decision import Decision, LevelOutcome, Stage
from qualify.core.errors import ErrorCode, NotFound, Problem, QualifyError
from qualify.core.evaluate import evaluate
from qualify.core.knowledge import KnowledgeStanding, most_allowed_levels_above, rank_knowledge
from qualify.core.records import Employee, Organisation, PersonRecord
from qualify.core.standard import Standard
from qualify.core.text import Lang
from qualify.formats.files import atomic_path
from qualify.services.standards import get_standard, list_standards

if TYPE_CHECKING:  # Polars and the readers are imported when they are used
    from qualify.batch.output import BinaryOut, ChecksShown
    from qualify.batch.result import BatchResult
    from qualify.formats.hrdata import HRFrames

Engine = Literal["auto", "batch", "reference"]

__all__ = ["Assessment", "Engine", "Explanation", "Summary", "SummaryCounter", "assess", "evaluate_person",
           "explain", "rank_knowledge", "resolve_standard",
           "write_assessment"]

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
    output_bytes: int | None = None  # the size of the output written, when known


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
    """An organisation's assessment. With the batch engine, ``result()`` holds every decision as
    columns (written by ``qualify.batch.output`` without a Python object per person) and
    ``summary()`` is a group-by; ``decisions()`` streams ``Decision`` objects in input order (the
    reference engine, and readable text) and counts the summary as it goes (iterate it once)."""

    standard: Standard
    as_of: dt.date
    stage: Stage
    engine: str
    frames: HRFrames
    people: int
    """How many employees of the standard's job family are assessed."""
    skipped: int
    _produce: Callable[[], Iterator[Decision]]
    _counter: SummaryCounter
    _result: BatchResult | None = None

    @cached_property
    def employees(self) -> dict[str, Employee]:
        """The assessed employees by id (Python objects: for readable outputs only)."""
        import polars as pl

        family = self.frames.employees.filter(pl.col("job_family") == self.standard.family)
        return {row[0]: Employee(*row) for row in family.iter_rows()}

    @property
    def reach(self) -> int:
        """How many levels above the current level a person may apply for at best (at least one):
        the levels whose failing checks matter to them."""
        return max(1, most_allowed_levels_above(self.standard.knowledge.policy))

    def result(self) -> BatchResult:
        """Every decision as columns (the batch engine; evaluated on first use)."""
        if self._result is None:
            from qualify.batch.evaluate import evaluate_batch  # Polars, imported when it is used

            self._result = evaluate_batch(self.standard, self.frames, self.as_of, self.stage)
        return self._result

    def decisions(self) -> Iterator[Decision]:
        for decision in self._produce():
            self._counter.add(decision)
            yield decision

    def summary(self, output_bytes: int | None = None) -> Summary:
        """The counts: a group-by of the batch result when there is one (``result()``), else what
        ``decisions()`` counted. ``output_bytes``: the size of what was written."""
        if self._result is not None and self._counter.assessed == 0:
            from qualify.batch.output import summary_counts

            by_highest, by_level = summary_counts(self._result)
            return Summary(standard=self.standard.id, as_of=self.as_of, stage=self.stage,
                           assessed=self._result.people.height, skipped=self.skipped, by_highest=by_highest,
                           by_level=by_level, notes=self._counter.notes, output_bytes=output_bytes)
        return replace(self._counter.summary(), output_bytes=output_bytes)


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
    the standard's job family. Nothing is evaluated until ``result()`` or ``decisions()`` is used.
    Screening reads and checks the sheets it uses (employees, performance, exams); certification all."""
    from qualify.formats.hrdata import SCREENING_SHEETS, SHEET_NAMES, read_hr_data, to_organisation

    standard = resolve_standard(standard_ref)
    stage = Stage(stage)
    sheets = SCREENING_SHEETS if stage is Stage.screening else SHEET_NAMES
    frames = read_hr_data(Path(data_path), standard, sheets=sheets)
    in_family = frames.employees.get_column("job_family") == standard.family
    people = int(in_family.sum())
    skipped = frames.employees.height - people
    counter = SummaryCounter(standard, as_of, stage, skipped=skipped, notes=frames.notes)
    assessment: Assessment

    if engine in ("auto", "batch"):
        def produce() -> Iterator[Decision]:
            return assessment.result().iter_decisions()
        used = "batch"
    else:
        def produce() -> Iterator[Decision]:
            return _reference_decisions(standard, to_organisation(frames), assessment.employees, as_of, stage)
        used = "reference"
    assessment = Assessment(standard=standard, as_of=as_of, stage=stage, engine=used, frames=frames,
                            people=people, skipped=skipped, _produce=produce, _counter=counter)
    return assessment


# --- writing ------------------------------------------------------------------------------------

OutputFormat = Literal["jsonl", "parquet", "xlsx", "text"]


class _Counted:
    """A binary stream that counts what is written through it."""

    def __init__(self, out: BinaryOut) -> None:
        self.out, self.written, self.broken = out, 0, False

    def write(self, data: bytes) -> int:
        try:
            self.out.write(data)
        except BrokenPipeError:  # the reader is gone (``| head``); Polars reports it as an OSError
            self.broken = True
            raise
        self.written += len(data)
        return len(data)

    def flush(self) -> None:
        if hasattr(self.out, "flush"):
            self.out.flush()


def write_assessment(assessment: Assessment, fmt: OutputFormat, lang: Lang, *, path: Path | None = None,
                     stdout: IO[str] | None = None, checks: ChecksShown = "all",
                     reach: int | None = None) -> int | None:
    """Write the decisions as ``fmt`` to ``path`` (all or nothing) or, for jsonl and text, to
    ``stdout``; return the bytes written (when known). With the batch engine jsonl and parquet are
    written from columns (``qualify.batch.output``); ``checks`` says which checks they list.
    xlsx and text list the checks short of pass (at the levels up to ``current_level + reach``)."""
    from qualify.formats.decisions import write_decisions

    if fmt == "text" or assessment.engine != "batch":
        if fmt == "parquet":
            raise QualifyError(code=ErrorCode.USAGE, message_en="parquet needs the batch engine",
                               message_zh="parquet 格式需要批量引擎")
        write_decisions(assessment.decisions(), fmt, lang, assessment.standard, assessment.employees,
                        path=path, stdout=stdout, reach=reach)
        return path.stat().st_size if path is not None else None

    from qualify.batch import output

    result = assessment.result()
    if fmt == "jsonl" and path is None:
        if stdout is None:
            raise ValueError("no output given")
        stdout.flush()
        counted = _Counted(stdout.buffer if hasattr(stdout, "buffer") else _TextAsBytes(stdout))
        try:
            output.write_jsonl(result, counted, lang, checks)
            counted.flush()
        except OSError as error:
            if counted.broken:
                raise BrokenPipeError(error.errno, "the reader of the output stopped reading") from None
            raise
        return counted.written
    if path is None:
        raise ValueError(f"a {fmt} output needs a file")
    with atomic_path(path) as temporary:
        if fmt == "jsonl":
            with temporary.open("wb") as handle:
                output.write_jsonl(result, handle, lang, checks)
        elif fmt == "parquet":
            output.write_parquet(result, temporary, lang, checks)
        else:
            output.write_xlsx(result, temporary, lang, assessment.standard, assessment.frames.employees,
                              reach=reach)
    return path.stat().st_size


class _TextAsBytes:
    """A text stream seen as a binary one (UTF-8)."""

    def __init__(self, out: IO[str]) -> None:
        import codecs

        self.out = out
        self.decoder = codecs.getincrementaldecoder("utf-8")()  # a write may end inside a character

    def write(self, data: bytes) -> int:
        self.out.write(self.decoder.decode(data))
        return len(data)

    def flush(self) -> None:
        self.out.flush()


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
