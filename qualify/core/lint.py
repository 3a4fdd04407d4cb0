"""Checks of a standard's meaning, beyond its schema, with stable codes.

``lint_data`` validates raw data (a parsed YAML file) against the schema and, when it fits, checks
what the schema cannot: unknown codes, duplicates, levels out of range, missing translations,
malformed example cases, inconsistent policies. Every finding has a stable code, a YAML path
(``modules[2].elements[0].code``) and a message in Chinese and English. Pure: the CLI and the web
app both call it.

Codes (stable: add new ones, never renumber):

======  ===========================================================================================
QS001   the data does not fit the standard schema
QS002   a measure's requirement uses a code its vocabulary does not declare
QS003   an example case uses an unknown code (vocabulary, exam, performance rating, job family)
QS004   the file name does not match the standard's id (``FAMILY@VERSION.yaml``)
QS005   a key is repeated within one YAML mapping (YAML silently keeps the last one)
QS010   duplicate module code
QS011   duplicate element code (element codes are unique across the standard)
QS012   duplicate requirement code within a measure
QS013   duplicate code within a vocabulary
QS014   duplicate reading code
QS015   duplicate level: a level declared twice, or two criteria / measures for the same level
QS016   duplicate exam or sub-grade code
QS017   duplicate example code
QS020   a criterion, measure or example refers to a level the standard does not declare
QS021   the levels are not numbered 1..N in order
QS022   an element has no criterion entry for a declared level
QS023   a module has no measure entry for a declared level
QS024   a criterion or measure contradicts its status (present but empty, none but with content,
        a blank source cell that is not status none)
QS025   a measure applies but has no requirement, so it cannot be checked
QS026   a criterion says its items are unnumbered (``numbered: false``) but has more than one item
QS030   a text is missing its Chinese or English version
QS040   an example rating names an unknown element, or one without a criterion at that level
QS041   an example rating is outside the behaviour rating scale
QS042   an example performance period is malformed or given twice
QS043   an example expects a rule that cannot exist at that level
QS044   an example expects an employee who is not among its people
QS045   an example repeats an employee id or an evidence id
QS046   an example exam score is above the exam's ``max_score``
QS050   a performance gate names a rating that is not among the performance ratings
QS051   the knowledge bands are not sorted, repeat a percentage or give more levels to a wider band
QS052   the behaviour rule passes a rating that is not among the behaviour ratings, or passes none
QS053   the completeness note is inconsistent (incomplete without an end, an unknown end, or an
        unknown cell in a complete standard)
QS054   a reading concerns a code that the standard does not declare (nor a field path such as
        ``knowledge`` or ``vocabularies.scopes``)
======  ===========================================================================================
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from qualify.core.errors import Problem
from qualify.core.standard import (
    Completeness,
    CriterionStatus,
    Example,
    Module,
    Requirement,
    Standard,
    Vocabularies,
)
from qualify.core.text import Lang, Text

BASE_RULES = ("company_experience", "family_experience", "performance", "knowledge")
PERIOD = re.compile(r"^(\d{4})Q([1-4])$")


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a standard: a stable code, where (YAML path), and why in zh and en."""

    code: str
    path: str
    message_en: str
    message_zh: str
    file: str = ""
    yaml_line: int | None = None

    def message(self, lang: Lang = "en") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def line(self, lang: Lang = "en") -> str:
        """``file:12: path: QS011 message`` for a terminal (editors jump to ``file:line``)."""
        file = f"{self.file}:{self.yaml_line}" if self.file and self.yaml_line else self.file
        where = ": ".join(part for part in (file, self.path) if part)
        return f"{where}: {self.code} {self.message(lang)}" if where else f"{self.code} {self.message(lang)}"

    def as_problem(self) -> Problem:
        return Problem(code=self.code, message_en=self.message_en, message_zh=self.message_zh,
                       file=self.file, path=self.path)

    def as_dict(self) -> dict[str, str | int | None]:
        return {"code": self.code, "path": self.path, "file": self.file, "line": self.yaml_line,
                "message": self.message_en, "message_zh": self.message_zh}


