"""What changes between two levels of a standard, or between two versions of a standard.

Pure and structured: the CLI renders the results as text or JSON and the web app highlights with
them what is new at each level against the one below (``ladder``).

- ``compare_levels(standard, a, b)``: level ``a`` → level ``b``: the conditions side by side, the
  knowledge requirement, and per module each element's criterion and the module's measure, each
  classified ``added`` / ``dropped`` / ``changed`` / ``same`` / ``none`` (neither level has one) /
  ``unknown`` (the source does not say), with both texts and an item-by-item diff.
- ``compare_standards(old, new)``: every difference between two standards (two versions, or two
  files), grouped by section (identity, gates, knowledge, criteria, measures, vocabularies,
  readings, rules, examples), each with a readable path and the value before and after.
"""

from __future__ import annotations

import difflib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from qualify.core.errors import NotFound
from qualify.core.standard import Criterion, Level, Measure, Requirement, Standard
from qualify.core.text import Text

CellKind = Literal["added", "dropped", "changed", "same", "none", "unknown"]
ItemKind = Literal["added", "dropped", "changed", "same"]
CellStatus = Literal["present", "none", "unknown", "absent"]
"""``absent``: the standard has no entry for that level (or the level is 0, below the first)."""


class Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class ItemDiff(Result):
    kind: ItemKind
    before: Text | None = None
    after: Text | None = None


class CellDiff(Result):
    """One cell of the comparison table (an element's criterion, a module's measure) at two levels."""

    kind: CellKind
    before_status: CellStatus
    after_status: CellStatus
    before: list[Text] = []
    after: list[Text] = []
    items: list[ItemDiff] = []
    before_note: Text | None = None
    after_note: Text | None = None


class RequirementDiff(Result):
    code: str
    kind: ItemKind
    before: Requirement | None = None
    after: Requirement | None = None


class ElementDiff(Result):
    code: str
    name: Text
    cell: CellDiff


class MeasureDiff(Result):
    cell: CellDiff
    requirements: list[RequirementDiff] = []


class ModuleDiff(Result):
    code: str
    name: Text
    elements: list[ElementDiff]
    measure: MeasureDiff


class ConditionDiff(Result):
    """A gate condition or a level's description at both levels."""

    rule: Literal["company_experience", "family_experience", "performance", "title", "description"]
    kind: Literal["same", "changed", "added", "dropped"]
    before: Text | None = None
    after: Text | None = None
    before_value: Any = None
    after_value: Any = None


class Summary(Result):
    added: int = 0
    changed: int = 0
    dropped: int = 0
    same: int = 0


class LevelComparison(Result):
    standard: str
    level_before: int
    level_after: int
    name_before: Text | None
    name_after: Text | None
    conditions: list[ConditionDiff]
    knowledge: Text
    modules: list[ModuleDiff]
    summary: Summary


# --- cells --------------------------------------------------------------------------------------


def _status(entry: Criterion | Measure | None) -> CellStatus:
    if entry is None:
        return "absent"
    status: CellStatus = entry.status.value
    return status


def _key(text: Text) -> str:
    return " ".join((text.zh or text.en).split())


REWORDED = 0.5
"""Two items whose texts are at least this similar (difflib's ratio) are one item reworded."""


def _similarity(a: Text, b: Text) -> float:
    return difflib.SequenceMatcher(a=_key(a), b=_key(b), autojunk=False).ratio()


def _pair_reworded(old: list[Text], new: list[Text]) -> dict[int, int]:
    """new index → old index for the most similar pairs (each item used once, best pairs first)."""
    scored = sorted(((_similarity(o, n), i, j) for i, o in enumerate(old) for j, n in enumerate(new)),
                    key=lambda entry: (-entry[0], entry[1], entry[2]))
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for score, i, j in scored:
        if score < REWORDED:
            break
        if i not in used and j not in pairs:
            pairs[j] = i
            used.add(i)
    return pairs


