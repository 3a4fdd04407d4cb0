"""HR data (DESIGN.md, "HR data"): an .xlsx workbook or a folder of UTF-8 CSV files with the sheets
employees, performance, exams, evidence and ratings, read into typed Polars frames.

Reading is all or nothing: any bad row rejects the whole input with ``InvalidInput``, one ``Problem``
per thing wrong (file, sheet, row as the user sees it, column, what is wrong), capped at
``MAX_PROBLEMS`` lines plus one that says how many more there are.

``to_organisation`` and ``from_organisation`` convert between the frames and the core records.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from qualify.core.errors import InvalidInput, Problem
from qualify.core.records import (
    Employee,
    EvidenceRecord,
    ExamRecord,
    Organisation,
    PerformanceRecord,
    RatingRecord,
)
from qualify.core.standard import Standard
from qualify.formats.hrdata_columns import SHEET_BY_NAME, SHEETS
from qualify.formats.hrdata_raw import SHEET_NAMES, RawSheet, read_raw
from qualify.formats.hrdata_validate import TYPED_SCHEMAS, check_sheets, vocabularies

MAX_PROBLEMS = 200

SCREENING_SHEETS = ("employees", "performance", "exams")


@dataclass(frozen=True)
class HRFrames:
    """The five sheets of the HR data contract as typed Polars frames.

    employees: employee_id, name, org_unit, job_family (str), current_level (i64), hire_date,
    family_start_date (date); performance: employee_id, period ("2026Q3"), rating; exams:
    employee_id, sitting, exam (str), score (f64); evidence: employee_id, evidence_id, activity (str),
    date (date), role, audience, scope, project_kind, outcome (str or null), deliverables (list[str]),
    note (str); ratings: employee_id, level (i64), element, assessor, rating, comment (str).
    """

    employees: pl.DataFrame
    performance: pl.DataFrame
    exams: pl.DataFrame
    evidence: pl.DataFrame
    ratings: pl.DataFrame
    # What reading did that the user should know (sheets joined or ignored, the encoding, a title row
    # skipped, ratings superseded): one line each, for the summary of ``qualify assess``/``import``.
    notes: tuple[Problem, ...] = field(default=(), compare=False, init=False)

    @classmethod
    def empty(cls) -> HRFrames:
        return cls(**{name: pl.DataFrame(schema=TYPED_SCHEMAS[name]) for name in SHEET_NAMES})

    @classmethod
    def of(cls, **frames: pl.DataFrame) -> HRFrames:
        """Frames in the contract's column order and types; sheets not given are empty."""
        out = {}
        for name in SHEET_NAMES:
            schema = TYPED_SCHEMAS[name]
            frame = frames.get(name)
            out[name] = (pl.DataFrame(schema=schema) if frame is None
                         else frame.select([pl.col(c).cast(t) for c, t in schema.items()]))
        return cls(**out)

    def noted(self, notes: Collection[Problem]) -> HRFrames:
        """These frames, with what reading them did."""
        object.__setattr__(self, "notes", tuple(notes))
        return self

    def sheet(self, name: str) -> pl.DataFrame:
        frame: pl.DataFrame = getattr(self, name)
        return frame

    def counts(self) -> dict[str, int]:
        return {name: self.sheet(name).height for name in SHEET_NAMES}


def read_hr_data(path: Path, standard: Standard, *, sheets: Collection[str] = SHEET_NAMES) -> HRFrames:
    """Read and check HR data against ``standard``'s vocabularies; raise ``InvalidInput`` on any problem.

    ``sheets``: read only these (and always employees); the others are returned empty. Screening
    needs employees, performance and exams only."""
    path = Path(path)
    raw = read_raw(path, sheets)
    notes = list(raw.notes)
    typed, found = check_sheets(raw.sheets, standard, notes)
    if raw.problems or not found.is_empty():
        raise _rejection(path, raw.problems, found, raw.sheets, standard)
    return HRFrames(**typed).noted(notes)


# --- the report of problems -----------------------------------------------------------------------

_VOCAB_LABELS = {
    "activities": ("activity", "活动"),
    "roles": ("role", "角色"),
    "audience_ranks": ("audience rank", "对象级别"),
    "scopes": ("scope", "范围"),
    "project_kinds": ("project kind", "项目类型"),
    "outcomes": ("outcome", "结果"),
    "deliverables": ("deliverable", "交付件"),
    "exams": ("exam", "考试"),
    "elements": ("behaviour element", "行为要素"),
    "performance_ratings": ("performance rating", "绩效等级"),
    "behaviour_ratings": ("behaviour rating", "行为评分"),
}


