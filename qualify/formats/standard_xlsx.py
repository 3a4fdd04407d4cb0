"""A standard as the comparison table (比较表) that HR knows, in an Excel workbook, and back.

Export writes three sheets:

- the table (``比较表`` / ``Comparison table``), in one language: a title row, a header row
  (行为模块 / 行为要素 / 一级测评标准 … N级测评标准), a row block for experience and performance, one
  for knowledge, then each behaviour module with one row per element (criteria items numbered
  ``1、…`` on separate lines; ``无`` where a level has none, ``（原文未知）`` where the source is
  unknown) and its measurement-standard row (衡量标准), and note rows (where the source ends, the
  rating rule, the source, the standard's id). Print-ready: A3 landscape, fit to width, header rows
  repeated, frozen panes, wrapped text, row heights estimated from the text (LibreOffice and some
  Excel versions do not size wrapped rows themselves) and page breaks that keep a module on one
  page where it fits. A hidden last column holds each row's
  key (``element:CODE``, ``measure:MODULE`` …), so that rows are found by key, not by position;
- ``词汇表`` / ``Vocabularies``: every code HR data may use, in both languages, with the exams and
  the readings (for reference; import ignores it);
- ``_qualify`` (very hidden): the complete standard as JSON, in chunks, with its SHA-256, the
  language of the table and the table's sheet name.

The human table cannot carry everything (machine requirements, both languages, codes), so the JSON
is the source of import, and the visible table is checked against it:

- a cell that reads as exported changes nothing;
- edits are taken, in the exported language, for: criteria cells (items re-parsed from
  ``1、…`` lines; ``无``/``none`` or blank makes the level have no criterion, ``（原文未知）``/
  ``(unknown in the source)`` makes it unknown; an added item gets the other language empty, which
  ``qualify standard lint`` then reports), measurement-standard cells (the text; ``无`` clears the
  measure and its machine requirements), element and module names, and the knowledge text;
- an edit to the experience/performance block or the knowledge policy (data behind the text:
  months, ratings, bands) is rejected with the sheet and cell, as is a formula, a deleted keyed row,
  a row added with content, or a changed or missing ``_qualify`` sheet;
- the title, header, section and note rows and the vocabulary sheet are presentation and ignored.

Cells whose text starts with ``= + - @`` are neutralised with a leading apostrophe, which import
removes again. Nothing here writes files: the caller saves the workbook (atomically).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.pagebreak import Break
from pydantic import ValidationError

from qualify.core.errors import InvalidInput, Problem
from qualify.core.standard import CriterionStatus, Standard
from qualify.core.text import Lang, Text

FORMAT = "qualify/standard-xlsx@1"
META_SHEET = "_qualify"
CHUNK = 30000
NUMERALS = "一二三四五六七八九十"

LABELS: dict[str, tuple[str, str]] = {
    "table": ("比较表", "Comparison table"),
    "vocabulary_sheet": ("词汇表", "Vocabularies"),
    "module": ("行为模块", "Behaviour module"),
    "element": ("行为要素", "Behaviour element"),
    "experience": ("工作经验与绩效要求", "Experience and performance"),
    "name": ("等级名称", "Level name"),
    "company_experience": ("公司工作经验（必要条件一）", "Company experience (necessary condition 1)"),
    "family_experience": ("{family}工作经验（必要条件二）", "{family} experience (necessary condition 2)"),
    "performance": ("绩效要求（晋级条件）", "Performance (promotion condition)"),
    "subgrades": ("等", "Sub-grades"),
    "description": ("一般描述", "General description"),
    "knowledge": ("知识要求", "Knowledge requirement"),
    "knowledge_text": ("考试与排名", "Exams and ranking"),
    "knowledge_policy": ("成绩使用规则（标准所有者政策）", "Using the results (owner's policy)"),
    "behaviour": ("行为技能标准", "Behaviour standard"),
    "measure": ("衡量标准", "Measurement standard"),
    "none": ("无", "none"),
    "unknown": ("（原文未知）", "(unknown in the source)"),
    "completeness": ("原文完整性：", "Completeness of the source: "),
    "rule": ("评分规则：", "Rating rule: "),
    "source": ("来源：", "Source: "),
    "identity": ("标准编号 {id}，状态：{status}；由 Qualify 导出，隐藏表 _qualify 存有完整标准，请勿删除。",
                 "Standard {id}, status: {status}; exported by Qualify. The hidden sheet _qualify holds the "
                 "complete standard: do not delete it."),
    "status_draft": ("草稿", "draft"),
    "status_published": ("已发布", "published"),
    "code": ("编码", "Code"),
    "vocabulary": ("词汇", "Vocabulary"),
    "concerns": ("涉及", "Concerns"),
    "readings": ("解读", "Readings"),
    "exams": ("考试", "Exams"),
}
VOCABULARY_NAMES: dict[str, tuple[str, str]] = {
    "activities": ("活动", "activities"), "roles": ("角色", "roles"),
    "audience_ranks": ("客户级别（由低到高）", "audience ranks (lowest first)"),
    "scopes": ("范围（由小到大）", "scopes (narrowest first)"),
    "project_kinds": ("项目类别", "project kinds"),
    "outcomes": ("结果", "outcomes"), "deliverables": ("交付物", "deliverables"),
    "performance_ratings": ("绩效等级（由差到好）", "performance ratings (worst first)"),
    "behaviour_ratings": ("行为评分（由差到好）", "behaviour ratings (worst first)"),
}
NONE_MARKS = {"无", "none", "无。", "-", "—", ""}
UNKNOWN_MARKS = {"（原文未知）", "(原文未知)", "原文未知", "(unknown in the source)", "unknown in the source",
                 "unknown"}
ITEM = re.compile(r"^\s*(\d+)\s*[、.．)）]\s*")
DANGEROUS = ("=", "+", "-", "@")


def label(key: str, lang: Lang, **values: str) -> str:
    zh, en = LABELS[key]
    return (zh if lang == "zh" else en).format(**values)


def level_header(level: int, lang: Lang) -> str:
    if lang == "en":
        return f"Level {level} criteria"
    numeral = NUMERALS[level - 1] if 1 <= level <= len(NUMERALS) else str(level)
    return f"{numeral}级测评标准"


# --- neutralising cells -------------------------------------------------------------------------


def guard(text: str) -> str:
    """A cell text that a spreadsheet never runs as a formula: ``=x`` → ``'=x``."""
    if text.lstrip("'")[:1] in DANGEROUS and (text[:1] in DANGEROUS or text[:1] == "'"):
        return "'" + text
    return text


