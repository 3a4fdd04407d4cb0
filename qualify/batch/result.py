"""The result of a batch evaluation: every check of every person at every level, compactly.

Every person of the standard's job family has the same checks in the same order (the standard's
levels; at each, the rules in the reference evaluator's order), so the result is two matrices, one
row per person and one column per check: the outcome code and the number of the check's texts in
the text table. Frames and ``Decision`` objects are made from them on request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt
import polars as pl

from qualify.batch.texts import OUTCOME_VALUES, OUTCOMES, PASS, TextTable
from qualify.core.decision import Check, Decision, Gap, LevelDecision, LevelOutcome, Stage

LEVEL_OUTCOMES = (LevelOutcome.eligible, LevelOutcome.incomplete, LevelOutcome.not_eligible)
"""A level's outcome by the largest outcome code of its checks (pass, missing, fail)."""

CHECK_OUTCOME = pl.Enum(list(OUTCOME_VALUES))
LEVEL_OUTCOME = pl.Enum([o.value for o in LEVEL_OUTCOMES])


@dataclass
class BatchResult:
    standard_id: str
    as_of: dt.date
    stage: Stage
    people: pl.DataFrame
    """employee_id, current_level: the people evaluated (the standard's job family), in input order."""
    schedule: list[tuple[int, str]]
    """(level, rule) of each column of ``outcomes`` and ``text_ids``."""
    outcomes: npt.NDArray[np.uint8]
    """people × checks: 0 pass, 1 missing, 2 fail."""
    text_ids: npt.NDArray[np.uint32]
    texts: TextTable
    skipped: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema={"employee_id": pl.String, "job_family": pl.String}))
    """employee_id, job_family of the people of other job families (not evaluated)."""

    # --- per level and per person ----------------------------------------------------------------

    @cached_property
    def level_numbers(self) -> list[int]:
        return list(dict.fromkeys(level for level, _ in self.schedule))

    def _span(self, level: int) -> tuple[int, int]:
        columns = [k for k, (lvl, _) in enumerate(self.schedule) if lvl == level]
        return columns[0], columns[-1] + 1

    @cached_property
    def level_codes(self) -> npt.NDArray[np.uint8]:
        """people × levels: 0 eligible, 1 incomplete, 2 not eligible."""
        n = self.people.height
        out = np.zeros((n, len(self.level_numbers)), dtype=np.uint8)
        for j, level in enumerate(self.level_numbers):
            a, b = self._span(level)
            if b > a and n:
                out[:, j] = self.outcomes[:, a:b].max(axis=1)
        return out

    @cached_property
    def highest_eligible_level(self) -> pl.Series:
        """Per person (in the order of ``people``), the highest eligible level, 0 if none."""
        levels = np.asarray(self.level_numbers, dtype=np.int64)
        eligible = np.where(self.level_codes == 0, levels[np.newaxis, :], 0) if len(levels) else \
            np.zeros((self.people.height, 1), dtype=np.int64)
        return pl.Series("highest_eligible_level", eligible.max(axis=1, initial=0), dtype=pl.Int64)

    @cached_property
    def summary(self) -> pl.DataFrame:
        """One row per person: employee_id, current_level, highest_eligible_level, and the outcome at
        each level (``level_1`` …)."""
        names = pl.Series([o.value for o in LEVEL_OUTCOMES], dtype=LEVEL_OUTCOME)
        columns = [names.gather(self.level_codes[:, j]).alias(f"level_{level}")
                   for j, level in enumerate(self.level_numbers)]
        return self.people.select("employee_id", "current_level").with_columns(
            self.highest_eligible_level, *columns)

    @cached_property
    def levels(self) -> pl.DataFrame:
        """employee_id, level, outcome: one row per person and level."""
        n, m = self.level_codes.shape
        return pl.DataFrame({
            "employee_id": self.people.get_column("employee_id").gather(np.repeat(np.arange(n), m)),
            "level": np.tile(np.asarray(self.level_numbers, dtype=np.int64), n),
            "outcome": pl.Series([o.value for o in LEVEL_OUTCOMES], dtype=LEVEL_OUTCOME).gather(
                self.level_codes.ravel()),
        })

    # --- checks and gaps as frames ---------------------------------------------------------------

    def _long(self, person: npt.NDArray[np.int64], column: npt.NDArray[np.int64], *,
              facts: bool = True) -> pl.DataFrame:
        levels = np.asarray([lvl for lvl, _ in self.schedule], dtype=np.int64)
        rules = pl.Series([rule for _, rule in self.schedule], dtype=pl.Categorical)
        texts = self.texts.frame(facts=facts)
        ids = pl.Series(self.text_ids[person, column], dtype=pl.UInt32)
        outcomes = pl.Series(list(OUTCOME_VALUES), dtype=CHECK_OUTCOME)
        return pl.DataFrame({
            "employee_id": self.people.get_column("employee_id").cast(pl.Categorical).gather(person),
            "level": pl.Series(levels[column], dtype=pl.Int16),
            "rule": rules.gather(column),
            "outcome": outcomes.gather(self.outcomes[person, column]),
        }).with_columns(texts.select(pl.all().gather(ids)))

    def checks_frame(self, *, failing_only: bool = False) -> pl.DataFrame:
        """employee_id, level, rule, outcome, actual, required, message_zh, message_en, gap_zh,
        gap_en, facts (the check's facts as JSON text): one row per check (in decision order), or only
        the checks short of ``pass``.
        Ids, rules and texts are categorical (each distinct string stored once), the outcome an enum."""
        if failing_only:
            person, column = np.nonzero(self.outcomes != PASS)
        else:
            n, k = self.outcomes.shape
            person, column = np.repeat(np.arange(n), k), np.tile(np.arange(k), n)
        return self._long(person.astype(np.int64), column.astype(np.int64))

    @cached_property
    def checks(self) -> pl.DataFrame:
        """Every check of every person (see ``checks_frame``)."""
        return self.checks_frame()

    @cached_property
    def gaps(self) -> pl.DataFrame:
        """employee_id, level, rule, message_zh, message_en: the checks short of ``pass`` at the level
        above each person's current level (none for people at the top level)."""
        target = self.people.get_column("current_level").to_numpy() + 1
        levels = np.asarray([lvl for lvl, _ in self.schedule], dtype=np.int64)
        on_target = levels[np.newaxis, :] == target[:, np.newaxis]
        person, column = np.nonzero(on_target & (self.outcomes != PASS))
        frame = self._long(person.astype(np.int64), column.astype(np.int64), facts=False)
        return frame.select("employee_id", "level", "rule", pl.col("gap_zh").alias("message_zh"),
                            pl.col("gap_en").alias("message_en"))

    # --- decisions -------------------------------------------------------------------------------

    def iter_decisions(self, employee_ids: Iterable[str] | None = None) -> Iterator[Decision]:
        """The ``Decision`` of each person (of those given, in the order of ``people``)."""
        rows = self.texts.rows
        checks: dict[tuple[int, int, int], Check] = {}
        gaps: dict[tuple[int, int], Gap] = {}
        spans = [(level, *self._span(level)) for level in self.level_numbers]
        ids = self.people.get_column("employee_id").to_list()
        current = self.people.get_column("current_level").to_list()
        wanted = set(employee_ids) if employee_ids is not None else None
        for p, employee_id in enumerate(ids):
            if wanted is not None and employee_id not in wanted:
                continue
            outcome_row = self.outcomes[p].tolist()
            text_row = self.text_ids[p].tolist()
            levels = []
            person_gaps: list[Gap] = []
            for level, a, b in spans:
                level_checks = []
                for k in range(a, b):
                    key = (k, outcome_row[k], text_row[k])
                    check = checks.get(key)
                    if check is None:
                        actual, required, mzh, men, gzh, gen, facts = rows[text_row[k]]
                        check = checks[key] = Check(
                            rule=self.schedule[k][1], outcome=OUTCOMES[outcome_row[k]], actual=actual,
                            required=required, message_zh=mzh, message_en=men, gap_zh=gzh, gap_en=gen,
                            facts=facts)
                    level_checks.append(check)
                    if level == current[p] + 1 and outcome_row[k] != PASS:
                        gap = gaps.get((k, text_row[k]))
                        if gap is None:
                            gap = gaps[(k, text_row[k])] = Gap(level=level, rule=check.rule,
                                                               message_zh=check.gap_zh,
                                                               message_en=check.gap_en)
                        person_gaps.append(gap)
                levels.append(LevelDecision(level=level, checks=level_checks))
            yield Decision(employee_id=employee_id, standard=self.standard_id, as_of=self.as_of,
                           stage=self.stage, current_level=current[p], levels=levels, gaps=person_gaps)

    def to_decisions(self, employee_ids: Iterable[str] | None = None) -> list[Decision]:
        """The decisions, identical to the reference evaluator's (``qualify.core.evaluate``)."""
        return list(self.iter_decisions(employee_ids))

    def counts(self) -> dict[str, int]:
        """How many people are eligible for at least one level, for none, and were skipped."""
        highest = self.highest_eligible_level
        return {"people": self.people.height, "eligible": int((highest > 0).sum()),
                "none": int((highest == 0).sum()), "skipped": self.skipped.height}