def duplicate_key(path: str) -> Finding:
    """QS005: found by the YAML reader, which sees the keys before they are merged."""
    return Finding("QS005", path, "this key is repeated in its mapping; YAML keeps only the last one",
                   "此键在同一映射中重复；YAML 只保留最后一个")


def model_path(loc: Iterable[int | str]) -> str:
    """``("modules", 2, "elements", 0, "code")`` → ``modules[2].elements[0].code``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


# --- entry points -------------------------------------------------------------------------------


def lint_data(data: object, *, file: str = "", file_stem: str = "") -> list[Finding]:
    """Check raw data (a parsed standard file): schema first, then meaning."""
    if not isinstance(data, dict):
        return [Finding("QS001", "", "a standard file must be a mapping of fields",
                        "标准文件必须是字段映射（YAML 映射）", file)]
    try:
        standard = Standard.model_validate(data)
    except ValidationError as error:
        return schema_findings(error, file=file)
    return lint_standard(standard, file=file, file_stem=file_stem)


def schema_findings(error: ValidationError, *, file: str = "") -> list[Finding]:
    findings = []
    for item in error.errors():
        loc = [p for p in item["loc"] if not str(p).startswith("function-")]
        path = model_path(p if isinstance(p, int) else str(p) for p in loc)
        findings.append(Finding("QS001", path, f"schema: {item['msg']}",
                                f"不符合标准格式：{item['msg']}", file))
    return findings


def lint_standard(standard: Standard, *, file: str = "", file_stem: str = "") -> list[Finding]:
    """Every meaning check on a standard that fits the schema. ``file_stem`` (the file name without
    ``.yaml``), when given, must be the standard's id."""
    checks = [
        _identity(standard, file_stem),
        _levels(standard),
        _vocabularies(standard.vocabularies),
        _modules(standard),
        _gates(standard),
        _knowledge(standard),
        _behaviour_rule(standard),
        _completeness(standard),
        _readings(standard),
        _examples(standard),
        _translations(standard),
    ]
    findings = [finding for check in checks for finding in check]
    return [Finding(f.code, f.path, f.message_en, f.message_zh, file) for f in findings]


# --- helpers ------------------------------------------------------------------------------------


def _f(code: str, path: str, en: str, zh: str) -> Finding:
    return Finding(code, path, en, zh)


def _duplicates(values: Iterable[Any]) -> set[Any]:
    return {value for value, count in Counter(values).items() if count > 1}


def _each_duplicate(code: str, items: list[tuple[str, Any]], what_en: str, what_zh: str
                    ) -> Iterator[Finding]:
    """A finding at the second and later occurrence of each repeated key."""
    seen: set[Any] = set()
    for path, key in items:
        if key in seen:
            yield _f(code, path, f"duplicate {what_en} {key!r}", f"{what_zh} {key!r} 重复")
        seen.add(key)


# --- identity and levels ------------------------------------------------------------------------


def _identity(standard: Standard, file_stem: str) -> Iterator[Finding]:
    if file_stem and file_stem != standard.id:
        yield _f("QS004", "family", f"the file is named {file_stem!r} but the standard is "
                 f"{standard.id!r} (family@version); rename the file or fix family/version",
                 f"文件名为 {file_stem!r}，但标准编号是 {standard.id!r}（族@版本）；"
                 "请改文件名或 family/version")


def _levels(standard: Standard) -> Iterator[Finding]:
    numbers = standard.level_numbers
    yield from _each_duplicate("QS015", [(f"levels[{i}].level", n) for i, n in enumerate(numbers)],
                               "level", "等级")
    if numbers != list(range(1, len(numbers) + 1)):
        yield _f("QS021", "levels", f"levels must be numbered 1..N in order; found {numbers}",
                 f"等级必须按顺序编号为 1..N；实际为 {numbers}")
    for i, level in enumerate(standard.levels):
        yield from _each_duplicate("QS016", [(f"levels[{i}].subgrades[{j}].code", s.code)
                                             for j, s in enumerate(level.subgrades)],
                                   "sub-grade code", "等的编码")


# --- vocabularies -------------------------------------------------------------------------------


def _vocabularies(vocabularies: Vocabularies) -> Iterator[Finding]:
    for name in Vocabularies.model_fields:
        terms = vocabularies.codes(name)
        paths = [(f"vocabularies.{name}[{i}].code", c) for i, c in enumerate(terms)]
        yield from _each_duplicate("QS013", paths, f"code in vocabulary {name}", f"词汇表 {name} 中的编码")