def unguard(text: str) -> str:
    if text.startswith("'") and text.lstrip("'")[:1] in DANGEROUS:
        return text[1:]
    return text


# --- the table as rows --------------------------------------------------------------------------

EditKind = Literal["criterion", "measure", "text", "fixed", "cosmetic"]


@dataclass(frozen=True)
class Cell:
    column: int
    text: str
    edit: EditKind = "cosmetic"
    target: tuple[str | int, ...] = ()
    """Where an edit goes in the standard's data: a criterion or measure level, or a Text."""
    note: str = ""


@dataclass
class Row:
    key: str
    kind: Literal["title", "header", "section", "block", "element", "measure", "note"]
    cells: list[Cell] = field(default_factory=list)
    span: bool = False
    """The last cell spans every level column (knowledge) or the whole width (title, notes)."""


def _items_text(items: list[Text], lang: Lang) -> str:
    sep = "、" if lang == "zh" else ". "
    return "\n".join(f"{n}{sep}{item.get(lang)}" for n, item in enumerate(items, 1))


def _cell_text(status: CriterionStatus | None, body: str, lang: Lang) -> str:
    if status is None:
        return ""
    if status is CriterionStatus.none:
        return label("none", lang)
    if status is CriterionStatus.unknown:
        return label("unknown", lang)
    return body


