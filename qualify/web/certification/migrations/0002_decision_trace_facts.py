"""Stored decision traces gain the facts of each check (DESIGN.md: "Decisions carry facts").

A decision's ``trace`` keeps the decision JSON in both languages. Traces stored before checks
carried facts get them once, here: the values are read back from the check's language-neutral
``actual``/``required`` strings (and the English message for a start date), with the thresholds
taken from the cycle's frozen copy of its standard. A value the old trace never recorded (the
cohort of someone who did not sit every exam, when no band was needed) is ``null``. Decisions are
never edited by the application; this one-off rewrite adds a key and changes nothing else.

The reading of the old strings lives only here: the application itself never parses them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from typing import Any

from django.db import migrations

Json = dict[str, Any]


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _first_date(text: str) -> dt.date | None:
    for word in text.replace(";", " ").replace("，", " ").split():
        try:
            return dt.date.fromisoformat(word.strip(",;:()（）"))
        except ValueError:
            continue
    return None


def _number(text: str) -> float | int:
    return float(text) if "." in text else int(text)


def _experience(check: Json) -> Json:
    months = int(check["actual"].split()[0])
    required = int(check["required"].split()[0])
    start = _first_date(check.get("message", ""))
    return {"months": months, "required_months": required,
            "start": start.isoformat() if start else None,
            "met_on": _add_months(start, required).isoformat() if start else None}


def _performance(check: Json) -> Json:
    window = []
    for cell in check["actual"].split(", "):
        period, _, rating = cell.partition(" ")
        window.append({"period": period, "rating": None if rating in {"-", ""} else rating})
    head, _, rules = check["required"].partition(": ")
    forbidden: list[str] = []
    max_count: list[Json] = []
    not_all: list[str] = []
    for part in rules.split(", ") if rules and rules != "any" else []:
        if part.startswith("no "):
            forbidden.append(part.removeprefix("no "))
        elif part.startswith("at most "):
            count, _, rating = part.removeprefix("at most ").partition(" ")
            max_count.append({"rating": rating, "count": int(count)})
        elif part.startswith("not all "):
            not_all.extend(part.removeprefix("not all ").split("/"))
    quarters = int(head.split()[1]) if head.startswith("last ") else len(window)
    return {"quarters": quarters, "window": window, "forbidden": forbidden, "max_count": max_count,
            "not_all": not_all}


def _policy(standard: Json | None) -> tuple[list[str] | None, int | None]:
    if standard is None:
        return None, None
    knowledge = standard.get("knowledge", {})
    policy = knowledge.get("policy", {})
    most = max([int(policy.get("otherwise_max_levels_above", 0)),
                *(int(b["max_levels_above"]) for b in policy.get("bands", []))])
    return [e["code"] for e in knowledge.get("exams", [])], most


def _knowledge(check: Json, level: int, current_level: int, standard: Json | None) -> Json:
    exams, most = _policy(standard)
    actual, required = check["actual"], check["required"]
    facts: Json = {"exams": exams, "sitting": None, "missing": [], "score": None, "rank": None,
                   "cohort": None, "current_level": current_level, "levels_above": level - current_level,
                   "most_levels_above": most, "band_percent": None, "band_limit": None}
    if required.startswith("sat "):
        facts["exams"] = required.removeprefix("sat ").split(", ")
    elif required.startswith("top "):  # top 20% (rank <= 8 of 40)
        percent, _, rest = required.removeprefix("top ").partition("% (rank <= ")
        limit, _, cohort = rest.rstrip(")").partition(" of ")
        facts.update(band_percent=float(percent), band_limit=int(limit), cohort=int(cohort))
    elif required.startswith("at most "):
        facts["most_levels_above"] = int(required.split()[2])
    if actual == "no exam results":
        facts.update(missing=list(facts["exams"] or []), cohort=0)
    elif actual.startswith("sitting "):  # sitting 2026: not sat professional
        sitting, _, missing = actual.removeprefix("sitting ").partition(": not sat ")
        facts.update(sitting=sitting, missing=missing.split(", ") if missing else [])
    elif actual.startswith("rank "):  # rank 3 of 40, score 172.5 (sitting 2026)
        rank, _, rest = actual.removeprefix("rank ").partition(" of ")
        cohort, _, rest = rest.partition(", score ")
        score, _, sitting = rest.partition(" (sitting ")
        facts.update(rank=int(rank), cohort=int(cohort), score=float(score), sitting=sitting.rstrip(")"))
    return facts


def _behaviour(check: Json) -> Json:
    actual = check["actual"]
    if actual == "none":
        lowest, count = None, 0
    elif actual.endswith(")") and " (lowest of " in actual:
        lowest, _, count_text = actual.partition(" (lowest of ")
        count = int(count_text.rstrip(")"))
    else:
        lowest, count = actual, 1
    return {"element": check["rule"].removeprefix("behaviour:"), "lowest": lowest, "count": count,
            "passing": check["required"].split(" or ") if check["required"] else []}


def _counts(text: str) -> list[tuple[str, int]]:
    if text in {"none", ""}:
        return []
    return [(code, int(count)) for code, _, count in (part.rpartition(" ") for part in text.split(", "))]


def _measure(check: Json) -> Json:
    minimums = dict(_counts(check["required"]))
    return {"module": check["rule"].removeprefix("measure:"),
            "requirements": [{"code": code, "count": count, "min_count": minimums.get(code)}
                             for code, count in _counts(check["actual"])]}


def facts_of(check: Json, level: int, current_level: int, standard: Json | None) -> Json:
    """The facts of one check of an old trace (its English version)."""
    rule = check["rule"]
    if rule in {"company_experience", "family_experience"}:
        return _experience(check)
    if rule == "performance":
        return _performance(check)
    if rule == "knowledge":
        return _knowledge(check, level, current_level, standard)
    if rule.startswith("behaviour:"):
        return _behaviour(check)
    if rule.startswith("measure:"):
        return _measure(check)
    return {}


def with_facts(trace: Json, standard: Json | None) -> Json | None:
    """The trace with facts in every check of both languages; ``None`` if it has them already."""
    english = trace.get("en") or {}
    current = int(english.get("current_level", 0))
    found: dict[tuple[int, int], Json] = {}
    changed = False
    for level in english.get("levels", []):
        for k, check in enumerate(level.get("checks", [])):
            if "facts" in check:
                continue
            changed = True
            try:
                found[(level["level"], k)] = facts_of(check, level["level"], current, standard)
            except (ValueError, KeyError, IndexError):  # a hand-made check: keep it, with empty facts
                found[(level["level"], k)] = {}
    if not changed:
        return None
    out = dict(trace)
    for lang in ("en", "zh"):
        decided = trace.get(lang)
        if not isinstance(decided, dict):
            continue
        levels = []
        for level in decided.get("levels", []):
            checks = [check if "facts" in check else {**check, "facts": found.get((level["level"], k), {})}
                      for k, check in enumerate(level.get("checks", []))]
            levels.append({**level, "checks": checks})
        out[lang] = {**decided, "levels": levels}
    return out


def forwards(apps: Any, schema_editor: Any) -> None:
    decision_model = apps.get_model("certification", "Decision")
    standards: dict[int, Json | None] = {}
    for pk, trace, cycle_id, text in decision_model.objects.values_list(
            "pk", "trace", "application__cycle_id", "application__cycle__standard_text").iterator():
        if cycle_id not in standards:
            try:
                standards[cycle_id] = json.loads(text)
            except (TypeError, ValueError):
                standards[cycle_id] = None
        if not isinstance(trace, dict):
            continue
        updated = with_facts(trace, standards[cycle_id])
        if updated is not None:
            decision_model.objects.filter(pk=pk).update(trace=updated)


class Migration(migrations.Migration):
    dependencies = [("certification", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
