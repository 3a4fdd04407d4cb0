"""The reference evaluator: one person against every level of a standard, with the full trace.

``evaluate`` returns a ``Decision`` with, for each level of the standard (in the standard's order),
one ``Check`` per rule in this order:

1. ``company_experience``, ``family_experience``: whole months from the hire date / the family start
   date to the as-of date (``qualify.core.periods``); pass when at least the gate's months.
2. ``performance``: the gate's window of closed quarters (``qualify.core.performance``).
3. ``knowledge``: the person's ``KnowledgeStanding`` (``qualify.core.knowledge``) and the policy:
   - the job family has no exam results, or the person did not sit every exam of the latest sitting:
     ``missing``; EXCEPT a level more levels above the current level than any band allows, which is
     ``fail`` (no exam result can rescue it; a failure always wins over missing data);
   - a level at or below the current level, or within ``otherwise_max_levels_above``: ``pass``;
   - otherwise ``pass`` when the rank is within the most lenient band that allows that many levels.
4. certification stage only: ``behaviour:ELEMENT`` for every element with a criterion at the level
   (standard order): the ratings of that element AT THAT LEVEL, the lowest on the standard's
   behaviour ladder counts (``behaviour_rule.aggregate = lowest``), ``pass`` when it is one of
   ``behaviour_rule.passing``, ``fail`` otherwise, ``missing`` with no rating;
5. certification stage only, when ``behaviour_rule.require_measures``: ``measure:MODULE`` for every
   module with a measurement standard at the level: every requirement needs at least ``min_count``
   matching evidence records (``qualify.core.evidence``); ``fail`` when one is short; a measure with
   no countable requirement is ``missing`` (only assessors can judge it).

Every non-pass check carries a gap message (``Check.gap_zh``/``gap_en``) saying what to do; the
decision's ``gaps`` are those of level ``current_level + 1`` (none beyond the top level).
All wording comes from ``qualify.core.messages``; every threshold from the standard.

Corner cases decided here:
- A person whose job family is not the standard's family is not evaluated (``QualifyError``
  ``other-family``); the assessment service skips such people and counts them in its summary.
- Several performance ratings for one quarter are rejected by the HR data reader; given anyway, the
  worst counts (see ``qualify.core.performance``).
- Performance: a forbidden rating with a missing quarter is ``fail``; ``max_count`` exceeded is
  ``fail``; ``not_all`` with a missing quarter (and the rest all in ``not_all``) is ``missing``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from qualify.core import messages as msg
from qualify.core.decision import Check, CheckOutcome, Decision, Gap, LevelDecision, Stage
from qualify.core.errors import QualifyError
from qualify.core.evidence import count_matching
from qualify.core.facts import (
    BehaviourFacts,
    ExperienceFacts,
    Facts,
    KnowledgeFacts,
    MeasureFacts,
    PerformanceFacts,
    RequirementCount,
)
from qualify.core.knowledge import (
    KnowledgeStanding,
    allowed_levels_above,
    band_limit,
    band_needed,
    most_allowed_levels_above,
    no_standing,
    rank_knowledge,
)
from qualify.core.performance import Window, judge_performance
from qualify.core.periods import add_months, whole_months, window_periods
from qualify.core.records import EvidenceRecord, PersonRecord, RatingRecord
from qualify.core.standard import (
    Element,
    ExperienceGate,
    Knowledge,
    Level,
    Measure,
    Module,
    PerformanceGate,
    Standard,
    Vocabularies,
)
from qualify.core.text import Text
from qualify.core.unknown import part_name, unknown_facts

__all__ = ["evaluate", "rank_knowledge"]

PASS, FAIL, MISSING = CheckOutcome.passed, CheckOutcome.failed, CheckOutcome.missing


def _check(rule: str, outcome: CheckOutcome, facts: Facts, texts: msg.Texts) -> Check:
    actual, required, message, gap = texts
    if outcome is PASS:
        gap = ("", "")
    return Check(rule=rule, outcome=outcome, actual=actual, required=required, message_zh=message[0],
                 message_en=message[1], gap_zh=gap[0], gap_en=gap[1], facts=facts)


# --- one rule each: the facts, the outcome, then the texts written from the facts ----------------


def experience_facts(start: dt.date, as_of: dt.date, gate: ExperienceGate) -> ExperienceFacts:
    return ExperienceFacts(months=whole_months(start, as_of), required_months=gate.months, start=start,
                           met_on=add_months(start, gate.months))


def experience_check(rule: str, start: dt.date, as_of: dt.date, gate: ExperienceGate) -> Check:
    facts = experience_facts(start, as_of, gate)
    outcome = PASS if facts.months >= facts.required_months else FAIL
    return _check(rule, outcome, facts, msg.experience_texts(rule, facts, gate.text))


def performance_window(ratings: dict[str, str], as_of: dt.date, quarters: int) -> Window:
    return tuple((period, ratings.get(period)) for period in window_periods(as_of, quarters))


def performance_facts(window: Window, gate: PerformanceGate) -> PerformanceFacts:
    return PerformanceFacts(quarters=gate.quarters, window=window, forbidden=tuple(gate.forbidden),
                            max_count=tuple(gate.max_count.items()), not_all=tuple(gate.not_all))


def performance_check(ratings: dict[str, str], as_of: dt.date, gate: PerformanceGate) -> Check:
    """``ratings``: one rating per period (see ``ratings_by_period``)."""
    facts = performance_facts(performance_window(ratings, as_of, gate.quarters), gate)
    findings = judge_performance(facts.window, facts.forbidden, facts.max_count, facts.not_all)
    return _check(msg.PERFORMANCE, findings.outcome, facts, msg.performance_texts(facts, gate.text))


def knowledge_facts(level: int, current_level: int, standing: KnowledgeStanding,
                    knowledge: Knowledge) -> KnowledgeFacts:
    policy = knowledge.policy
    above = level - current_level
    band = band_needed(above, policy) if above > 0 else None
    return KnowledgeFacts(
        exams=tuple(e.code for e in knowledge.exams), sitting=standing.sitting, missing=standing.missing,
        score=standing.score, rank=standing.rank, cohort=standing.cohort, current_level=current_level,
        levels_above=above, most_levels_above=most_allowed_levels_above(policy),
        band_percent=band.top_percent if band is not None else None,
        band_limit=band_limit(band.top_percent, standing.cohort) if band is not None else None)


def knowledge_check(level: int, current_level: int, standing: KnowledgeStanding,
                    knowledge: Knowledge) -> Check:
    facts = knowledge_facts(level, current_level, standing, knowledge)
    if facts.levels_above > facts.most_levels_above:
        outcome = FAIL
    elif standing.sitting is None or standing.missing or standing.rank is None:
        outcome = MISSING
    elif facts.band_limit is None:
        outcome = PASS
    else:
        allowed = allowed_levels_above(standing.rank, standing.cohort, knowledge.policy)
        outcome = PASS if allowed >= facts.levels_above else FAIL
    names = {e.code: e.name for e in knowledge.exams}
    return _check(msg.KNOWLEDGE, outcome, facts, msg.knowledge_texts(facts, level, names))


def behaviour_check(standard: Standard, element: Element, level: int, ratings: Iterable[str]) -> Check:
    """``ratings``: the codes of the assessors' ratings of ``element`` at ``level``."""
    vocab = standard.vocabularies
    given = list(ratings)
    lowest = min(given, key=lambda code: vocab.rank("behaviour_ratings", code), default=None)
    facts = BehaviourFacts(element=element.code, lowest=lowest, count=len(given),
                           passing=tuple(standard.behaviour_rule.passing))
    outcome = MISSING if lowest is None else PASS if lowest in facts.passing else FAIL
    return _check(msg.behaviour_rule(element.code), outcome, facts,
                  msg.behaviour_texts(facts, element.name, level, lambda code: _rating_name(vocab, code)))