def layout(standard: Standard, lang: Lang) -> tuple[list[Row], list[tuple[str, int, int]]]:
    """The table's rows, and the module-name spans ``(text, first row, last row)`` (1-based)."""
    levels = standard.level_numbers
    first, last = 3, 2 + len(levels)
    rows: list[Row] = [
        Row("title", "title", [Cell(1, standard.title.get(lang))], span=True),
        Row("header", "header", [Cell(1, label("module", lang)), Cell(2, label("element", lang)),
                                 *(Cell(first + i, level_header(n, lang)) for i, n in enumerate(levels))]),
    ]
    spans: list[tuple[str, int, int]] = []

    def block(key: str, name: str, per_level: list[str]) -> Row:
        return Row(key, "block", [Cell(2, name), *(Cell(first + i, text, "fixed")
                                                    for i, text in enumerate(per_level))])

    start = len(rows) + 1
    family = standard.family_name.get(lang)
    gates = [
        block("gate:name", label("name", lang), [lv.name.get(lang) for lv in standard.levels]),
        block("gate:company_experience", label("company_experience", lang),
              [lv.company_experience.text.get(lang) for lv in standard.levels]),
        block("gate:family_experience", label("family_experience", lang, family=family),
              [lv.family_experience.text.get(lang) for lv in standard.levels]),
        block("gate:performance", label("performance", lang),
              [lv.performance.text.get(lang) for lv in standard.levels]),
    ]
    if any(lv.subgrades for lv in standard.levels):
        gates.append(block("gate:subgrades", label("subgrades", lang),
                           ["、".join(s.name.get(lang) for s in lv.subgrades) for lv in standard.levels]))
    comma = "，" if lang == "zh" else ", "
    gates.append(block("gate:description", label("description", lang),
                       [f"{lv.title.get(lang)}{comma}{lv.description.get(lang)}" for lv in standard.levels]))
    rows += gates
    spans.append((label("experience", lang), start, len(rows)))

    start = len(rows) + 1
    rows.append(Row("knowledge:text", "block", [Cell(2, label("knowledge_text", lang)),
                                                Cell(first, standard.knowledge.text.get(lang), "text",
                                                     ("knowledge", "text"))], span=True))
    rows.append(Row("knowledge:policy", "block", [Cell(2, label("knowledge_policy", lang)),
                                                  Cell(first, standard.knowledge.policy.note.get(lang),
                                                       "fixed")], span=True))
    spans.append((label("knowledge", lang), start, len(rows)))
    rows.append(Row("section:behaviour", "section", [Cell(1, label("behaviour", lang))], span=True))

    for m, module in enumerate(standard.modules):
        start = len(rows) + 1
        for e, element in enumerate(module.elements):
            cells = [Cell(2, element.name.get(lang), "text", ("modules", m, "elements", e, "name"))]
            for i, n in enumerate(levels):
                criterion = element.criterion(n)
                status = criterion.status if criterion is not None else None
                body = _items_text(criterion.items, lang) if criterion is not None else ""
                note = criterion.note.get(lang) if criterion is not None and criterion.note else ""
                cells.append(Cell(first + i, _cell_text(status, body, lang), "criterion",
                                  ("modules", m, "elements", e, "criteria", n), note))
            rows.append(Row(f"element:{element.code}", "element", cells))
        cells = [Cell(2, label("measure", lang))]
        for i, n in enumerate(levels):
            measure = module.measure(n)
            status = measure.status if measure is not None else None
            body = measure.text.get(lang) if measure is not None and measure.text else ""
            note = measure.note.get(lang) if measure is not None and measure.note else ""
            cells.append(Cell(first + i, _cell_text(status, body, lang), "measure",
                              ("modules", m, "measures", n), note))
        rows.append(Row(f"measure:{module.code}", "measure", cells))
        spans.append((module.name.get(lang), start, len(rows)))

    state = label(f"status_{standard.status.value}", lang)
    notes = [
        ("note:completeness", label("completeness", lang) + standard.completeness.note.get(lang)),
        ("note:rule", label("rule", lang) + standard.behaviour_rule.text.get(lang)),
        ("note:source", label("source", lang) + standard.source.title.get(lang) + (
            "。" if lang == "zh" else ". ") + standard.source.note.get(lang)),
        ("note:identity", label("identity", lang, id=standard.id, status=state)),
    ]
    rows += [Row(key, "note", [Cell(1, text)], span=True) for key, text in notes]
    del last
    return rows, spans