def diff_items(before: list[Text], after: list[Text]) -> list[ItemDiff]:
    """Items matched in order by their text: kept, reworded, added or dropped.

    Where a run of items differs, an old and a new item are "changed" (the same item reworded) only
    when their texts are similar enough (``REWORDED``); otherwise the old one is dropped and the new
    one added, so that unrelated items are never shown as one item rewritten.
    """
    matcher = difflib.SequenceMatcher(a=[_key(t) for t in before], b=[_key(t) for t in after], autojunk=False)
    out: list[ItemDiff] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += [ItemDiff(kind="same", before=before[i], after=after[j])
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
            continue
        old, new = before[i1:i2], after[j1:j2]
        pairs = _pair_reworded(old, new)
        for j, text in enumerate(new):
            if j in pairs:
                out.append(ItemDiff(kind="changed", before=old[pairs[j]], after=text))
            else:
                out.append(ItemDiff(kind="added", after=text))
        paired_old = set(pairs.values())
        out += [ItemDiff(kind="dropped", before=t) for i, t in enumerate(old) if i not in paired_old]
    return out


def _cell(before: Criterion | Measure | None, after: Criterion | Measure | None,
          texts_before: list[Text], texts_after: list[Text], extra_changed: bool = False) -> CellDiff:
    sb, sa = _status(before), _status(after)
    kind: CellKind
    if "unknown" in (sb, sa):
        kind = "unknown"
    elif sb != "present" and sa != "present":
        kind = "none"
    elif sb != "present":
        kind = "added"
    elif sa != "present":
        kind = "dropped"
    else:
        same = [_key(t) for t in texts_before] == [_key(t) for t in texts_after] and not extra_changed
        kind = "same" if same else "changed"
    return CellDiff(kind=kind, before_status=sb, after_status=sa,
                    before=texts_before if sb == "present" else [],
                    after=texts_after if sa == "present" else [],
                    items=diff_items(texts_before if sb == "present" else [],
                                     texts_after if sa == "present" else []),
                    before_note=before.note if before is not None else None,
                    after_note=after.note if after is not None else None)


def criterion_diff(before: Criterion | None, after: Criterion | None) -> CellDiff:
    return _cell(before, after, before.items if before else [], after.items if after else [])


def _requirements(before: list[Requirement], after: list[Requirement]) -> list[RequirementDiff]:
    old = {r.code: r for r in before}
    new = {r.code: r for r in after}
    out: list[RequirementDiff] = []
    for code in [*old, *(c for c in new if c not in old)]:
        b, a = old.get(code), new.get(code)
        kind: ItemKind = ("added" if b is None else "dropped" if a is None
                          else "same" if b == a else "changed")
        out.append(RequirementDiff(code=code, kind=kind, before=b, after=a))
    return out


def measure_diff(before: Measure | None, after: Measure | None) -> MeasureDiff:
    applies_b = before is not None and before.applies
    applies_a = after is not None and after.applies
    reqs_b = before.requirements if before is not None and applies_b else []
    reqs_a = after.requirements if after is not None and applies_a else []
    requirements = _requirements(reqs_b, reqs_a)
    # the same text with other machine requirements is a change too (counts, ranks, scopes ...)
    other_rules = [(r.model_dump(exclude={"text"})) for r in reqs_b] != [
        (r.model_dump(exclude={"text"})) for r in reqs_a]
    texts_b = [before.text] if before is not None and before.text is not None else []
    texts_a = [after.text] if after is not None and after.text is not None else []
    return MeasureDiff(cell=_cell(before, after, texts_b, texts_a, extra_changed=other_rules),
                       requirements=requirements)


# --- levels -------------------------------------------------------------------------------------


def _condition(rule: Any, before: Text | None, after: Text | None, value_b: Any, value_a: Any
               ) -> ConditionDiff:
    if before is None or after is None:
        kind: Literal["same", "changed", "added", "dropped"] = "added" if before is None else "dropped"
    else:
        kind = "same" if (_key(before), value_b) == (_key(after), value_a) else "changed"
    return ConditionDiff(rule=rule, kind=kind, before=before, after=after, before_value=value_b,
                         after_value=value_a)


def _gate_values(level: Level | None) -> dict[str, Any]:
    if level is None:
        return {}
    performance = level.performance.model_dump(exclude={"text"})
    return {"company_experience": level.company_experience.months,
            "family_experience": level.family_experience.months, "performance": performance}


def _conditions(before: Level | None, after: Level | None) -> list[ConditionDiff]:
    vb, va = _gate_values(before), _gate_values(after)
    out = []
    for rule in ("company_experience", "family_experience", "performance"):
        tb = getattr(before, rule).text if before is not None else None
        ta = getattr(after, rule).text if after is not None else None
        out.append(_condition(rule, tb, ta, vb.get(rule), va.get(rule)))
    for rule in ("title", "description"):
        out.append(_condition(rule, getattr(before, rule, None), getattr(after, rule, None), None, None))
    return out


def _summarise(modules: list[ModuleDiff]) -> Summary:
    cells = [e.cell for m in modules for e in m.elements] + [m.measure.cell for m in modules]
    kinds = ("added", "changed", "dropped", "same")
    count = {kind: sum(1 for c in cells if c.kind == kind) for kind in kinds}
    return Summary(**count)


def compare_levels(standard: Standard, before: int, after: int) -> LevelComparison:
    """Level ``before`` → level ``after``. Level 0 stands for "no level yet": everything is added."""
    for number in (before, after):
        if number != 0 and standard.level(number) is None:
            raise NotFound(code="level-not-found",
                           message_en=f"{standard.id} has no level {number}; "
                                      f"levels: {standard.level_numbers}",
                           message_zh=f"{standard.id} 没有 {number} 级；已有等级：{standard.level_numbers}",
                           fields={"level": number})
    modules = []
    for module in standard.modules:
        elements = [ElementDiff(code=e.code, name=e.name,
                                cell=criterion_diff(e.criterion(before), e.criterion(after)))
                    for e in module.elements]
        modules.append(ModuleDiff(code=module.code, name=module.name, elements=elements,
                                  measure=measure_diff(module.measure(before), module.measure(after))))
    level_b, level_a = standard.level(before), standard.level(after)
    return LevelComparison(
        standard=standard.id, level_before=before, level_after=after,
        name_before=level_b.name if level_b else None, name_after=level_a.name if level_a else None,
        conditions=_conditions(level_b, level_a), knowledge=standard.knowledge.text,
        modules=modules, summary=_summarise(modules))


def ladder(standard: Standard) -> list[LevelComparison]:
    """Each level against the one below (the first against nothing): what is new at each level."""
    numbers = standard.level_numbers
    return [compare_levels(standard, numbers[i - 1] if i else 0, n) for i, n in enumerate(numbers)]


# --- two standards ------------------------------------------------------------------------------

Section = Literal["identity", "gates", "knowledge", "criteria", "measures", "vocabularies", "readings",
                  "rules", "examples"]
SECTIONS: tuple[Section, ...] = ("identity", "gates", "knowledge", "criteria", "measures", "vocabularies",
                                 "readings", "rules", "examples")


class Change(Result):
    """One difference: ``path`` reads like ``modules[talks].elements[talk-prep].criteria[level 2].items``.
    ``reordered`` lists the codes before and after (a ladder's order is meaningful)."""

    section: Section
    path: str
    kind: Literal["added", "dropped", "changed", "reordered"]
    before: Any = None
    after: Any = None


class StandardComparison(Result):
    before: str
    after: str
    changes: list[Change]

    def section(self, name: Section) -> list[Change]:
        return [c for c in self.changes if c.section == name]

    @property
    def identical(self) -> bool:
        return not self.changes


_KEYS = ("code", "level", "employee_id", "evidence_id")


def _section(path: tuple[str, ...]) -> Section:
    head = path[0]
    if head == "levels":
        return "gates"
    if head == "modules":
        return "measures" if "measures" in path else "criteria"
    if head in ("knowledge", "vocabularies", "readings", "examples"):
        return head  # type: ignore[return-value]  # narrowed by the membership test above; mypy cannot see it
    if head in ("behaviour_rule", "certificate"):
        return "rules"
    return "identity"


def _list_key(before: list[Any], after: list[Any]) -> str | None:
    """The field that identifies the entries of both lists, if one does (unique in each list)."""
    for key in _KEYS:
        if not all(isinstance(i, dict) and key in i for i in before + after) or not before + after:
            continue
        if all(len({i[key] for i in side}) == len(side) for side in (before, after)):
            return key
    return None


def _is_text(value: Any) -> bool:
    return isinstance(value, dict) and set(value) <= {"zh", "en"} and bool(value)


def _label(key: str, value: Any) -> str:
    return f"level {value}" if key == "level" else str(value)


def _diff(before: Any, after: Any, path: tuple[str, ...], out: list[Change]) -> None:
    if before == after:
        return
    where = "".join(p if p.startswith("[") else (f".{p}" if i else p) for i, p in enumerate(path))
    if isinstance(before, dict) and isinstance(after, dict) and not _is_text(before):
        for name in [*before, *(k for k in after if k not in before)]:
            if name not in after:
                out.append(Change(section=_section((*path, name)), path=f"{where}.{name}".lstrip("."),
                                  kind="dropped", before=before[name]))
            elif name not in before:
                out.append(Change(section=_section((*path, name)), path=f"{where}.{name}".lstrip("."),
                                  kind="added", after=after[name]))
            else:
                _diff(before[name], after[name], (*path, str(name)), out)
        return
    if isinstance(before, list) and isinstance(after, list):
        key = _list_key(before, after)
        if key is not None:
            old = {i[key]: i for i in before}
            new = {i[key]: i for i in after}
            for k in [*old, *(k for k in new if k not in old)]:
                sub = (*path, f"[{_label(key, k)}]")
                here = where + sub[-1]
                if k not in new:
                    out.append(Change(section=_section(path), path=here, kind="dropped", before=old[k]))
                elif k not in old:
                    out.append(Change(section=_section(path), path=here, kind="added", after=new[k]))
                else:
                    _diff(old[k], new[k], sub, out)
            common_b = [k for k in old if k in new]
            common_a = [k for k in new if k in old]
            if common_b != common_a:
                out.append(Change(section=_section(path), path=where, kind="reordered",
                                  before=common_b, after=common_a))
            return
    out.append(Change(section=_section(path), path=where, kind="changed", before=before, after=after))


def compare_standards(before: Standard, after: Standard) -> StandardComparison:
    """Every difference from ``before`` to ``after``, in the order of the standard file."""
    changes: list[Change] = []
    _diff(before.model_dump(mode="json", by_alias=True), after.model_dump(mode="json", by_alias=True),
          (), changes)
    order = {name: i for i, name in enumerate(SECTIONS)}
    changes.sort(key=lambda c: order[c.section])
    return StandardComparison(before=before.id, after=after.id, changes=changes)

