"""Gate conditions for everybody at once: company and family experience, and performance.

The meaning is ``qualify.core.periods`` and ``qualify.core.performance``, written as Polars
expressions: whole months by calendar arithmetic, the window of the latest closed quarters, the
worst rating of a quarter, then ``forbidden``, ``max_count`` and ``not_all``.
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import polars as pl

from qualify.batch.texts import FAIL, MISSING, PASS, Block, Codes, Texts, TextTable, block, distinct, spread
from qualify.core import messages as msg
from qualify.core.performance import judge_performance
from qualify.core.periods import add_months, window_periods
from qualify.core.standard import ExperienceGate, Level, Standard


def whole_months(start: pl.Expr, as_of: dt.date) -> pl.Expr:
    """Whole months from ``start`` to ``as_of``: the calendar difference in months, less one when
    the start's day (clamped to the as-of month's length) is after the as-of day; 0 from a start on
    or after the as-of date."""
    last_day = calendar.monthrange(as_of.year, as_of.month)[1]
    year, month = start.dt.year().cast(pl.Int64), start.dt.month().cast(pl.Int64)
    months = (as_of.year - year) * 12 + (as_of.month - month)
    short = pl.min_horizontal(start.dt.day().cast(pl.Int64), pl.lit(last_day)) > as_of.day
    return pl.when(start >= pl.lit(as_of)).then(0).otherwise(months - short.cast(pl.Int64)).clip(0)


def _codes(expr: pl.Series) -> Codes:
    return expr.to_numpy().astype(np.uint8)


def experience_blocks(people: pl.DataFrame, standard: Standard, as_of: dt.date, table: TextTable,
                      rule: str, column: str) -> dict[int, Block]:
    """``rule`` (company or family experience) at every level, from the start date in ``column``."""
    frame = people.select(pl.col(column).alias("start"), whole_months(pl.col(column), as_of).alias("months"))
    inverse, first = distinct(frame.select("start"))
    starts = frame.get_column("start").to_list()
    months = frame.get_column("months").to_numpy()
    blocks: dict[int, Block] = {}
    for level in standard.levels:
        gate = level.company_experience if rule == msg.COMPANY else level.family_experience
        outcome = np.where(months >= gate.months, PASS, FAIL).astype(np.uint8)

        def texts(row: int, gate: ExperienceGate = gate) -> Texts:
            return _experience_texts(rule, starts[row], int(months[row]), gate)

        blocks[level.level] = block(level.level, rule, outcome, inverse, first, table, texts)
    return blocks


def _experience_texts(rule: str, start: dt.date, months: int, gate: ExperienceGate) -> Texts:
    return (msg.experience_actual(months), msg.experience_required(gate.months),
            msg.experience_check(rule, months, gate.months, start, gate.text),
            msg.experience_gap(rule, gate.months - months, add_months(start, gate.months)))


# --- performance ----------------------------------------------------------------------------------


def window_ratings(people: pl.DataFrame, performance: pl.DataFrame, standard: Standard, as_of: dt.date,
                   quarters: int) -> tuple[list[str], pl.DataFrame]:
    """The window's periods (oldest first) and, per person, a column per period with the rating of
    that quarter (the worst on the ladder when there are several) or null."""
    periods = window_periods(as_of, quarters)
    ladder = standard.vocabularies.codes("performance_ratings")
    rated = (
        performance.lazy()
        .filter(pl.col("period").is_in(periods))
        .join(people.lazy().select("employee_id", "pid"), on="employee_id", how="inner")
        .with_columns(pl.col("rating").replace_strict(ladder, list(range(len(ladder))), default=-1,
                                                      return_dtype=pl.Int64).alias("_rank"))
        .sort("_rank")
        .unique(["pid", "period"], keep="first")
        .collect()
    )
    columns = []
    for i, period in enumerate(periods):
        one = rated.filter(pl.col("period") == period)
        columns.append(spread(f"r{i}", people.height, one.get_column("pid"), one.get_column("rating")))
    return periods, pl.DataFrame(columns)


def performance_outcome(gate_forbidden: list[str], max_count: dict[str, int], not_all: list[str],
                        columns: list[str]) -> pl.Expr:
    """The gate on one window (columns of ratings, null = missing) as a Polars expression."""
    r = [pl.col(c) for c in columns]
    forbidden = pl.any_horizontal([c.is_in(gate_forbidden).fill_null(False) for c in r]) \
        if gate_forbidden else pl.lit(False)
    over = pl.lit(False)
    for rating, allowed in max_count.items():
        held = pl.sum_horizontal([(c == rating).fill_null(False).cast(pl.Int64) for c in r])
        over = over | (held > allowed)
    missing = pl.any_horizontal([c.is_null() for c in r])
    all_of = (~missing & pl.all_horizontal([c.is_in(not_all).fill_null(False) for c in r])) \
        if not_all else pl.lit(False)
    return (pl.when(forbidden | over | all_of).then(FAIL).when(missing).then(MISSING).otherwise(PASS)
            .cast(pl.UInt8))


def performance_blocks(people: pl.DataFrame, performance: pl.DataFrame, standard: Standard,
                       as_of: dt.date, table: TextTable) -> dict[int, Block]:
    blocks: dict[int, Block] = {}
    windows: dict[int, tuple[list[str], pl.DataFrame]] = {}
    for level in standard.levels:
        gate = level.performance
        if gate.quarters not in windows:
            windows[gate.quarters] = window_ratings(people, performance, standard, as_of, gate.quarters)
        periods, ratings = windows[gate.quarters]
        inverse, first = distinct(ratings)
        outcome = _codes(ratings.select(performance_outcome(
            gate.forbidden, gate.max_count, gate.not_all, ratings.columns)).to_series())

        def texts(row: int, level: Level = level, periods: list[str] = periods,
                  ratings: pl.DataFrame = ratings) -> Texts:
            return _performance_texts(level, periods, ratings.row(row))

        blocks[level.level] = block(level.level, msg.PERFORMANCE, outcome, inverse, first, table, texts)
    return blocks


def _performance_texts(level: Level, periods: list[str], ratings: tuple[str | None, ...]) -> Texts:
    gate = level.performance
    window = tuple(zip(periods, ratings, strict=True))
    max_count = tuple(gate.max_count.items())
    findings = judge_performance(window, tuple(gate.forbidden), max_count, tuple(gate.not_all))
    return (msg.performance_actual(window),
            msg.performance_required(gate.quarters, tuple(gate.forbidden), max_count, tuple(gate.not_all)),
            msg.performance_check(findings, gate.text),
            msg.performance_gap(findings, gate.quarters))