def module_targets(standard: Standard, spans: list[tuple[str, int, int]]) -> dict[int, int]:
    """The table row that carries each module's (merged) name → the module's index."""
    offset = len(spans) - len(standard.modules)
    return {spans[offset + m][1]: m for m in range(len(standard.modules))}


# --- writing ------------------------------------------------------------------------------------

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
BLOCK_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")
WRAP_TOP_CENTRE = Alignment(wrap_text=True, vertical="top", horizontal="center")
"""Module names: at the top of their block, so that a block split over two pages shows its name."""
BODY_PT = 10
WIDTHS = {"zh": (11.0, 18.0, 34.0), "en": (14.0, 20.0, 44.0)}
VOCABULARY_WIDTHS = (24.0, 36.0, 56.0, 76.0)


def display_width(text: str) -> float:
    """Roughly how many digit widths of the default font (Arial 11) ``text`` takes in a 10-point
    font: a CJK glyph about 1.7 (1.8, to be safe), a Latin letter about 0.7 with word wrapping."""
    return sum(1.8 if unicodedata.east_asian_width(ch) in "WF" else 0.72 for ch in text)


def lines_needed(text: str, width: float) -> int:
    usable = max(width - 1.5, 1.0)
    return sum(max(1, math.ceil(display_width(line) / usable)) for line in text.split("\n")) if text else 1


def row_height(lines: int, lang: Lang, points: float = BODY_PT) -> float:
    """Points for ``lines`` lines of text: CJK fonts need more leading than Latin ones."""
    return round(lines * points * (1.45 if lang == "zh" else 1.3) + 4, 1)


def _font(lang: Lang, **kw: Any) -> Font:
    return Font(name="SimSun" if lang == "zh" else "Arial", size=kw.pop("size", BODY_PT), **kw)


def _workbook() -> Workbook:
    """A workbook whose default font is Arial 11: column widths are counted in its digit width, and
    Arial (or its metric twin Liberation Sans) is everywhere, so Excel and LibreOffice lay the table
    out alike and the page breaks below hold in both."""
    wb = Workbook()
    # openpyxl has no public way to change the default font: set its first font and the Normal style
    wb._fonts = IndexedList([Font(name="Arial", sz=11, family=2)])
    wb._named_styles["Normal"].font = Font(name="Arial", sz=11, family=2)
    return wb


