"""Writing decisions: JSON lines (the contract), readable text, and the workbook HR hands on.

- ``jsonl``: one decision JSON object per employee per line (DESIGN.md, "Decisions");
- ``text``: a block per person with every check short of pass or passed with a warning (``!``, an
  unknown part of the standard its owner accepts); ``trace_text`` is the full trace of
  one person (``qualify explain``);
- ``xlsx``: a sheet with one row per person (id, name, org unit, current level, highest eligible
  level, the outcome per level) and a sheet with the failing or missing checks (and those passed
  with a warning) and what to do about them, with their facts as JSON, at the levels within each
  person's reach (up to ``reach`` levels above the current level; ``None``: every level);
  filters, frozen headers, column widths. Written in openpyxl's write-only mode (constant memory);
  a sheet that would pass Excel's row limit continues on the next one.
  Cells that start with ``= + - @`` are neutralised with a leading apostrophe.

Files are written atomically (``qualify.formats.files``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any, Literal

from qualify.core.decision import Check, CheckOutcome, Decision, LevelOutcome
from qualify.core.messages import (
    BEHAVIOUR_PREFIX,
    COMPANY,
    FAMILY,
    KNOWLEDGE,
    MEASURE_PREFIX,
    PERFORMANCE,
    UNKNOWN,
)
from qualify.core.records import Employee
from qualify.core.standard import Standard
from qualify.core.text import Lang
from qualify.formats.files import atomic_path as atomic_path  # part of this module's interface
from qualify.formats.xlsx_write import EXCEL_MAX_ROWS, save_workbook

Format = Literal["jsonl", "text", "xlsx"]

LABELS: dict[str, tuple[str, str]] = {
    "employee_id": ("员工编号", "employee id"),
    "name": ("姓名", "name"),
    "org_unit": ("组织", "org unit"),
    "current_level": ("当前等级", "current level"),
    "highest_eligible_level": ("最高符合等级", "highest eligible level"),
    "level": ("等级", "level"),
    "rule": ("规则", "rule"),
    "rule_name": ("规则名称", "rule name"),
    "outcome": ("结果", "outcome"),
    "actual": ("实际", "actual"),
    "required": ("要求", "required"),
    "message": ("说明", "message"),
    "gap": ("改进建议", "what to do"),
    "people": ("人员", "people"),
    "checks": ("未通过的检查", "checks"),
    "gaps_to": ("距 {level} 级的差距", "gaps to level {level}"),
    "no_gaps": ("无", "none"),
    "as_of": ("评估日", "as of"),
    "stage": ("阶段", "stage"),
    "screening": ("资格审查", "screening"),
    "certification": ("认证", "certification"),
    "knowledge": ("知识考试", "knowledge"),
    "rank": ("排名", "rank"),
    "facts": ("事实（JSON）", "facts (JSON)"),
    "warning": ("通过（有警告）", "pass (warning)"),
}

RULE_LABELS: dict[str, tuple[str, str]] = {
    COMPANY: ("公司工作经验", "company experience"),
    FAMILY: ("本职位族工作经验", "job-family experience"),
    PERFORMANCE: ("绩效", "performance"),
    KNOWLEDGE: ("知识考试", "knowledge"),
    UNKNOWN: ("标准未知部分", "unknown part of the standard"),
}

LEVEL_OUTCOMES: dict[LevelOutcome, tuple[str, str]] = {
    LevelOutcome.eligible: ("符合", "eligible"),
    LevelOutcome.not_eligible: ("不符合", "not eligible"),
    LevelOutcome.incomplete: ("资料不全", "incomplete"),
}

CHECK_OUTCOMES: dict[CheckOutcome, tuple[str, str]] = {
    CheckOutcome.passed: ("通过", "pass"),
    CheckOutcome.failed: ("未通过", "fail"),
    CheckOutcome.missing: ("缺数据", "missing"),
}

MARKS = {CheckOutcome.passed: "✓", CheckOutcome.failed: "✗", CheckOutcome.missing: "?"}
WARNING_MARK = "!"


def shown(check: Check) -> bool:
    """Whether a short listing shows the check: short of pass, or passed with a warning (an unknown
    part of the standard its owner accepts)."""
    return check.outcome is not CheckOutcome.passed or check.warns


def label(key: str, lang: Lang, **values: object) -> str:
    zh, en = LABELS[key]
    return (zh if lang == "zh" else en).format(**values)


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "zh" else pair[1]


def rule_label(standard: Standard, rule: str, lang: Lang) -> str:
    """A rule id as a reader says it: the element or module name for behaviour and measures."""
    if rule in RULE_LABELS:
        return _pick(RULE_LABELS[rule], lang)
    if rule.startswith(BEHAVIOUR_PREFIX):
        found = standard.element(rule.removeprefix(BEHAVIOUR_PREFIX))
        if found is not None:
            return found[1].name.get(lang)
    if rule.startswith(MEASURE_PREFIX):
        module = standard.module(rule.removeprefix(MEASURE_PREFIX))
        if module is not None:
            suffix = "衡量标准" if lang == "zh" else " (measure)"
            return module.name.get(lang) + suffix
    return rule


def level_outcome_text(outcome: LevelOutcome, lang: Lang) -> str:
    return _pick(LEVEL_OUTCOMES[outcome], lang)


def check_outcome_text(outcome: CheckOutcome, lang: Lang) -> str:
    return _pick(CHECK_OUTCOMES[outcome], lang)


def neutralise(value: Any) -> Any:
    """A cell that starts with ``= + - @`` could run as a formula: prefix it with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


