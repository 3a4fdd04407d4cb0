"""Terminal rendering of standards, level comparisons and standard comparisons.

Rich styles the output in a terminal; piped, the same text comes out plain. Plain lines are never
cut (``soft_wrap``: the terminal wraps them); tables fold their cells and never truncate.
"""

from __future__ import annotations

import json
import shutil
import sys
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text as RichText

from qualify.core.compare import CellDiff, LevelComparison, StandardComparison
from qualify.core.errors import ErrorCode, NotFound
from qualify.core.standard import Criterion, CriterionStatus, Measure, Standard
from qualify.core.text import Lang, Text

NUMERALS = "一二三四五六七八九十"

LABELS: dict[str, tuple[str, str]] = {
    "levels": ("等级与条件", "Levels and conditions"),
    "company_experience": ("公司工作经验", "Company experience"),
    "family_experience": ("{family}工作经验", "{family} experience"),
    "performance": ("绩效要求", "Performance"),
    "title": ("职位", "Title"),
    "description": ("一般描述", "General description"),
    "months": ("{n} 个月", "{n} months"),
    "knowledge": ("知识要求", "Knowledge requirement"),
    "policy": ("成绩使用规则（标准所有者政策）", "Using the results (owner's policy)"),
    "behaviour": ("行为标准", "Behaviour standard"),
    "measure": ("衡量标准", "Measurement standard"),
    "none": ("无", "none"),
    "unknown": ("（原文未知）", "(unknown in the source)"),
    "absent": ("（未填写）", "(no entry)"),
    "complete": ("完整", "complete"),
    "incomplete": ("不完整", "incomplete"),
    "rule": ("评分规则", "Rating rule"),
    "certificate": ("证书有效期：{n} 个月", "Certificate valid for {n} months"),
    "element": ("行为要素", "Element"),
    "change": ("变化", "Change"),
    "condition": ("条件", "Condition"),
    "summary": ("新增 {added}，变更 {changed}，删除 {dropped}，不变 {same}",
                "{added} added, {changed} changed, {dropped} dropped, {same} the same"),
    "legend": ("标记：+ 新增条目，~ 改写条目，- 删除条目",
               "Marks: + item added, ~ item reworded, - item dropped"),
    "no_level": ("（无）", "(none)"),
    "same_knowledge": ("各等级相同：", "The same at every level: "),
    "identical": ("两者没有差别。", "No differences."),
    "requirements": ("机器要求", "machine requirements"),
    "no_criterion_here": ("本级无测评标准的要素：", "Elements without a criterion at this level: "),
    "status": ("状态", "status"),
    "draft": ("草稿", "draft"),
    "published": ("已发布", "published"),
    "modules_count": ("{n} 个行为模块", "{n} modules"),
    "job_family_experience": ("职位族工作经验", "Job-family experience"),
    "unknown_incomplete": ("未知部分：含未知部分的等级在认证时判为“资料不全”",
                           "Unknown parts: a level with an unknown part is incomplete at certification"),
    "unknown_accept": ("未知部分：标准负责人已接受，认证时按满足处理并给出警告",
                       "Unknown parts: accepted by the owner; they count as met at certification, with a "
                       "warning"),
    "cut_off": ("（原文在此中断，文字不完整）", "(the source breaks off here: the text is incomplete)"),
}
SECTION_NAMES: dict[str, tuple[str, str]] = {
    "identity": ("标识与来源", "Identity and source"), "gates": ("等级条件", "Gate conditions"),
    "knowledge": ("知识要求", "Knowledge"), "criteria": ("测评标准", "Criteria"),
    "measures": ("衡量标准", "Measures"), "vocabularies": ("词汇", "Vocabularies"),
    "readings": ("解读", "Readings"), "rules": ("规则", "Rules"), "examples": ("示例", "Examples"),
}
KIND_NAMES: dict[str, tuple[str, str]] = {
    "added": ("新增", "added"), "dropped": ("删除", "dropped"), "changed": ("变更", "changed"),
    "same": ("不变", "same"), "none": ("均无", "none"), "unknown": ("未知", "unknown"),
    "reordered": ("顺序变化", "reordered"),
}
KIND_MARK = {"added": "+", "dropped": "-", "changed": "~", "reordered": "↕", "same": " "}


