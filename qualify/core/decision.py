"""Decisions: the outcome of checking one person against the levels of a standard, check by check.

The JSON shape is a contract (DESIGN.md, "Decisions"); ``Decision.as_json()`` produces it.
Messages are in zh and en; ``message`` in the JSON is the language asked for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from qualify.core.facts import Facts, UnknownFacts
from qualify.core.text import Lang


class Stage(StrEnum):
    screening = "screening"  # 资格审查: experience, performance, knowledge
    certification = "certification"  # every check


class CheckOutcome(StrEnum):
    passed = "pass"
    failed = "fail"
    missing = "missing"


class LevelOutcome(StrEnum):
    eligible = "eligible"
    not_eligible = "not_eligible"
    incomplete = "incomplete"


@dataclass(frozen=True)
class Check:
    """One rule applied to one person at one level."""

    rule: str  # company_experience, family_experience, performance, knowledge, behaviour:X, measure:X,
    # standard.unknown
    outcome: CheckOutcome
    actual: str
    required: str
    message_zh: str
    message_en: str
    gap_zh: str = ""  # what to do about it (only when the outcome is not pass)
    gap_en: str = ""
    facts: Facts | None = None  # the values the texts are written from (qualify.core.facts)

    @property
    def warns(self) -> bool:
        """A passed check that still says something a reader must see: an unknown part of the
        standard that its owner accepted."""
        return isinstance(self.facts, UnknownFacts) and self.facts.accepted

    def facts_json(self) -> dict[str, Any]:
        return self.facts.as_json() if self.facts is not None else {}

    def message(self, lang: Lang = "en") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def gap(self, lang: Lang = "en") -> str:
        return (self.gap_zh if lang == "zh" else self.gap_en) or self.message(lang)


def level_outcome(checks: list[Check]) -> LevelOutcome:
    if any(c.outcome is CheckOutcome.failed for c in checks):
        return LevelOutcome.not_eligible
    if any(c.outcome is CheckOutcome.missing for c in checks):
        return LevelOutcome.incomplete
    return LevelOutcome.eligible


@dataclass(frozen=True)
class LevelDecision:
    level: int
    checks: list[Check]

    @property
    def outcome(self) -> LevelOutcome:
        return level_outcome(self.checks)


@dataclass(frozen=True)
class Gap:
    level: int
    rule: str
    message_zh: str
    message_en: str

    def message(self, lang: Lang = "en") -> str:
        return self.message_zh if lang == "zh" else self.message_en


@dataclass(frozen=True)
class Decision:
    employee_id: str
    standard: str
    as_of: dt.date
    stage: Stage
    current_level: int
    levels: list[LevelDecision]
    gaps: list[Gap] = field(default_factory=list)

    @property
    def highest_eligible_level(self) -> int:
        eligible = [ld.level for ld in self.levels if ld.outcome is LevelOutcome.eligible]
        return max(eligible, default=0)

    def level(self, number: int) -> LevelDecision | None:
        return next((ld for ld in self.levels if ld.level == number), None)

    def as_json(self, lang: Lang = "en") -> dict[str, Any]:
        return {
            "employee_id": self.employee_id,
            "standard": self.standard,
            "as_of": self.as_of.isoformat(),
            "stage": self.stage.value,
            "current_level": self.current_level,
            "highest_eligible_level": self.highest_eligible_level,
            "levels": [
                {
                    "level": ld.level,
                    "outcome": ld.outcome.value,
                    "checks": [
                        {"rule": c.rule, "outcome": c.outcome.value, "actual": c.actual,
                         "required": c.required, "message": c.message(lang), "facts": c.facts_json()}
                        for c in ld.checks
                    ],
                }
                for ld in self.levels
            ],
            "gaps": [{"level": g.level, "rule": g.rule, "message": g.message(lang)} for g in self.gaps],
        }