def _unknown(code: str, path: str, value: str, vocabulary: str, known: list[str]) -> Finding:
    shown = ", ".join(known) if known else "none"
    return _f(code, path, f"unknown {vocabulary} code {value!r}; known: {shown}",
              f"未知的 {vocabulary} 编码 {value!r}；已声明：{shown}")


def _requirement_codes(req: Requirement, path: str, voc: Vocabularies) -> Iterator[Finding]:
    single = [("activity", req.activity, "activities"), ("min_audience", req.min_audience, "audience_ranks"),
              ("min_scope", req.min_scope, "scopes"), ("outcome", req.outcome, "outcomes")]
    for field, value, vocabulary in single:
        if value is not None and value not in voc.codes(vocabulary):
            yield _unknown("QS002", f"{path}.{field}", value, vocabulary, voc.codes(vocabulary))
    multiple = [("roles", req.roles, "roles"), ("project_kinds", req.project_kinds, "project_kinds"),
                ("deliverables", req.deliverables, "deliverables")]
    for field, values, vocabulary in multiple:
        for k, value in enumerate(values):
            if value not in voc.codes(vocabulary):
                yield _unknown("QS002", f"{path}.{field}[{k}]", value, vocabulary, voc.codes(vocabulary))


# --- modules, elements, criteria, measures ------------------------------------------------------


def _modules(standard: Standard) -> Iterator[Finding]:
    levels = set(standard.level_numbers)
    codes = [(f"modules[{i}].code", m.code) for i, m in enumerate(standard.modules)]
    yield from _each_duplicate("QS010", codes, "module code", "行为模块编码")
    yield from _each_duplicate("QS011", [(f"modules[{i}].elements[{j}].code", e.code)
                                         for i, m in enumerate(standard.modules)
                                         for j, e in enumerate(m.elements)],
                               "element code", "行为要素编码")
    for i, module in enumerate(standard.modules):
        yield from _elements(module, f"modules[{i}]", levels)
        yield from _measures(module, f"modules[{i}]", levels, standard.vocabularies)


def _elements(module: Module, base: str, levels: set[int]) -> Iterator[Finding]:
    for j, element in enumerate(module.elements):
        path = f"{base}.elements[{j}]"
        numbers = [c.level for c in element.criteria]
        paths = [(f"{path}.criteria[{k}].level", n) for k, n in enumerate(numbers)]
        yield from _each_duplicate("QS015", paths, f"criterion of element {element.code!r} for level",
                                   f"行为要素 {element.code!r} 的测评标准等级")
        for k, criterion in enumerate(element.criteria):
            cpath = f"{path}.criteria[{k}]"
            if criterion.level not in levels:
                yield _out_of_range(f"{cpath}.level", criterion.level, levels)
            if criterion.status is CriterionStatus.present and not criterion.items:
                yield _f("QS024", cpath, "the criterion is present but has no items; say status: none "
                         "if the level has no criterion",
                         "测评标准状态为有，但没有条目；该等级无标准请写 status: none")
            if criterion.status is not CriterionStatus.present and criterion.items:
                yield _f("QS024", cpath, f"the criterion has status {criterion.status.value} but lists items",
                         f"测评标准状态为 {criterion.status.value}，却列有条目")
            if criterion.blank and criterion.status is not CriterionStatus.none:
                yield _blank_not_none(f"{cpath}.blank", criterion.status)
            if criterion.numbered is False and len(criterion.items) > 1:
                yield _f("QS026", f"{cpath}.numbered", "numbered: false is for a single unnumbered item, but "
                         f"the criterion has {len(criterion.items)} items",
                         "numbered: false 只用于单独一条无编号的条目，"
                         f"但此测评标准有 {len(criterion.items)} 条")
        for level in sorted(levels - set(numbers)):
            yield _f("QS022", f"{path}.criteria", f"element {element.code!r} has no entry for level {level} "
                     "(write status: none or unknown if it has no criterion)",
                     f"行为要素 {element.code!r} 缺少 {level} 级条目（无标准请写 status: none 或 unknown）")