def tr(key: str, lang: Lang, **values: Any) -> str:
    zh, en = LABELS[key]
    return (zh if lang == "zh" else en).format(**values)


def kind_name(kind: str, lang: Lang) -> str:
    zh, en = KIND_NAMES[kind]
    return zh if lang == "zh" else en


def level_name(level: int, lang: Lang) -> str:
    if lang == "en":
        return f"Level {level}"
    return f"{NUMERALS[level - 1]}级" if 1 <= level <= len(NUMERALS) else f"{level}级"


def console() -> Console:
    """Styled in a terminal; plain and at least 120 columns wide when piped."""
    out = sys.stdout
    if out.isatty():
        return Console(file=out, highlight=False, soft_wrap=True, markup=False)
    width = max(shutil.get_terminal_size((120, 24)).columns, 120)
    return Console(file=out, highlight=False, soft_wrap=True, markup=False, width=width,
                   no_color=True)


def heading(text: str) -> RichText:
    return RichText(f"\n== {text} ==", style="bold cyan")


def items_text(items: list[Text], lang: Lang, marks: list[str] | None = None) -> str:
    sep = "、" if lang == "zh" else ". "
    out = []
    for n, item in enumerate(items, 1):
        mark = marks[n - 1] if marks else ""
        out.append(f"{mark}{n}{sep}{item.get(lang)}")
    return "\n".join(out)


def entry_text(entry: Criterion | Measure | None, lang: Lang) -> str:
    if entry is None:
        return tr("absent", lang)
    if entry.status is CriterionStatus.none:
        return tr("none", lang)
    if entry.status is CriterionStatus.unknown:
        return tr("unknown", lang)
    if isinstance(entry, Criterion):
        return items_text(entry.items, lang)
    return entry.text.get(lang) if entry.text else ""


# --- show ---------------------------------------------------------------------------------------


def show_standard(out: Console, standard: Standard, lang: Lang, level: int | None = None) -> None:
    done = standard.completeness
    out.print(RichText(standard.title.get(lang), style="bold"))
    state = tr(standard.status.value, lang)
    complete = tr("complete" if done.complete else "incomplete", lang)
    out.print(f"{standard.id} · {state} · {complete}: {done.note.get(lang)}")
    if not done.complete or done.unknown_requirements == "accept":
        out.print(tr("unknown_" + done.unknown_requirements, lang))
    levels = [standard.level(level)] if level is not None else standard.levels
    out.print(heading(tr("levels", lang)))
    family = standard.family_name.get(lang)
    for lv in levels:
        if lv is None:
            continue
        out.print(RichText(f"{level_name(lv.level, lang)}  {lv.name.get(lang)}", style="bold"))
        out.print(f"  {tr('title', lang)}: {lv.title.get(lang)}; {lv.description.get(lang)}")
        for key, gate in (("company_experience", lv.company_experience), ("family_experience",
                                                                          lv.family_experience)):
            months = tr("months", lang, n=gate.months)
            out.print(f"  {tr(key, lang, family=family)}: {gate.text.get(lang)} ({months})")
        out.print(f"  {tr('performance', lang)}: {lv.performance.text.get(lang)}")
        if lv.subgrades:
            out.print("  " + " / ".join(s.name.get(lang) for s in lv.subgrades))
    out.print(heading(tr("knowledge", lang)))
    out.print(standard.knowledge.text.get(lang))
    out.print(f"{tr('policy', lang)}: {standard.knowledge.policy.note.get(lang)}")
    out.print(heading(tr("behaviour", lang)))
    numbers = [level] if level is not None else standard.level_numbers
    for module in standard.modules:
        out.print(RichText(f"\n{module.name.get(lang)} [{module.code}]", style="bold"))
        without = []
        for element in module.elements:
            cells = [(n, element.criterion(n)) for n in numbers]
            if level is not None and not (cells[0][1] is not None and cells[0][1].applies):
                without.append(element.name.get(lang))
                continue
            out.print(RichText(f"  {element.name.get(lang)} [{element.code}]", style="bold"))
            for n, criterion in cells:
                shown = entry_text(criterion, lang)
                if (done.ends_at_module, done.ends_at_element, done.ends_at_level) == (module.code,
                                                                                       element.code, n):
                    shown += "\n" + tr("cut_off", lang)
                _indented(out, level_name(n, lang), shown)
        if without:
            names = ("、" if lang == "zh" else ", ").join(without)
            out.print(f"  {tr('no_criterion_here', lang)}{names}")
        out.print(RichText(f"  {tr('measure', lang)}", style="bold"))
        for n in numbers:
            measure = module.measure(n)
            _indented(out, level_name(n, lang), entry_text(measure, lang))
            if measure is not None and measure.applies and measure.requirements:
                for req in measure.requirements:
                    out.print(f"        · {req.text.get(lang)} × {req.min_count} [{req.code}]")
    out.print(heading(tr("rule", lang)))
    out.print(standard.behaviour_rule.text.get(lang))
    out.print(tr("certificate", lang, n=standard.certificate.validity_months))


