"""The batch evaluator: the rules of a standard compiled to Polars for a whole organisation at once.

``evaluate_batch`` gives the same decisions as the reference evaluator (``qualify.core.evaluate``)
for every employee of the standard's job family: the same checks in the same order, the same
outcomes, the same ``actual``/``required`` values, messages and gaps
(``tests/contract/test_parity.py`` holds the two together). People of other job families are not
evaluated; they are listed in ``BatchResult.skipped``.

How: each rule is computed for everybody with Polars expressions (whole months, the quarter window,
the knowledge rank, the lowest rating, evidence counts); the texts are made by
``qualify.core.messages`` once per distinct combination of the values they show
(``qualify.batch.texts``), so the cost of messages grows with the variety of the data, not its size.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from qualify.batch.behaviour import (
    behaviour_blocks,
    lowest_ratings,
    measure_blocks,
    requirement_counts,
    unknown_blocks,
)
from qualify.batch.gates import experience_blocks, performance_blocks
from qualify.batch.knowledge import knowledge_blocks, standings
from qualify.batch.result import BatchResult
from qualify.batch.texts import Block, TextTable
from qualify.core import messages as msg
from qualify.core.decision import Stage
from qualify.core.errors import QualifyError
from qualify.core.standard import Standard
from qualify.formats.hrdata import HRFrames

__all__ = ["BatchResult", "evaluate_batch"]


def evaluate_batch(standard: Standard, frames: HRFrames, as_of: dt.date, stage: Stage | str) -> BatchResult:
    """Every check of every employee of ``standard``'s job family at every level on ``as_of``."""
    stage = Stage(stage)
    employees = frames.employees
    in_family = pl.col("job_family") == standard.family
    people = employees.filter(in_family).with_row_index("pid")
    repeated = people.filter(pl.col("employee_id").is_duplicated()).get_column("employee_id").unique()
    if repeated.len():
        shown = ", ".join(sorted(repeated.to_list())[:5])
        raise QualifyError(code="duplicate-employee",
                           message_en=f"employee ids appear more than once: {shown}",
                           message_zh=f"员工编号重复：{shown}", fields={"employee_ids": repeated.to_list()})
    skipped = employees.filter(~in_family).select("employee_id", "job_family")
    table = TextTable()

    per_level: dict[int, list[Block]] = {level: [] for level in standard.level_numbers}
    for rule, column in ((msg.COMPANY, "hire_date"), (msg.FAMILY, "family_start_date")):
        for level, b in experience_blocks(people, standard, as_of, table, rule, column).items():
            per_level[level].append(b)
    for level, b in performance_blocks(people, frames.performance, standard, as_of, table).items():
        per_level[level].append(b)
    standing = standings(people, frames.exams, standard)
    for level, b in knowledge_blocks(people, standing, standard, table).items():
        per_level[level].append(b)
    if stage is Stage.certification:
        lowest = lowest_ratings(people, frames.ratings, standard)
        for level, bs in behaviour_blocks(people, lowest, standard, table).items():
            per_level[level].extend(bs)
        counts = requirement_counts(people, frames.evidence, standard, as_of)
        for level, bs in measure_blocks(people, counts, standard, table).items():
            per_level[level].extend(bs)
        for level, b in unknown_blocks(people, standard, table).items():
            per_level[level].append(b)

    schedule = [(level, b.rule) for level in standard.level_numbers for b in per_level[level]]
    blocks = [b for level in standard.level_numbers for b in per_level[level]]
    n = people.height
    # check by check (each block is contiguous), seen person by person through the transpose
    outcomes = np.stack([b.outcome for b in blocks]) if blocks else np.zeros((0, n), dtype=np.uint8)
    text_ids = np.stack([b.text for b in blocks]) if blocks else \
        np.zeros((0, n), dtype=np.uint32)
    return BatchResult(
        standard_id=standard.id, as_of=as_of, stage=stage,
        people=people.select("employee_id", "current_level"),
        schedule=schedule, outcomes=outcomes.T, text_ids=text_ids.T, texts=table, skipped=skipped,
    )
