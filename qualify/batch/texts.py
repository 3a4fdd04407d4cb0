"""The texts of checks, computed once per distinct combination of values, and the blocks of checks.

The batch evaluator never formats a message per person: for each check it finds the distinct
combinations of the values the message depends on (a start date, a window of ratings, a rank …),
asks ``qualify.core.messages`` for the texts of each combination once, and gives every person the
number of their combination's texts. A ``Block`` is one check (one rule at one level) for everybody:
an outcome and a text number per person, in the order of the people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

from qualify.core.decision import CheckOutcome

# Outcome codes, ordered so that a level's outcome is the largest of its checks' codes.
PASS, MISSING, FAIL = 0, 1, 2
OUTCOMES = (CheckOutcome.passed, CheckOutcome.missing, CheckOutcome.failed)
OUTCOME_VALUES = tuple(o.value for o in OUTCOMES)

Codes = npt.NDArray[np.uint8]
Ids = npt.NDArray[np.int64]
Texts = tuple[str, str, tuple[str, str], tuple[str, str]]
"""(actual, required, (message zh, en), (gap zh, en))"""

TEXT_COLUMNS = ("actual", "required", "message_zh", "message_en", "gap_zh", "gap_en")


@dataclass
class TextTable:
    """Every distinct text of a batch, numbered."""

    rows: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)

    def add(self, texts: Texts, outcome: int) -> int:
        actual, required, (message_zh, message_en), (gap_zh, gap_en) = texts
        if outcome == PASS:  # a passed check has nothing to do about it
            gap_zh = gap_en = ""
        self.rows.append((actual, required, message_zh, message_en, gap_zh, gap_en))
        return len(self.rows) - 1

    def frame(self) -> pl.DataFrame:
        """The texts as categorical columns (each distinct string stored once), row = text id."""
        return pl.DataFrame(self.rows, schema=dict.fromkeys(TEXT_COLUMNS, pl.String), orient="row").select(
            pl.all().cast(pl.Categorical))


@dataclass(frozen=True)
class Block:
    """One check (``rule`` at ``level``) for everybody, in the order of the people."""

    level: int
    rule: str
    outcome: Codes
    text: Ids


def distinct(keys: pl.DataFrame) -> tuple[Ids, Ids]:
    """For rows of key values: the number of each row's distinct combination (0 …), and the index of
    the first row of each combination."""
    if keys.height == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if keys.width == 1:
        rank = keys.select(pl.first().rank("dense"))
    else:
        rank = keys.select(pl.struct(pl.all()).rank("dense"))
    inverse = rank.to_series().to_numpy().astype(np.int64) - 1
    _, first = np.unique(inverse, return_index=True)
    return inverse, first.astype(np.int64)


def block(level: int, rule: str, outcome: Codes, inverse: Ids, first: Ids, table: TextTable,
          texts: Callable[[int], Texts]) -> Block:
    """A block whose texts depend on the combination numbered by ``inverse``: ``texts(row)`` gives
    the texts of the combination first seen at ``row``."""
    ids = np.empty(len(first), dtype=np.int64)
    for u, row in enumerate(first):
        ids[u] = table.add(texts(int(row)), int(outcome[row]))
    return Block(level, rule, outcome, ids[inverse] if len(inverse) else np.zeros(0, dtype=np.int64))


def spread(name: str, n: int, pids: pl.Series, values: pl.Series) -> pl.Series:
    """A column of ``n`` nulls with ``values`` put at the rows ``pids``."""
    column = pl.Series(name, [None] * n, dtype=values.dtype)
    if len(pids):
        column.scatter(pids.to_numpy(), values)
    return column