def _measures(module: Module, base: str, levels: set[int], voc: Vocabularies) -> Iterator[Finding]:
    numbers = [m.level for m in module.measures]
    yield from _each_duplicate("QS015", [(f"{base}.measures[{k}].level", n) for k, n in enumerate(numbers)],
                               f"measure of module {module.code!r} for level",
                               f"行为模块 {module.code!r} 的衡量标准等级")
    for k, measure in enumerate(module.measures):
        path = f"{base}.measures[{k}]"
        if measure.level not in levels:
            yield _out_of_range(f"{path}.level", measure.level, levels)
        yield from _each_duplicate("QS012", [(f"{path}.requirements[{r}].code", q.code)
                                             for r, q in enumerate(measure.requirements)],
                                   "requirement code", "要求编码")
        for r, requirement in enumerate(measure.requirements):
            yield from _requirement_codes(requirement, f"{path}.requirements[{r}]", voc)
        if measure.status is CriterionStatus.present:
            if measure.text is None:
                yield _f("QS024", path, "the measure is present but has no text",
                         "衡量标准状态为有，但没有文字")
            if not measure.requirements:
                yield _f("QS025", path, "the measure applies but has no requirement, so nobody can be "
                         "checked against it", "衡量标准适用，但没有任何要求（requirements），无法据此检查")
        elif measure.requirements or measure.text is not None:
            yield _f("QS024", path, f"the measure has status {measure.status.value} but has a text or "
                     "requirements", f"衡量标准状态为 {measure.status.value}，却有文字或要求")
        if measure.blank and measure.status is not CriterionStatus.none:
            yield _blank_not_none(f"{path}.blank", measure.status)
    for level in sorted(levels - set(numbers)):
        yield _f("QS023", f"{base}.measures",
                 f"module {module.code!r} has no measure entry for level {level} "
                 "(write status: none or unknown if it has none)",
                 f"行为模块 {module.code!r} 缺少 {level} 级衡量标准条目（无则写 status: none 或 unknown）")


def _blank_not_none(path: str, status: CriterionStatus) -> Finding:
    return _f("QS024", path, f"blank: true says the source cell is empty, so the level has nothing here, but "
              f"the status is {status.value} (write status: none)",
              f"blank: true 表示原文此格为空白、该等级无此项，但状态为 {status.value}（请写 status: none）")


def _out_of_range(path: str, level: int, levels: set[int]) -> Finding:
    return _f("QS020", path, f"level {level} is not declared (declared: {sorted(levels)})",
              f"等级 {level} 未声明（已声明：{sorted(levels)}）")


# --- gates, knowledge, behaviour rule -----------------------------------------------------------


def _gates(standard: Standard) -> Iterator[Finding]:
    ratings = standard.vocabularies.codes("performance_ratings")
    for i, level in enumerate(standard.levels):
        gate = level.performance
        path = f"levels[{i}].performance"
        named = [(f"{path}.forbidden[{k}]", c) for k, c in enumerate(gate.forbidden)]
        named += [(f"{path}.max_count.{c}", c) for c in gate.max_count]
        named += [(f"{path}.not_all[{k}]", c) for k, c in enumerate(gate.not_all)]
        for where, code in named:
            if code not in ratings:
                yield _f("QS050", where, f"performance rating {code!r} is not among the performance "
                         f"ratings {ratings}", f"绩效等级 {code!r} 不在绩效等级表 {ratings} 中")


def _knowledge(standard: Standard) -> Iterator[Finding]:
    knowledge = standard.knowledge
    yield from _each_duplicate("QS016", [(f"knowledge.exams[{i}].code", e.code)
                                         for i, e in enumerate(knowledge.exams)], "exam code", "考试编码")
    bands = knowledge.policy.bands
    for i, band in enumerate(bands):
        path = f"knowledge.policy.bands[{i}]"
        if band.top_percent > 100:
            yield _f("QS051", f"{path}.top_percent", "a band cannot be over 100 per cent",
                     "分档比例不能超过 100%")
        if i == 0:
            continue
        before = bands[i - 1]
        if band.top_percent <= before.top_percent:
            yield _f("QS051", f"{path}.top_percent", "bands must be sorted by top_percent, narrowest first, "
                     "without repeats", "分档须按 top_percent 从小到大排列，且不重复")
        elif band.max_levels_above > before.max_levels_above:
            yield _f("QS051", f"{path}.max_levels_above", "a wider band cannot allow more levels than a "
                     "narrower one", "较宽的分档不能比较窄的分档允许更多级")
    if bands and knowledge.policy.otherwise_max_levels_above > bands[-1].max_levels_above:
        yield _f("QS051", "knowledge.policy.otherwise_max_levels_above", "people outside every band "
                 "cannot be allowed more levels than the widest band",
                 "不在任何分档内者不能比最宽分档允许更多级")


