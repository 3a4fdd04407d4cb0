"""The comparison table (比较表) for a template: one column per level, one row per condition,
element and measure, each cell saying what is new against its baseline.

The differences come from ``qualify.core.compare`` (``ladder``, ``compare_levels``, ``criterion_diff``,
``measure_diff``); this module only arranges them in rows and columns and picks the language. The one
thing compare.py does not offer, two versions side by side level by level, is assembled from its cell
functions in ``version_columns``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext as _

from qualify.core import compare
from qualify.core.compare import CellDiff, ConditionDiff, LevelComparison, MeasureDiff, ModuleDiff
from qualify.core.standard import Requirement, Standard
from qualify.core.text import Lang, Text

HIGHLIGHTED = frozenset({"added", "changed", "dropped"})


@dataclass(frozen=True)
class ItemView:
    """One numbered item of a cell. ``kind``: ``plain`` (a baseline column), ``same``, ``added``,
    ``changed`` (``previous`` is the wording it replaces) or ``dropped`` (not numbered)."""

    kind: str
    text: str
    previous: str = ""
    number: int | None = None


@dataclass(frozen=True)
class RequirementView:
    kind: str
    text: str
    detail: str = ""
    previous: str = ""


@dataclass(frozen=True)
class CellView:
    """``kind``: ``base`` (the baseline column: nothing highlighted), ``added``, ``changed``,
    ``dropped``, ``same``, ``none`` (no criterion at either level) or ``unknown`` (the source does
    not say). ``state`` is what the column itself has: ``present``, ``none``, ``unknown``, ``absent``."""

    kind: str
    state: str
    items: list[ItemView] = field(default_factory=list)
    note: str = ""
    requirements: list[RequirementView] = field(default_factory=list)
    level: int = 0  # the column's level

    @property
    def dropped_items(self) -> int:
        return sum(1 for item in self.items if item.kind == "dropped")

    @property
    def highlighted(self) -> bool:
        return self.kind in HIGHLIGHTED or any(r.kind in HIGHLIGHTED for r in self.requirements)


@dataclass(frozen=True)
class Row:
    key: str
    kind: str  # condition | element | measure
    label: str
    cells: list[CellView]

    @property
    def differs(self) -> bool:
        return any(cell.highlighted for cell in self.cells)


@dataclass(frozen=True)
class Block:
    key: str
    title: str
    rows: list[Row]
    hidden_rows: int = 0


@dataclass(frozen=True)
class Column:
    level: int
    name: str
    title: str
    against: str  # what the column is compared with; "" for a baseline column
    added: int = 0
    changed: int = 0
    dropped: int = 0

    @property
    def base(self) -> bool:
        return not self.against


@dataclass(frozen=True)
class Table:
    columns: list[Column]
    blocks: list[Block]
    only_differences: bool = False

    @property
    def hidden_rows(self) -> int:
        return sum(block.hidden_rows for block in self.blocks)


@dataclass(frozen=True)
class Side:
    """One column's comparison, and which standards its two sides come from (for vocabulary names)."""

    comparison: LevelComparison
    base: bool
    against: str
    before: Standard
    after: Standard


# --- texts ---------------------------------------------------------------------------------------


def _t(text: Text | None, lang: Lang) -> str:
    return text.get(lang) if text is not None else ""


def _join(values: list[str], lang: Lang) -> str:
    return ("、" if lang == "zh" else ", ").join(values)


def _term(standard: Standard, vocabulary: str, code: str, lang: Lang) -> str:
    term = standard.vocabularies.term(vocabulary, code)
    return term.name.get(lang) if term is not None else code


