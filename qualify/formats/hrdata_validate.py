"""Typing and checking HR data against the contract and a standard's vocabularies, vectorised.

Every check is a Polars expression over a whole sheet; what it finds is a frame of problems
(sheet, row, column, code, value, detail). Only the first few hundred become ``Problem`` objects,
so a file with a million bad rows is reported as fast as a good one is read.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from qualify.core.standard import Standard
from qualify.formats.hrdata_columns import DELIVERABLE_SEPARATORS, SHEETS, Column, Sheet
from qualify.formats.hrdata_raw import ROW, RawSheet

PROBLEM_SCHEMA = {"sheet": pl.String, "row": pl.Int64, "column": pl.String, "code": pl.String,
                  "value": pl.String, "detail": pl.String}

EXCEL_EPOCH = pl.date(1899, 12, 30)  # serial 1 = 1900-01-01 for every date after 1900-02-28
_DATE_TEXT = r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_SERIAL = r"^\d{1,7}(?:\.\d+)?$"
_PERIOD = r"^\d{4}Q[1-4]$"

TYPED_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "employees": {"employee_id": pl.String(), "name": pl.String(), "org_unit": pl.String(),
                  "job_family": pl.String(), "current_level": pl.Int64(), "hire_date": pl.Date(),
                  "family_start_date": pl.Date()},
    "performance": {"employee_id": pl.String(), "period": pl.String(), "rating": pl.String()},
    "exams": {"employee_id": pl.String(), "sitting": pl.String(), "exam": pl.String(),
              "score": pl.Float64()},
    "evidence": {"employee_id": pl.String(), "evidence_id": pl.String(), "activity": pl.String(),
                 "date": pl.Date(), "role": pl.String(), "audience": pl.String(), "scope": pl.String(),
                 "project_kind": pl.String(), "outcome": pl.String(),
                 "deliverables": pl.List(pl.String()), "note": pl.String()},
    "ratings": {"employee_id": pl.String(), "level": pl.Int64(), "element": pl.String(),
                "assessor": pl.String(), "rating": pl.String(), "comment": pl.String()},
}


@dataclass(frozen=True)
class Vocabulary:
    """The codes a column may take, and the Chinese names accepted in their place."""

    codes: list[str]
    names: dict[str, str]  # zh name → code, where unambiguous


def vocabularies(standard: Standard) -> dict[str, Vocabulary]:
    v = standard.vocabularies
    found: dict[str, Vocabulary] = {}
    for name in ("activities", "roles", "audience_ranks", "scopes", "project_kinds", "outcomes",
                 "deliverables", "performance_ratings", "behaviour_ratings"):
        terms = getattr(v, name)
        codes = [t.code for t in terms]
        names: dict[str, str] = {}
        for t in terms:
            zh = t.name.zh.strip()
            if zh and zh not in codes and sum(1 for o in terms if o.name.zh.strip() == zh) == 1:
                names[zh] = t.code
        found[name] = Vocabulary(codes, names)
    found["exams"] = Vocabulary([e.code for e in standard.knowledge.exams],
                                {e.name.zh: e.code for e in standard.knowledge.exams
                                 if e.name.zh and e.name.zh != e.code})
    elements = [(el.code, el.name.zh) for m in standard.modules for el in m.elements]
    found["elements"] = Vocabulary([c for c, _ in elements], {})
    return found


# --- parsing --------------------------------------------------------------------------------------


def parse_date(c: pl.Expr) -> pl.Expr:
    """ISO dates (a time part, as Excel cells carry, is dropped), ``YYYY/MM/DD``, or Excel serials."""
    text = c.str.extract(_DATE_TEXT, 0).str.replace(r"[ T].*$", "").str.replace_all("/", "-")
    iso = text.str.to_date("%Y-%m-%d", strict=False)
    serial = pl.when(c.str.contains(_SERIAL)).then(c.cast(pl.Float64, strict=False).floor())
    from_serial = pl.when((serial >= 1) & (serial <= 2_958_465)).then(
        EXCEL_EPOCH + pl.duration(days=serial.cast(pl.Int64)))
    return pl.coalesce(iso, from_serial.cast(pl.Date))


def parse_float(c: pl.Expr) -> pl.Expr:
    return c.cast(pl.Float64, strict=False)


def parse_int(c: pl.Expr) -> pl.Expr:
    number = parse_float(c)
    return pl.when(number == number.round(0)).then(number.cast(pl.Int64, strict=False))


def parse_codes(c: pl.Expr) -> pl.Expr:
    text = c
    for sep in DELIVERABLE_SEPARATORS[1:]:
        text = text.str.replace_all(sep, DELIVERABLE_SEPARATORS[0], literal=True)
    return (
        text.fill_null("").str.split(DELIVERABLE_SEPARATORS[0])
        .list.eval(pl.element().str.strip_chars().filter(pl.element() != ""))
    )


def _alias_codes(c: pl.Expr, vocab: Vocabulary) -> pl.Expr:
    return c.replace(vocab.names) if vocab.names else c


# --- checking -------------------------------------------------------------------------------------


def _problems(frame: pl.DataFrame, raw: RawSheet, column: str, code: str, mask: pl.Expr,
              detail: pl.Expr | str = "", value: pl.Expr | None = None) -> pl.DataFrame:
    detail_expr = detail if isinstance(detail, pl.Expr) else pl.lit(detail)
    value_expr = value if value is not None else pl.col(column)
    return frame.filter(mask).select(
        pl.lit(raw.sheet.name).alias("sheet"),
        pl.col(ROW).alias("row"),
        pl.lit(column).alias("column"),
        pl.lit(code).alias("code"),
        value_expr.cast(pl.String).alias("value"),
        detail_expr.cast(pl.String).alias("detail"),
    )


def _cell_problems(frame: pl.DataFrame, raw: RawSheet, column: Column, standard: Standard,
                   vocab: dict[str, Vocabulary]) -> list[pl.DataFrame]:
    name = column.name
    c = pl.col(name)
    found: list[pl.DataFrame] = []
    if column.required:
        found.append(_problems(frame, raw, name, "missing-value", c.is_null()))
    present = c.is_not_null()
    if column.kind == "date":
        found.append(_problems(frame, raw, name, "bad-date", present & parse_date(c).is_null()))
    elif column.kind == "float":
        number = parse_float(c)
        found.append(_problems(frame, raw, name, "bad-number", present & number.is_null()))
        found.append(_problems(frame, raw, name, "negative", present & (number < 0)))
    elif column.kind == "int":
        number = parse_int(c)
        found.append(_problems(frame, raw, name, "bad-integer", present & number.is_null()))
        levels = standard.level_numbers
        if name == "current_level":
            top = max(levels, default=0)
            found.append(_problems(frame, raw, name, "level-out-of-range",
                                   present & ((number < 0) | (number > top)), f"0-{top}"))
        else:
            found.append(_problems(frame, raw, name, "level-out-of-range",
                                   present & number.is_not_null() & ~number.is_in(levels),
                                   ", ".join(map(str, levels))))
    elif column.kind == "period":
        found.append(_problems(frame, raw, name, "bad-period", present & ~c.str.to_uppercase()
                               .str.contains(_PERIOD)))
    elif column.kind == "code":
        v = vocab[column.vocabulary]
        code = "out-of-scale" if column.vocabulary.endswith("_ratings") else "unknown-code"
        found.append(_problems(frame, raw, name, code,
                               present & ~_alias_codes(c, v).is_in(v.codes), column.vocabulary))
    elif column.kind == "codes":
        v = vocab[column.vocabulary]
        exploded = (
            frame.filter(present).select(ROW, parse_codes(c).alias(name)).explode(name)
            .with_columns(_alias_codes(c, v))
        )
        found.append(_problems(exploded, raw, name, "unknown-code",
                               c.is_not_null() & ~c.is_in(v.codes), column.vocabulary))
    return found


def _duplicate_problems(frame: pl.DataFrame, raw: RawSheet) -> list[pl.DataFrame]:
    key = list(raw.sheet.key)
    if not key or any(k not in frame.columns for k in key):
        return []
    keyed = frame.filter(pl.all_horizontal(pl.col(key).is_not_null()))
    first = pl.struct(key).is_first_distinct() if len(key) > 1 else pl.col(key[0]).is_first_distinct()
    dups = keyed.filter(~first)
    if dups.is_empty():
        return []
    firsts = keyed.filter(first).select([*key, pl.col(ROW).alias("first_row")])
    dups = dups.join(firsts, on=key, how="left")
    label = ", ".join(key)
    value = pl.concat_str([pl.col(k) for k in key], separator=" / ")
    return [_problems(dups, raw, label, "duplicate", pl.lit(True), pl.col("first_row"), value)]


def _unknown_employee_problems(frame: pl.DataFrame, raw: RawSheet, ids: pl.Series) -> list[pl.DataFrame]:
    if "employee_id" not in frame.columns:
        return []
    c = pl.col("employee_id")
    return [_problems(frame, raw, "employee_id", "unknown-employee", c.is_not_null() & ~c.is_in(ids))]


def typed_frame(raw: RawSheet | None, sheet: Sheet, vocab: dict[str, Vocabulary]) -> pl.DataFrame:
    """The sheet with the contract's types (missing optional columns filled with nulls)."""
    schema = TYPED_SCHEMAS[sheet.name]
    if raw is None or raw.frame.is_empty():
        return pl.DataFrame(schema=schema)
    frame = raw.frame
    exprs: list[pl.Expr] = []
    for column in sheet.columns:
        name = column.name
        if name not in frame.columns:
            default = pl.lit([], dtype=schema[name]) if column.kind == "codes" else (
                pl.lit("") if column.kind == "text" else pl.lit(None))
            exprs.append(default.cast(schema[name]).alias(name))
            continue
        c = pl.col(name)
        if column.kind == "date":
            expr = parse_date(c)
        elif column.kind == "float":
            expr = parse_float(c)
        elif column.kind == "int":
            expr = parse_int(c)
        elif column.kind == "period":
            expr = c.str.to_uppercase()
        elif column.kind == "code":
            expr = _alias_codes(c, vocab[column.vocabulary])
        elif column.kind == "codes":
            v = vocab[column.vocabulary]
            expr = parse_codes(c)
            if v.names:
                expr = expr.list.eval(pl.element().replace(v.names))
        elif column.kind == "text":
            expr = c.fill_null("")
        else:
            expr = c
        exprs.append(expr.cast(schema[name]).alias(name))
    return frame.select(exprs)


