"""The facts of a check: the typed, language-neutral values a rule saw and the thresholds it applied.

Every ``Check`` carries one of these; its ``actual``/``required`` strings and both languages'
messages are written from them (``qualify.core.messages``), and the decision JSON shows them under
``facts`` (``as_json``: plain JSON, stable keys, documented per rule in the README's "Decisions").
Pages render from the facts, never by reading the English strings back.

Codes are the standard's codes (ratings, exams, requirements, modules, elements); dates are ISO
strings in the JSON; a value that is not known is ``null``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

FactsJson = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ExperienceFacts:
    """``company_experience`` / ``family_experience``: whole months since ``start`` (the hire date or
    the family start date) and the months the level requires; ``met_on`` is the date on which the
    requirement is (or was) met."""

    months: int
    required_months: int
    start: dt.date
    met_on: dt.date

    def as_json(self) -> FactsJson:
        return {"months": self.months, "required_months": self.required_months,
                "start": self.start.isoformat(), "met_on": self.met_on.isoformat()}


@dataclass(frozen=True, slots=True)
class PerformanceFacts:
    """``performance``: the window of quarters (oldest first) with the rating seen in each (``None``:
    no rating), and the gate applied to it."""

    quarters: int
    window: tuple[tuple[str, str | None], ...]
    forbidden: tuple[str, ...]
    max_count: tuple[tuple[str, int], ...]
    not_all: tuple[str, ...]

    def as_json(self) -> FactsJson:
        return {"quarters": self.quarters,
                "window": [{"period": p, "rating": r} for p, r in self.window],
                "forbidden": list(self.forbidden),
                "max_count": [{"rating": r, "count": n} for r, n in self.max_count],
                "not_all": list(self.not_all)}


@dataclass(frozen=True, slots=True)
class KnowledgeFacts:
    """``knowledge``: the sitting (``None``: the family has no exam results), the exams of it not
    sat, the combined score, the rank in a cohort of that many people; the levels above the current
    level, the most any band allows, and the band needed (its top percent and the worst rank inside
    it; ``None`` when no band is needed or none allows it)."""

    exams: tuple[str, ...]
    sitting: str | None
    missing: tuple[str, ...]
    score: float | None
    rank: int | None
    cohort: int
    current_level: int
    levels_above: int
    most_levels_above: int
    band_percent: float | None
    band_limit: int | None

    def as_json(self) -> FactsJson:
        return {"exams": list(self.exams), "sitting": self.sitting, "missing": list(self.missing),
                "score": self.score, "rank": self.rank, "cohort": self.cohort,
                "current_level": self.current_level, "levels_above": self.levels_above,
                "most_levels_above": self.most_levels_above,
                "band_percent": self.band_percent, "band_limit": self.band_limit}


@dataclass(frozen=True, slots=True)
class BehaviourFacts:
    """``behaviour:ELEMENT``: the lowest of the assessors' ratings at the level (``None``: not rated),
    how many ratings there are, and the ratings that pass."""

    element: str
    lowest: str | None
    count: int
    passing: tuple[str, ...]

    def as_json(self) -> FactsJson:
        return {"element": self.element, "lowest": self.lowest, "count": self.count,
                "passing": list(self.passing)}


@dataclass(frozen=True, slots=True)
class RequirementCount:
    code: str
    count: int
    min_count: int


@dataclass(frozen=True, slots=True)
class MeasureFacts:
    """``measure:MODULE``: per requirement of the measurement standard, the matching evidence records
    counted and the minimum (no requirement: only assessors can judge it)."""

    module: str
    requirements: tuple[RequirementCount, ...]

    def as_json(self) -> FactsJson:
        return {"module": self.module,
                "requirements": [{"code": r.code, "count": r.count, "min_count": r.min_count}
                                 for r in self.requirements]}


UnknownKind = Literal["criterion", "measure", "cut_off"]


@dataclass(frozen=True, slots=True)
class UnknownPart:
    """A part of a level's standard the source does not give: an element's criterion (``criterion``),
    a module's measurement standard (``measure``), or a criterion whose text the source's end cuts
    off (``cut_off``)."""

    kind: UnknownKind
    module: str
    element: str | None = None

    def as_json(self) -> FactsJson:
        return {"kind": self.kind, "module": self.module, "element": self.element}


@dataclass(frozen=True, slots=True)
class UnknownFacts:
    """``standard.unknown``: the unknown parts of the level's standard, and whether the standard's
    owner accepts them (``completeness.unknown_requirements: accept``)."""

    parts: tuple[UnknownPart, ...]
    accepted: bool

    def as_json(self) -> FactsJson:
        return {"parts": [p.as_json() for p in self.parts], "accepted": self.accepted}


Facts = ExperienceFacts | PerformanceFacts | KnowledgeFacts | BehaviourFacts | MeasureFacts | UnknownFacts


def facts_from_json(rule: str, data: FactsJson | None) -> Facts | None:
    """The facts of a check of ``rule`` back from their JSON (``as_json``); ``None`` for no facts.
    Stored decisions (the web app's stored standings) are read back with this."""
    if not data:
        return None
    if rule in ("company_experience", "family_experience"):
        return ExperienceFacts(months=data["months"], required_months=data["required_months"],
                               start=dt.date.fromisoformat(data["start"]),
                               met_on=dt.date.fromisoformat(data["met_on"]))
    if rule == "performance":
        return PerformanceFacts(
            quarters=data["quarters"], window=tuple((w["period"], w["rating"]) for w in data["window"]),
            forbidden=tuple(data["forbidden"]),
            max_count=tuple((m["rating"], m["count"]) for m in data["max_count"]),
            not_all=tuple(data["not_all"]))
    if rule == "knowledge":
        return KnowledgeFacts(
            exams=tuple(data["exams"]), sitting=data["sitting"], missing=tuple(data["missing"]),
            score=data["score"], rank=data["rank"], cohort=data["cohort"],
            current_level=data["current_level"],
            levels_above=data["levels_above"], most_levels_above=data["most_levels_above"],
            band_percent=data["band_percent"], band_limit=data["band_limit"])
    if rule.startswith("behaviour:"):
        return BehaviourFacts(element=data["element"], lowest=data["lowest"], count=data["count"],
                              passing=tuple(data["passing"]))
    if rule.startswith("measure:"):
        return MeasureFacts(module=data["module"], requirements=tuple(
            RequirementCount(code=r["code"], count=r["count"], min_count=r["min_count"])
            for r in data["requirements"]))
    if rule == "standard.unknown":
        return UnknownFacts(parts=tuple(UnknownPart(kind=p["kind"], module=p["module"], element=p["element"])
                                        for p in data["parts"]), accepted=data["accepted"])
    raise ValueError(f"no facts are known for rule {rule!r}")
