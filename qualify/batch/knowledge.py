"""The knowledge requirement for everybody at once (the meaning of ``qualify.core.knowledge``).

The latest sitting of the job family, each person's scores of the standard's exams in it (the last
one of several), the combined score summed in the standard's exam order, the rank among those who
sat every exam with ties sharing the best rank (``rank("min")``), then the policy bands per level.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from qualify.core.facts import KnowledgeFacts
from qualify.core.knowledge import band_limit, band_needed, most_allowed_levels_above
from qualify.core.standard import Standard


@dataclass(frozen=True)
class Standings:
    """Per person (in the order of the people): ``missing`` as a bit set over the standard's exams
    (bit i: exam i not sat), the combined ``score`` and ``rank`` (null unless every exam was sat);
    and for everybody the ``sitting`` (None: the family has no results) and the ``cohort`` size."""

    sitting: str | None
    cohort: int
    frame: pl.DataFrame  # missing (i64), score (f64), rank (i64)


def standings(people: pl.DataFrame, exams: pl.DataFrame, standard: Standard) -> Standings:
    codes = [e.code for e in standard.knowledge.exams]
    n = people.height
    family = (
        exams.lazy()
        .select(pid_of(people).alias("pid"), code_index("exam", codes).alias("exam"), "sitting", "score")
        .filter(pl.col("pid").is_not_null() & (pl.col("exam") >= 0))
        .collect()
    )
    latest = family.get_column("sitting").max() if family.height else None
    if latest is None:
        everything = (1 << len(codes)) - 1
        frame = pl.DataFrame({"missing": pl.repeat(everything, n, eager=True, dtype=pl.Int64),
                              "score": pl.repeat(None, n, eager=True, dtype=pl.Float64),
                              "rank": pl.repeat(None, n, eager=True, dtype=pl.Int64)})
        return Standings(None, 0, frame)
    sitting = str(latest)
    sat = family.filter(pl.col("sitting") == sitting)
    cell = sat.get_column("pid").to_numpy().astype(np.int64) * len(codes) + sat.get_column("exam").to_numpy()
    last = np.full(n * len(codes), -1, dtype=np.int64)  # of several results of one exam, the last
    np.maximum.at(last, cell, np.arange(sat.height, dtype=np.int64))
    scores = sat.get_column("score").to_numpy()
    grid = np.where(last >= 0, scores[np.maximum(last, 0)] if sat.height else np.nan, np.nan)
    grid = grid.reshape(n, len(codes))
    columns = [pl.Series(code, grid[:, i], dtype=pl.Float64).fill_nan(None) for i, code in enumerate(codes)]
    sat_all = pl.all_horizontal([pl.col(c).is_not_null() for c in codes])
    combined = pl.lit(0.0)
    for code in codes:  # in the standard's exam order, as the reference adds them
        combined = combined + pl.col(code)
    missing = pl.sum_horizontal([pl.col(c).is_null().cast(pl.Int64) * (1 << i) for i, c in enumerate(codes)])
    frame = pl.DataFrame(columns).select(
        missing.alias("missing"),
        pl.when(sat_all).then(combined).alias("score"),
    ).with_columns(pl.col("score").rank("min", descending=True).cast(pl.Int64).alias("rank"))
    return Standings(sitting, frame.get_column("score").count(), frame)


def knowledge_outcome(standard: Standard, standing: Standings, level: int) -> pl.Expr:
    """The knowledge check at ``level`` over current_level, missing and rank."""
    policy = standard.knowledge.policy
    most = most_allowed_levels_above(policy)
    rank = pl.col("rank")
    allowed = pl.lit(policy.otherwise_max_levels_above)
    for band in policy.bands:
        inside = rank <= band_limit(band.top_percent, standing.cohort)
        allowed = pl.max_horizontal(allowed, pl.when(inside).then(band.max_levels_above)
                                    .otherwise(policy.otherwise_max_levels_above))
    above = level - pl.col("current_level")
    needs_band = pl.lit(False)
    for levels_above in range(1, most + 1):
        if band_needed(levels_above, policy) is not None:
            needs_band = needs_band | (above == levels_above)
    return (
        pl.when(above > most).then(FAIL)
        .when(pl.lit(standing.sitting is None)).then(MISSING)
        .when((pl.col("missing") != 0) | rank.is_null()).then(MISSING)
        .when(~needs_band).then(PASS)
        .when(allowed >= above).then(PASS)
        .otherwise(FAIL)
    )


def knowledge_blocks(people: pl.DataFrame, standing: Standings, standard: Standard,
                     table: TextTable) -> dict[int, Block]:
    frame = pl.concat([people.select("current_level"), standing.frame], how="horizontal")
    # the rank stands for the score too: equal ranks are equal scores
    key = row_keys([frame.get_column("current_level").to_numpy().astype(np.int64),
                    frame.get_column("missing").to_numpy().astype(np.int64),
                    frame.get_column("rank").fill_null(0).to_numpy().astype(np.int64)])

    def combinations(rows: Ids) -> pl.DataFrame:
        return frame[rows]

    blocks: dict[int, Block] = {}
    for level in standard.level_numbers:

        def texts(values: tuple[Any, ...], level: int = level) -> Texts:
            current, missing, score, rank = values
            return _knowledge_texts(standard, standing, level, current, missing, score, rank)

        blocks[level] = block(level, msg.KNOWLEDGE, key, combinations,
                              knowledge_outcome(standard, standing, level), table, texts)
    return blocks


def _knowledge_texts(standard: Standard, standing: Standings, level: int, current: int, missing_bits: int,
                     score: float | None, rank: int | None) -> Texts:
    knowledge = standard.knowledge
    policy = knowledge.policy
    exams = knowledge.exams
    above = level - current
    band = band_needed(above, policy) if above > 0 else None
    facts = KnowledgeFacts(
        exams=tuple(e.code for e in exams), sitting=standing.sitting,
        missing=tuple(e.code for i, e in enumerate(exams) if missing_bits & (1 << i)),
        score=score, rank=rank, cohort=standing.cohort, current_level=current, levels_above=above,
        most_levels_above=most_allowed_levels_above(policy),
        band_percent=band.top_percent if band is not None else None,
        band_limit=band_limit(band.top_percent, standing.cohort) if band is not None else None)
    return facts, msg.knowledge_texts(facts, level, {e.code: e.name for e in exams})