def _behaviour_rule(standard: Standard) -> Iterator[Finding]:
    ratings = standard.vocabularies.codes("behaviour_ratings")
    if not standard.behaviour_rule.passing:
        yield _f("QS052", "behaviour_rule.passing", "no rating passes: nobody could ever pass",
                 "没有任何评分算通过：无人能通过")
    for i, code in enumerate(standard.behaviour_rule.passing):
        if code not in ratings:
            yield _f("QS052", f"behaviour_rule.passing[{i}]", f"rating {code!r} is not among the behaviour "
                     f"ratings {ratings}", f"评分 {code!r} 不在行为评分表 {ratings} 中")


def _completeness(standard: Standard) -> Iterator[Finding]:
    done: Completeness = standard.completeness
    unknown_cells = [
        (f"modules[{i}].elements[{j}].criteria[{k}]")
        for i, m in enumerate(standard.modules) for j, e in enumerate(m.elements)
        for k, c in enumerate(e.criteria) if c.status is CriterionStatus.unknown
    ] + [
        f"modules[{i}].measures[{k}]" for i, m in enumerate(standard.modules)
        for k, ms in enumerate(m.measures) if ms.status is CriterionStatus.unknown
    ]
    if done.complete:
        for path in unknown_cells:
            yield _f("QS053", f"{path}.status", "the standard says it is complete but this cell is unknown",
                     "标准声明完整，但此处为未知")
        return
    if done.ends_at_module is None and done.ends_at_element is None and done.ends_at_level is None:
        yield _f("QS053", "completeness", "the standard is incomplete but does not say where the known "
                 "text ends (ends_at_module, ends_at_element, ends_at_level)",
                 "标准不完整，却未说明已知原文止于何处（ends_at_module、ends_at_element、ends_at_level）")
    module = standard.module(done.ends_at_module) if done.ends_at_module else None
    if done.ends_at_module is not None and module is None:
        yield _f("QS053", "completeness.ends_at_module", f"unknown module {done.ends_at_module!r}",
                 f"未知的行为模块 {done.ends_at_module!r}")
    if done.ends_at_element is not None:
        found = standard.element(done.ends_at_element)
        if found is None:
            yield _f("QS053", "completeness.ends_at_element", f"unknown element {done.ends_at_element!r}",
                     f"未知的行为要素 {done.ends_at_element!r}")
        elif module is not None and found[0].code != module.code:
            yield _f("QS053", "completeness.ends_at_element", f"element {done.ends_at_element!r} is not in "
                     f"module {module.code!r}",
                     f"行为要素 {done.ends_at_element!r} 不属于行为模块 {module.code!r}")
    if done.ends_at_level is not None and done.ends_at_level not in standard.level_numbers:
        yield _out_of_range("completeness.ends_at_level", done.ends_at_level, set(standard.level_numbers))


def _readings(standard: Standard) -> Iterator[Finding]:
    codes = [(f"readings[{i}].code", r.code) for i, r in enumerate(standard.readings)]
    yield from _each_duplicate("QS014", codes, "reading code", "解读编码")
    known = {m.code for m in standard.modules}
    known |= {e.code for m in standard.modules for e in m.elements}
    known |= {q.code for m in standard.modules for ms in m.measures for q in ms.requirements}
    for i, reading in enumerate(standard.readings):
        head = re.split(r"[\s@#:/]", reading.at, maxsplit=1)[0]
        if reading.at not in known and head not in known and not _field_path(standard, reading.at):
            yield _f("QS054", f"readings[{i}].at", f"{reading.at!r} is not a module, element or requirement "
                     "code of this standard, nor a field path such as knowledge or vocabularies.scopes",
                     f"{reading.at!r} 不是本标准的行为模块、行为要素或要求编码，也不是字段路径"
                     "（如 knowledge、vocabularies.scopes）")


