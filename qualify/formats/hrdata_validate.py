"""Typing and checking HR data against the contract and a standard's vocabularies, vectorised.

Each sheet is typed in one pass of strict, fast parsers (ISO dates, exact codes, plain numbers) that
also flag every cell they cannot accept. Only a flagged column is parsed again, leniently (spaces
stripped, Excel serial dates, ``2026/1/5``, ``2.0`` as an integer, Chinese names of codes, ``；``
between deliverables); what is still wrong then becomes a frame of problems (sheet, row, column,
code, value, detail). A good file pays for the fast pass only, and only the first few hundred
problems of a bad one become ``Problem`` objects.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from qualify.core.errors import Problem
from qualify.core.standard import Standard
from qualify.formats.hrdata_columns import DELIVERABLE_SEPARATORS, SHEETS, Column, Sheet
from qualify.formats.hrdata_raw import ROW, RawSheet

PROBLEM_SCHEMA = {"sheet": pl.String, "row": pl.Int64, "column": pl.String, "code": pl.String,
                  "value": pl.String, "detail": pl.String}

EXCEL_EPOCH = pl.date(1899, 12, 30)  # serial 1 = 1900-01-01 for every date after 1900-02-28
_DATE_TEXT = r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_SERIAL = r"^\d{1,7}(?:\.\d+)?$"
_COMPACT_DATE = r"^\d{8}$"  # 20230501
_PERIOD = r"^\d{4}Q[1-4]$"
_QUARTER_FORMS = (  # 2026年第3季度, 2026年3季度, 2026-Q3, 2026 Q3, 2026q3 (after NFKC and upper case)
    (r"^(\d{4})\s*年?\s*第?\s*([1-4])\s*季度?$", "${1}Q${2}"),
    (r"^(\d{4})\s*[-_/ ]?\s*Q\s*([1-4])$", "${1}Q${2}"),
)
_CHINESE_QUARTERS = {"一": "1", "二": "2", "三": "3", "四": "4"}
_WIDE = r"[\u3000\uff01-\uff5e]"  # full-width space, letters, digits and signs

STRINGS = pl.List(pl.String())

TYPED_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "employees": {"employee_id": pl.String(), "name": pl.String(), "org_unit": pl.String(),
                  "job_family": pl.String(), "current_level": pl.Int64(), "hire_date": pl.Date(),
                  "family_start_date": pl.Date()},
    "performance": {"employee_id": pl.String(), "period": pl.String(), "rating": pl.String()},
    "exams": {"employee_id": pl.String(), "sitting": pl.String(), "exam": pl.String(),
              "score": pl.Float64()},
    "evidence": {"employee_id": pl.String(), "evidence_id": pl.String(), "activity": pl.String(),
                 "date": pl.Date(), "role": pl.String(), "audience": pl.String(), "scope": pl.String(),
                 "project_kind": pl.String(), "outcome": pl.String(), "deliverables": STRINGS,
                 "note": pl.String()},
    "ratings": {"employee_id": pl.String(), "level": pl.Int64(), "element": pl.String(),
                "assessor": pl.String(), "rating": pl.String(), "comment": pl.String()},
}


@dataclass(frozen=True)
class Vocabulary:
    """The codes a column may take, and the Chinese names accepted in their place."""

    codes: list[str]
    names: dict[str, str]  # zh name → code, where unambiguous

    @property
    def folded(self) -> dict[str, str]:
        """Every code and name in lower case → its code (``b`` → ``B``, ``Meets`` → ``meets``),
        where no two codes fold to the same text."""
        found: dict[str, str] = {}
        clashes: set[str] = set()
        for text, code in [*((c, c) for c in self.codes), *self.names.items()]:
            key = text.lower()
            if key in found and found[key] != code:
                clashes.add(key)
            found[key] = code
        return {k: v for k, v in found.items() if k not in clashes}


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
    exams = standard.knowledge.exams
    found["exams"] = Vocabulary([e.code for e in exams],
                                {e.name.zh: e.code for e in exams if e.name.zh and e.name.zh != e.code})
    found["elements"] = Vocabulary([el.code for m in standard.modules for el in m.elements], {})
    return found


# --- parsing --------------------------------------------------------------------------------------


def _given(c: pl.Expr) -> pl.Expr:
    """Empty text as null."""
    return pl.when(c != "").then(c)


def _clean(c: pl.Expr) -> pl.Expr:
    """Full-width letters, digits and spaces as ASCII (``２０２６``, ``Ｂ``), stripped; empty as null."""
    return _given(c.str.normalize("NFKC").str.strip_chars())


def parse_date(c: pl.Expr) -> pl.Expr:
    """ISO dates (a time part, as Excel cells carry, is dropped), ``YYYY/MM/DD``, ``YYYY.MM.DD``,
    ``2023年5月1日``, ``20230501``, or Excel serials."""
    c = _clean(c)
    c = (c.str.replace(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?", "${1}-${2}-${3}")
         .str.replace(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$", "${1}-${2}-${3}"))
    text = (pl.when(c.str.contains(_DATE_TEXT)).then(c).str.replace(r"[ T].*$", "")
            .str.replace_all("/", "-"))
    iso = text.str.to_date("%Y-%m-%d", strict=False)
    compact = pl.when(c.str.contains(_COMPACT_DATE)).then(c).str.to_date("%Y%m%d", strict=False)
    serial = pl.when(c.str.contains(_SERIAL)).then(c.cast(pl.Float64, strict=False).floor())
    from_serial = pl.when((serial >= 1) & (serial <= 2_958_465)).then(
        EXCEL_EPOCH + pl.duration(days=serial.cast(pl.Int64)))
    return pl.coalesce(iso, compact, from_serial.cast(pl.Date))


def parse_period(c: pl.Expr) -> pl.Expr:
    """``2026Q3`` from ``2026q3``, ``2026-Q3``, ``2026 Q3``, ``2026年第3季度``, ``2026年第三季度``."""
    c = _clean(c).str.to_uppercase()
    for chinese, digit in _CHINESE_QUARTERS.items():
        c = c.str.replace(f"第{chinese}季", f"第{digit}季", literal=True)
    for pattern, replacement in _QUARTER_FORMS:
        c = c.str.replace(pattern, replacement)
    return c


def parse_int(c: pl.Expr) -> pl.Expr:
    number = _clean(c).cast(pl.Float64, strict=False)
    return pl.when(number == number.round(0)).then(number.cast(pl.Int64, strict=False))


def parse_codes(c: pl.Expr, vocab: Vocabulary) -> pl.Expr:
    """``a; b；c`` → ``[a, b, c]`` (Chinese names of codes accepted); nothing → ``[]``."""
    text = c.fill_null("")
    for sep in DELIVERABLE_SEPARATORS[1:]:
        text = text.str.replace_all(sep, DELIVERABLE_SEPARATORS[0], literal=True)
    text = text.str.normalize("NFKC")
    element = _alias(pl.element().str.strip_chars(), vocab)
    return text.str.split(DELIVERABLE_SEPARATORS[0]).list.eval(element.filter(element != ""))


def _alias(c: pl.Expr, vocab: Vocabulary) -> pl.Expr:
    """A code as written, its Chinese name, or either in another case (``b``, ``Meets``, ``LEAD``)."""
    c = c.replace(vocab.names) if vocab.names else c
    folded = vocab.folded
    if not folded:
        return c
    return pl.when(c.is_in(vocab.codes)).then(c).otherwise(
        c.str.to_lowercase().replace_strict(folded, default=c))


@dataclass(frozen=True)
class _Plan:
    """How one column is typed (fast and strict, or lenient) and when a value is wrong."""

    column: Column
    vocab: Vocabulary | None
    levels: list[int]
    date_format: str = "%Y-%m-%d"  # what a good date looks like: a workbook's date cells carry a time

    def typed(self, lenient: bool) -> pl.Expr:
        """The typed column. The strict form copies as little as it can: a good cell is used as
        it is, and anything unusual (spaces, ``2.0``, ``；``) makes ``problem`` flag the column for the
        lenient form."""
        c = pl.col(self.column.name)
        kind = self.column.kind
        if kind == "text":  # names and units are kept as written (no NFKC), only stripped
            typed = _given(c.str.strip_chars())
            return typed if self.column.required else typed.fill_null("")
        if kind == "id":
            return _clean(c) if lenient else c
        if kind == "note":
            return c.fill_null("")
        if kind == "date":
            if lenient:
                return parse_date(c)
            if self.date_format == "%Y-%m-%d":
                return c.str.to_date(self.date_format, strict=False)
            return c.str.to_datetime(self.date_format, strict=False).dt.date()
        if kind == "int":
            return parse_int(c) if lenient else c.cast(pl.Int64, strict=False)
        if kind == "float":
            return _clean(c).cast(pl.Float64, strict=False) if lenient else c.cast(pl.Float64, strict=False)
        if kind == "period":
            return parse_period(c) if lenient else c
        vocab = self.vocab or Vocabulary([], {})
        if kind == "code":
            return _alias(_clean(c), vocab) if lenient else c
        # codes: a list of codes
        if lenient:
            return parse_codes(c, vocab)
        return pl.when(c.str.len_bytes() > 0).then(c.str.split(DELIVERABLE_SEPARATORS[0])).otherwise(
            pl.lit([], dtype=STRINGS))

    def problem(self, typed: pl.Expr, lenient: bool) -> pl.Expr:
        """The problem code of each cell (null when the cell is fine), given its typed value. The
        strict pass may flag a cell that the lenient one accepts (`` 2026-01-05``), never the reverse."""
        column, kind = self.column, self.column.kind
        raw = pl.col(column.name)
        checks: list[tuple[pl.Expr, str]] = []
        if kind in ("text", "note"):
            blank = _given(raw.str.strip_chars()).is_null()
        elif lenient:
            blank = _clean(raw).is_null()
        else:
            blank = raw.is_null()
            if kind == "id":  # any text is an id: "", spaces around it, full-width go to the lenient pass
                checks.append((raw.str.contains(r"^$|^\s|\s$|" + _WIDE), "spaces"))
        if column.required:
            checks.insert(0, (blank, "missing-value"))
        parse_error = {"date": "bad-date", "int": "bad-integer", "float": "bad-number",
                       "id": "", "text": "", "note": "", "period": "", "code": "", "codes": ""}[kind]
        if parse_error:
            checks.append((~blank & typed.is_null(), parse_error))
        if kind == "float":
            checks.append((typed.is_nan() | typed.is_infinite(), "not-finite"))
            checks.append((typed < 0, "negative"))
        if kind == "int" and column.name == "current_level":
            checks.append(((typed < 0) | (typed > max(self.levels, default=0)), "level-out-of-range"))
        elif kind == "int":
            checks.append((~typed.is_in(self.levels), "level-out-of-range"))
        if kind == "period":
            checks.append((~blank & ~typed.str.contains(_PERIOD), "bad-period"))
        if kind == "code" and self.vocab is not None:
            code = "out-of-scale" if column.vocabulary.endswith("_ratings") else "unknown-code"
            checks.append((~blank & ~typed.is_in(self.vocab.codes), code))
        if kind == "codes" and self.vocab is not None:
            checks.append((~typed.list.eval(pl.element().is_in(self.vocab.codes)).list.all(),
                           "unknown-code"))
        if not checks:
            return pl.lit(None, dtype=pl.String)
        chain: pl.Expr = pl.lit(None, dtype=pl.String)
        for condition, code in reversed(checks):  # the first check that holds names the problem
            chain = pl.when(condition).then(pl.lit(code)).otherwise(chain)
        return chain

    @property
    def detail(self) -> str:
        if self.column.kind == "int":
            top = max(self.levels, default=0)
            return f"0-{top}" if self.column.name == "current_level" else ", ".join(map(str, self.levels))
        return self.column.vocabulary


def _plans(sheet: Sheet, vocab: dict[str, Vocabulary], standard: Standard,
           date_format: str = "%Y-%m-%d") -> list[_Plan]:
    return [_Plan(c, vocab.get(c.vocabulary), standard.level_numbers, date_format) for c in sheet.columns]


# --- one sheet ------------------------------------------------------------------------------------


def _problem_rows(frame: pl.DataFrame, sheet: str, column: str, code: pl.Expr, detail: str,
                  value: pl.Expr) -> pl.DataFrame:
    return (
        frame.lazy()
        .select(pl.col(ROW).alias("row"), code.alias("code"), value.cast(pl.String).alias("value"))
        .filter(pl.col("code").is_not_null())
        .select(pl.lit(sheet).alias("sheet"), "row", pl.lit(column).alias("column"), "code", "value",
                pl.lit(detail).alias("detail"))
        .collect()
    )


def _strictly_increasing(key: list[str]) -> pl.Expr:
    """The rows are in strictly increasing order of ``key``: then no two share it (a cheap test)."""
    after: pl.Expr | None = None
    for k in reversed(key):
        c, prev = pl.col(k), pl.col(k).shift(1)
        after = (c > prev) if after is None else (c > prev) | ((c == prev) & after)
    if after is None:
        raise ValueError("a key names at least one column")
    return after.slice(1).all()


def _duplicates(frame: pl.DataFrame, sheet: Sheet) -> pl.DataFrame | None:
    key = list(sheet.key)
    if not key or frame.height < 2:
        return None
    keyed = frame.select(ROW, *key)
    if keyed.select(pl.any_horizontal(pl.col(key).is_null()).any()).item():
        keyed = keyed.filter(pl.all_horizontal(pl.col(key).is_not_null()))
    elif keyed.select(_strictly_increasing(key)).item():
        return None
    first = pl.struct(key).is_first_distinct() if len(key) > 1 else pl.col(key[0]).is_first_distinct()
    flagged = keyed.with_columns(first.alias("_first"))
    dups = flagged.filter(~pl.col("_first"))
    if dups.is_empty():
        return None
    firsts = flagged.filter(pl.col("_first")).select([*key, pl.col(ROW).alias("_first_row")])
    dups = dups.join(firsts, on=key, how="left")
    return dups.select(
        pl.lit(sheet.name).alias("sheet"), pl.col(ROW).alias("row"), pl.lit(", ".join(key)).alias("column"),
        pl.lit("duplicate").alias("code"),
        pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator=" / ").alias("value"),
        pl.col("_first_row").cast(pl.String).alias("detail"),
    )


def _latest_ratings(typed: pl.DataFrame, key: list[str]) -> tuple[pl.DataFrame, int]:
    """Of the ratings that share employee, level, element and assessor, those of the latest date
    (a rating without a date is older than any with one); and how many were dropped. Ratings of
    the same latest date stay, for the duplicate check to name."""
    latest = pl.col("date").max().over(key)
    kept = typed.filter(latest.is_null() | (pl.col("date") == latest))
    return kept, typed.height - kept.height


def _above_maximum(typed: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """A score above the maximum the standard declares for its exam."""
    maxes = {e.code: float(e.max_score) for e in standard.knowledge.exams}
    top = pl.col("exam").replace_strict(maxes, default=None, return_dtype=pl.Float64)
    return (typed.lazy()
            .filter(pl.col("score").is_finite() & (pl.col("score") > top))
            .select(pl.lit("exams").alias("sheet"), pl.col(ROW).alias("row"), pl.lit("score").alias("column"),
                    pl.lit("above-maximum").alias("code"), pl.col("score").cast(pl.String).alias("value"),
                    pl.concat_str(pl.col("exam"), pl.lit("="), top.cast(pl.String)).alias("detail"))
            .collect())


def check_sheet(raw: RawSheet, standard: Standard, vocab: dict[str, Vocabulary],
                ids: pl.Series | None, notes: list[Problem] | None = None,
                ) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """The typed sheet (the contract's columns; missing optional ones as nulls) and its problems.
    ``ids``: the employees' ids, for a child sheet (``None``: not checked, as when the employees
    sheet is missing or rejected: one line says so, not one per row); ``notes``: what was done."""
    sheet = raw.sheet
    schema = TYPED_SCHEMAS[sheet.name]
    frame = raw.frame
    date_format = "%Y-%m-%d %H:%M:%S" if raw.workbook else "%Y-%m-%d"
    present = [p for p in _plans(sheet, vocab, standard, date_format) if p.column.name in frame.columns]
    fast = frame.lazy().select(
        ROW, *[p.column.name for p in present],
        *[p.typed(lenient=False).alias(f"_t_{p.column.name}") for p in present],
    ).select(
        ROW,
        *[pl.col(f"_t_{p.column.name}").alias(p.column.name) for p in present],
        *[p.problem(pl.col(f"_t_{p.column.name}"), lenient=False).is_not_null().any()
          .alias(f"_bad_{p.column.name}") for p in present],
    ).collect()
    flags = fast.select(pl.col(f"_bad_{p.column.name}").first() for p in present).row(0) if present else ()
    typed = fast.select(ROW, *[p.column.name for p in present])
    problems: list[pl.DataFrame] = []
    for plan, bad in zip(present, flags, strict=True):
        if not bad:
            continue
        name = plan.column.name
        lenient = frame.select(ROW, pl.col(name), plan.typed(lenient=True).alias("_typed"))
        typed = typed.with_columns(lenient.get_column("_typed").alias(name))
        if plan.column.kind == "codes":
            problems.extend(_codes_problems(lenient, sheet.name, plan))
            continue
        problems.append(_problem_rows(lenient, sheet.name, name, plan.problem(pl.col("_typed"), True),
                                      plan.detail, pl.col(name)))
    if sheet.name == "ratings" and "date" in typed.columns and set(sheet.key) <= set(typed.columns):
        typed, superseded = _latest_ratings(typed, list(sheet.key))
        if superseded and notes is not None:
            notes.append(Problem(
                code="superseded-ratings",
                message_en=(f"{superseded} rating{'s' if superseded != 1 else ''} superseded by a later one "
                            "of the same employee, level, element and assessor (the latest date counts)"),
                message_zh=f"{superseded} 条评分被同一员工、等级、要素、评委的更晚评分取代（以最晚日期为准）",
                file=raw.file, sheet=raw.label, column=raw.header("date")))
    dups = _duplicates(typed, sheet)
    if dups is not None:
        problems.append(dups)
    if sheet.name == "exams" and {"exam", "score"} <= set(typed.columns):
        problems.append(_above_maximum(typed, standard))
    if ids is not None and "employee_id" in typed.columns:
        c = pl.col("employee_id")
        problems.append(_problem_rows(typed, sheet.name, "employee_id",
                                      pl.when(c.is_not_null() & ~c.is_in(ids.implode()))
                                      .then(pl.lit("unknown-employee")), "", c))
    columns = []
    for name, dtype in schema.items():
        if name in typed.columns:
            columns.append(pl.col(name).cast(dtype))
        else:
            kind = sheet.column(name).kind
            default = pl.lit([], dtype=STRINGS) if kind == "codes" else (
                pl.lit("") if kind in ("text", "note") else pl.lit(None))
            columns.append(default.cast(dtype).alias(name))
    return typed.select(columns), problems


def _codes_problems(lenient: pl.DataFrame, sheet: str, plan: _Plan) -> list[pl.DataFrame]:
    """One problem per unknown code in a list of codes."""
    codes = plan.vocab.codes if plan.vocab is not None else []
    name = plan.column.name
    exploded = lenient.select(ROW, pl.col("_typed").alias(name)).explode(name)
    c = pl.col(name)
    return [_problem_rows(exploded, sheet, name,
                          pl.when(c.is_not_null() & ~c.is_in(codes)).then(pl.lit("unknown-code")),
                          plan.detail, c)]


def check_sheets(sheets: dict[str, RawSheet], standard: Standard, notes: list[Problem] | None = None,
                 ) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """The typed frames of every sheet, and a frame of every problem found (empty when all is well).
    A missing or empty employees sheet is reported by the reader; the rows of the other sheets are
    then not each reported as of an unknown employee."""
    vocab = vocabularies(standard)
    typed: dict[str, pl.DataFrame] = {}
    found: list[pl.DataFrame] = []
    ids: pl.Series | None = None
    for sheet in SHEETS:
        raw = sheets.get(sheet.name)
        if raw is None or raw.frame.is_empty():
            typed[sheet.name] = pl.DataFrame(schema=TYPED_SCHEMAS[sheet.name])
            continue
        frame, problems = check_sheet(raw, standard, vocab, ids if sheet.child else None, notes)
        typed[sheet.name] = frame
        found.extend(problems)
        if not sheet.child:
            ids = frame.get_column("employee_id").drop_nulls()
    problems_frame = pl.concat(found) if found else pl.DataFrame(schema=PROBLEM_SCHEMA)
    if not problems_frame.is_empty():
        return {}, problems_frame
    return typed, problems_frame
