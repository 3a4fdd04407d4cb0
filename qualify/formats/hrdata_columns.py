"""The HR data contract (DESIGN.md, "HR data"): its sheets, their columns, and the Chinese aliases
that a workbook or a CSV folder may use for them. Defined once; the reader, the writer and the
generator all take the names from here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Kind = Literal["id", "text", "note", "int", "float", "date", "period", "code", "codes"]
"""``text`` is stripped of surrounding spaces; ``note`` (free text) is kept as written."""


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    ``required``: the column must be present and every row must have a value.
    ``vocabulary``: for ``code`` and ``codes`` columns, the standard's vocabulary (or ``exams``,
    ``elements``) whose codes the values must be.
    """

    name: str
    kind: Kind
    required: bool
    aliases: tuple[str, ...] = ()
    vocabulary: str = ""


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    key: tuple[str, ...] = ()  # no two rows may share these values
    child: bool = True  # rows belong to an employee of the employees sheet

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


EMPLOYEES = Sheet(
    "employees",
    (
        Column("employee_id", "id", True, ("员工编号", "工号", "员工号")),
        Column("name", "text", False, ("姓名",)),
        Column("org_unit", "text", False, ("部门", "组织", "组织单元")),
        Column("job_family", "text", True, ("职位族",)),
        Column("current_level", "int", True, ("当前等级", "当前任职等级", "任职等级")),
        Column("hire_date", "date", True, ("入职日期", "入职时间")),
        Column("family_start_date", "date", True,
               ("任职族开始日期", "职位族开始日期", "从事本职位族开始日期")),
    ),
    aliases=("员工", "员工信息", "人员"),
    key=("employee_id",),
    child=False,
)

PERFORMANCE = Sheet(
    "performance",
    (
        Column("employee_id", "id", True, ("员工编号", "工号", "员工号")),
        Column("period", "period", True, ("期间", "季度", "考核期间")),
        Column("rating", "code", True, ("绩效", "绩效等级", "考核结果"), "performance_ratings"),
    ),
    aliases=("绩效", "绩效记录"),
    key=("employee_id", "period"),
)

EXAMS = Sheet(
    "exams",
    (
        Column("employee_id", "id", True, ("员工编号", "工号", "员工号")),
        Column("sitting", "id", True, ("考试批次", "批次", "届次")),
        Column("exam", "code", True, ("考试", "考试科目", "科目"), "exams"),
        Column("score", "float", True, ("成绩", "分数")),
    ),
    aliases=("考试", "考试成绩"),
    key=("employee_id", "sitting", "exam"),
)

EVIDENCE = Sheet(
    "evidence",
    (
        Column("employee_id", "id", True, ("员工编号", "工号", "员工号")),
        Column("evidence_id", "id", True, ("举证编号", "证据编号")),
        Column("activity", "code", True, ("活动", "活动类型"), "activities"),
        Column("date", "date", True, ("日期", "活动日期")),
        Column("role", "code", False, ("角色",), "roles"),
        Column("audience", "code", False, ("对象级别", "客户级别", "听众级别"), "audience_ranks"),
        Column("scope", "code", False, ("范围",), "scopes"),
        Column("project_kind", "code", False, ("项目类型",), "project_kinds"),
        Column("outcome", "code", False, ("结果",), "outcomes"),
        Column("deliverables", "codes", False, ("交付件", "输出件"), "deliverables"),
        Column("note", "note", False, ("备注", "说明")),
    ),
    aliases=("举证", "证据", "举证材料"),
    key=("evidence_id",),
)

RATINGS = Sheet(
    "ratings",
    (
        Column("employee_id", "id", True, ("员工编号", "工号", "员工号")),
        Column("level", "int", True, ("等级", "认证等级")),
        Column("element", "code", True, ("行为要素", "要素"), "elements"),
        Column("assessor", "text", False, ("评委",)),
        Column("rating", "code", True, ("评分", "评价"), "behaviour_ratings"),
        Column("comment", "note", False, ("评语", "意见")),
        # optional: with it, the latest of a repeated rating counts (without it a repeat is an error)
        Column("date", "date", False, ("日期", "评分日期", "评价日期")),
    ),
    aliases=("评分", "评委评分", "行为评分"),
    key=("employee_id", "level", "element", "assessor"),
)

SHEETS: tuple[Sheet, ...] = (EMPLOYEES, PERFORMANCE, EXAMS, EVIDENCE, RATINGS)
SHEET_BY_NAME = {s.name: s for s in SHEETS}

DELIVERABLE_SEPARATORS = (";", "；")


def normalise_label(label: str) -> str:
    """Full-width letters, digits and spaces as their ASCII forms, no case, ``_`` for spaces."""
    return unicodedata.normalize("NFKC", label).strip().lower().replace(" ", "_")


def sheet_for_label(label: str) -> Sheet | None:
    """The sheet a workbook sheet name or a CSV file stem stands for, by name or alias."""
    key = normalise_label(label)
    for sheet in SHEETS:
        if key == sheet.name or key in sheet.aliases:
            return sheet
    return None


_PART = re.compile(r"^(.*?)[\s_\-]*(?:\((\d+)\)|(\d+))$")


def sheet_part_for_label(label: str) -> tuple[Sheet, int] | None:
    """The sheet a label names and which part of it: ``举证`` is part 1 of evidence; ``举证2``,
    ``evidence 2``, ``evidence (2)`` and ``evidence_2`` are part 2 (a table longer than Excel's
    1,048,575 data rows a sheet is split so)."""
    sheet = sheet_for_label(label)
    if sheet is not None:
        return sheet, 1
    found = _PART.match(unicodedata.normalize("NFKC", label).strip())
    if found is None or not found.group(1):
        return None
    sheet = sheet_for_label(found.group(1))
    number = int(found.group(2) or found.group(3))
    return (sheet, number) if sheet is not None else None


def part_label(label: str, part: int) -> str:
    """The name of part ``part`` of a table written as ``label`` (``举证`` → ``举证2``,
    ``evidence`` → ``evidence 2``), as the reader expects it."""
    if part <= 1:
        return label
    separator = "" if not label[-1:].isascii() else " "
    return f"{label}{separator}{part}"


def column_for_header(sheet: Sheet, header: str) -> Column | None:
    key = normalise_label(header)
    for column in sheet.columns:
        if key == column.name or key in column.aliases:
            return column
    return None