def requirement_detail(standard: Standard, req: Requirement, lang: Lang) -> list[tuple[str, str]]:
    """What a matching evidence record must be, field by field, in the vocabulary's words."""
    parts = [(_("Activity"), _term(standard, "activities", req.activity, lang)),
             (_("At least"), str(req.min_count))]
    if req.roles:
        parts.append((_("Role"), _join([_term(standard, "roles", c, lang) for c in req.roles], lang)))
    if req.min_audience:
        parts.append((_("Audience"), _("%(rank)s or above")
                      % {"rank": _term(standard, "audience_ranks", req.min_audience, lang)}))
    if req.min_scope:
        parts.append((_("Scope"), _("%(scope)s or wider")
                      % {"scope": _term(standard, "scopes", req.min_scope, lang)}))
    if req.project_kinds:
        parts.append((_("Project kind"),
                      _join([_term(standard, "project_kinds", c, lang) for c in req.project_kinds], lang)))
    if req.outcome:
        parts.append((_("Outcome"), _term(standard, "outcomes", req.outcome, lang)))
    if req.deliverables:
        parts.append((_("Deliverables"),
                      _join([_term(standard, "deliverables", c, lang) for c in req.deliverables], lang)))
    return parts


def requirement_summary(req: Requirement, lang: Lang) -> str:
    return _("at least %(count)s × %(what)s") % {"count": req.min_count, "what": req.text.get(lang)}


# --- cells ---------------------------------------------------------------------------------------


def _items(cell: CellDiff, lang: Lang, base: bool) -> list[ItemView]:
    if base or cell.kind == "unknown":
        return [ItemView("plain", t.get(lang), number=i) for i, t in enumerate(cell.after, 1)]
    out: list[ItemView] = []
    number = 0
    for item in cell.items:
        if item.kind == "dropped":
            out.append(ItemView("dropped", _t(item.before, lang)))
            continue
        number += 1
        previous = _t(item.before, lang) if item.kind == "changed" else ""
        out.append(ItemView(item.kind, _t(item.after, lang), previous=previous, number=number))
    return out


def criterion_cell(cell: CellDiff, lang: Lang, base: bool) -> CellView:
    return CellView(kind="base" if base else cell.kind, state=cell.after_status,
                    items=_items(cell, lang, base), note=_t(cell.after_note, lang))


def measure_cell(diff: MeasureDiff, lang: Lang, base: bool, before: Standard, after: Standard) -> CellView:
    view = criterion_cell(diff.cell, lang, base)
    requirements = []
    for req in diff.requirements:
        if base and req.after is None:
            continue
        current = req.after or req.before
        if current is None:  # compare.py always sets one side
            continue
        source = after if req.after is not None else before
        detail = "; ".join(f"{k}: {v}" for k, v in requirement_detail(source, current, lang))
        previous = ""
        if req.kind == "changed" and req.before is not None and not base:
            previous = requirement_summary(req.before, lang)
            if previous == requirement_summary(current, lang):  # the same words, other rules behind them
                previous = "; ".join(f"{k}: {v}" for k, v in requirement_detail(before, req.before, lang))
        requirements.append(RequirementView(kind="plain" if base else req.kind,
                                            text=requirement_summary(current, lang),
                                            detail=detail, previous=previous))
    return CellView(kind=view.kind, state=view.state, items=view.items, note=view.note,
                    requirements=requirements)


def condition_cell(diff: ConditionDiff, lang: Lang, base: bool) -> CellView:
    if diff.after is None:
        return CellView(kind="base" if base else diff.kind, state="absent",
                        items=[] if base else [ItemView("dropped", _t(diff.before, lang))])
    if base:
        return CellView(kind="base", state="present", items=[ItemView("plain", _t(diff.after, lang))])
    previous = _t(diff.before, lang) if diff.kind == "changed" else ""
    return CellView(kind=diff.kind, state="present",
                    items=[ItemView(diff.kind, _t(diff.after, lang), previous=previous)])


# --- the table -----------------------------------------------------------------------------------

CONDITION_ORDER = ("title", "description", "company_experience", "family_experience", "performance")


def condition_labels() -> dict[str, str]:
    return {
        "title": _("Title"),
        "description": _("Role"),
        "company_experience": _("Company experience"),
        "family_experience": _("Job-family experience"),
        "performance": _("Performance"),
    }