def check_sheets(sheets: dict[str, RawSheet], standard: Standard) -> tuple[dict[str, pl.DataFrame],
                                                                            pl.DataFrame]:
    """The typed frames of every sheet, and a frame of every problem found (empty when all is well)."""
    vocab = vocabularies(standard)
    found: list[pl.DataFrame] = []
    employees = sheets.get("employees")
    ids = (employees.frame.get_column("employee_id").drop_nulls()
           if employees is not None and "employee_id" in employees.frame.columns
           else pl.Series("employee_id", [], dtype=pl.String))
    for sheet in SHEETS:
        raw = sheets.get(sheet.name)
        if raw is None or raw.frame.is_empty():
            continue
        frame = raw.frame
        for column in sheet.columns:
            if column.name in frame.columns:
                found.extend(_cell_problems(frame, raw, column, standard, vocab))
        found.extend(_duplicate_problems(frame, raw))
        if sheet.child:
            found.extend(_unknown_employee_problems(frame, raw, ids))
    problems = (pl.concat(found) if found else pl.DataFrame(schema=PROBLEM_SCHEMA)).filter(
        pl.col("row").is_not_null())
    if not problems.is_empty():
        return {}, problems
    typed = {sheet.name: typed_frame(sheets.get(sheet.name), sheet, vocab) for sheet in SHEETS}
    return typed, problems