def _rating_name(vocab: Vocabularies, code: str) -> Text:
    term = vocab.term("behaviour_ratings", code)
    return term.name if term is not None else Text(zh=code, en=code)


def measure_check(standard: Standard, module: Module, measure: Measure,
                  evidence: tuple[EvidenceRecord, ...], as_of: dt.date) -> Check:
    facts = MeasureFacts(module=module.code, requirements=tuple(
        RequirementCount(req.code, count_matching(req, evidence, standard.vocabularies, as_of), req.min_count)
        for req in measure.requirements))
    if not facts.requirements:
        outcome = MISSING
    else:
        outcome = PASS if all(r.count >= r.min_count for r in facts.requirements) else FAIL
    texts = {req.code: req.text for req in measure.requirements}
    return _check(msg.measure_rule(module.code), outcome, facts,
                  msg.measure_texts(facts, module.name, measure.level, texts))


def unknown_check(standard: Standard, level: int) -> Check | None:
    """``standard.unknown`` at ``level`` (``qualify.core.unknown``); ``None`` when nothing is unknown."""
    facts = unknown_facts(standard, level)
    if facts is None:
        return None
    names = tuple(part_name(standard, part) for part in facts.parts)
    return _check(msg.UNKNOWN, PASS if facts.accepted else MISSING, facts,
                  msg.unknown_texts(facts, level, names))