def _indented(out: Console, label: str, text: str) -> None:
    lines = text.split("\n")
    out.print(f"    {label}: {lines[0]}")
    for line in lines[1:]:
        out.print(f"        {line}")


def level_view(standard: Standard, level: int) -> dict[str, Any]:
    """One level as JSON: its conditions, the knowledge requirement, its criteria and measures."""
    lv = standard.level(level)
    if lv is None:
        raise NotFound(code=ErrorCode.LEVEL_NOT_FOUND, message_en=f"{standard.id} has no level {level}",
                       message_zh=f"{standard.id} 没有 {level} 级")
    return {
        "standard": standard.id,
        "level": lv.model_dump(mode="json"),
        "knowledge": standard.knowledge.model_dump(mode="json"),
        "modules": [{
            "code": m.code, "name": m.name.model_dump(),
            "elements": [{"code": e.code, "name": e.name.model_dump(),
                          "criterion": c.model_dump(mode="json") if (c := e.criterion(level)) else None}
                         for e in m.elements],
            "measure": ms.model_dump(mode="json", exclude_none=True) if (ms := m.measure(level)) else None,
        } for m in standard.modules],
        "behaviour_rule": standard.behaviour_rule.model_dump(mode="json"),
    }


# --- compare levels -----------------------------------------------------------------------------


def _cell_texts(cell: CellDiff, lang: Lang) -> tuple[str, str]:
    def plain(status: str) -> str:
        return tr(status, lang) if status in ("none", "unknown", "absent") else ""

    before = plain(cell.before_status)
    after = plain(cell.after_status)
    if cell.before_status == "present":
        kept = [i for i in cell.items if i.before is not None]
        marks = ["-" if i.kind == "dropped" else "~" if i.kind == "changed" else " " for i in kept]
        before = items_text([i.before for i in kept if i.before is not None], lang, marks)
    if cell.after_status == "present":
        kept = [i for i in cell.items if i.after is not None]
        marks = ["+" if i.kind == "added" else "~" if i.kind == "changed" else " " for i in kept]
        after = items_text([i.after for i in kept if i.after is not None], lang, marks)
    return before, after


def _measure_texts(cell: CellDiff, lang: Lang) -> tuple[str, str]:
    def one(status: str, texts: list[Text]) -> str:
        if status != "present":
            return tr(status, lang)
        return texts[0].get(lang) if texts else ""

    return one(cell.before_status, cell.before), one(cell.after_status, cell.after)


