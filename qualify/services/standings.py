"""Stored standings: a job family's knowledge standings and screening decisions, computed once by the
batch engine and read by the pages and the API (DESIGN.md, "Stored standings").

- ``compute``: one batch run over the whole family (``qualify.batch``): each person's knowledge
  standing (the family's latest sitting, exams not sat, combined score, rank, cohort size) and their
  screening decision at every level as of a date, with every check's texts numbered once per
  distinct text (a text shared by thousands of people is stored once);
- ``refresh``: a queued run executed by the worker (or at once for a small family): the family's
  frames from the store, ``compute``, the rows saved, the progress moving on; a failure is recorded
  on the run, never raised;
- ``stored_decision``: one person's decision back from their stored row and the texts it points at;
- ``live_standing``: the knowledge standing of one person whose stored row is missing or outdated,
  against the stored cohort: their own results of the stored sitting, ranked by counting the stored
  scores above theirs (never the whole family's results).

The store is a ``StandingsStore`` (the web app's is ``qualify.web.people.standing_store``); nothing
here knows Django.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from qualify.core.decision import Check, CheckOutcome, Decision, Gap, LevelDecision, Stage
from qualify.core.facts import facts_from_json
from qualify.core.knowledge import KnowledgeStanding
from qualify.core.records import ExamRecord
from qualify.core.standard import Standard
from qualify.formats.hrdata import HRFrames

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
OUTCOME_CODES = {"0": CheckOutcome.passed, "1": CheckOutcome.missing, "2": CheckOutcome.failed}

TextRow = list[Any]
"""A stored text: actual, required, message_zh, message_en, gap_zh, gap_en, facts (JSON)."""


@dataclass(frozen=True)
class PersonRow:
    """One person's stored standing and screening decision (outcome digits and text numbers in the
    order of the run's schedule)."""

    employee_id: str
    current_level: int
    missing: tuple[str, ...]
    score: float | None
    rank: int | None
    highest_eligible_level: int
    outcomes: str
    text_ids: list[int]
    changed: bool = False  # the person's data changed after the run: compute them alone


@dataclass(frozen=True)
class FamilyResult:
    sitting: str | None
    cohort: int
    schedule: list[tuple[int, str]]
    people: list[PersonRow]
    texts: list[TextRow]


@dataclass(frozen=True)
class RunInfo:
    id: int
    standard_id: str
    as_of: dt.date


class StandingsStore(Protocol):
    def claim_next(self) -> int | None:
        """Take the oldest queued run (``queued`` → ``running``) so no other worker takes it."""

    def run(self, run_id: int) -> RunInfo: ...
    def standard(self, standard_id: str) -> Standard: ...
    def family_frames(self, standard: Standard) -> HRFrames:
        """Every employee of the family, their performance and the family's exam results of its
        latest sitting (evidence and ratings are not read: the stored decision is the screening one)."""

    def progress(self, run_id: int, percent: int) -> None: ...
    def save(self, run_id: int, result: FamilyResult, progress: Callable[[int], None]) -> None:
        """Store the run's rows and texts, mark it done, drop the rows of the family's older runs."""

    def fail(self, run_id: int, error: str) -> None: ...


# --- computing --------------------------------------------------------------------------------------


def compute(standard: Standard, frames: HRFrames, as_of: dt.date) -> FamilyResult:
    """The whole family in one batch run (Polars): standings and screening decisions."""
    import polars as pl

    from qualify.batch.evaluate import evaluate_batch
    from qualify.batch.knowledge import standings

    result = evaluate_batch(standard, frames, as_of, Stage.screening)
    people = frames.employees.filter(pl.col("job_family") == standard.family).with_row_index("pid")
    standing = standings(people, frames.exams, standard)
    codes = [e.code for e in standard.knowledge.exams]
    ids = result.people.get_column("employee_id").to_list()
    current = result.people.get_column("current_level").to_list()
    highest = result.highest_eligible_level.to_list()
    missing = standing.frame.get_column("missing").to_list()
    score = standing.frame.get_column("score").to_list()
    rank = standing.frame.get_column("rank").to_list()
    rows = []
    for p, employee_id in enumerate(ids):
        rows.append(PersonRow(
            employee_id=employee_id, current_level=int(current[p]),
            missing=tuple(c for i, c in enumerate(codes) if int(missing[p]) & (1 << i)),
            score=score[p], rank=rank[p], highest_eligible_level=int(highest[p]),
            outcomes="".join(str(int(o)) for o in result.outcomes[p]),
            text_ids=[int(t) for t in result.text_ids[p]]))
    texts = [[actual, required, mzh, men, gzh, gen, facts.as_json() if facts is not None else None]
             for actual, required, mzh, men, gzh, gen, facts in result.texts.rows]
    return FamilyResult(sitting=standing.sitting, cohort=standing.cohort, schedule=list(result.schedule),
                        people=rows, texts=texts)


