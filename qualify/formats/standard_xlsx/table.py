"""The comparison table (比较表) as rows: which row and column each part of a standard goes to.

``layout`` is the one place that decides the table; export writes its rows and import reads the
workbook back by the same rows (each row's key, each cell's edit kind and target in the data). The
labels, the neutralising of cell texts and the hidden sheet's name and format live here too, as
both directions use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

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
    "blank": ("原文此格空白：本级无此项。", "Blank in the source: nothing at this level."),
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
DANGEROUS = ("=", "+", "-", "@")


def label(key: str, lang: Lang, **values: str) -> str:
    zh, en = LABELS[key]
    return (zh if lang == "zh" else en).format(**values)


def level_header(level: int, lang: Lang) -> str:
    if lang == "en":
        return f"Level {level} assessment criteria"
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


def _items_text(items: list[Text], lang: Lang, *, numbered: bool = True) -> str:
    """``1、…`` per line; a single item the source gives without a number stays without one."""
    if len(items) == 1 and not numbered:
        return items[0].get(lang)
    sep = "、" if lang == "zh" else ". "
    return "\n".join(f"{n}{sep}{item.get(lang)}" for n, item in enumerate(items, 1))


def _cell_text(status: CriterionStatus | None, body: str, lang: Lang, *, blank: bool = False) -> str:
    """The cell of one level: the body, 无/none, empty where the source cell is blank, or unknown."""
    if status is None:
        return ""
    if status is CriterionStatus.none:
        return "" if blank else label("none", lang)
    if status is CriterionStatus.unknown:
        return label("unknown", lang)
    return body


def _blank_note(note: str, blank: bool, lang: Lang) -> str:
    """A blank source cell is exported empty, with a comment that says so (and any note of its own)."""
    if not blank:
        return note
    return label("blank", lang) + ("\n" + note if note else "")


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
                body = _items_text(criterion.items, lang, numbered=criterion.numbered is not False
                                   ) if criterion is not None else ""
                blank = criterion is not None and bool(criterion.blank)
                own = criterion.note.get(lang) if criterion is not None and criterion.note else ""
                note = _blank_note(own, blank, lang)
                cells.append(Cell(first + i, _cell_text(status, body, lang, blank=blank), "criterion",
                                  ("modules", m, "elements", e, "criteria", n), note))
            rows.append(Row(f"element:{element.code}", "element", cells))
        cells = [Cell(2, label("measure", lang))]
        for i, n in enumerate(levels):
            measure = module.measure(n)
            status = measure.status if measure is not None else None
            body = measure.text.get(lang) if measure is not None and measure.text else ""
            blank = measure is not None and bool(measure.blank)
            note = _blank_note(measure.note.get(lang) if measure is not None and measure.note else "", blank,
                               lang)
            cells.append(Cell(first + i, _cell_text(status, body, lang, blank=blank), "measure",
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