def _known(codes: list[str], limit: int = 12) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (", …" if len(codes) > limit else "")


def _messages(code: str, value: str, detail: str, standard: Standard) -> tuple[str, str]:
    v = value
    if code == "missing-value":
        return "a value is required here", "此处必须填写"
    if code == "bad-date":
        return (f"{v!r} is not a date (YYYY-MM-DD, 2023年5月1日, 2023.5.1, 20230501 or an Excel date)",
                f"{v!r} 不是日期（应为 YYYY-MM-DD、2023年5月1日、2023.5.1、20230501 或 Excel 日期）")
    if code == "bad-number":
        return f"{v!r} is not a number", f"{v!r} 不是数字"
    if code == "negative":
        return f"{v} is negative; a score is 0 or more", f"{v} 是负数；成绩不能小于 0"
    if code == "not-finite":
        return f"{v!r} is not a finite number", f"{v!r} 不是有限的数"
    if code == "above-maximum":
        exam, _, top = detail.partition("=")
        return (f"{v} is above the maximum score {top} of exam {exam!r} in {standard.id}",
                f"{v} 超过 {standard.id} 中考试 {exam!r} 的满分 {top}")
    if code == "bad-integer":
        return f"{v!r} is not a whole number", f"{v!r} 不是整数"
    if code == "level-out-of-range":
        return (f"level {v} is out of range ({detail}) for {standard.id}",
                f"等级 {v} 超出 {standard.id} 的范围（{detail}）")
    if code == "bad-period":
        return (f"{v!r} is not a calendar quarter like 2026Q3, 2026-Q3 or 2026年第3季度",
                f"{v!r} 不是季度（格式如 2026Q3、2026-Q3、2026年第3季度）")
    if code in ("unknown-code", "out-of-scale"):
        en, zh = _VOCAB_LABELS.get(detail, (detail, detail))
        known = _known(vocabularies(standard)[detail].codes)
        if code == "out-of-scale":
            return (f"{v!r} is not on the {en} scale of {standard.id} ({known})",
                    f"{v!r} 不在 {standard.id} 的{zh}范围内（{known}）")
        return (f"{v!r} is not a known {en} code of {standard.id} (known: {known})",
                f"{v!r} 不是 {standard.id} 中的{zh}代码（可用：{known}）")
    if code == "unknown-employee":
        return (f"employee {v!r} is not in the employees sheet", f"员工 {v!r} 不在 employees 表中")
    return f"{code}: {v!r}", f"{code}：{v!r}"


def _rejection(path: Path, head: list[Problem], found: pl.DataFrame, sheets: dict[str, RawSheet],
               standard: Standard) -> InvalidInput:
    total = len(head) + found.height
    order = {name: i for i, name in enumerate(SHEET_NAMES)}
    column_order = pl.DataFrame(
        [(s.name, c, i) for s in SHEETS for i, c in enumerate(s.names)],
        schema={"sheet": pl.String, "_first": pl.String, "_column": pl.Int64}, orient="row")
    rows = (
        found.with_columns(
            pl.col("sheet").replace_strict(order, return_dtype=pl.Int64).alias("_sheet"),
            pl.col("column").str.split(", ").list.first().alias("_first"),
        )
        .join(column_order, on=["sheet", "_first"], how="left", maintain_order="left")
        .sort("_sheet", "row", "_column", maintain_order=True)
        .head(max(MAX_PROBLEMS - len(head), 0))
    )
    problems = list(head[:MAX_PROBLEMS])
    for p in rows.iter_rows(named=True):
        raw = sheets[p["sheet"]]
        part, row = raw.place(p["row"])
        detail = p["detail"] or ""
        if p["code"] == "duplicate":  # both rows: this one, and the first (maybe in another part)
            first_part, first_row = raw.place(int(detail))
            other = "" if first_part is part else first_part.label
            where_en = f"row {first_row}" + (f" of {other}" if other else "")
            where_zh = (f"{other} " if other else "") + f"第 {first_row} 行"
            value = p["value"] or ""
            en, zh = (f"{value!r} appears more than once (first on {where_en})",
                      f"{value!r} 重复出现（首次在{where_zh}）")
            if raw.sheet.name == "ratings":
                en += "; with a date column the latest rating counts"
                zh += "；加上日期列则以最晚的评分为准"
        elif p["code"] == "missing-value" and raw.workbook and part.formula_without_value(row, p["column"]):
            p["code"] = "formula-without-value"
            en, zh = ("the cell holds a formula saved without its value (written by a program, not by "
                      "Excel): open the file in Excel and save it, or paste the values",
                      "该单元格是未保存计算结果的公式（由程序生成而非 Excel 保存）："
                      "请用 Excel 打开并保存，或粘贴为数值")
        else:
            en, zh = _messages(p["code"], p["value"] or "", detail, standard)
        column = ", ".join(part.headers.get(c, c) for c in p["column"].split(", "))
        problems.append(Problem(code=p["code"], message_en=en, message_zh=zh, file=part.file,
                                sheet=part.label, row=row, column=column))
    more = total - len(problems)
    if more > 0:
        problems.append(Problem(code="more-problems", message_en=f"… and {more} more problems",
                                message_zh=f"…… 另有 {more} 个问题", file=str(path)))
    error = InvalidInput(problems, source=str(path))
    error.message_en = f"{path} was rejected: {total} problem{'s' if total != 1 else ''}"
    error.message_zh = f"{path} 被拒绝：{total} 个问题"
    error.fields["total"] = total
    return error


