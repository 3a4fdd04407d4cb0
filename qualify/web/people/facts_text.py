"""A check's figures as a reader says them, written from the check's facts in the page's language.

The engine keeps typed facts with every check (``qualify.core.facts``; in a stored trace, their JSON
under ``facts``). A page shows them with the standard's names: the requirement's text, the rating's
name, the exam's name, the performance gate's text. A check without facts (none is left after the
migration of stored traces; the guard is for hand-made data) is shown as the engine wrote it.

Also the warnings of a level whose standard has unknown parts (``qualify.core.unknown``), shown on
the person's page and on "my qualification" whatever the stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qualify.core import messages as msg
from qualify.core.facts import UnknownPart
from qualify.core.standard import Standard
from qualify.core.text import Lang
from qualify.core.unknown import part_name, unknown_parts

Facts = Mapping[str, Any]

_LIST = {"zh": "、", "en": ", "}
_ALTERNATIVES = {"zh": "或", "en": " or "}
_PARTS = {"zh": "；", "en": "; "}


def months_text(months: int) -> str:
    """``4 y 7 m`` / ``4 年 7 个月``."""
    years, rest = divmod(months, 12)
    if years and rest:
        return _("%(years)d y %(months)d m") % {"years": years, "months": rest}
    if years:
        return _("%(years)d y") % {"years": years}
    return _("%(months)d m") % {"months": rest}


def _rating(standard: Standard, code: str, lang: Lang) -> str:
    term = standard.vocabularies.term("behaviour_ratings", code)
    return term.name.get(lang) if term is not None else code


def _exams(standard: Standard, codes: list[str], lang: Lang) -> str:
    names = {e.code: e.name.get(lang) for e in standard.knowledge.exams}
    return _LIST[lang].join(names.get(code, code) for code in codes)


def _requirement_texts(standard: Standard, module_code: str, level: int, lang: Lang) -> dict[str, str]:
    module = standard.module(module_code)
    measure = module.measure(level) if module is not None else None
    return {r.code: r.text.get(lang) for r in (measure.requirements if measure is not None else [])}


def _performance(standard: Standard, level: int, facts: Facts, lang: Lang) -> tuple[str, str]:
    seen = _LIST[lang].join(f"{w['period']} {w['rating'] or '—'}" for w in facts["window"])
    found = standard.level(level)
    required = found.performance.text.get(lang) if found is not None else msg.performance_required(
        facts["quarters"], tuple(facts["forbidden"]),
        tuple((m["rating"], m["count"]) for m in facts["max_count"]), tuple(facts["not_all"]))
    return seen, required


def _knowledge(standard: Standard, facts: Facts, lang: Lang) -> tuple[str, str]:
    if facts["sitting"] is None:
        actual = _("no exam results")
    elif facts["missing"] or facts["rank"] is None:
        actual = _("sitting %(sitting)s: not sat %(exams)s") % {
            "sitting": facts["sitting"], "exams": _exams(standard, facts["missing"], lang)}
    else:
        actual = _("rank %(rank)s of %(cohort)s, score %(score)s (sitting %(sitting)s)") % {
            "rank": facts["rank"], "cohort": facts["cohort"], "score": msg.score_text(facts["score"]),
            "sitting": facts["sitting"]}
    most = int(facts["most_levels_above"])
    if facts["levels_above"] > most:
        required = ngettext("at most %(n)d level above the current level",
                            "at most %(n)d levels above the current level", most) % {"n": most}
    elif facts["band_percent"] is not None and facts["band_limit"] is not None:
        required = _("top %(percent)s%% (rank %(limit)s or better of %(cohort)s)") % {
            "percent": msg.pct_text(facts["band_percent"]), "limit": facts["band_limit"],
            "cohort": facts["cohort"]}
    else:
        required = _("sat %(exams)s") % {"exams": _exams(standard, facts["exams"], lang)}
    return actual, required


def _behaviour(standard: Standard, facts: Facts, lang: Lang) -> tuple[str, str]:
    lowest, count = facts["lowest"], int(facts["count"])
    if lowest is None:
        actual = _("not rated")
    elif count > 1:
        actual = _("%(rating)s (lowest of %(count)s)") % {"rating": _rating(standard, lowest, lang),
                                                          "count": count}
    else:
        actual = _rating(standard, lowest, lang)
    return actual, _ALTERNATIVES[lang].join(_rating(standard, code, lang) for code in facts["passing"])


def _measure(standard: Standard, level: int, facts: Facts, lang: Lang) -> tuple[str, str]:
    rows = facts["requirements"]
    if not rows:
        return "—", "—"
    texts = _requirement_texts(standard, facts["module"], level, lang)

    def listed(key: str) -> str:
        return _PARTS[lang].join(_("%(what)s: %(count)s") % {"what": texts.get(r["code"], r["code"]),
                                                             "count": r[key]} for r in rows)

    return listed("count"), listed("min_count")


def part_text(standard: Standard, part: UnknownPart | Facts, lang: Lang) -> str:
    """One unknown part of a level's standard, named."""
    if not isinstance(part, UnknownPart):
        part = UnknownPart(part["kind"], part["module"], part.get("element"))
    name = part_name(standard, part).get(lang)
    if part.kind == "measure":
        return _("the measurement standard of %(name)s is unknown") % {"name": name}
    if part.kind == "cut_off":
        return _("the criterion of %(name)s is cut off where the known source ends") % {"name": name}
    return _("the criterion of %(name)s is unknown") % {"name": name}