def refresh(store: StandingsStore, run_id: int) -> bool:
    """Execute a claimed run; ``True`` when it is done, ``False`` when it failed (recorded on it)."""
    run = store.run(run_id)
    try:
        standard = store.standard(run.standard_id)
        store.progress(run_id, 5)
        frames = store.family_frames(standard)
        store.progress(run_id, 30)
        result = compute(standard, frames, run.as_of)
        store.progress(run_id, 50)
        store.save(run_id, result, lambda share: store.progress(run_id, 50 + share // 2))
    except Exception as error:  # recorded for HR; the worker goes on with the next run
        log.exception("standings run %s failed", run_id)
        store.fail(run_id, f"{type(error).__name__}: {error}")
        return False
    return True


def run_next(store: StandingsStore) -> int | None:
    """Claim and execute the oldest queued run; its id, or ``None`` when none was waiting."""
    run_id = store.claim_next()
    if run_id is None:
        return None
    refresh(store, run_id)
    return run_id


# --- reading ----------------------------------------------------------------------------------------


def stored_standing(row: PersonRow, sitting: str | None, cohort: int) -> KnowledgeStanding:
    score = row.score if not row.missing else None
    return KnowledgeStanding(sitting=sitting, missing=row.missing, score=score, rank=row.rank, cohort=cohort)


def text_numbers(row: PersonRow) -> set[int]:
    return set(row.text_ids)


def stored_decision(row: PersonRow, *, standard_id: str, as_of: dt.date, schedule: Sequence[Sequence[Any]],
                    texts: Mapping[int, TextRow]) -> Decision:
    """The screening decision of ``row`` (the same as the engine's: the batch parity holds)."""
    levels: dict[int, list[Check]] = {}
    gaps: list[Gap] = []
    for k, (level, rule) in enumerate(schedule):
        actual, required, mzh, men, gzh, gen, facts = texts[row.text_ids[k]]
        outcome = OUTCOME_CODES[row.outcomes[k]]
        check = Check(rule=rule, outcome=outcome, actual=actual, required=required, message_zh=mzh,
                      message_en=men, gap_zh=gzh, gap_en=gen, facts=facts_from_json(rule, facts))
        levels.setdefault(int(level), []).append(check)
        if int(level) == row.current_level + 1 and outcome is not CheckOutcome.passed:
            gaps.append(Gap(level=int(level), rule=rule, message_zh=gzh, message_en=gen))
    return Decision(employee_id=row.employee_id, standard=standard_id, as_of=as_of, stage=Stage.screening,
                    current_level=row.current_level,
                    levels=[LevelDecision(level=n, checks=c) for n, c in levels.items()], gaps=gaps)


def live_standing(standard: Standard, exams: Iterable[ExamRecord], *, sitting: str | None, cohort: int,
                  count_above: Callable[[float], int]) -> KnowledgeStanding:
    """One person's knowledge standing against a stored cohort (of ``cohort`` other people of
    ``sitting``): their own results of that sitting; ranked by ``count_above(score)``, the number of
    the others' stored scores strictly above theirs (ties share the best rank). Having sat every
    exam, they join the cohort."""
    codes = [e.code for e in standard.knowledge.exams]
    if sitting is None:
        return KnowledgeStanding(sitting=None, missing=tuple(codes), score=None, rank=None, cohort=cohort)
    mine: dict[str, float] = {}
    for x in exams:
        if x.sitting == sitting and x.exam in codes:
            mine[x.exam] = x.score
    missing = tuple(c for c in codes if c not in mine)
    if missing:
        return KnowledgeStanding(sitting=sitting, missing=missing, score=None, rank=None, cohort=cohort)
    total = 0.0
    for code in codes:  # in the standard's exam order, as the engine adds them
        total += mine[code]
    return KnowledgeStanding(sitting=sitting, missing=(), score=total, rank=1 + count_above(total),
                             cohort=cohort + 1)
