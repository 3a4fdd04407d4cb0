"""Certification checks for everybody at once: assessors' ratings of behaviour elements, and evidence
counted against measurement standards (the meaning of ``qualify.core.evaluate`` and
``qualify.core.evidence``).

Evidence is read once: one boolean column per distinct requirement (activity, roles, rung on the
audience and scope ladders, project kind, outcome, deliverables), summed per person in one group-by.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt
import polars as pl

from qualify.batch.texts import FAIL, MISSING, PASS, Block, Texts, TextTable, block, distinct, spread
from qualify.core import messages as msg
from qualify.core.standard import Element, Measure, Module, Requirement, Standard
from qualify.core.text import Text

Counts = npt.NDArray[np.int64]


# --- behaviour:ELEMENT ----------------------------------------------------------------------------


def lowest_ratings(people: pl.DataFrame, ratings: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """Per (pid, level, element): the lowest rating on the behaviour ladder and how many there are."""
    ladder = standard.vocabularies.codes("behaviour_ratings")
    return (
        ratings.lazy()
        .join(people.lazy().select("employee_id", "pid"), on="employee_id", how="inner",
              maintain_order="left")
        .with_columns(pl.col("rating").replace_strict(ladder, list(range(len(ladder))), default=-1,
                                                      return_dtype=pl.Int64).alias("_rank"))
        .group_by("pid", "level", "element", maintain_order=True)
        .agg(pl.col("rating").sort_by("_rank", maintain_order=True).first().alias("lowest"),
             pl.len().cast(pl.Int64).alias("count"))
        .collect()
    )


def _rating_name(standard: Standard, code: str) -> Text:
    term = standard.vocabularies.term("behaviour_ratings", code)
    return term.name if term is not None else Text(zh=code, en=code)


def behaviour_blocks(people: pl.DataFrame, lowest: pl.DataFrame, standard: Standard,
                     table: TextTable) -> dict[int, list[Block]]:
    n = people.height
    rule = standard.behaviour_rule
    passing = tuple(rule.passing)
    passing_names = tuple(_rating_name(standard, code) for code in passing)
    parts = lowest.partition_by("level", "element", as_dict=True) if lowest.height else {}
    blocks: dict[int, list[Block]] = {}
    for level in standard.level_numbers:
        blocks[level] = []
        for _, element, _ in standard.elements_at(level):
            part = parts.get((level, element.code))
            if part is None:
                part = pl.DataFrame(schema={"pid": pl.UInt32, "lowest": pl.String, "count": pl.Int64})
            pids = part.get_column("pid")
            frame = pl.DataFrame([spread("lowest", n, pids, part.get_column("lowest")),
                                  spread("count", n, pids, part.get_column("count")).fill_null(0)])
            outcome = frame.select(
                pl.when(pl.col("lowest").is_null()).then(MISSING)
                .when(pl.col("lowest").is_in(passing)).then(PASS).otherwise(FAIL).cast(pl.UInt8)
            ).to_series().to_numpy()
            inverse, first = distinct(frame)

            def texts(row: int, element: Element = element, level: int = level,
                      frame: pl.DataFrame = frame) -> Texts:
                code, how_many = frame.row(row)
                name = _rating_name(standard, code) if code is not None else None
                return (msg.behaviour_actual(code, how_many), msg.behaviour_required(passing),
                        msg.behaviour_check(element.name, level, name, how_many, passing_names),
                        msg.behaviour_gap(element.name, level, name, passing_names))

            blocks[level].append(block(level, msg.behaviour_rule(element.code), outcome, inverse, first,
                                       table, texts))
    return blocks


# --- measure:MODULE -------------------------------------------------------------------------------


def _signature(req: Requirement) -> tuple[object, ...]:
    """What decides whether a record matches (the count needed is not part of it)."""
    return (req.activity, tuple(req.roles), req.min_audience, req.min_scope, tuple(req.project_kinds),
            req.outcome, tuple(req.deliverables))


def _matches(req: Requirement, standard: Standard) -> pl.Expr:
    """Whether an evidence record counts for ``req`` (``qualify.core.evidence.matches``)."""
    v = standard.vocabularies
    match = pl.col("activity") == req.activity
    if req.roles:
        match = match & pl.col("role").is_in(req.roles).fill_null(False)
    if req.min_audience is not None:
        match = match & (pl.col("_audience") >= max(v.rank("audience_ranks", req.min_audience), 0))
    if req.min_scope is not None:
        match = match & (pl.col("_scope") >= max(v.rank("scopes", req.min_scope), 0))
    if req.project_kinds:
        match = match & pl.col("project_kind").is_in(req.project_kinds).fill_null(False)
    if req.outcome is not None:
        match = match & (pl.col("outcome") == req.outcome).fill_null(False)
    for code in req.deliverables:
        match = match & pl.col("deliverables").list.contains(code).fill_null(False)
    return match.fill_null(False)


def requirement_counts(people: pl.DataFrame, evidence: pl.DataFrame, standard: Standard,
                       as_of: dt.date) -> dict[tuple[object, ...], Counts]:
    """For every distinct requirement of the standard, the matching records per person."""
    reqs: dict[tuple[object, ...], Requirement] = {}
    for module in standard.modules:
        for measure in module.measures:
            if measure.applies:
                for req in measure.requirements:
                    reqs.setdefault(_signature(req), req)
    n = people.height
    if not reqs:
        return {}
    v = standard.vocabularies

    def rung(column: str, ladder: str) -> pl.Expr:
        codes = v.codes(ladder)
        return pl.col(column).replace_strict(codes, list(range(len(codes))), default=-1,
                                             return_dtype=pl.Int64).fill_null(-1)

    names = [f"r{i}" for i in range(len(reqs))]
    sums = (
        evidence.lazy()
        .filter(pl.col("date") <= pl.lit(as_of))
        .join(people.lazy().select("employee_id", "pid"), on="employee_id", how="inner")
        .with_columns(rung("audience", "audience_ranks").alias("_audience"),
                      rung("scope", "scopes").alias("_scope"))
        .select("pid", *[_matches(req, standard).alias(name)
                         for name, req in zip(names, reqs.values(), strict=True)])
        .group_by("pid")
        .agg(pl.col(names).sum())
        .collect()
    )
    pids = sums.get_column("pid").to_numpy()
    counts: dict[tuple[object, ...], Counts] = {}
    for name, key in zip(names, reqs, strict=True):
        column = np.zeros(n, dtype=np.int64)
        column[pids] = sums.get_column(name).to_numpy()
        counts[key] = column
    return counts


def measure_blocks(people: pl.DataFrame, counts: dict[tuple[object, ...], Counts], standard: Standard,
                   table: TextTable) -> dict[int, list[Block]]:
    n = people.height
    blocks: dict[int, list[Block]] = {}
    for level in standard.level_numbers:
        blocks[level] = []
        if not standard.behaviour_rule.require_measures:
            continue
        for module, measure in standard.measures_at(level):
            blocks[level].append(_measure_block(module, measure, counts, n, table))
    return blocks


def _measure_block(module: Module, measure: Measure, counts: dict[tuple[object, ...], Counts], n: int,
                   table: TextTable) -> Block:
    reqs = measure.requirements
    rule = msg.measure_rule(module.code)
    if not reqs:
        outcome = np.full(n, MISSING, dtype=np.uint8)
        rows: tuple[msg.MeasureRow, ...] = ()
        inverse = np.zeros(n, dtype=np.int64)
        first = np.zeros(1 if n else 0, dtype=np.int64)
        return block(measure.level, rule, outcome, inverse, first, table,
                     lambda row: (msg.measure_actual(rows), msg.measure_required(rows),
                                  msg.measure_check(module.name, measure.level, rows),
                                  msg.measure_gap(module.name, measure.level, rows)))
    frame = pl.DataFrame({f"c{i}": counts[_signature(req)] for i, req in enumerate(reqs)})
    met = pl.all_horizontal([pl.col(f"c{i}") >= req.min_count for i, req in enumerate(reqs)])
    outcome = frame.select(pl.when(met).then(PASS).otherwise(FAIL).cast(pl.UInt8)).to_series().to_numpy()
    inverse, first = distinct(frame)

    def texts(row: int) -> Texts:
        found = frame.row(row)
        rows = tuple((req.code, req.text, int(c), req.min_count) for req, c in zip(reqs, found, strict=True))
        return (msg.measure_actual(rows), msg.measure_required(rows),
                msg.measure_check(module.name, measure.level, rows),
                msg.measure_gap(module.name, measure.level, rows))

    return block(measure.level, rule, outcome, inverse, first, table, texts)