def _field_path(standard: Standard, at: str) -> bool:
    """``knowledge``, ``vocabularies.scopes``, ``levels.performance``: a dotted path of the schema's
    field names (through lists: ``levels.performance`` is every level's performance gate)."""
    node: object = standard
    for name in at.split("."):
        while isinstance(node, list):
            if not node:
                return False
            node = node[0]
        if not isinstance(node, BaseModel) or name not in type(node).model_fields:
            return False
        node = getattr(node, name)
    return True


# --- example cases ------------------------------------------------------------------------------


def _examples(standard: Standard) -> Iterator[Finding]:
    codes = [(f"examples[{i}].code", e.code) for i, e in enumerate(standard.examples)]
    yield from _each_duplicate("QS017", codes, "example code", "示例编码")
    for i, example in enumerate(standard.examples):
        yield from _example(standard, example, f"examples[{i}]")


def possible_rules(standard: Standard, level: int) -> set[str]:
    """The rule ids a decision can have at ``level``."""
    rules = set(BASE_RULES)
    rules |= {f"behaviour:{element.code}" for _, element, _ in standard.elements_at(level)}
    rules |= {f"measure:{module.code}" for module, _ in standard.measures_at(level)}
    return rules


def _example(standard: Standard, example: Example, base: str) -> Iterator[Finding]:
    voc = standard.vocabularies
    levels = set(standard.level_numbers)
    exams = [e.code for e in standard.knowledge.exams]
    maxima = {e.code: e.max_score for e in standard.knowledge.exams}
    people = [p.employee_id for p in example.people]
    ids = [(f"{base}.people[{p}].employee_id", e) for p, e in enumerate(people)]
    yield from _each_duplicate("QS045", ids, "employee id", "员工编号")
    for p, person in enumerate(example.people):
        path = f"{base}.people[{p}]"
        if person.current_level and person.current_level not in levels:
            yield _out_of_range(f"{path}.current_level", person.current_level, levels)
        yield from _example_performance(person.performance, path, voc)
        for k, exam in enumerate(person.exams):
            if exam.exam not in exams:
                yield _unknown("QS003", f"{path}.exams[{k}].exam", exam.exam, "exam", exams)
            elif exam.score > (top := maxima[exam.exam]):
                yield _f("QS046", f"{path}.exams[{k}].score",
                         f"score {exam.score:g} is above the maximum {top:g} of exam {exam.exam!r}",
                         f"成绩 {exam.score:g} 超过考试 {exam.exam!r} 的满分 {top:g}")
        evidence_ids = [(f"{path}.evidence[{k}].evidence_id", e.evidence_id)
                        for k, e in enumerate(person.evidence)]
        yield from _each_duplicate("QS045", evidence_ids, "evidence id", "举证编号")
        for k, evidence in enumerate(person.evidence):
            epath = f"{path}.evidence[{k}]"
            fields = [("activity", evidence.activity, "activities"), ("role", evidence.role, "roles"),
                      ("audience", evidence.audience, "audience_ranks"), ("scope", evidence.scope, "scopes"),
                      ("project_kind", evidence.project_kind, "project_kinds"),
                      ("outcome", evidence.outcome, "outcomes")]
            fields += [(f"deliverables[{d}]", code, "deliverables")
                       for d, code in enumerate(evidence.deliverables)]
            for field, value, vocabulary in fields:
                if value is not None and value not in voc.codes(vocabulary):
                    yield _unknown("QS003", f"{epath}.{field}", value, vocabulary, voc.codes(vocabulary))
        for k, rating in enumerate(person.ratings):
            yield from _example_rating(standard, rating.level, rating.element, rating.rating,
                                       f"{path}.ratings[{k}]")
    yield from _expectations(standard, example, base, set(people))