def _table(lang: Lang, first: str, a: str, b: str) -> Table:
    table = Table(box=box.SQUARE, show_lines=True, expand=True, header_style="bold")
    table.add_column(first, ratio=2, overflow="fold")
    table.add_column(a, ratio=5, overflow="fold")
    table.add_column(b, ratio=5, overflow="fold")
    table.add_column(tr("change", lang), ratio=1, min_width=8, overflow="fold")
    return table


def show_level_comparison(out: Console, result: LevelComparison, lang: Lang) -> None:
    a = level_name(result.level_before, lang) if result.level_before else tr("no_level", lang)
    b = level_name(result.level_after, lang)
    out.print(RichText(f"{result.standard}: {a} → {b}", style="bold"))
    conditions = _table(lang, tr("condition", lang), a, b)
    family_label = {"company_experience": tr("company_experience", lang),
                    "family_experience": tr("job_family_experience", lang),
                    "performance": tr("performance", lang), "title": tr("title", lang),
                    "description": tr("description", lang)}
    for cond in result.conditions:
        conditions.add_row(family_label[cond.rule], cond.before.get(lang) if cond.before else "",
                           cond.after.get(lang) if cond.after else "", kind_name(cond.kind, lang))
    out.print(conditions)
    out.print(f"{tr('knowledge', lang)} — {tr('same_knowledge', lang)}{result.knowledge.get(lang)}")
    for module in result.modules:
        out.print(RichText(f"\n{module.name.get(lang)} [{module.code}]", style="bold"))
        table = _table(lang, tr("element", lang), a, b)
        for element in module.elements:
            before, after = _cell_texts(element.cell, lang)
            table.add_row(element.name.get(lang), before, after, kind_name(element.cell.kind, lang))
        before, after = _measure_texts(module.measure.cell, lang)
        table.add_row(tr("measure", lang), before, after, kind_name(module.measure.cell.kind, lang))
        out.print(table)
    out.print(tr("legend", lang))
    out.print(RichText(tr("summary", lang, **result.summary.model_dump()), style="bold"))


# --- compare standards --------------------------------------------------------------------------


def value_text(value: Any, lang: Lang) -> str:
    """A changed value in full; an added or dropped entry by its code and name (``--format json``
    gives everything)."""
    if isinstance(value, dict) and value and set(value) <= {"zh", "en"}:
        return f"{value.get('zh', '')} / {value.get('en', '')}"
    if isinstance(value, dict) and ("code" in value or "level" in value):
        head = str(value["code"]) if "code" in value else level_name(int(value["level"]), lang)
        name = value.get("name")
        return f"{head} ({value_text(name, lang)})" if isinstance(name, dict) else head
    texts = isinstance(value, list) and all(isinstance(v, dict) and set(v) <= {"zh", "en"} for v in value)
    if texts and value:
        return " ".join(f"{n}、{value_text(v, lang)}" for n, v in enumerate(value, 1))
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def show_standard_comparison(out: Console, result: StandardComparison, lang: Lang) -> None:
    out.print(RichText(f"{result.before} → {result.after}", style="bold"))
    if result.identical:
        out.print(tr("identical", lang))
        return
    for section, (zh, en) in SECTION_NAMES.items():
        changes = result.section(section)  # type: ignore[arg-type]  # SECTION_NAMES keys are the Section literals
        if not changes:
            continue
        out.print(heading(f"{zh if lang == 'zh' else en} ({len(changes)})"))
        for change in changes:
            mark = KIND_MARK[change.kind]
            kind = kind_name(change.kind, lang)
            if change.kind == "added":
                out.print(f"{mark} {change.path} ({kind}): {value_text(change.after, lang)}")
            elif change.kind == "dropped":
                out.print(f"{mark} {change.path} ({kind}): {value_text(change.before, lang)}")
            else:
                out.print(f"{mark} {change.path} ({kind}): {value_text(change.before, lang)}"
                          f"  →  {value_text(change.after, lang)}")
