"""Certification checks for everybody at once: assessors' ratings of behaviour elements, and evidence
counted against measurement standards (the meaning of ``qualify.core.evaluate`` and
``qualify.core.evidence``).

Evidence is read once: its codes become integers (rungs on the audience and scope ladders, a bit set of
deliverables), then one boolean column per distinct requirement is counted per person (bincount).
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
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
from qualify.core.facts import BehaviourFacts, MeasureFacts, RequirementCount, UnknownFacts
from qualify.core.standard import Element, Measure, Module, Requirement, Standard
from qualify.core.text import Text
from qualify.core.unknown import part_name, unknown_facts

Counts = npt.NDArray[np.int64]


# --- behaviour:ELEMENT ----------------------------------------------------------------------------


def lowest_ratings(people: pl.DataFrame, ratings: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """Per (pid, level, element): the lowest rating on the behaviour ladder (the first seen among
    equals) and how many ratings there are."""
    ladder = standard.vocabularies.codes("behaviour_ratings")
    rows = ratings.height
    rated = (
        ratings.lazy()
        .with_row_index("_row")
        .with_columns(pid_of(people).alias("pid"))
        .filter(pl.col("pid").is_not_null())
        # the lowest rank, the first row among equals: the smallest (rank, row)
        .with_columns(((code_index("rating", ladder) + 1) * rows + pl.col("_row")).alias("_key"))
        .group_by("pid", "level", "element")
        .agg(pl.col("_key").min(), pl.len().cast(pl.Int64).alias("count"))
        .collect()
    )
    return rated.with_columns(
        ratings.get_column("rating").gather(rated.get_column("_key") % max(rows, 1)).alias("lowest"),
    ).drop("_key")


def _rating_name(standard: Standard, code: str) -> Text:
    term = standard.vocabularies.term("behaviour_ratings", code)
    return term.name if term is not None else Text(zh=code, en=code)


def behaviour_blocks(people: pl.DataFrame, lowest: pl.DataFrame, standard: Standard,
                     table: TextTable) -> dict[int, list[Block]]:
    n = people.height
    passing = tuple(standard.behaviour_rule.passing)
    seen = sorted(set(lowest.get_column("lowest").to_list()))
    lookup = pl.Series([None, *seen], dtype=pl.String)
    lowest = lowest.with_columns(
        pl.col("lowest").replace_strict(seen, list(range(1, len(seen) + 1)), return_dtype=pl.Int64)
        .alias("code"))
    parts = lowest.partition_by("level", "element", as_dict=True) if lowest.height else {}
    outcome = (pl.when(pl.col("lowest").is_null()).then(MISSING)
               .when(pl.col("lowest").is_in(passing)).then(PASS).otherwise(FAIL))
    blocks: dict[int, list[Block]] = {}
    for level in standard.level_numbers:
        blocks[level] = []
        for _, element, _ in standard.elements_at(level):
            code = np.zeros(n, dtype=np.int64)
            count = np.zeros(n, dtype=np.int64)
            part = parts.get((level, element.code))
            if part is not None:
                pids = part.get_column("pid").to_numpy()
                code[pids] = part.get_column("code").to_numpy()
                count[pids] = part.get_column("count").to_numpy()

            def combinations(rows: Ids, code: Ids = code, count: Ids = count) -> pl.DataFrame:
                return pl.DataFrame([lookup.gather(code[rows]).alias("lowest"),
                                     pl.Series("count", count[rows], dtype=pl.Int64)])

            def texts(values: tuple[Any, ...], element: Element = element, level: int = level) -> Texts:
                rating, how_many = values
                facts = BehaviourFacts(element=element.code, lowest=rating, count=how_many, passing=passing)
                return facts, msg.behaviour_texts(facts, element.name, level, partial(_rating_name, standard))

            blocks[level].append(block(level, msg.behaviour_rule(element.code), row_keys([code, count]),
                                       combinations, outcome, table, texts))
    return blocks


# --- measure:MODULE -------------------------------------------------------------------------------


def _signature(req: Requirement) -> tuple[object, ...]:
    """What decides whether a record matches (the count needed is not part of it)."""
    return (req.activity, tuple(req.roles), req.min_audience, req.min_scope, tuple(req.project_kinds),
            req.outcome, tuple(req.deliverables))


def _matches(req: Requirement, standard: Standard, bits: dict[str, int]) -> pl.Expr:
    """Whether an evidence record counts for ``req`` (``qualify.core.evidence.matches``), over the
    columns encoded by ``requirement_counts``."""
    v = standard.vocabularies

    def index(ladder: str, code: str) -> int:
        return v.rank(ladder, code)

    # a code the standard's vocabulary lacks matches no (checked) record
    unknown_outcome = req.outcome is not None and index("outcomes", req.outcome) < 0
    if index("activities", req.activity) < 0 or unknown_outcome:
        return pl.lit(False)
    match = pl.col("activity") == index("activities", req.activity)
    if req.roles:
        match = match & pl.col("role").is_in([index("roles", c) for c in req.roles if c in v.codes("roles")])
    if req.min_audience is not None:
        match = match & (pl.col("audience") >= max(index("audience_ranks", req.min_audience), 0))
    if req.min_scope is not None:
        match = match & (pl.col("scope") >= max(index("scopes", req.min_scope), 0))
    if req.project_kinds:
        kinds = [index("project_kinds", c) for c in req.project_kinds if c in v.codes("project_kinds")]
        match = match & pl.col("project_kind").is_in(kinds)
    if req.outcome is not None:
        match = match & (pl.col("outcome") == index("outcomes", req.outcome))
    if req.deliverables:
        need = 0
        for code in req.deliverables:
            if code in bits:
                need |= bits[code]
            else:  # beyond the bit set (more than 62 deliverables in the requirements)
                match = match & pl.col("deliverables").list.contains(code).fill_null(False)
        match = match & ((pl.col("_deliverables") & need) == need)
    return match


def _deliverable_bits(deliverables: pl.Series, bits: dict[str, int]) -> Ids:
    """Per record, the set of its deliverables (of those in ``bits``) as a bit set."""
    lengths = deliverables.list.len().fill_null(0).to_numpy().astype(np.int64)
    flat = deliverables.explode(empty_as_null=False, keep_nulls=False)
    values = flat.replace_strict(list(bits), list(bits.values()), default=0, return_dtype=pl.Int64) \
        .fill_null(0).to_numpy()
    if not len(lengths):
        return np.zeros(0, dtype=np.int64)
    # a trailing 0 makes every start a valid index; an empty list's "segment" is masked out
    values = np.append(values.astype(np.int64), 0)
    starts = np.cumsum(lengths) - lengths
    return np.where(lengths > 0, np.bitwise_or.reduceat(values, starts), 0).astype(np.int64)


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
    wanted = sorted({code for req in reqs.values() for code in req.deliverables})
    bits = {code: 1 << i for i, code in enumerate(wanted[:62])}
    # a record of someone else, or dated after the as-of date, is counted in an extra bin (n)
    counted = pl.when(pl.col("date") <= pl.lit(as_of)).then(pid_of(people)).fill_null(n)
    records = (
        evidence.lazy()
        .select(
            counted.alias("pid"),
            code_index("activity", v.codes("activities")).alias("activity"),
            code_index("role", v.codes("roles")).alias("role"),
            code_index("audience", v.codes("audience_ranks")).alias("audience"),
            code_index("scope", v.codes("scopes")).alias("scope"),
            code_index("project_kind", v.codes("project_kinds")).alias("project_kind"),
            code_index("outcome", v.codes("outcomes")).alias("outcome"),
            "deliverables",
        )
        .collect()
    )
    records = records.with_columns(
        pl.Series("_deliverables", _deliverable_bits(records.get_column("deliverables"), bits)))
    names = [f"r{i}" for i in range(len(reqs))]
    masks = records.select(*[_matches(req, standard, bits).alias(name)
                             for name, req in zip(names, reqs.values(), strict=True)])
    pid = records.get_column("pid").to_numpy()
    return {key: np.bincount(pid[masks.get_column(name).to_numpy()], minlength=n + 1)[:n].astype(np.int64)
            for name, key in zip(names, reqs, strict=True)}


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
    columns = [counts[_signature(req)] for req in reqs]
    names = [f"c{i}" for i in range(len(reqs))]
    key = row_keys(columns) if reqs else np.zeros(n, dtype=np.int64)

    def combinations(rows: Ids) -> pl.DataFrame:
        if not reqs:
            return pl.DataFrame({"none": np.zeros(len(rows), dtype=np.int64)})
        return pl.DataFrame([pl.Series(name, c[rows], dtype=pl.Int64) for name, c in zip(names, columns,
                                                                                         strict=True)])

    if reqs:
        met = pl.all_horizontal([pl.col(name) >= req.min_count
                                 for name, req in zip(names, reqs, strict=True)])
        outcome = pl.when(met).then(PASS).otherwise(FAIL)
    else:
        outcome = pl.lit(MISSING)  # no countable requirement: only assessors can judge it

    requirement_texts = {req.code: req.text for req in reqs}

    def texts(found: tuple[Any, ...]) -> Texts:
        facts = MeasureFacts(module=module.code, requirements=tuple(
            RequirementCount(req.code, int(c), req.min_count) for req, c in zip(reqs, found, strict=False)))
        return facts, msg.measure_texts(facts, module.name, measure.level, requirement_texts)

    return block(measure.level, rule, key, combinations, outcome, table, texts)


# --- standard.unknown -----------------------------------------------------------------------------


def unknown_blocks(people: pl.DataFrame, standard: Standard, table: TextTable) -> dict[int, Block]:
    """``standard.unknown`` at every level with unknown parts (``qualify.core.unknown``): the same
    outcome and texts for everybody."""
    n = people.height
    blocks: dict[int, Block] = {}
    for level in standard.level_numbers:
        found = unknown_facts(standard, level)
        if found is None:
            continue
        facts: UnknownFacts = found
        names = tuple(part_name(standard, part) for part in facts.parts)
        outcome = pl.lit(PASS if facts.accepted else MISSING)

        def combinations(rows: Ids) -> pl.DataFrame:
            return pl.DataFrame({"none": np.zeros(len(rows), dtype=np.int64)})

        def texts(_: tuple[Any, ...], facts: UnknownFacts = facts, level: int = level,
                  names: tuple[Text, ...] = names) -> Texts:
            return facts, msg.unknown_texts(facts, level, names)

        blocks[level] = block(level, msg.UNKNOWN, np.zeros(n, dtype=np.int64), combinations, outcome, table,
                              texts)
    return blocks