def _column(side: Side, index: int, rows: list[Row], lang: Lang) -> Column:
    """The column's head, with how many of its cells are new, changed or no longer asked."""
    level = side.after.level(side.comparison.level_after)
    count = dict.fromkeys(HIGHLIGHTED, 0)
    for row in rows:
        cell = row.cells[index]
        if cell.kind in HIGHLIGHTED:
            count[cell.kind] += 1
        elif cell.highlighted:  # the same text, other machine requirements behind it
            count["changed"] += 1
    return Column(level=side.comparison.level_after,
                  name=_t(level.name if level else side.comparison.name_after, lang),
                  title=_t(level.title, lang) if level else "",
                  against=side.against, added=count["added"], changed=count["changed"],
                  dropped=count["dropped"])


def _block(key: str, title: str, rows: list[Row], only_differences: bool) -> Block:
    if not only_differences:
        return Block(key, title, rows)
    kept = [row for row in rows if row.differs]
    return Block(key, title, kept, hidden_rows=len(rows) - len(kept))


def _in_columns(cells: list[CellView], sides: list[Side]) -> list[CellView]:
    return [replace(cell, level=side.comparison.level_after) for cell, side in zip(cells, sides, strict=True)]


def build_table(sides: list[Side], lang: Lang, only_differences: bool = False,
                identity: bool = False) -> Table:
    """Rows × columns from one comparison per column. Every column's comparison has the same modules
    and elements in the same order (one standard, or the union that ``version_columns`` builds).

    ``identity``: compare the levels' titles and role descriptions too (two versions). Between two
    levels they always differ; the title is in the column head and the role is shown plain."""
    labels = condition_labels()
    conditions = []
    for rule in CONDITION_ORDER:
        if rule == "title" and not identity:
            continue
        plain = rule in {"title", "description"} and not identity
        cells = [condition_cell(next(c for c in s.comparison.conditions if c.rule == rule), lang,
                                s.base or plain)
                 for s in sides]
        conditions.append(Row(key=f"condition:{rule}", kind="condition", label=labels[rule],
                              cells=_in_columns(cells, sides)))
    blocks: list[tuple[str, str, list[Row]]] = [("conditions", _("Gate conditions"), conditions)]
    first = sides[0].comparison
    for m, module in enumerate(first.modules):
        rows: list[Row] = []
        for e, element in enumerate(module.elements):
            cells = [criterion_cell(s.comparison.modules[m].elements[e].cell, lang, s.base) for s in sides]
            rows.append(Row(key=f"element:{element.code}", kind="element", label=_t(element.name, lang),
                            cells=_in_columns(cells, sides)))
        cells = [measure_cell(s.comparison.modules[m].measure, lang, s.base, s.before, s.after)
                 for s in sides]
        rows.append(Row(key=f"measure:{module.code}", kind="measure", label=_("Measurement standard"),
                        cells=_in_columns(cells, sides)))
        blocks.append((f"module:{module.code}", _t(module.name, lang), rows))
    every_row = [row for _key, _title, rows in blocks for row in rows]
    return Table(columns=[_column(s, i, every_row, lang) for i, s in enumerate(sides)],
                 blocks=[_block(key, title, rows, only_differences) for key, title, rows in blocks],
                 only_differences=only_differences)


# --- the three ways to compare -------------------------------------------------------------------


def level_label(number: int) -> str:
    return _("level %(level)s") % {"level": number}


def ladder_sides(standard: Standard) -> list[Side]:
    """Every level against the one below; the first level is the baseline."""
    return [Side(c, base=i == 0, against="" if i == 0 else level_label(c.level_before),
                 before=standard, after=standard)
            for i, c in enumerate(compare.ladder(standard))]


def two_level_sides(standard: Standard, a: int, b: int) -> list[Side]:
    """Level ``a`` as the baseline, level ``b`` against it."""
    return [Side(compare.compare_levels(standard, 0, a), base=True, against="", before=standard,
                 after=standard),
            Side(compare.compare_levels(standard, a, b), base=False, against=level_label(a),
                 before=standard, after=standard)]