def texts_of(standard: Standard, level: int, rule: str, facts: Facts) -> msg.Texts:
    """The texts of a check of ``rule`` at ``level`` written from its facts alone (with the
    standard's names): what both evaluators produce for it."""
    if isinstance(facts, ExperienceFacts):
        found = standard.level(level)
        gates = {msg.COMPANY: found.company_experience, msg.FAMILY: found.family_experience} if found else {}
        requirement = gates[rule].text if rule in gates else Text()
        return msg.experience_texts(rule, facts, requirement)
    if isinstance(facts, PerformanceFacts):
        found = standard.level(level)
        return msg.performance_texts(facts, found.performance.text if found else Text())
    if isinstance(facts, KnowledgeFacts):
        return msg.knowledge_texts(facts, level, {e.code: e.name for e in standard.knowledge.exams})
    if isinstance(facts, BehaviourFacts):
        element = standard.element(facts.element)
        name = element[1].name if element else Text(zh=facts.element, en=facts.element)
        return msg.behaviour_texts(facts, name, level,
                                   lambda code: _rating_name(standard.vocabularies, code))
    if isinstance(facts, MeasureFacts):
        module = standard.module(facts.module)
        measure = module.measure(level) if module else None
        texts = {r.code: r.text for r in measure.requirements} if measure else {}
        name = module.name if module else Text(zh=facts.module, en=facts.module)
        return msg.measure_texts(facts, name, level, texts)
    return msg.unknown_texts(facts, level, tuple(part_name(standard, p) for p in facts.parts))


# --- one person ---------------------------------------------------------------------------------


def ratings_by_period(person: PersonRecord, vocabularies: Vocabularies) -> dict[str, str]:
    """One performance rating per period; of several (rejected by the reader), the worst."""
    by_period: dict[str, str] = {}
    for record in person.performance:
        seen = by_period.get(record.period)
        if seen is None or (vocabularies.rank("performance_ratings", record.rating)
                            < vocabularies.rank("performance_ratings", seen)):
            by_period[record.period] = record.rating
    return by_period


def _ratings_at(ratings: tuple[RatingRecord, ...], element: str, level: int) -> list[str]:
    return [r.rating for r in ratings if r.element == element and r.level == level]


def level_checks(standard: Standard, level: Level, person: PersonRecord, *, as_of: dt.date, stage: Stage,
                 standing: KnowledgeStanding, performance: dict[str, str]) -> list[Check]:
    employee = person.employee
    checks = [
        experience_check(msg.COMPANY, employee.hire_date, as_of, level.company_experience),
        experience_check(msg.FAMILY, employee.family_start_date, as_of, level.family_experience),
        performance_check(performance, as_of, level.performance),
        knowledge_check(level.level, employee.current_level, standing, standard.knowledge),
    ]
    if stage is Stage.certification:
        for _, element, _ in standard.elements_at(level.level):
            checks.append(behaviour_check(standard, element, level.level,
                                          _ratings_at(person.ratings, element.code, level.level)))
        if standard.behaviour_rule.require_measures:
            for module, measure in standard.measures_at(level.level):
                checks.append(measure_check(standard, module, measure, person.evidence, as_of))
        unknown = unknown_check(standard, level.level)
        if unknown is not None:
            checks.append(unknown)
    return checks


def evaluate(standard: Standard, person: PersonRecord, *, as_of: dt.date, stage: Stage | str,
             knowledge: KnowledgeStanding | None) -> Decision:
    """The decision for ``person`` at every level of ``standard`` on ``as_of``.

    ``knowledge`` is the person's standing from ``rank_knowledge`` over their organisation; ``None``
    means no exam results are known (the knowledge check is then ``missing``).
    """
    employee = person.employee
    if employee.job_family != standard.family:
        raise QualifyError(
            code="other-family",
            message_en=(f"employee {employee.employee_id} is in job family {employee.job_family!r}, "
                        f"not {standard.family!r} of the standard {standard.id}"),
            message_zh=(f"员工 {employee.employee_id} 属于职位族 {employee.job_family!r}，"
                        f"不属于标准 {standard.id} 的职位族 {standard.family!r}"),
            fields={"employee_id": employee.employee_id, "job_family": employee.job_family},
        )
    stage = Stage(stage)
    standing = knowledge if knowledge is not None else no_standing(standard)
    performance = ratings_by_period(person, standard.vocabularies)
    levels = [
        LevelDecision(level=level.level, checks=level_checks(
            standard, level, person, as_of=as_of, stage=stage, standing=standing, performance=performance))
        for level in standard.levels
    ]
    target = employee.current_level + 1
    gaps = [
        Gap(level=ld.level, rule=c.rule, message_zh=c.gap_zh, message_en=c.gap_en)
        for ld in levels if ld.level == target
        for c in ld.checks if c.outcome is not PASS
    ]
    return Decision(employee_id=employee.employee_id, standard=standard.id, as_of=as_of, stage=stage,
                    current_level=employee.current_level, levels=levels, gaps=gaps)
