"""The texts of checks, computed once per distinct combination of values, and the blocks of checks.

The batch evaluator never formats a message per person: for each check it finds the distinct
combinations of the values the message depends on (a start date, a window of ratings, a rank …),
asks ``qualify.core.messages`` for the texts of each combination once, and gives every person the
number of their combination's texts. A ``Block`` is one check (one rule at one level) for everybody:
an outcome and a text number per person, in the order of the people.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from qualify.core import messages as msg
from qualify.core.decision import CheckOutcome
from qualify.core.facts import Facts

# Outcome codes, ordered so that a level's outcome is the largest of its checks' codes.
PASS, MISSING, FAIL = 0, 1, 2
OUTCOMES = (CheckOutcome.passed, CheckOutcome.missing, CheckOutcome.failed)
OUTCOME_VALUES = tuple(o.value for o in OUTCOMES)

Codes = npt.NDArray[np.uint8]
Ids = npt.NDArray[np.int64]
Texts = tuple[Facts, msg.Texts]
"""The facts of a check and the texts written from them (``qualify.core.messages``)."""

TEXT_COLUMNS = ("actual", "required", "message_zh", "message_en", "gap_zh", "gap_en")
FACTS_COLUMN = "facts"
"""The facts as JSON text (the decision JSON's ``facts`` of the check)."""

Row = tuple[str, str, str, str, str, str, Facts]


class TextTable:
    """Every distinct text of a batch, numbered. Texts are made lazily: a block reserves numbers for
    its combinations, and the message functions run the first time any text is asked for."""

    def __init__(self) -> None:
        self._rows: list[Row] = []
        self._size = 0
        self._pending: list[tuple[int, Callable[[int], Texts], list[int]]] = []
        self._checks: list[tuple[int, str]] = []  # (level, rule) of each block, by block number
        self._block: list[npt.NDArray[np.int64]] = []  # per block: its number, once per text
        self._outcomes: list[npt.NDArray[np.uint8]] = []  # per block: the outcome code of each text

    def __len__(self) -> int:
        return self._size

    def reserve(self, texts: Callable[[int], Texts], outcomes: list[int], level: int = 0,
                rule: str = "") -> int:
        """Number the texts of ``len(outcomes)`` combinations of the check ``rule`` at ``level``:
        ``texts(u)`` makes those of the u-th, whose outcome is ``outcomes[u]``. Returns the first
        number. A text number thus tells the check's level, rule and outcome (``checks_of``)."""
        base = self._size
        self._size += len(outcomes)
        self._pending.append((base, texts, outcomes))
        self._block.append(np.full(len(outcomes), len(self._checks), dtype=np.int64))
        self._outcomes.append(np.asarray(outcomes, dtype=np.uint8))
        self._checks.append((level, rule))
        return base

    def checks_of(self) -> tuple[list[tuple[int, str]], npt.NDArray[np.int64], npt.NDArray[np.uint8]]:
        """The (level, rule) of every block, and per text number its block and its outcome code."""
        block = np.concatenate(self._block) if self._block else np.zeros(0, dtype=np.int64)
        outcome = np.concatenate(self._outcomes) if self._outcomes else np.zeros(0, dtype=np.uint8)
        return list(self._checks), block, outcome

    @property
    def rows(self) -> list[Row]:
        """(actual, required, message zh, en, gap zh, en, facts) by number."""
        for _, texts, outcomes in self._pending:
            for u, outcome in enumerate(outcomes):
                facts, (actual, required, (message_zh, message_en), (gap_zh, gap_en)) = texts(u)
                if outcome == PASS:  # a passed check has nothing to do about it
                    gap_zh = gap_en = ""
                self._rows.append((actual, required, message_zh, message_en, gap_zh, gap_en, facts))
        self._pending.clear()
        return self._rows

    def frame(self, *, facts: bool = True) -> pl.DataFrame:
        """The texts, and the facts as JSON text unless ``facts`` is false, as categorical columns
        (each distinct string stored once), row = text id."""
        if facts:
            rows: list[tuple[str, ...]] = [
                (*row[:6], json.dumps(row[6].as_json(), ensure_ascii=False, sort_keys=True))
                for row in self.rows]
            schema = dict.fromkeys((*TEXT_COLUMNS, FACTS_COLUMN), pl.String)
        else:
            rows = [row[:6] for row in self.rows]
            schema = dict.fromkeys(TEXT_COLUMNS, pl.String)
        return pl.DataFrame(rows, schema=schema, orient="row").select(pl.all().cast(pl.Categorical))


@dataclass(frozen=True)
class Block:
    """One check (``rule`` at ``level``) for everybody, in the order of the people."""

    level: int
    rule: str
    outcome: Codes
    text: npt.NDArray[np.uint32]


def distinct(keys: npt.NDArray[np.int64]) -> tuple[Ids, Ids]:
    """For a key per row (an integer that encodes the values a text depends on): the number of each
    row's distinct key (0 …, in order of the keys) and the index of the first row of each."""
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    low, high = int(keys.min()), int(keys.max())
    if high - low > 4 * n + 1_000_000:  # sparse keys: sort
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        return inverse.astype(np.int64).reshape(-1), first.astype(np.int64)
    shifted = keys - low
    first_at = np.full(high - low + 1, n, dtype=np.int64)
    np.minimum.at(first_at, shifted, np.arange(n, dtype=np.int64))
    used = np.flatnonzero(first_at < n)
    number = np.zeros(high - low + 1, dtype=np.int64)
    number[used] = np.arange(len(used))
    return number[shifted], first_at[used]


def mixed_radix(columns: list[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64] | None:
    """One integer per row for several integer columns of small ranges (None if it would not fit)."""
    if not columns:
        return None
    key = np.zeros(len(columns[0]), dtype=np.int64)
    span = 1
    for column in columns:
        low = int(column.min()) if len(column) else 0
        size = int(column.max()) - low + 1 if len(column) else 1
        if span * size > 2**62:
            return None
        key += (column.astype(np.int64) - low) * span
        span *= size
    return key


def row_keys(columns: list[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
    """A key per row for several integer columns: mixed radix, or ranks when too wide."""
    key = mixed_radix(columns)
    if key is not None:
        return key
    _, inverse = np.unique(np.column_stack(columns), axis=0, return_inverse=True)
    return inverse.astype(np.int64).reshape(-1)


def pid_of(people: pl.DataFrame) -> pl.Expr:
    """The row number in ``people`` of a record's ``employee_id`` (null for anyone else)."""
    return pl.col("employee_id").replace_strict(
        people.get_column("employee_id"), people.get_column("pid"), default=None, return_dtype=pl.UInt32)


def block(level: int, rule: str, key: Ids, combinations: Callable[[Ids], pl.DataFrame],
          outcome: pl.Expr, table: TextTable, texts: Callable[[tuple[Any, ...]], Texts]) -> Block:
    """One check for everybody. ``key`` numbers, per person, the combination of values that decides
    the outcome and the texts; ``combinations(rows)`` gives those values at the given rows (one row
    per distinct combination); ``outcome`` is the rule as an expression over them (an outcome code),
    and ``texts(values)`` the texts of one combination (made lazily)."""
    inverse, first = distinct(key)
    found = combinations(first)
    codes = found.select(outcome.cast(pl.UInt8)).to_series().to_numpy() if found.height else \
        np.zeros(0, dtype=np.uint8)
    values = found.rows()
    base = table.reserve(lambda u: texts(values[u]), codes.tolist(), level, rule)
    return Block(level, rule, codes[inverse], (inverse + base).astype(np.uint32))


def code_index(column: str, codes: list[str]) -> pl.Expr:
    """A text column as the index of its value in ``codes`` (as ``Vocabularies.rank``: the first
    place of a code), -1 for an empty cell or another value."""
    if not codes:
        return pl.lit(-1, dtype=pl.Int64)
    if len(set(codes)) < len(codes):  # a vocabulary with a repeated code (lint reports it)
        unique = list(dict.fromkeys(codes))
        return pl.col(column).replace_strict(unique, [codes.index(c) for c in unique], default=-1,
                                             return_dtype=pl.Int64).fill_null(-1)
    return pl.col(column).cast(pl.Enum(codes), strict=False).to_physical().cast(pl.Int64).fill_null(-1)