def version_comparisons(old: Standard, new: Standard) -> list[LevelComparison]:
    """Adapter: each level of ``new`` against the same level of ``old``, with the union of both
    standards' modules and elements (matched by code) in every column. compare.py compares two
    levels of one standard, or two standards as a list of changes; this puts two versions side by
    side level by level, using compare.py's own cell, measure and condition diffs."""
    modules: list[tuple[str, Text, list[tuple[str, Text]]]] = []
    for source in (new, old):
        for module in source.modules:
            entry = next((m for m in modules if m[0] == module.code), None)
            if entry is None:
                entry = (module.code, module.name, [])
                modules.append(entry)
            for element in module.elements:
                if all(code != element.code for code, _name in entry[2]):
                    entry[2].append((element.code, element.name))
    numbers = sorted(set(new.level_numbers) | set(old.level_numbers))
    out = []
    for number in numbers:
        module_diffs = []
        for code, name, elements in modules:
            element_diffs = []
            for element_code, element_name in elements:
                before = old.element(element_code)
                after = new.element(element_code)
                element_diffs.append(compare.ElementDiff(code=element_code, name=element_name,
                                                         cell=compare.criterion_diff(
                                                             before[1].criterion(number) if before else None,
                                                             after[1].criterion(number) if after else None)))
            old_module, new_module = old.module(code), new.module(code)
            measure = compare.measure_diff(old_module.measure(number) if old_module else None,
                                           new_module.measure(number) if new_module else None)
            module_diffs.append(ModuleDiff(code=code, name=name, elements=element_diffs, measure=measure))
        level_old, level_new = old.level(number), new.level(number)
        cells = [e.cell for m in module_diffs for e in m.elements] + [m.measure.cell for m in module_diffs]
        summary = compare.Summary(**{k: sum(1 for c in cells if c.kind == k)
                                     for k in ("added", "changed", "dropped", "same")})
        out.append(LevelComparison(
            standard=new.id, level_before=number, level_after=number,
            name_before=level_old.name if level_old else None,
            name_after=level_new.name if level_new else None,
            # compare.py's condition diff is private (``_conditions``); see the module docstring
            conditions=compare._conditions(level_old, level_new),
            knowledge=new.knowledge.text, modules=module_diffs, summary=summary))
    return out


def version_sides(old: Standard, new: Standard) -> list[Side]:
    return [Side(c, base=False, against=old.id, before=old, after=new) for c in version_comparisons(old, new)]


def changes_outside_table(old: Standard, new: Standard, lang: Lang) -> list[dict[str, Any]]:
    """The differences between two standards that the table does not show (identity, knowledge,
    vocabularies, readings, rules, examples), one line each."""
    result = compare.compare_standards(old, new)
    shown = {"gates", "criteria", "measures"}
    labels = {"added": _("added"), "dropped": _("dropped"), "changed": _("changed"),
              "reordered": _("reordered")}
    out = []
    for change in result.changes:
        if change.section in shown:
            continue
        out.append({"section": change.section, "path": change.path, "kind": change.kind,
                    "kind_label": labels.get(change.kind, change.kind),
                    "before": _plain(change.before, lang), "after": _plain(change.after, lang)})
    return out


def _plain(value: Any, lang: Lang) -> str:
    if value is None:
        return ""
    if isinstance(value, dict) and set(value) <= {"zh", "en"}:
        return str(value.get(lang) or value.get("zh" if lang == "en" else "en") or "")
    if isinstance(value, dict) and "name" in value and isinstance(value["name"], dict):
        name, code = _plain(value["name"], lang), str(value.get("code", ""))
        return name if not code or code == name else f"{name} ({code})"
    if isinstance(value, list):
        return ", ".join(_plain(v, lang) for v in value)
    return str(value)
