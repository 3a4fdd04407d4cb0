"""Gate conditions for everybody at once: company and family experience, and performance.

The meaning is ``qualify.core.periods`` and ``qualify.core.performance``, written as Polars
expressions: whole months by calendar arithmetic, the window of the latest closed quarters, the
worst rating of a quarter, then ``forbidden``, ``max_count`` and ``not_all``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import numpy as np
import polars as pl

from qualify.batch.texts import (
    FAIL,
    MISSING,
    PASS,
    Block,
    Ids,
    Texts,
    TextTable,
    block,
    code_index,
    pid_of,
    row_keys,
)
from qualify.core import messages as msg
from qualify.core.facts import ExperienceFacts, PerformanceFacts
from qualify.core.periods import add_months, window_periods
from qualify.core.standard import ExperienceGate, Level, PerformanceGate, Standard


def whole_months(start: pl.Expr, as_of: dt.date) -> pl.Expr:
    """Whole months from ``start`` to ``as_of``: the calendar difference in months, less one when
    the start's day (clamped to the as-of month's length) is after the as-of day; 0 from a start on
    or after the as-of date."""
    last_day = calendar.monthrange(as_of.year, as_of.month)[1]
    year, month = start.dt.year().cast(pl.Int64), start.dt.month().cast(pl.Int64)
    months = (as_of.year - year) * 12 + (as_of.month - month)
    short = pl.min_horizontal(start.dt.day().cast(pl.Int64), pl.lit(last_day)) > as_of.day
    return pl.when(start >= pl.lit(as_of)).then(0).otherwise(months - short.cast(pl.Int64)).clip(0)


def experience_blocks(people: pl.DataFrame, standard: Standard, as_of: dt.date, table: TextTable,
                      rule: str, column: str) -> dict[int, Block]:
    """``rule`` (company or family experience) at every level, from the start date in ``column``."""
    frame = people.select(pl.col(column).alias("start"), whole_months(pl.col(column), as_of).alias("months"))
    key = frame.get_column("start").cast(pl.Int32).to_numpy().astype(np.int64)  # the start decides all

    def combinations(rows: Ids) -> pl.DataFrame:
        return frame[rows]

    blocks: dict[int, Block] = {}
    for level in standard.levels:
        gate = level.company_experience if rule == msg.COMPANY else level.family_experience
        outcome = pl.when(pl.col("months") >= gate.months).then(PASS).otherwise(FAIL)

        def texts(values: tuple[Any, ...], gate: ExperienceGate = gate) -> Texts:
            start, months = values
            facts = ExperienceFacts(months=months, required_months=gate.months, start=start,
                                    met_on=add_months(start, gate.months))
            return facts, msg.experience_texts(rule, facts, gate.text)

        blocks[level.level] = block(level.level, rule, key, combinations, outcome, table, texts)
    return blocks


# --- performance ----------------------------------------------------------------------------------


def window_ratings(people: pl.DataFrame, performance: pl.DataFrame, standard: Standard, as_of: dt.date,
                   quarters: int) -> tuple[list[str], list[str], list[Ids]]:
    """The window's periods (oldest first), the rating codes seen, and per period a column with, per
    person, 1 + the index of their rating of that quarter in those codes (0: no rating). Of several
    ratings of one quarter, the worst on the ladder counts (the first seen among equals)."""
    periods = window_periods(as_of, quarters)
    ladder = standard.vocabularies.codes("performance_ratings")
    rated = (
        performance.lazy()
        .select(pid_of(people).alias("pid"), code_index("period", periods).alias("quarter"),
                code_index("rating", ladder).alias("rank"), "rating")
        .filter(pl.col("pid").is_not_null() & (pl.col("quarter") >= 0))
        .collect()
    )
    n, rows = people.height, rated.height
    pid = rated.get_column("pid").to_numpy().astype(np.int64)
    quarter = rated.get_column("quarter").to_numpy()
    rank = rated.get_column("rank").to_numpy()
    # per person and quarter, the row with the lowest rank, the earliest among equal ranks
    best = np.full(n * len(periods), (len(ladder) + 1) * rows, dtype=np.int64)
    np.minimum.at(best, pid * len(periods) + quarter, (rank + 1) * rows + np.arange(rows, dtype=np.int64))
    rated_cell = best < (len(ladder) + 1) * rows
    chosen = np.where(rated_cell, best % max(rows, 1), 0)
    unknown = sorted(set(rated.filter(pl.col("rank") < 0).get_column("rating").to_list()))
    seen = ladder + unknown
    code = rank + 1  # a rating of the ladder: its place in ``seen``, plus one
    if unknown:
        names = rated.get_column("rating").to_list()
        for row in np.flatnonzero(rank < 0):
            code[row] = len(ladder) + unknown.index(names[row]) + 1
    cells = np.where(rated_cell, code[chosen] if rows else 0, 0).reshape(n, len(periods))
    return periods, seen, [np.ascontiguousarray(cells[:, i]) for i in range(len(periods))]


def performance_outcome(gate: PerformanceGate, columns: list[str]) -> pl.Expr:
    """The gate on a window (columns of ratings, null = no rating) as a Polars expression."""
    r = [pl.col(c) for c in columns]
    forbidden = pl.any_horizontal([c.is_in(gate.forbidden).fill_null(False) for c in r]) \
        if gate.forbidden else pl.lit(False)
    over = pl.lit(False)
    for rating, allowed in gate.max_count.items():
        held = pl.sum_horizontal([(c == rating).fill_null(False).cast(pl.Int64) for c in r])
        over = over | (held > allowed)
    missing = pl.any_horizontal([c.is_null() for c in r])
    all_of = (~missing & pl.all_horizontal([c.is_in(gate.not_all).fill_null(False) for c in r])) \
        if gate.not_all else pl.lit(False)
    return pl.when(forbidden | over | all_of).then(FAIL).when(missing).then(MISSING).otherwise(PASS)


def performance_blocks(people: pl.DataFrame, performance: pl.DataFrame, standard: Standard,
                       as_of: dt.date, table: TextTable) -> dict[int, Block]:
    blocks: dict[int, Block] = {}
    windows: dict[int, tuple[list[str], list[str], list[Ids]]] = {}
    for level in standard.levels:
        gate = level.performance
        if gate.quarters not in windows:
            windows[gate.quarters] = window_ratings(people, performance, standard, as_of, gate.quarters)
        periods, seen, columns = windows[gate.quarters]
        key = row_keys(columns)
        names = [f"r{i}" for i in range(len(periods))]
        lookup = pl.Series([None, *seen], dtype=pl.String)

        def combinations(rows: Ids, columns: list[Ids] = columns, names: list[str] = names,
                         lookup: pl.Series = lookup) -> pl.DataFrame:
            return pl.DataFrame([lookup.gather(c[rows]).alias(n)
                                 for c, n in zip(columns, names, strict=True)])

        def texts(ratings: tuple[Any, ...], level: Level = level, periods: list[str] = periods) -> Texts:
            return _performance_texts(level, periods, ratings)

        blocks[level.level] = block(level.level, msg.PERFORMANCE, key, combinations,
                                    performance_outcome(gate, names), table, texts)
    return blocks


def _performance_texts(level: Level, periods: list[str], ratings: tuple[str | None, ...]) -> Texts:
    gate = level.performance
    facts = PerformanceFacts(quarters=gate.quarters, window=tuple(zip(periods, ratings, strict=True)),
                             forbidden=tuple(gate.forbidden), max_count=tuple(gate.max_count.items()),
                             not_all=tuple(gate.not_all))
    return facts, msg.performance_texts(facts, gate.text)