def _example_performance(performance: list[Any], path: str, voc: Vocabularies) -> Iterator[Finding]:
    # Records after the as-of date are allowed: examples use them to show that they do not count.
    ratings = voc.codes("performance_ratings")
    periods = [(f"{path}.performance[{k}].period", r.period) for k, r in enumerate(performance)]
    yield from _each_duplicate("QS042", periods, "performance period", "绩效周期")
    for k, record in enumerate(performance):
        rpath = f"{path}.performance[{k}]"
        if PERIOD.match(record.period) is None:
            yield _f("QS042", f"{rpath}.period", f"period {record.period!r} is not YYYYQn (e.g. 2026Q3)",
                     f"绩效周期 {record.period!r} 不是 YYYYQn 格式（如 2026Q3）")
        if record.rating not in ratings:
            yield _unknown("QS003", f"{rpath}.rating", record.rating, "performance_ratings", ratings)


def _example_rating(standard: Standard, level: int, element_code: str, rating: str, path: str
                    ) -> Iterator[Finding]:
    levels = set(standard.level_numbers)
    if level not in levels:
        yield _out_of_range(f"{path}.level", level, levels)
    found = standard.element(element_code)
    if found is None:
        yield _f("QS040", f"{path}.element", f"unknown element {element_code!r}",
                 f"未知的行为要素 {element_code!r}")
    elif level in levels:
        criterion = found[1].criterion(level)
        if criterion is None or not criterion.applies:
            yield _f("QS040", f"{path}.element",
                     f"element {element_code!r} has no criterion at level {level}",
                     f"行为要素 {element_code!r} 在 {level} 级没有测评标准")
    scale = standard.vocabularies.codes("behaviour_ratings")
    if rating not in scale:
        yield _f("QS041", f"{path}.rating",
                 f"rating {rating!r} is outside the behaviour rating scale {scale}",
                 f"评分 {rating!r} 不在行为评分表 {scale} 中")


def _expectations(standard: Standard, example: Example, base: str, people: set[str]) -> Iterator[Finding]:
    levels = set(standard.level_numbers)
    for e, expect in enumerate(example.expect):
        path = f"{base}.expect[{e}]"
        if expect.employee_id not in people:
            yield _f("QS044", f"{path}.employee_id", f"employee {expect.employee_id!r} is not among the "
                     "example's people", f"员工 {expect.employee_id!r} 不在示例人员之中")
        highest = expect.highest_eligible_level
        if highest is not None and highest != 0 and highest not in levels:
            yield _out_of_range(f"{path}.highest_eligible_level", highest, levels)
        for level in expect.levels:
            if level not in levels:
                yield _out_of_range(f"{path}.levels.{level}", level, levels)
        for c, check in enumerate(expect.checks):
            cpath = f"{path}.checks[{c}]"
            if check.level not in levels:
                yield _out_of_range(f"{cpath}.level", check.level, levels)
            elif check.rule not in possible_rules(standard, check.level):
                yield _f("QS043", f"{cpath}.rule", f"rule {check.rule!r} cannot exist at level {check.level} "
                         "(rules: company_experience, family_experience, performance, knowledge, "
                         "behaviour:ELEMENT with a criterion at that level, measure:MODULE with a measure "
                         "at that level)",
                         f"规则 {check.rule!r} 在 {check.level} 级不可能存在（规则只有 company_experience、"
                         "family_experience、performance、knowledge、该级有测评标准的 behaviour:要素、"
                         "该级有衡量标准的 measure:模块）")


# --- translations -------------------------------------------------------------------------------


def _translations(standard: Standard) -> Iterator[Finding]:
    for path, text in iter_texts(standard):
        for lang in text.missing():
            name_en = "Chinese" if lang == "zh" else "English"
            name_zh = "中文" if lang == "zh" else "英文"
            yield _f("QS030", f"{path}.{lang}", f"the {name_en} text is missing", f"缺少{name_zh}文本")


def iter_texts(model: BaseModel, base: str = "") -> Iterator[tuple[str, Text]]:
    """Every bilingual text in ``model`` with its YAML path."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        alias = type(model).model_fields[name].alias or name
        yield from _texts_in(value, f"{base}.{alias}" if base else alias)


def _texts_in(value: object, path: str) -> Iterator[tuple[str, Text]]:
    if isinstance(value, Text):
        yield path, value
    elif isinstance(value, BaseModel):
        yield from iter_texts(value, path)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts_in(item, f"{path}[{i}]")