# --- jsonl and text -----------------------------------------------------------------------------


def write_jsonl(decisions: Iterable[Decision], out: IO[str], lang: Lang) -> None:
    for decision in decisions:
        out.write(json.dumps(decision.as_json(lang), ensure_ascii=False))
        out.write("\n")


def person_heading(employee: Employee | None, decision: Decision, lang: Lang) -> str:
    parts = [decision.employee_id]
    if employee is not None:
        parts += [p for p in (employee.name, employee.org_unit) if p]
    parts.append(f"{label('current_level', lang)} {decision.current_level}")
    parts.append(f"{label('highest_eligible_level', lang)} {decision.highest_eligible_level}")
    return " · ".join(parts)


def _check_line(standard: Standard, check: Check, lang: Lang) -> str:
    mark = WARNING_MARK if check.warns else MARKS[check.outcome]
    outcome = label("warning", lang) if check.warns else check_outcome_text(check.outcome, lang)
    return f"{mark} {rule_label(standard, check.rule, lang)} [{outcome}] {check.message(lang)}"


def write_text(decisions: Iterable[Decision], out: IO[str], lang: Lang, standard: Standard,
               employees: Mapping[str, Employee]) -> None:
    """A block per person: the heading, each level's outcome, every check short of pass."""
    for decision in decisions:
        out.write(person_heading(employees.get(decision.employee_id), decision, lang) + "\n")
        for level in decision.levels:
            out.write(f"  L{level.level} {level_outcome_text(level.outcome, lang)}\n")
            for check in level.checks:
                if shown(check):
                    out.write(f"    {_check_line(standard, check, lang)}\n")
        out.write("\n")


def trace_text(standard: Standard, employee: Employee, decision: Decision, lang: Lang,
               level: int | None = None) -> str:
    """The full trace of one person: every check of every level (or of ``level``), and the gaps."""
    lines = [person_heading(employee, decision, lang),
             f"{standard.id} · {label('as_of', lang)} {decision.as_of.isoformat()} · "
             f"{label('stage', lang)} {label(decision.stage.value, lang)}", ""]
    for ld in decision.levels:
        if level is not None and ld.level != level:
            continue
        name = standard.level(ld.level)
        title = name.name.get(lang) if name is not None else str(ld.level)
        lines.append(f"L{ld.level} {title}: {level_outcome_text(ld.outcome, lang)}")
        for check in ld.checks:
            lines.append(f"  {_check_line(standard, check, lang)}")
            lines.append(f"      {label('actual', lang)}: {check.actual} · "
                         f"{label('required', lang)}: {check.required}")
            if check.outcome is not CheckOutcome.passed:
                lines.append(f"      → {check.gap(lang)}")
        lines.append("")
    target = decision.current_level + 1
    if standard.level(target) is not None and (level is None or level == target):
        lines.append(label("gaps_to", lang, level=target) + ":")
        lines += [f"  - {rule_label(standard, g.rule, lang)}: {g.message(lang)}" for g in decision.gaps] or [
            f"  {label('no_gaps', lang)}"]
    return "\n".join(lines).rstrip() + "\n"


# --- xlsx ---------------------------------------------------------------------------------------

PEOPLE_WIDTHS = [14, 14, 28, 10, 12]
CHECK_COLUMNS = ["employee_id", "name", "org_unit", "level", "rule", "rule_name", "outcome", "actual",
                 "required", "message", "gap", "facts"]
CHECK_WIDTHS = [14, 14, 24, 7, 26, 22, 10, 32, 32, 70, 70, 60]


def _column(index: int) -> str:
    from openpyxl.utils import get_column_letter

    name: str = get_column_letter(index)
    return name