def build_workbook(standard: Standard, lang: Lang) -> Workbook:
    rows, spans = layout(standard, lang)
    levels = len(standard.level_numbers)
    last, key_col = 2 + levels, 3 + levels
    widths = [*WIDTHS[lang][:2], *([WIDTHS[lang][2]] * levels)]
    wb = _workbook()
    ws = wb.active
    ws.title = label("table", lang)
    for c, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    key_letter = get_column_letter(key_col)
    ws.column_dimensions[key_letter].hidden = True

    for r, row in enumerate(rows, 1):
        ws.cell(r, key_col, row.key)
        for cell in row.cells:
            target = ws.cell(r, cell.column, guard(cell.text))
            target.data_type = "s"
            target.alignment = WRAP_TOP
            target.font = _font(lang)
            if cell.note:
                target.comment = Comment(cell.note, "Qualify", width=320, height=140)
        if row.span:
            ws.merge_cells(start_row=r, start_column=row.cells[-1].column, end_row=r, end_column=last)
        for c in range(1, last + 1):
            target = ws.cell(r, c)
            if row.kind not in ("title", "note"):
                target.border = BORDER
            if row.kind in ("header", "section"):
                target.fill = HEAD_FILL
                target.font = _font(lang, bold=True)
                target.alignment = WRAP_CENTRE
            elif c == 2 or (row.kind == "block" and c == 1):
                target.fill = BLOCK_FILL
                target.font = _font(lang, bold=row.kind != "measure")
        if row.kind == "title":
            ws.cell(r, 1).font = _font(lang, bold=True, size=16)
            ws.cell(r, 1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.row_dimensions[r].height = 30
        elif row.kind == "note":
            ws.cell(r, 1).font = _font(lang, size=9, italic=True)
            lines = lines_needed(row.cells[0].text, sum(widths) * 1.1)
            ws.row_dimensions[r].height = row_height(lines, lang, 9)
        else:
            lines = max(lines_needed(cell.text, sum(widths[cell.column - 1:last])
                                     if row.span and cell is row.cells[-1] else widths[cell.column - 1])
                        for cell in row.cells)
            ws.row_dimensions[r].height = row_height(max(lines, 2 if row.kind == "header" else 1), lang)

    for text, first_row, last_row in spans:
        ws.cell(first_row, 1, guard(text)).data_type = "s"
        if last_row > first_row:
            ws.merge_cells(start_row=first_row, start_column=1, end_row=last_row, end_column=1)
        top = ws.cell(first_row, 1)
        top.font = _font(lang, bold=True)
        top.alignment = WRAP_TOP_CENTRE
        top.fill = BLOCK_FILL
        needed = row_height(lines_needed(text, widths[0]), lang)
        rows_height = sum(ws.row_dimensions[r].height or 15 for r in range(first_row, last_row + 1))
        if needed > rows_height:  # a long module name over few rows: give its last row the rest
            bottom = ws.row_dimensions[last_row]
            bottom.height = (bottom.height or 15) + needed - rows_height

    _page_breaks(ws, spans, len(rows), widths)
    ws.freeze_panes = "C3"
    ws.print_title_rows = "1:2"
    ws.print_area = f"A1:{get_column_letter(last)}{len(rows)}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&P / &N"
    ws.oddFooter.right.text = standard.id

    _vocabulary_sheet(wb, standard, lang)
    _meta_sheet(wb, standard, lang, ws.title, key_col)
    return wb


A3_LANDSCAPE_PT = (1190.6 - 2 * 0.4 * 72, 841.9 - 2 * 0.5 * 72)
"""The printable width and height of an A3 landscape page with the margins set below."""


def _page_breaks(ws: Any, spans: list[tuple[str, int, int]], last_row: int, widths: list[float]) -> None:
    """Start a block (a module, the experience rows …) on a new page when it would not fit on the
    current one, unless that would leave much of the page empty or the block is longer than a page:
    a printed module then keeps its name and its rows together."""
    width_pt = sum(w * 8 + 5 for w in widths) * 0.75  # Arial 11: 8 pixels a digit, 5 of padding
    scale = min(1.0, A3_LANDSCAPE_PT[0] / width_pt)  # fit to one page wide shrinks, never enlarges

    def height(first: int, last: int) -> float:
        return sum(ws.row_dimensions[r].height or 15 for r in range(first, last + 1))

    capacity = A3_LANDSCAPE_PT[1] / scale * 0.95 - height(1, 2)  # the header rows repeat on every page
    block_of = {first: last for _, first, last in spans}
    used, row = 0.0, 3
    while row <= last_row:
        end = block_of.get(row, row)
        if end == row and row + 1 in block_of:  # a section row goes with the block below it
            end = block_of[row + 1]
        size = height(row, end)
        if used and used + size > capacity and size <= capacity and capacity - used < 0.4 * capacity:
            ws.row_breaks.append(Break(id=row - 1))
            used = 0.0
        used = (used + size) % capacity
        row = end + 1


def _vocabulary_sheet(wb: Workbook, standard: Standard, lang: Lang) -> None:
    ws = wb.create_sheet(label("vocabulary_sheet", lang))
    for c, width in enumerate(VOCABULARY_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    rows: list[tuple[str, ...]] = [(label("vocabulary", lang), label("code", lang), "中文", "English")]
    voc = standard.vocabularies
    for name, (zh, en) in VOCABULARY_NAMES.items():
        for term in getattr(voc, name):
            rows.append((zh if lang == "zh" else en, term.code, term.name.zh, term.name.en))
    for exam in standard.knowledge.exams:
        rows.append((label("exams", lang), exam.code, exam.name.zh, exam.name.en))
    for reading in standard.readings:
        rows.append((label("readings", lang), f"{reading.code} ({reading.at})", reading.note.zh,
                     reading.note.en))
    for r, values in enumerate(rows, 1):
        for c, value in enumerate(values, 1):
            cell = ws.cell(r, c, guard(value))
            cell.data_type = "s"
            cell.alignment = WRAP_TOP
            cell.border = BORDER
            cell.font = _font(lang, bold=r == 1)
            if r == 1:
                cell.fill = HEAD_FILL
        ws.row_dimensions[r].height = row_height(max(lines_needed(v, w) for v, w in zip(
            values, VOCABULARY_WIDTHS, strict=True)), lang)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def standard_json(standard: Standard) -> str:
    return json.dumps(standard.model_dump(mode="json", by_alias=True), ensure_ascii=False,
                      separators=(",", ":"))


def _meta_sheet(wb: Workbook, standard: Standard, lang: Lang, table: str, key_col: int) -> None:
    ws = wb.create_sheet(META_SHEET)
    ws.sheet_state = "veryHidden"
    payload = standard_json(standard)
    chunks = [payload[i:i + CHUNK] for i in range(0, len(payload), CHUNK)]
    meta = [("format", FORMAT), ("lang", lang), ("table", table), ("key_column", str(key_col)),
            ("sha256", hashlib.sha256(payload.encode("utf-8")).hexdigest()), ("chunks", str(len(chunks)))]
    for r, (name, value) in enumerate(meta, 1):
        ws.cell(r, 1, name)
        ws.cell(r, 2, value).data_type = "s"
    for i, chunk in enumerate(chunks):
        ws.cell(len(meta) + 1 + i, 1, "json")
        ws.cell(len(meta) + 1 + i, 2, "|" + chunk).data_type = "s"  # "|": never a formula, never blank


def workbook_bytes(standard: Standard, lang: Lang) -> bytes:
    buffer = io.BytesIO()
    build_workbook(standard, lang).save(buffer)
    return buffer.getvalue()


# --- reading ------------------------------------------------------------------------------------


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
    return standard, lang, meta.get("table", ""), key_col  # type: ignore[return-value]


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


def _edit_criterion(entry: dict[str, Any], actual: str, lang: Lang) -> tuple[str, str]:
    status = _mark(actual)
    if status is not CriterionStatus.present:
        entry.update(status=status.value, items=[])
        return f"criterion: {status.value}", f"测评标准：{label(status.value, 'zh')}"
    old = entry.get("items", []) if entry.get("status", "present") == "present" else []
    items = [{**(old[i] if i < len(old) else {"zh": "", "en": ""}), lang: text}
             for i, text in enumerate(parse_items(actual))]
    entry.update(status="present", items=items)
    return f"criterion items ({len(items)})", f"测评标准条目（{len(items)} 条）"


def _edit_measure(entry: dict[str, Any], actual: str, lang: Lang) -> tuple[str, str]:
    status = _mark(actual)
    if status is not CriterionStatus.present:
        dropped = len(entry.get("requirements") or [])
        entry.update(status=status.value, text=None, requirements=[])
        return (f"measure: {status.value} ({dropped} machine requirement(s) removed)",
                f"衡量标准：{label(status.value, 'zh')}（删除了 {dropped} 项机器要求）")
    old = entry.get("text") or {"zh": "", "en": ""}
    entry.update(status="present", text={**old, lang: actual})
    return "measurement-standard text", "衡量标准文字"
