"""What the people pages say about a person and a standard, without a database.

- ``standard_for_family``: the standard that applies to a job family (published before draft, then
  the highest version);
- ``level_asks``: what one level asks, from the standard: its gate conditions, the knowledge
  requirement, the criterion of every element and the measurement standard of every module;
- ``exam_sittings``: a person's exam results by sitting, with the knowledge standing (combined
  score and rank in the job family) of the sitting that counts;
- ``open_checks``: the checks of a level that are not passed, each with what to do about it.

The judgements themselves come from the engine (``qualify.core.evaluate`` through
``qualify.services.assessment``); nothing here decides anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from qualify.core.decision import Check, CheckOutcome, Decision, LevelDecision
from qualify.core.knowledge import KnowledgeStanding
from qualify.core.records import ExamRecord
from qualify.core.standard import (
    Criterion,
    Element,
    Exam,
    Level,
    Measure,
    Module,
    Requirement,
    Standard,
    Status,
)
from qualify.core.text import Text


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """``2.10`` sorts after ``2.9``: numbers compare as numbers, other parts as text (below numbers)."""
    parts = re.split(r"[.+-]", version)
    return tuple((1, int(p)) if p.isdigit() else (0, p) for p in parts)


def standard_for_family(family: str, standards: Iterable[Standard]) -> Standard | None:
    """The standard a person of ``family`` is judged by: a published one if there is one, else a
    draft; of those, the highest version. ``None`` when no standard covers the family."""
    candidates = [s for s in standards if s.family == family]
    if not candidates:
        return None
    return max(candidates, key=lambda s: (s.status is Status.published, _version_key(s.version)))


# --- what a level asks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ElementAsk:
    module: Module
    element: Element
    criterion: Criterion

    @property
    def rule(self) -> str:
        return f"behaviour:{self.element.code}"


@dataclass(frozen=True)
class MeasureAsk:
    module: Module
    measure: Measure

    @property
    def rule(self) -> str:
        return f"measure:{self.module.code}"

    @property
    def requirements(self) -> list[Requirement]:
        return list(self.measure.requirements)


@dataclass(frozen=True)
class LevelAsks:
    """Everything ``level`` of ``standard`` asks of a person, in the standard's own words."""

    standard: Standard
    level: Level
    exams: list[Exam]
    knowledge_text: Text
    knowledge_note: Text
    elements: list[ElementAsk] = field(default_factory=list)
    measures: list[MeasureAsk] = field(default_factory=list)

    @property
    def gates(self) -> list[tuple[str, Text]]:
        """(rule id, the standard's text) of the gate conditions."""
        return [
            ("company_experience", self.level.company_experience.text),
            ("family_experience", self.level.family_experience.text),
            ("performance", self.level.performance.text),
        ]


def level_asks(standard: Standard, number: int) -> LevelAsks | None:
    level = standard.level(number)
    if level is None:
        return None
    return LevelAsks(
        standard=standard,
        level=level,
        exams=list(standard.knowledge.exams),
        knowledge_text=standard.knowledge.text,
        knowledge_note=standard.knowledge.policy.note,
        elements=[ElementAsk(m, e, c) for m, e, c in standard.elements_at(number)],
        measures=[MeasureAsk(m, ms) for m, ms in standard.measures_at(number)],
    )


def next_level(standard: Standard, current_level: int) -> int | None:
    """The level above ``current_level``, or ``None`` at the top."""
    above = [n for n in standard.level_numbers if n > current_level]
    return min(above, default=None)


# --- exams ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sitting:
    """One sitting of a person's exams: the score of each exam of the standard (``None``: not sat).
    ``standing`` is set on the sitting that counts (the job family's latest)."""

    sitting: str
    scores: list[float | None]
    standing: KnowledgeStanding | None = None


def exam_sittings(standard: Standard, exams: Iterable[ExamRecord],
                  standing: KnowledgeStanding | None) -> list[Sitting]:
    """The person's sittings, latest first, scores in the standard's exam order. The family's latest
    sitting is listed even when the person did not sit it (so the page can say so)."""
    codes = [e.code for e in standard.knowledge.exams]
    by_sitting: dict[str, dict[str, float]] = {}
    for x in exams:
        if x.exam in codes:
            by_sitting.setdefault(x.sitting, {})[x.exam] = x.score
    if standing is not None and standing.sitting is not None:
        by_sitting.setdefault(standing.sitting, {})
    rows = []
    for sitting in sorted(by_sitting, reverse=True):
        scores = by_sitting[sitting]
        counts = standing if standing is not None and standing.sitting == sitting else None
        rows.append(Sitting(sitting=sitting, scores=[scores.get(c) for c in codes], standing=counts))
    return rows


# --- the open checks of a level --------------------------------------------------------------------


def open_checks(level: LevelDecision | None) -> list[Check]:
    """The checks of ``level`` that did not pass (failed first, then missing), in standard order."""
    if level is None:
        return []
    failed = [c for c in level.checks if c.outcome is CheckOutcome.failed]
    missing = [c for c in level.checks if c.outcome is CheckOutcome.missing]
    return failed + missing


def target_level(decision: Decision, standard: Standard, asked: int | None = None) -> int | None:
    """The level a person looks at: the one asked for, else the next one above their current level."""
    if asked is not None and standard.level(asked) is not None:
        return asked
    return next_level(standard, decision.current_level)