def _unknown(standard: Standard, facts: Facts, lang: Lang) -> tuple[str, str]:
    actual = _PARTS[lang].join(part_text(standard, p, lang) for p in facts["parts"])
    required = _("accepted by the standard's owner") if facts["accepted"] else _("known")
    return actual, required


def figures(standard: Standard, level: int, rule: str, facts: Facts | None, actual: str, required: str,
            lang: Lang) -> tuple[str, str]:
    """``(actual, required)`` of a check of ``level`` in the words of the page's language; as the
    engine wrote them when the check has no facts or a fact is not known (``null`` in a migrated
    trace)."""
    if not facts:
        return actual, required
    try:
        return _figures(standard, level, rule, facts, actual, required, lang)
    except (KeyError, TypeError, ValueError):
        return actual, required


def _figures(standard: Standard, level: int, rule: str, facts: Facts, actual: str, required: str,
             lang: Lang) -> tuple[str, str]:
    if rule in {msg.COMPANY, msg.FAMILY}:
        return months_text(int(facts["months"])), months_text(int(facts["required_months"]))
    if rule == msg.PERFORMANCE:
        return _performance(standard, level, facts, lang)
    if rule == msg.KNOWLEDGE:
        return _knowledge(standard, facts, lang)
    if rule.startswith(msg.BEHAVIOUR_PREFIX):
        return _behaviour(standard, facts, lang)
    if rule.startswith(msg.MEASURE_PREFIX):
        return _measure(standard, level, facts, lang)
    if rule == msg.UNKNOWN:
        return _unknown(standard, facts, lang)
    return actual, required


def progress(standard: Standard, level: int, rule: str, facts: Facts | None, lang: Lang) -> str:
    """A measure check as ``presentation to …: 1 of 3; slides: 0 of 2``; "" for any other rule."""
    if not facts or not rule.startswith(msg.MEASURE_PREFIX) or not facts.get("requirements"):
        return ""
    texts = _requirement_texts(standard, facts["module"], level, lang)
    if any(r.get("min_count") is None for r in facts["requirements"]):
        return ""
    return _PARTS[lang].join(
        _("%(what)s: %(count)s of %(needed)s") % {"what": texts.get(r["code"], r["code"]),
                                                  "count": r["count"], "needed": r["min_count"]}
        for r in facts["requirements"])


def level_warnings(standard: Standard, level: int, lang: Lang) -> list[str]:
    """What a reader must know about the level's standard: each part the source does not give (or
    cuts off), and how it counts (``completeness.unknown_requirements``)."""
    parts = unknown_parts(standard, level)
    if not parts:
        return []
    named = [part_text(standard, p, lang) for p in parts]
    if standard.completeness.unknown_requirements == "accept":
        how = _("The standard's owner accepts these unknown parts: they count as met in certification.")
    else:
        how = _("Until the standard's owner completes the standard or accepts these parts, certification "
                "at this level is incomplete.")
    return [*named, how]
