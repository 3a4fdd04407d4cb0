"""Decisions out of the batch engine as columns: JSON lines, Parquet and the summary counts, written
from Polars frames, with no Python object per person or per check.

A text number of the batch (``qualify.batch.texts``) tells the check's level, rule, outcome and
texts, so the JSON object of a check (``{"rule": …, "facts": {…}}``) is made once per distinct text,
by ``json.dumps`` as ``Decision.as_json`` would be written (``fragments``). A person's line is then
a concatenation, in Polars, of their fragments in the order of the checks (``jsonl_lines``); lines are
written in slices of people, so memory does not grow with the organisation.
(``tests/contract/test_decision_columns.py`` holds the bytes to ``json.dumps(decision.as_json())``.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, Protocol, cast

import numpy as np
import polars as pl

from qualify.batch.result import LEVEL_OUTCOMES, BatchResult
from qualify.batch.texts import OUTCOME_VALUES, OUTCOMES, PASS
from qualify.core.facts import UnknownFacts
from qualify.core.standard import Standard
from qualify.core.text import Lang

ChecksShown = Literal["all", "failing"]
"""Which checks a person's levels list: every check, or only those short of pass (and those passed
with a warning: an unknown part of the standard its owner accepts)."""

CHUNK_BYTES = 48 * 1024 * 1024
"""About how much JSON text is made at once."""



class BinaryOut(Protocol):
    def write(self, data: bytes, /) -> int: ...


_dumps = json.JSONEncoder(ensure_ascii=False).encode  # as json.dumps(…, ensure_ascii=False)


@dataclass(frozen=True)
class Fragments:
    """Per text number, the JSON of its check (null when the check is not written) and of its gap
    (null for a passed check); one more null at the end (the number ``len(texts)``) for "none"."""

    check: pl.Series
    gap: pl.Series

    @property
    def none(self) -> int:
        return self.check.len() - 1


def fragments(result: BatchResult, lang: Lang, checks: ChecksShown = "all") -> Fragments:
    """The JSON objects of every distinct check and gap of ``result``, in ``lang``."""
    blocks, block_of, outcome_of = result.texts.checks_of()
    check: list[str | None] = []
    gap: list[str | None] = []
    zh = lang == "zh"
    for (actual, required, mzh, men, gzh, gen, facts), block, code in zip(
            result.texts.rows, block_of.tolist(), outcome_of.tolist(), strict=True):
        level, rule = blocks[block]
        if checks == "failing" and code == PASS and not (isinstance(facts, UnknownFacts) and facts.accepted):
            check.append(None)
        else:
            check.append(_dumps({"rule": rule, "outcome": OUTCOME_VALUES[code], "actual": actual,
                                 "required": required, "message": mzh if zh else men,
                                 "facts": facts.as_json() if facts is not None else {}}))
        gap.append(None if code == PASS else _dumps({"level": level, "rule": rule,
                                                     "message": gzh if zh else gen}))
    check.append(None)
    gap.append(None)
    return Fragments(pl.Series("check", check, dtype=pl.String), pl.Series("gap", gap, dtype=pl.String))


def _spans(result: BatchResult) -> list[tuple[int, int, int]]:
    """(level, first column, end column) of each level."""
    spans = []
    for level in result.level_numbers:
        columns = [k for k, (lvl, _) in enumerate(result.schedule) if lvl == level]
        spans.append((level, columns[0], columns[-1] + 1))
    return spans


def jsonl_lines(result: BatchResult, parts: Fragments, start: int, stop: int) -> pl.DataFrame:
    """The decision JSON of the people ``start:stop`` (one column ``line``), as
    ``json.dumps(decision.as_json(lang), ensure_ascii=False)``."""
    ids = result.text_ids[start:stop]
    people = result.people.slice(start, stop - start)
    current = people.get_column("current_level").to_numpy()
    levels = np.asarray([lvl for lvl, _ in result.schedule], dtype=np.int64)
    # the gaps: the checks short of pass at the level above the current one
    on_target = levels[np.newaxis, :] == (current + 1)[:, np.newaxis]
    gap_ids = np.where(on_target, ids, parts.none)
    columns: dict[str, pl.Series] = {
        "employee_id": people.get_column("employee_id"),
        "current_level": people.get_column("current_level"),
        "highest": result.highest_eligible_level.slice(start, stop - start),
    }
    for k in range(ids.shape[1]):
        columns[f"c{k}"] = parts.check.gather(ids[:, k])
        columns[f"g{k}"] = parts.gap.gather(gap_ids[:, k])
    codes = result.level_codes[start:stop]
    head = (f', "standard": {_dumps(result.standard_id)}, "as_of": "{result.as_of.isoformat()}", '
            f'"stage": "{result.stage.value}", "current_level": ')
    pieces: list[pl.Expr] = [
        pl.lit('{"employee_id": '),
        pl.struct("employee_id").struct.json_encode().str.strip_prefix('{"employee_id":').str.strip_suffix("}"),
        pl.lit(head), pl.col("current_level").cast(pl.String),
        pl.lit(', "highest_eligible_level": '), pl.col("highest").cast(pl.String), pl.lit(', "levels": ['),
    ]
    every = parts.check.null_count() == 1  # every check is written: no nulls to leave out
    for j, (level, a, b) in enumerate(_spans(result)):
        heads = pl.Series([f'{{"level": {level}, "outcome": "{o.value}", "checks": ['
                           for o in LEVEL_OUTCOMES], dtype=pl.String)
        columns[f"l{j}"] = heads.gather(codes[:, j])
        if j:
            pieces.append(pl.lit(", "))
        pieces.append(pl.col(f"l{j}"))
        if every:  # one concatenation for the whole line: each byte copied once
            for k in range(a, b):
                pieces += [pl.lit(", "), pl.col(f"c{k}")] if k > a else [pl.col(f"c{k}")]
        else:
            pieces.append(pl.concat_str([pl.col(f"c{k}") for k in range(a, b)], separator=", ",
                                        ignore_nulls=True))
        pieces.append(pl.lit("]}"))
    pieces += [pl.lit('], "gaps": ['),
               pl.concat_str([pl.col(f"g{k}") for k in range(ids.shape[1])], separator=", ",
                             ignore_nulls=True),
               pl.lit("]}")]
    return pl.DataFrame(columns).select(pl.concat_str(pieces).alias("line"))


def _rows_per_chunk(result: BatchResult, parts: Fragments) -> int:
    """How many people make about ``CHUNK_BYTES`` of JSON."""
    lengths = parts.check.str.len_bytes().fill_null(0).to_numpy()
    n = result.people.height
    sample = result.text_ids[:: max(1, n // 1000)]
    per_person = float(lengths[sample].sum(axis=1).mean()) if sample.size else 1.0
    return max(64, int(CHUNK_BYTES / max(per_person + 200.0, 1.0)))


def jsonl_chunks(result: BatchResult, lang: Lang, checks: ChecksShown = "all") -> Iterator[pl.DataFrame]:
    """The decision lines of everybody, in the order of ``result.people``, a slice of people at a time."""
    parts = fragments(result, lang, checks)
    n = result.people.height
    step = _rows_per_chunk(result, parts)
    for start in range(0, n, step):
        yield jsonl_lines(result, parts, start, min(n, start + step))


def write_jsonl(result: BatchResult, out: BinaryOut, lang: Lang, checks: ChecksShown = "all") -> None:
    """One decision JSON object per person per line (DESIGN.md, "Decisions"), UTF-8."""
    for chunk in jsonl_chunks(result, lang, checks):
        # one column, never quoted: each line as it is, then a newline
        chunk.write_csv(cast(IO[bytes], out), include_header=False, quote_style="never")


# --- the summary ------------------------------------------------------------------------------------


def summary_counts(result: BatchResult) -> tuple[dict[int, int], dict[int, dict[str, int]]]:
    """People per highest eligible level (every level and 0, even when nobody), and per level the
    count of each level outcome: a group-by over the per-person outcomes."""
    frame = result.summary
    highest = dict.fromkeys([0, *result.level_numbers], 0)
    for level, count in frame.group_by("highest_eligible_level").len().iter_rows():
        highest[level] = count
    by_level: dict[int, dict[str, int]] = {
        level: dict.fromkeys(["eligible", "not_eligible", "incomplete"], 0) for level in result.level_numbers}
    names = [f"level_{level}" for level in result.level_numbers]
    if names and frame.height:
        counted = (frame.select(names).unpivot(variable_name="level", value_name="outcome")
                   .group_by("level", "outcome").len())
        for name, outcome, count in counted.iter_rows():
            by_level[int(name.removeprefix("level_"))][outcome] = count
    return highest, by_level


# --- one row per check: Parquet, and the frames of the workbook ------------------------------------

CHECK_OUTCOME = pl.Enum(list(OUTCOME_VALUES))
LEVEL_OUTCOME = pl.Enum([o.value for o in LEVEL_OUTCOMES])


def text_frame(result: BatchResult, lang: Lang) -> pl.DataFrame:
    """One row per text number: level, rule, outcome, warning (passed with a warning), actual,
    required, message, gap (what to do; empty for a passed check) in ``lang``, and facts (the JSON of
    the decision's ``facts``). Text columns are categorical (each distinct string stored once)."""
    blocks, block_of, outcome_of = result.texts.checks_of()
    zh = lang == "zh"
    warning: list[bool] = []
    message: list[str] = []
    gap: list[str] = []
    facts_json: list[str] = []
    actual: list[str] = []
    required: list[str] = []
    for (a, r, mzh, men, gzh, gen, facts), code in zip(result.texts.rows, outcome_of.tolist(), strict=True):
        actual.append(a)
        required.append(r)
        warning.append(isinstance(facts, UnknownFacts) and facts.accepted)
        shown = mzh if zh else men
        message.append(shown)
        gap.append("" if code == PASS else (gzh if zh else gen) or shown)
        facts_json.append(_dumps(facts.as_json()) if facts is not None else "{}")
    levels = np.asarray([lvl for lvl, _ in blocks], dtype=np.int64)
    rules = pl.Series([rule for _, rule in blocks], dtype=pl.String)
    return pl.DataFrame([
        pl.Series("level", levels[block_of] if len(blocks) else [], dtype=pl.Int64),
        rules.gather(block_of).alias("rule").cast(pl.Categorical),
        pl.Series("outcome", OUTCOME_VALUES, dtype=CHECK_OUTCOME).gather(outcome_of),
        pl.Series("warning", warning, dtype=pl.Boolean),
        *[pl.Series(name, values, dtype=pl.String).cast(pl.Categorical) for name, values in (
            ("actual", actual), ("required", required), ("message", message), ("gap", gap),
            ("facts", facts_json))],
    ])


def check_rows(result: BatchResult, texts: pl.DataFrame, person: np.ndarray[Any, np.dtype[np.int64]],
               column: np.ndarray[Any, np.dtype[np.int64]]) -> pl.DataFrame:
    """One row per (person, check) given: employee_id, current_level, highest_eligible_level, level,
    level_outcome, rule, outcome, warning, actual, required, message, gap, facts."""
    ids = pl.Series(result.text_ids[person, column], dtype=pl.UInt32)
    level_index = {level: j for j, level in enumerate(result.level_numbers)}
    check_level = np.asarray([level_index[lvl] for lvl, _ in result.schedule], dtype=np.int64)
    people = result.people
    return pl.DataFrame([
        people.get_column("employee_id").gather(person),
        people.get_column("current_level").gather(person),
        result.highest_eligible_level.gather(person),
        texts.get_column("level").gather(ids),
        pl.Series("level_outcome", [o.value for o in LEVEL_OUTCOMES], dtype=LEVEL_OUTCOME).gather(
            result.level_codes[person, check_level[column]]),
    ]).hstack(texts.select(pl.exclude("level").gather(ids)))


def selected_checks(result: BatchResult, texts: pl.DataFrame,
                    checks: ChecksShown) -> tuple[np.ndarray[Any, np.dtype[np.int64]],
                                                   np.ndarray[Any, np.dtype[np.int64]]]:
    """(person, column) of every check, or of those short of pass or passed with a warning, person
    by person in the order of the checks."""
    n, k = result.text_ids.shape
    if checks == "all":
        return np.repeat(np.arange(n, dtype=np.int64), k), np.tile(np.arange(k, dtype=np.int64), n)
    passed = ((texts.get_column("outcome") == "pass") & ~texts.get_column("warning")).to_numpy()
    person, column = np.nonzero(~passed[result.text_ids])
    return person.astype(np.int64), column.astype(np.int64)


PARQUET_PEOPLE = 20_000
"""People per slice of rows handed to the Parquet writer (memory does not grow with the organisation)."""


def write_parquet(result: BatchResult, path: Path, lang: Lang, checks: ChecksShown = "all") -> None:
    """One row per check (``check_rows``), person by person in the order of the decisions, texts in
    ``lang``, with the standard, as-of date and stage in every row; streamed to the file a slice of
    people at a time."""
    from polars.io.plugins import register_io_source

    texts = text_frame(result, lang)
    n = result.people.height

    def rows(start: int, stop: int) -> pl.DataFrame:
        part = BatchResult(standard_id=result.standard_id, as_of=result.as_of, stage=result.stage,
                           people=result.people.slice(start, stop - start), schedule=result.schedule,
                           outcomes=result.outcomes[start:stop], text_ids=result.text_ids[start:stop],
                           texts=result.texts)
        person, column = selected_checks(part, texts, checks)
        return check_rows(part, texts, person, column).with_columns(
            pl.lit(result.standard_id).cast(pl.Categorical).alias("standard"),
            pl.lit(result.as_of).alias("as_of"),
            pl.lit(result.stage.value).cast(pl.Categorical).alias("stage"))

    first = rows(0, min(n, PARQUET_PEOPLE))

    def source(with_columns: list[str] | None, predicate: pl.Expr | None, n_rows: int | None,
               batch_size: int | None) -> Iterator[pl.DataFrame]:
        left = n_rows
        for start in range(0, max(n, 1), PARQUET_PEOPLE):
            frame = first if start == 0 else rows(start, min(n, start + PARQUET_PEOPLE))
            if with_columns is not None:
                frame = frame.select(with_columns)
            if predicate is not None:
                frame = frame.filter(predicate)
            if left is not None:
                frame = frame.head(left)
                left -= frame.height
            yield frame
            if left is not None and left <= 0:
                return

    register_io_source(source, schema=first.schema).sink_parquet(path, statistics=False)


# --- the workbook for HR ----------------------------------------------------------------------------


def write_xlsx(result: BatchResult, path: Path, lang: Lang, standard: Standard, employees: pl.DataFrame,
               *, reach: int | None = None) -> None:
    """The workbook of ``qualify.formats.decisions.write_xlsx`` (same sheets, columns and texts), made
    from the columns: a row per person, and the checks short of pass or passed with a warning at the
    levels up to ``current_level + reach`` (every level when ``None``). ``employees``: employee_id,
    name, org_unit of (at least) the people of ``result``."""
    from qualify.formats.decisions import (
        CHECK_COLUMNS,
        CHECK_WIDTHS,
        PEOPLE_WIDTHS,
        check_outcome_text,
        label,
        level_outcome_text,
        rule_label,
    )
    from qualify.formats.xlsx_frames import FrameSheet, neutral_text, write_frames_xlsx

    blocks, block_of, outcome_of = result.texts.checks_of()
    texts = result.texts.rows
    # shared strings: the level outcomes, the check outcomes and warning, the rules and their names,
    # then five per text (actual, required, message, what to do, facts)
    shared = [level_outcome_text(o, lang) for o in LEVEL_OUTCOMES]
    outcome_at = len(shared)
    shared += [check_outcome_text(o, lang) for o in OUTCOMES] + [label("warning", lang)]
    rules = list(dict.fromkeys(rule for _, rule in blocks))
    rule_at = len(shared)
    shared += rules + [rule_label(standard, rule, lang) for rule in rules]
    text_at = len(shared)
    zh = lang == "zh"
    shown = np.zeros(len(texts) + 1, dtype=np.bool_)
    outcome_index = np.zeros(len(texts) + 1, dtype=np.int64)
    for t, ((actual, required, mzh, men, gzh, gen, facts), code) in enumerate(
            zip(texts, outcome_of.tolist(), strict=True)):
        warns = isinstance(facts, UnknownFacts) and facts.accepted
        shown[t] = code != PASS or warns
        outcome_index[t] = outcome_at + (len(OUTCOMES) if warns else code)
        message = mzh if zh else men
        gap = "" if code == PASS else (gzh if zh else gen) or message
        shared += [neutral_text(actual), neutral_text(required), neutral_text(message), neutral_text(gap),
                   _dumps(facts.as_json()) if facts is not None else "{}"]
    rule_index = np.asarray([rule_at + rules.index(rule) for _, rule in blocks], dtype=np.int64)

    people = result.people.join(employees.select("employee_id", "name", "org_unit").unique("employee_id"),
                                on="employee_id", how="left", maintain_order="left")
    n = people.height
    step = 50_000
    levels = result.level_numbers
    level_head = [(f"{level} 级" if zh else f"level {level}") for level in levels]

    def people_rows() -> Iterator[pl.DataFrame]:
        for start in range(0, n, step):
            stop = min(n, start + step)
            yield people.slice(start, stop - start).select(
                "employee_id", "name", "org_unit", "current_level").with_columns(
                result.highest_eligible_level.slice(start, stop - start),
                *[pl.Series(f"l{j}", result.level_codes[start:stop, j].astype(np.uint32) , dtype=pl.UInt32)
                  for j in range(len(levels))])

    check_level = np.asarray([lvl for lvl, _ in result.schedule], dtype=np.int64)
    current = people.get_column("current_level").to_numpy()
    within = (np.ones_like(result.text_ids, dtype=np.bool_) if reach is None else
              check_level[np.newaxis, :] <= (current + reach)[:, np.newaxis])
    person, column = np.nonzero(shown[result.text_ids] & within)
    ids = result.text_ids[person, column].astype(np.int64)

    def check_rows() -> Iterator[pl.DataFrame]:
        for start in range(0, len(person), step):
            who = person[start:start + step]
            t = ids[start:start + step]
            base = text_at + 5 * t
            rule = rule_index[block_of[t]]
            yield people.select("employee_id", "name", "org_unit").select(pl.all().gather(who)).with_columns(
                pl.Series("level", check_level[column[start:start + step]], dtype=pl.Int64),
                *[pl.Series(name, values.astype(np.uint32), dtype=pl.UInt32) for name, values in (
                    ("rule", rule), ("rule_name", rule + len(rules)), ("outcome", outcome_index[t]),
                    ("actual", base), ("required", base + 1), ("message", base + 2), ("gap", base + 3),
                    ("facts", base + 4))])

    people_sheet = FrameSheet(
        label("people", lang),
        [label(k, lang) for k in ("employee_id", "name", "org_unit", "current_level",
                                  "highest_eligible_level")] + level_head,
        PEOPLE_WIDTHS + [12] * len(levels), people_rows, {f"l{j}" for j in range(len(levels))})
    checks_sheet = FrameSheet(label("checks", lang), [label(k, lang) for k in CHECK_COLUMNS], CHECK_WIDTHS,
                              check_rows, {"rule", "rule_name", "outcome", "actual", "required", "message",
                                           "gap", "facts"})
    write_frames_xlsx(path, [people_sheet, checks_sheet], shared)