class _Sheet:
    """A write-only sheet with a header row, frozen panes, widths and a filter; full sheets roll over."""

    def __init__(self, workbook: Any, title: str, header: list[str], widths: list[int]) -> None:
        self.workbook, self.title, self.header, self.widths = workbook, title, header, widths
        self.part = 0
        self.ws: Any = None
        self.rows = 0
        self._open()

    def _open(self) -> None:
        if self.ws is not None:
            self._finish()
        self.part += 1
        title = self.title if self.part == 1 else f"{self.title} {self.part}"
        self.ws = self.workbook.create_sheet(title[:31])
        for index, width in enumerate(self.widths, start=1):
            self.ws.column_dimensions[_column(index)].width = width
        self.ws.freeze_panes = "B2"
        self.ws.append(self.header)
        self.rows = 1

    def _finish(self) -> None:
        self.ws.auto_filter.ref = f"A1:{_column(len(self.header))}{self.rows}"

    def append(self, row: list[Any]) -> None:
        if self.rows >= EXCEL_MAX_ROWS:
            self._open()
        self.ws.append([neutralise(v) for v in row])
        self.rows += 1

    def close(self) -> None:
        self._finish()


def write_xlsx(decisions: Iterable[Decision], path: Path, lang: Lang, standard: Standard,
               employees: Mapping[str, Employee], *, reach: int | None = None) -> None:
    """The workbook for HR; the checks sheet lists the checks short of pass, and those passed with a
    warning (outcome "pass (warning)"), at the levels up to ``current_level + reach`` (every level
    when ``reach`` is ``None``), each with its facts as JSON in the last column."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    levels = standard.level_numbers
    level_head = [(f"{n} 级" if lang == "zh" else f"level {n}") for n in levels]
    people = _Sheet(workbook, label("people", lang),
                    [label(k, lang) for k in ("employee_id", "name", "org_unit", "current_level",
                                              "highest_eligible_level")] + level_head,
                    PEOPLE_WIDTHS + [12] * len(levels))
    checks = _Sheet(workbook, label("checks", lang), [label(k, lang) for k in CHECK_COLUMNS], CHECK_WIDTHS)
    rule_names: dict[str, str] = {}
    outcome_names = {o: level_outcome_text(o, lang) for o in LevelOutcome}
    check_names = {o: check_outcome_text(o, lang) for o in CheckOutcome}
    for decision in decisions:
        employee = employees.get(decision.employee_id)
        name = employee.name if employee else ""
        unit = employee.org_unit if employee else ""
        by_level = {ld.level: outcome_names[ld.outcome] for ld in decision.levels}
        people.append([decision.employee_id, name, unit, decision.current_level,
                       decision.highest_eligible_level] + [by_level.get(n, "") for n in levels])
        top = decision.current_level + reach if reach is not None else None
        for ld in decision.levels:
            if top is not None and ld.level > top:
                continue
            for check in ld.checks:
                if not shown(check):
                    continue
                rule_name = rule_names.get(check.rule)
                if rule_name is None:
                    rule_name = rule_names[check.rule] = rule_label(standard, check.rule, lang)
                outcome = label("warning", lang) if check.warns else check_names[check.outcome]
                checks.append([decision.employee_id, name, unit, ld.level, check.rule, rule_name,
                               outcome, check.actual, check.required, check.message(lang),
                               check.gap(lang) if check.outcome is not CheckOutcome.passed else "",
                               json.dumps(check.facts_json(), ensure_ascii=False)])
    people.close()
    checks.close()
    save_workbook(workbook, path)  # fixed timestamps: the same decisions give the same bytes


def write_decisions(decisions: Iterable[Decision], fmt: Format, lang: Lang, standard: Standard,
                    employees: Mapping[str, Employee], *, path: Path | None = None,
                    stdout: IO[str] | None = None, reach: int | None = None) -> None:
    """Write ``decisions`` to ``path`` atomically, or (jsonl and text) to ``stdout``."""
    def body(out: IO[str]) -> None:
        if fmt == "jsonl":
            write_jsonl(decisions, out, lang)
        else:
            write_text(decisions, out, lang, standard, employees)

    if fmt == "xlsx":
        if path is None:
            raise ValueError("an xlsx output needs a file")
        with atomic_path(path) as temporary:
            write_xlsx(decisions, temporary, lang, standard, employees, reach=reach)
        return
    if path is None:
        if stdout is None:
            raise ValueError("no output given")
        body(stdout)
        return
    with atomic_path(path) as temporary, temporary.open("w", encoding="utf-8", newline="\n") as out:
        body(out)