# --- core records -----------------------------------------------------------------------------------


def to_organisation(frames: HRFrames) -> Organisation:
    """The core records of the whole organisation (for the reference evaluator and the web import)."""
    employees = tuple(Employee(*row) for row in frames.employees.select(
        "employee_id", "name", "org_unit", "job_family", "current_level", "hire_date",
        "family_start_date").iter_rows())
    performance = tuple(PerformanceRecord(*row) for row in frames.performance.select(
        "employee_id", "period", "rating").iter_rows())
    exams = tuple(ExamRecord(*row) for row in frames.exams.select(
        "employee_id", "sitting", "exam", "score").iter_rows())
    evidence = tuple(
        EvidenceRecord(e, i, a, d, role, aud, scope, kind, outcome, tuple(deliv or ()), note or "")
        for e, i, a, d, role, aud, scope, kind, outcome, deliv, note in frames.evidence.select(
            "employee_id", "evidence_id", "activity", "date", "role", "audience", "scope",
            "project_kind", "outcome", "deliverables", "note").iter_rows()
    )
    ratings = tuple(RatingRecord(e, lvl, el, a or "", r, c or "") for e, lvl, el, a, r, c in
                    frames.ratings.select("employee_id", "level", "element", "assessor", "rating",
                                          "comment").iter_rows())
    return Organisation(employees=employees, performance=performance, exams=exams, evidence=evidence,
                        ratings=ratings)


def from_organisation(org: Organisation) -> HRFrames:
    """The frames of an organisation given as core records (the inverse of ``to_organisation``)."""

    def frame(name: str, rows: list[tuple[object, ...]]) -> pl.DataFrame:
        schema = TYPED_SCHEMAS[name]
        return pl.DataFrame(rows, schema=schema, orient="row")

    return HRFrames(
        employees=frame("employees", [
            (e.employee_id, e.name, e.org_unit, e.job_family, e.current_level, e.hire_date,
             e.family_start_date) for e in org.employees]),
        performance=frame("performance", [(p.employee_id, p.period, p.rating) for p in org.performance]),
        exams=frame("exams", [(x.employee_id, x.sitting, x.exam, float(x.score)) for x in org.exams]),
        evidence=frame("evidence", [
            (e.employee_id, e.evidence_id, e.activity, e.date, e.role, e.audience, e.scope,
             e.project_kind, e.outcome, list(e.deliverables), e.note) for e in org.evidence]),
        ratings=frame("ratings", [(r.employee_id, r.level, r.element, r.assessor, r.rating, r.comment)
                                  for r in org.ratings]),
    )


__all__ = ["MAX_PROBLEMS", "SCREENING_SHEETS", "SHEET_BY_NAME", "SHEET_NAMES", "HRFrames",
           "from_organisation", "read_hr_data", "to_organisation"]
