"""A check's ``actual`` and ``required`` as a reader says them, in the page's language.

The engine's trace keeps machine values (``presentations 1``, ``55 months``, ``exceeds or meets``):
the API and the decision JSON show those. A page shows the standard's names instead: the requirement's
text, the rating's name, the exam's name, the performance gate's text. A value this module does not
recognise is shown as the engine wrote it.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qualify.core.standard import Standard
from qualify.core.text import Lang

_MONTHS = re.compile(r"^(\d+) months?$")
_COUNTS = re.compile(r"^([\w-]+) (\d+)$")
_LOWEST = re.compile(r"^([\w-]+) \(lowest of (\d+)\)$")
_RANK = re.compile(r"^rank (\d+) of (\d+), score ([\d.]+) \(sitting (.+)\)$")
_NOT_SAT = re.compile(r"^sitting (.+): not sat (.+)$")
_BAND = re.compile(r"^top ([\d.]+)% \(rank <= (\d+) of (\d+)\)$")
_LIST = {"zh": "、", "en": ", "}
_ALTERNATIVES = {"zh": "或", "en": " or "}
_PARTS = {"zh": "；", "en": "; "}
_ABOVE = re.compile(r"^at most (\d+) levels? above the current level$")


def months_text(months: int) -> str:
    """``4 y 7 m`` / ``4 年 7 个月``."""
    years, rest = divmod(months, 12)
    if years and rest:
        return _("%(years)d y %(months)d m") % {"years": years, "months": rest}
    if years:
        return _("%(years)d y") % {"years": years}
    return _("%(months)d m") % {"months": rest}


def _months(value: str) -> str:
    found = _MONTHS.match(value)
    return months_text(int(found.group(1))) if found else value


def _requirements(standard: Standard, module_code: str, level: int, value: str, lang: Lang) -> str:
    module = standard.module(module_code)
    measure = module.measure(level) if module is not None else None
    texts = {r.code: r.text.get(lang) for r in (measure.requirements if measure is not None else [])}
    if value == "none":
        return "—"
    parts = []
    for part in value.split(", "):
        found = _COUNTS.match(part)
        if not found or found.group(1) not in texts:
            return value
        parts.append(_("%(what)s: %(count)s") % {"what": texts[found.group(1)], "count": found.group(2)})
    return _PARTS[lang].join(parts)


def _counts(value: str) -> dict[str, str]:
    found = [_COUNTS.match(part) for part in value.split(", ")]
    return {m.group(1): m.group(2) for m in found if m}


def progress(standard: Standard, level: int, rule: str, actual: str, required: str, lang: Lang) -> str:
    """A measure check as ``presentation to …: 1 of 3; slides: 0 of 2``; "" for any other rule or a
    value this module does not recognise."""
    module = standard.module(rule.removeprefix("measure:")) if rule.startswith("measure:") else None
    measure = module.measure(level) if module is not None else None
    if measure is None:
        return ""
    have, need = _counts(actual), _counts(required)
    parts = [_("%(what)s: %(count)s of %(needed)s") % {"what": r.text.get(lang), "count": have[r.code],
                                                        "needed": need[r.code]}
             for r in measure.requirements if r.code in have and r.code in need]
    return _PARTS[lang].join(parts)


def _rating(standard: Standard, code: str, lang: Lang) -> str:
    term = standard.vocabularies.term("behaviour_ratings", code)
    return term.name.get(lang) if term is not None else code


def _behaviour_actual(standard: Standard, value: str, lang: Lang) -> str:
    if value == "none":
        return _("not rated")
    found = _LOWEST.match(value)
    if found:
        return _("%(rating)s (lowest of %(count)s)") % {
            "rating": _rating(standard, found.group(1), lang), "count": found.group(2)}
    return _rating(standard, value, lang)


def _exam_names(standard: Standard, codes: str, lang: Lang) -> str:
    names = {e.code: e.name.get(lang) for e in standard.knowledge.exams}
    return _LIST[lang].join(names.get(code, code) for code in codes.split(", "))


def _knowledge_actual(standard: Standard, value: str, lang: Lang) -> str:
    if value == "no exam results":
        return _("no exam results")
    if found := _RANK.match(value):
        rank, cohort, score, sitting = found.groups()
        return _("rank %(rank)s of %(cohort)s, score %(score)s (sitting %(sitting)s)") % {
            "rank": rank, "cohort": cohort, "score": score, "sitting": sitting}
    if found := _NOT_SAT.match(value):
        return _("sitting %(sitting)s: not sat %(exams)s") % {
            "sitting": found.group(1), "exams": _exam_names(standard, found.group(2), lang)}
    return value


def _knowledge_required(standard: Standard, value: str, lang: Lang) -> str:
    if found := _BAND.match(value):
        percent, limit, cohort = found.groups()
        return _("top %(percent)s%% (rank %(limit)s or better of %(cohort)s)") % {
            "percent": percent, "limit": limit, "cohort": cohort}
    if found := _ABOVE.match(value):
        most = int(found.group(1))
        return ngettext("at most %(n)d level above the current level",
                        "at most %(n)d levels above the current level", most) % {"n": most}
    if value.startswith("sat "):
        return _("sat %(exams)s") % {"exams": _exam_names(standard, value.removeprefix("sat "), lang)}
    return value


def figures(standard: Standard, level: int, rule: str, actual: str, required: str,
            lang: Lang) -> tuple[str, str]:
    """``(actual, required)`` of a check of ``level`` in the words of the page's language."""
    if rule in {"company_experience", "family_experience"}:
        return _months(actual), _months(required)
    if rule == "performance":
        found = standard.level(level)
        return actual, found.performance.text.get(lang) if found is not None else required
    if rule == "knowledge":
        return _knowledge_actual(standard, actual, lang), _knowledge_required(standard, required, lang)
    if rule.startswith("behaviour:"):
        passing = [_rating(standard, code, lang) for code in required.split(" or ")]
        return _behaviour_actual(standard, actual, lang), _ALTERNATIVES[lang].join(passing)
    if rule.startswith("measure:"):
        code = rule.removeprefix("measure:")
        return (_requirements(standard, code, level, actual, lang),
                _requirements(standard, code, level, required, lang))
    return actual, required
