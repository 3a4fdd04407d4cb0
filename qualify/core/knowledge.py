"""The knowledge requirement: exam results ranked within the job family, and the owner's policy bands.

Shared meaning (the batch evaluator does the same in Polars):

- The sitting is the LATEST sitting in the data among the exam records of the standard's job family;
  sittings compare as text (``"2025" < "2026"``). A person who did not sit every exam of the standard
  in that sitting is ``missing`` for the knowledge check, even with results of an earlier sitting.
- The combined score is the sum of the person's scores of the standard's exams in that sitting,
  added in the standard's exam order. (Several results for one exam in one sitting are rejected by
  the HR data reader; given anyway, the last one counts here.)
- The cohort is everyone of the job family who sat every exam of that sitting; N is its size.
  rank = 1 + the number of people in the cohort with a strictly higher combined score, so tied scores
  share the best rank.
- "top X%" means rank <= ceil(X × N / 100), computed exactly (no float rounding): see ``band_limit``.
- A person may apply up to ``allowed_levels_above(rank, N, policy)`` levels above the current level:
  the largest ``max_levels_above`` of the bands they are in, else ``otherwise_max_levels_above``.
  A level at or below the current level only needs every exam sat.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from qualify.core.records import Employee, ExamRecord
from qualify.core.standard import KnowledgeBand, KnowledgePolicy, Standard


@dataclass(frozen=True, slots=True)
class KnowledgeStanding:
    """One person's knowledge result for a standard.

    ``sitting`` is the job family's latest sitting in the data (``None`` when the family has no exam
    results at all); ``missing`` the exam codes of that sitting the person did not sit; ``score`` and
    ``rank`` are set only when nothing is missing; ``cohort`` is N, the number of people ranked.
    """

    sitting: str | None
    missing: tuple[str, ...]
    score: float | None
    rank: int | None
    cohort: int

    @property
    def sat_all(self) -> bool:
        return self.sitting is not None and not self.missing and self.rank is not None


def no_standing(standard: Standard) -> KnowledgeStanding:
    """The standing of someone about whom nothing is known (no exam data at all)."""
    return KnowledgeStanding(sitting=None, missing=tuple(e.code for e in standard.knowledge.exams),
                             score=None, rank=None, cohort=0)


def percent_fraction(top_percent: float) -> Fraction:
    """The band's percentage as an exact fraction of its decimal spelling (12.5 → 25/2, 33.3 → 333/10)."""
    return Fraction(repr(float(top_percent)))


def band_limit(top_percent: float, cohort: int) -> int:
    """The worst rank inside the top ``top_percent`` % of ``cohort`` people: ceil(X × N / 100), exact."""
    return math.ceil(percent_fraction(top_percent) * cohort / 100)


def in_band(rank: int, cohort: int, band: KnowledgeBand) -> bool:
    return rank <= band_limit(band.top_percent, cohort)


def allowed_levels_above(rank: int, cohort: int, policy: KnowledgePolicy) -> int:
    """How many levels above the current level a person of this rank may apply for."""
    allowed = policy.otherwise_max_levels_above
    for band in policy.bands:
        if in_band(rank, cohort, band):
            allowed = max(allowed, band.max_levels_above)
    return allowed


def most_allowed_levels_above(policy: KnowledgePolicy) -> int:
    """The most levels above the current level that anybody may apply for."""
    return max([policy.otherwise_max_levels_above, *(b.max_levels_above for b in policy.bands)])


def band_needed(levels_above: int, policy: KnowledgePolicy) -> KnowledgeBand | None:
    """The most lenient band that allows ``levels_above`` levels (``None`` if no band is needed, or
    if no band allows it: see ``most_allowed_levels_above``)."""
    if levels_above <= policy.otherwise_max_levels_above:
        return None
    fitting = [b for b in policy.bands if b.max_levels_above >= levels_above]
    return max(fitting, key=lambda b: b.top_percent, default=None)


def latest_sitting(sittings: Iterable[str]) -> str | None:
    return max(sittings, default=None)


def rank_knowledge(standard: Standard, employees: Iterable[Employee],
                   exams: Iterable[ExamRecord]) -> dict[str, KnowledgeStanding]:
    """The knowledge standing of every employee of the standard's job family (others are left out)."""
    family_ids = [e.employee_id for e in employees if e.job_family == standard.family]
    members = set(family_ids)
    exam_codes = [e.code for e in standard.knowledge.exams]
    wanted = set(exam_codes)
    family_exams = [x for x in exams if x.employee_id in members and x.exam in wanted]
    sitting = latest_sitting(x.sitting for x in family_exams)
    if sitting is None:
        nothing = no_standing(standard)
        return dict.fromkeys(family_ids, nothing)

    scores: dict[str, dict[str, float]] = {}
    for x in family_exams:
        if x.sitting == sitting:
            scores.setdefault(x.employee_id, {})[x.exam] = x.score
    combined: dict[str, float] = {}
    for employee_id, by_exam in scores.items():
        if all(code in by_exam for code in exam_codes):
            total = 0.0
            for code in exam_codes:
                total += by_exam[code]
            combined[employee_id] = total

    ordered = sorted(combined.values(), reverse=True)
    cohort = len(ordered)
    better: dict[float, int] = {}
    for position, score in enumerate(ordered):
        better.setdefault(score, position)  # first position of a score = people strictly above it

    standings: dict[str, KnowledgeStanding] = {}
    for employee_id in family_ids:
        if employee_id in combined:
            score = combined[employee_id]
            standings[employee_id] = KnowledgeStanding(sitting, (), score, 1 + better[score], cohort)
        else:
            sat = scores.get(employee_id, {})
            missing = tuple(code for code in exam_codes if code not in sat)
            standings[employee_id] = KnowledgeStanding(sitting, missing, None, None, cohort)
    return standings
