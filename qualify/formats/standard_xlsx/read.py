"""Reading an exported workbook back: the hidden copy of the standard, with the visible edits.

The human table cannot carry everything (machine requirements, both languages, codes), so the JSON
is the source of import, and the visible table is checked against it:

- a cell that reads as exported changes nothing;
- edits are taken, in the exported language, for: criteria cells (items re-parsed from
  ``1、…`` lines, a single line without a number stays unnumbered; ``无``/``none`` or blank makes
  the level have no criterion (an empty cell records the source cell as blank), ``（原文未知）``/
  ``(unknown in the source)`` makes it unknown; an added item gets the other language empty, which
  ``qualify standard lint`` then reports), measurement-standard cells (the text; ``无`` clears the
  measure and its machine requirements), element and module names, and the knowledge text;
- an edit to the experience/performance block or the knowledge policy (data behind the text:
  months, ratings, bands) is rejected with the sheet and cell, as is a formula, a deleted keyed row,
  a row added with content, or a changed or missing ``_qualify`` sheet;
- the title, header, section and note rows and the vocabulary sheet are presentation and ignored.


Cell texts neutralised with a leading apostrophe on export (``'=x``) are read without it.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from qualify.core.errors import InvalidInput, Problem
from qualify.core.standard import CriterionStatus, Standard
from qualify.core.text import Lang
from qualify.formats.standard_xlsx.table import (
    FORMAT,
    META_SHEET,
    Cell,
    label,
    layout,
    module_targets,
    unguard,
)

NONE_MARKS = {"无", "none", "无。", "-", "—", ""}
UNKNOWN_MARKS = {"（原文未知）", "(原文未知)", "原文未知", "(unknown in the source)", "unknown in the source",
                 "unknown"}
ITEM = re.compile(r"^\s*(\d+)\s*[、.．)）]\s*")


@dataclass(frozen=True)
class Edit:
    """An edit of the visible table that import took."""

    sheet: str
    cell: str
    message_en: str
    message_zh: str

    def line(self, lang: Lang = "en") -> str:
        return f"{self.sheet}!{self.cell}: {self.message_zh if lang == 'zh' else self.message_en}"


@dataclass
class Imported:
    standard: Standard
    edits: list[Edit]
    lang: Lang


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, en: str, zh: str, sheet: str = "", row: int | None = None, column: int | None = None,
                code: str = "xlsx") -> None:
        self.problems.append(Problem(code=code, message_en=en, message_zh=zh, file=self.file, sheet=sheet,
                                     row=row, column=get_column_letter(column) if column else ""))

    def fail(self) -> InvalidInput:
        return InvalidInput(self.problems, source=self.file)


def _normal(value: Any) -> str:
    text = "" if value is None else str(value)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def parse_items(text: str) -> list[str]:
    """``1、a\\n2、b`` → ``["a", "b"]``; a line without a number continues the item before it."""
    items: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        match = ITEM.match(line)
        if match:
            items.append(line[match.end():].strip())
        elif items:
            items[-1] += "\n" + line.strip()
        else:
            items.append(line.strip())
    return items


def _open(path: Path, reader: _Reader) -> Any:
    if not path.is_file():
        reader.problem("no such file", "文件不存在", code="not-found")
        raise reader.fail()
    from qualify.formats.xlsx_guard import check_workbook

    try:
        check_workbook(path, file=reader.file)  # a zip bomb is refused before openpyxl inflates it
    except InvalidInput as refused:
        reader.problems.extend(refused.problems)
        raise reader.fail() from None
    try:
        return load_workbook(path)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        reader.problem(f"not an Excel workbook (.xlsx): {exc}", f"不是 Excel 工作簿（.xlsx）：{exc}")
        raise reader.fail() from None


def _meta(wb: Any, reader: _Reader) -> tuple[Standard, Lang, str, int]:
    if META_SHEET not in wb.sheetnames:
        reader.problem(f"no sheet {META_SHEET}: this workbook was not exported by `qualify standard export` "
                       "(the hidden sheet holds the complete standard; export again and edit that copy)",
                       f"没有 {META_SHEET} 表：此工作簿不是由 qualify standard export 导出的"
                       "（隐藏表存有完整标准；请重新导出并在导出的文件上修改）", sheet=META_SHEET)
        raise reader.fail()
    ws = wb[META_SHEET]
    meta: dict[str, str] = {}
    chunks: list[str] = []
    for r in range(1, ws.max_row + 1):
        name, value = ws.cell(r, 1).value, ws.cell(r, 2).value
        if name == "json":
            chunks.append(str(value or "")[1:])
        elif name:
            meta[str(name)] = str(value or "")
    payload = "".join(chunks)
    if meta.get("format") != FORMAT:
        reader.problem(f"format {meta.get('format')!r} is not {FORMAT!r}",
                       f"格式 {meta.get('format')!r} 不是 {FORMAT!r}", sheet=META_SHEET, row=1, column=2)
    elif (hashlib.sha256(payload.encode("utf-8")).hexdigest() != meta.get("sha256")
          or str(len(chunks)) != meta.get("chunks")):
        reader.problem("the hidden sheet was changed: its checksum does not match; export the standard again",
                       "隐藏表已被改动，校验和不符；请重新导出标准", sheet=META_SHEET)
    lang = meta.get("lang")
    if lang not in ("zh", "en"):
        reader.problem(f"unknown language {lang!r}", f"未知语言 {lang!r}", sheet=META_SHEET, row=2, column=2)
    if reader.problems:
        raise reader.fail()
    try:
        standard = Standard.model_validate(json.loads(payload))
    except (ValueError, ValidationError) as exc:
        reader.problem(f"the embedded standard is not valid: {exc}".splitlines()[0],
                       "内嵌的标准无效", sheet=META_SHEET)
        raise reader.fail() from None
    key_col = int(meta.get("key_column", "0") or 0)
    return standard, lang, meta.get("table", ""), key_col  # type: ignore[return-value]  # lang checked above


def read_workbook(path: Path) -> Imported:
    """The standard in a workbook written by ``workbook_bytes``, with the visible edits taken."""
    reader = _Reader(str(path))
    wb = _open(path, reader)
    standard, lang, table, key_col = _meta(wb, reader)
    if table not in wb.sheetnames:
        reader.problem(f"the table sheet {table!r} is missing", f"缺少比较表工作表 {table!r}", sheet=table)
        raise reader.fail()
    ws = wb[table]
    rows, spans = layout(standard, lang)
    expected = {row.key: row for row in rows}
    found: dict[str, int] = {}
    for r in range(1, ws.max_row + 1):
        key = _normal(ws.cell(r, key_col).value)
        if key in expected and key not in found:
            found[key] = r
        elif any(_normal(ws.cell(r, c).value) for c in range(1, key_col)) and not key:
            reader.problem("a row was added with content; rows (elements, modules) are added in the YAML "
                           "file, not in the workbook",
                           "新增了有内容的行；新增行为要素或模块请在 YAML 文件中进行",
                           sheet=table, row=r)
    for key, row in expected.items():
        if row.kind in ("element", "measure", "block") and key not in found:
            reader.problem(f"the row {key!r} was deleted; rows are removed in the YAML file, not in the "
                           "workbook",
                           f"行 {key!r} 被删除；删除请在 YAML 文件中进行", sheet=table)
    data: dict[str, Any] = standard.model_dump(mode="json", by_alias=True)
    edits: list[Edit] = []
    module_rows = module_targets(standard, spans)
    for key, row in expected.items():
        at = found.get(key)
        if at is None or row.kind in ("title", "header", "section", "note"):
            continue
        for cell in row.cells:
            _take(ws, table, at, cell, lang, data, edits, reader)
    for first_row, m in module_rows.items():
        at = found.get(rows[first_row - 1].key)
        if at is not None:
            name = standard.modules[m].name
            _take(ws, table, at, Cell(1, name.get(lang), "text", ("modules", m, "name")), lang, data, edits,
                  reader)
    if reader.problems:
        raise reader.fail()
    try:
        result = Standard.model_validate(data)
    except ValidationError as exc:
        for item in exc.errors():
            reader.problem(f"after the edits: {item['msg']}", f"采用修改后：{item['msg']}", sheet=table,
                           code="schema")
        raise reader.fail() from None
    return Imported(standard=result, edits=edits, lang=lang)


def _take(ws: Any, sheet: str, r: int, cell: Cell, lang: Lang, data: dict[str, Any], edits: list[Edit],
          reader: _Reader) -> None:
    """Compare one visible cell with what export wrote; take the edit, or reject it."""
    source = ws.cell(r, cell.column)
    if source.data_type == "f":
        reader.problem("formulas are not allowed in the table", "比较表中不允许公式", sheet=sheet, row=r,
                       column=cell.column)
        return
    actual = unguard(_normal(source.value))
    if actual == _normal(cell.text) or cell.edit == "cosmetic":
        return
    if cell.edit == "fixed":
        reader.problem("this cell stands for data (months, ratings, policy bands) and cannot be edited in "
                       "the workbook; change it in the YAML file",
                       "此单元格代表数据（月数、绩效等级、分档），不能在工作簿中修改；请在 YAML 文件中修改",
                       sheet=sheet, row=r, column=cell.column)
        return
    node: Any = data
    for step in cell.target[:-1]:
        node = node[step]
    if cell.edit == "text":
        node[cell.target[-1]] = {**node[cell.target[-1]], lang: actual}
        what = ("name or text", "名称或文字")
    else:
        level = cell.target[-1]
        entry = next((e for e in node if e["level"] == level), None)
        if entry is None:
            entry = {"level": level}
            node.append(entry)
            node.sort(key=lambda e: e["level"])
        what = _edit_criterion(entry, actual, lang) if cell.edit == "criterion" else _edit_measure(
            entry, actual, lang)
    en, zh = _subject(data, cell.target)
    edits.append(Edit(sheet, f"{get_column_letter(cell.column)}{r}", f"{en}: {what[0]} taken from the "
                      f"workbook ({lang})", f"{zh}：已采用工作簿中的{what[1]}（{lang}）"))


def _subject(data: dict[str, Any], target: tuple[str | int, ...]) -> tuple[str, str]:
    """What an edit concerns, by code: ``element product-research, level 2``."""
    if target[0] != "modules":
        return "knowledge requirement", "知识要求"
    module = data["modules"][target[1]]
    if target[2] == "name":
        return f"module {module['code']}", f"行为模块 {module['code']}"
    if target[2] == "measures":
        return (f"measure of module {module['code']}, level {target[3]}",
                f"行为模块 {module['code']} 的 {target[3]} 级衡量标准")
    element = module["elements"][target[3]]
    if target[4] == "name":
        return f"element {element['code']}", f"行为要素 {element['code']}"
    return f"element {element['code']}, level {target[5]}", f"行为要素 {element['code']} 的 {target[5]} 级"


def _mark(actual: str) -> CriterionStatus:
    text = actual.strip()
    if text.lower() in NONE_MARKS:
        return CriterionStatus.none
    if text.lower() in UNKNOWN_MARKS:
        return CriterionStatus.unknown
    return CriterionStatus.present


def _set_blank(entry: dict[str, Any], status: CriterionStatus, actual: str) -> None:
    """An empty cell is a blank source cell; 无 (or anything else) is not."""
    if status is CriterionStatus.none and not actual.strip():
        entry["blank"] = True
    else:
        entry.pop("blank", None)


def _edit_criterion(entry: dict[str, Any], actual: str, lang: Lang) -> tuple[str, str]:
    status = _mark(actual)
    _set_blank(entry, status, actual)
    if status is not CriterionStatus.present:
        entry.pop("numbered", None)
        entry.update(status=status.value, items=[])
        return f"criterion: {status.value}", f"测评标准：{label(status.value, 'zh')}"
    old = entry.get("items", []) if entry.get("status", "present") == "present" else []
    parsed = parse_items(actual)
    items = [{**(old[i] if i < len(old) else {"zh": "", "en": ""}), lang: text}
             for i, text in enumerate(parsed)]
    entry.update(status="present", items=items)
    if len(parsed) == 1 and ITEM.match(actual.strip()) is None:
        entry["numbered"] = False
    else:
        entry.pop("numbered", None)
    return f"criterion items ({len(items)})", f"测评标准条目（{len(items)} 条）"


def _edit_measure(entry: dict[str, Any], actual: str, lang: Lang) -> tuple[str, str]:
    status = _mark(actual)
    _set_blank(entry, status, actual)
    if status is not CriterionStatus.present:
        dropped = len(entry.get("requirements") or [])
        entry.update(status=status.value, text=None, requirements=[])
        return (f"measure: {status.value} ({dropped} machine requirement(s) removed)",
                f"衡量标准：{label(status.value, 'zh')}（删除了 {dropped} 项机器要求）")
    old = entry.get("text") or {"zh": "", "en": ""}
    entry.update(status="present", text={**old, lang: actual})
    return "measurement-standard text", "衡量标准文字"
