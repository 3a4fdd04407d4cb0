"""Decisions and records as the people pages and the API show them: plain dicts in the page's language.

Every word of our own goes through Django's gettext; the standard's texts come from the standard in
the page's language; check messages and gaps come from the engine in the page's language.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualify.core.decision import Check, CheckOutcome, Decision, LevelDecision, LevelOutcome
from qualify.core.knowledge import KnowledgeStanding
from qualify.core.periods import whole_months
from qualify.core.records import PersonRecord
from qualify.core.standard import Standard, Vocabularies
from qualify.core.text import Text
from qualify.formats.decisions import rule_label as engine_rule_label
from qualify.services.people_decisions import LevelAsks, exam_sittings, open_checks
from qualify.web.language import lang
from qualify.web.people.facts_text import figures, level_warnings, months_text, progress

LEVEL_OUTCOME_LABELS = {
    LevelOutcome.eligible.value: gettext_lazy("eligible"),
    LevelOutcome.not_eligible.value: gettext_lazy("not eligible"),
    LevelOutcome.incomplete.value: gettext_lazy("incomplete"),
}
LEVEL_OUTCOME_CLASSES = {"eligible": "ok", "not_eligible": "bad", "incomplete": "warn"}
CHECK_OUTCOME_LABELS = {
    CheckOutcome.passed.value: gettext_lazy("pass"),
    CheckOutcome.failed.value: gettext_lazy("fail"),
    CheckOutcome.missing.value: gettext_lazy("missing data"),
}
CHECK_OUTCOME_CLASSES = {"pass": "ok", "fail": "bad", "missing": "warn"}
CHECK_MARKS = {"pass": "✓", "fail": "✗", "missing": "?"}
STAGE_LABELS = {
    "screening": gettext_lazy("Screening: gate conditions and knowledge"),
    "certification": gettext_lazy("Certification: every check, with behaviour and evidence"),
}


def text(value: Text | None) -> str:
    return value.get(lang()) if value is not None else ""


def rule_label(standard: Standard, rule: str) -> str:
    labels = {
        "company_experience": _("Company experience"),
        "family_experience": _("Job-family experience"),
        "performance": _("Performance"),
        "knowledge": _("Knowledge (exams)"),
        "standard.unknown": _("Unknown part of the standard"),
    }
    return labels.get(rule) or engine_rule_label(standard, rule, lang())


def rule_group(rule: str) -> str:
    """``gates`` (experience, performance, knowledge: what screening checks), ``evidence`` (a module's
    measurement standard), ``behaviour`` (an element rated by assessors) or ``standard`` (a part of
    the level's standard that its source does not give)."""
    if rule == "standard.unknown":
        return "standard"
    if rule.startswith("behaviour:"):
        return "behaviour"
    if rule.startswith("measure:"):
        return "evidence"
    return "gates"


def rule_kind(rule: str) -> str:
    if rule.startswith("behaviour:"):
        return str(_("Behaviour"))
    if rule.startswith("measure:"):
        return str(_("Evidence"))
    if rule == "knowledge":
        return str(_("Knowledge"))
    if rule == "standard.unknown":
        return str(_("Standard"))
    return str(_("Gate condition"))


def level_name(standard: Standard, number: int) -> str:
    level = standard.level(number)
    return text(level.name) if level is not None else str(number)


# --- checks and levels ---------------------------------------------------------------------------


def check_row(standard: Standard, check: Check, level: int) -> dict[str, Any]:
    outcome = check.outcome.value
    facts = check.facts_json()
    actual, required = figures(standard, level, check.rule, facts, check.actual, check.required, lang())
    return {
        "rule": check.rule,
        "label": rule_label(standard, check.rule),
        "kind": rule_kind(check.rule),
        "kind_group": rule_group(check.rule),
        "outcome": outcome,
        "outcome_label": _("pass, with a warning") if check.warns else CHECK_OUTCOME_LABELS[outcome],
        "css": "warn" if check.warns else CHECK_OUTCOME_CLASSES[outcome],
        "mark": "!" if check.warns else CHECK_MARKS[outcome],
        "actual": actual,
        "required": required,
        "progress": progress(standard, level, check.rule, facts, lang()),
        "warns": check.warns,
        "message": check.message(lang()),
        "todo": check.gap(lang()) if check.outcome is not CheckOutcome.passed else "",
    }


def level_row(standard: Standard, level: LevelDecision, current_level: int) -> dict[str, Any]:
    outcome = level.outcome.value
    checks = [check_row(standard, c, level.level) for c in level.checks]
    return {
        "level": level.level,
        "name": level_name(standard, level.level),
        "outcome": outcome,
        "outcome_label": LEVEL_OUTCOME_LABELS[outcome],
        "css": LEVEL_OUTCOME_CLASSES[outcome],
        "checks": checks,
        "passed": sum(1 for c in checks if c["outcome"] == "pass"),
        "open": [check_row(standard, c, level.level) for c in open_checks(level)],
        "is_current": level.level == current_level,
        "is_next": level.level == current_level + 1,
        "warnings": level_warnings(standard, level.level, lang()),
    }


def decision_rows(standard: Standard, decision: Decision) -> list[dict[str, Any]]:
    return [level_row(standard, ld, decision.current_level) for ld in decision.levels]


def gap_groups(level: dict[str, Any] | None) -> dict[str, Any]:
    """The open checks of a level row (``level_row``) as a gap list grouped by what one can do:
    gate conditions and knowledge, evidence, behaviour rated below passing, behaviour not rated."""
    open_ = level["open"] if level is not None else []
    behaviour = [c for c in open_ if c["kind_group"] == "behaviour"]
    groups: dict[str, Any] = {
        "standard": [c for c in open_ if c["kind_group"] == "standard"],
        "gates": [c for c in open_ if c["kind_group"] == "gates"],
        "evidence": [c for c in open_ if c["kind_group"] == "evidence"],
        "behaviour_failed": [c for c in behaviour if c["outcome"] == "fail"],
        "behaviour_missing": [c for c in behaviour if c["outcome"] == "missing"],
    }
    groups["count"] = len(open_)
    return groups


def gap_rows(standard: Standard, decision: Decision) -> list[dict[str, Any]]:
    """The engine's gap list to the next level: each open check and what to do about it."""
    return [{"level": g.level, "rule": g.rule, "label": rule_label(standard, g.rule),
             "kind": rule_kind(g.rule), "todo": g.message(lang())} for g in decision.gaps]


# --- what a level asks -----------------------------------------------------------------------------


def asks_view(asks: LevelAsks) -> dict[str, Any]:
    standard = asks.standard
    modules: dict[str, dict[str, Any]] = {}
    for ask in asks.elements:
        module = modules.setdefault(ask.module.code, {"name": text(ask.module.name), "elements": [],
                                                      "measure": None})
        module["elements"].append({
            "rule": ask.rule, "name": text(ask.element.name),
            "items": [text(item) for item in ask.criterion.items], "note": text(ask.criterion.note),
        })
    for m in asks.measures:
        module = modules.setdefault(m.module.code, {"name": text(m.module.name), "elements": [],
                                                    "measure": None})
        module["measure"] = {
            "rule": m.rule, "text": text(m.measure.text), "note": text(m.measure.note),
            "requirements": [{"text": text(r.text), "count": r.min_count} for r in m.requirements],
        }
    return {
        "level": asks.level.level,
        "name": text(asks.level.name),
        "title": text(asks.level.title),
        "description": text(asks.level.description),
        "gates": [{"rule": rule, "label": rule_label(standard, rule), "text": text(t)}
                  for rule, t in asks.gates],
        "knowledge": {"text": text(asks.knowledge_text), "note": text(asks.knowledge_note),
                      "exams": [text(e.name) for e in asks.exams]},
        "modules": list(modules.values()),
    }


# --- the record ------------------------------------------------------------------------------------


def _vocab_name(vocab: Vocabularies, name: str, code: str | None) -> str:
    if not code:
        return ""
    term = vocab.term(name, code)
    return text(term.name) if term is not None else code


def record_view(standard: Standard | None, record: PersonRecord, as_of: dt.date,
                standing: KnowledgeStanding | None) -> dict[str, Any]:
    e = record.employee
    company = whole_months(e.hire_date, as_of)
    family = whole_months(e.family_start_date, as_of)
    view: dict[str, Any] = {
        "company_months": company, "company_text": months_text(company),
        "family_months": family, "family_text": months_text(family),
        "performance": sorted(((p.period, p.rating) for p in record.performance), reverse=True),
        "exam_codes": [], "sittings": [], "evidence": [], "ratings": [],
    }
    if standard is None:
        view["sittings"] = [{"sitting": x.sitting, "scores": [x.score], "standing": None}
                            for x in record.exams]
        view["evidence"] = [{"id": ev.evidence_id, "activity": ev.activity, "date": ev.date, "role": ev.role,
                             "audience": ev.audience, "scope": ev.scope, "project_kind": ev.project_kind,
                             "outcome": ev.outcome, "deliverables": list(ev.deliverables), "note": ev.note}
                            for ev in record.evidence]
        view["ratings"] = [{"level": r.level, "element": r.element, "assessor": r.assessor,
                            "rating": r.rating, "css": "",
                            "comment": r.comment} for r in record.ratings]
        return view
    vocab = standard.vocabularies
    view["exam_codes"] = [text(x.name) for x in standard.knowledge.exams]
    view["sittings"] = [{"sitting": s.sitting, "scores": s.scores, "standing": s.standing}
                        for s in exam_sittings(standard, record.exams, standing)]
    view["evidence"] = [{
        "id": ev.evidence_id, "activity": _vocab_name(vocab, "activities", ev.activity), "date": ev.date,
        "role": _vocab_name(vocab, "roles", ev.role),
        "audience": _vocab_name(vocab, "audience_ranks", ev.audience),
        "scope": _vocab_name(vocab, "scopes", ev.scope),
        "project_kind": _vocab_name(vocab, "project_kinds", ev.project_kind),
        "outcome": _vocab_name(vocab, "outcomes", ev.outcome),
        "deliverables": [_vocab_name(vocab, "deliverables", d) for d in ev.deliverables], "note": ev.note,
    } for ev in sorted(record.evidence, key=lambda ev: (ev.date, ev.evidence_id), reverse=True)]
    view["ratings"] = [{
        "level": r.level, "element": rule_label(standard, f"behaviour:{r.element}"), "assessor": r.assessor,
        "rating": _vocab_name(vocab, "behaviour_ratings", r.rating),
        "css": "ok" if r.rating in standard.behaviour_rule.passing else "bad",
        "comment": r.comment,
    } for r in record.ratings]
    return view


# --- earlier states of the record ----------------------------------------------------------------

SHEET_LABELS = {
    "performance": gettext_lazy("performance ratings"),
    "exams": gettext_lazy("exam results"),
    "evidence": gettext_lazy("evidence"),
    "ratings": gettext_lazy("element ratings"),
}


def _row_key(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)


def snapshot_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """What differs between an earlier record and the next one: changed employee fields, then per
    sheet the rows only in the earlier one (removed or changed) and only in the later one (added)."""
    changes: list[dict[str, Any]] = []
    old_employee, new_employee = before.get("employee", {}), after.get("employee", {})
    for key in sorted(set(old_employee) | set(new_employee)):
        if old_employee.get(key) != new_employee.get(key):
            changes.append({"what": key, "before": old_employee.get(key), "after": new_employee.get(key)})
    for sheet, label in SHEET_LABELS.items():
        old_rows = {_row_key(r) for r in before.get(sheet, [])}
        new_rows = {_row_key(r) for r in after.get(sheet, [])}
        gone, added = len(old_rows - new_rows), len(new_rows - old_rows)
        if gone or added:
            changes.append({"what": str(label), "before": gone, "after": added, "rows": True})
    return changes
