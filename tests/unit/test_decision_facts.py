"""Every check carries the typed facts its texts are written from, and they match the numbers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from qualify.core.decision import CheckOutcome, Stage
from qualify.core.evaluate import (
    behaviour_check,
    evaluate,
    experience_check,
    knowledge_check,
    measure_check,
    performance_check,
)
from qualify.core.facts import (
    BehaviourFacts,
    ExperienceFacts,
    KnowledgeFacts,
    MeasureFacts,
    PerformanceFacts,
    RequirementCount,
)
from qualify.core.knowledge import KnowledgeStanding
from qualify.core.records import Employee, EvidenceRecord, PersonRecord
from qualify.formats.standard_yaml import load_standard

MINI = load_standard(Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml")
AS_OF = dt.date(2026, 11, 26)


def test_experience_facts_say_23_months_against_the_24_required() -> None:
    gate = MINI.levels[1].company_experience  # level 2: 24 months
    check = experience_check("company_experience", dt.date(2024, 12, 1), AS_OF, gate)
    assert check.outcome is CheckOutcome.failed
    assert check.facts == ExperienceFacts(months=23, required_months=24, start=dt.date(2024, 12, 1),
                                          met_on=dt.date(2026, 12, 1))
    assert check.facts_json() == {"months": 23, "required_months": 24, "start": "2024-12-01",
                                  "met_on": "2026-12-01"}
    assert (check.actual, check.required) == ("23 months", "24 months")


def test_performance_facts_hold_the_window_and_the_ratings_seen_oldest_first() -> None:
    gate = MINI.levels[0].performance
    check = performance_check({"2026Q1": "B", "2026Q2": "C"}, AS_OF, gate)
    assert check.outcome is CheckOutcome.missing
    assert isinstance(check.facts, PerformanceFacts)
    assert check.facts.window == (("2026Q1", "B"), ("2026Q2", "C"), ("2026Q3", None))
    assert check.facts_json()["window"] == [{"period": "2026Q1", "rating": "B"},
                                            {"period": "2026Q2", "rating": "C"},
                                            {"period": "2026Q3", "rating": None}]
    assert check.facts_json()["quarters"] == 3 and check.facts_json()["forbidden"] == ["D"]
    assert check.actual == "2026Q1 B, 2026Q2 C, 2026Q3 -"


def test_knowledge_facts_hold_sitting_score_rank_cohort_band_and_limit() -> None:
    standing = KnowledgeStanding(sitting="2026", missing=(), score=150.5, rank=9, cohort=40)
    band = max(MINI.knowledge.policy.bands, key=lambda b: b.max_levels_above)
    level = band.max_levels_above + 1  # from level 1 this needs the band allowing the most levels
    check = knowledge_check(level, 1, standing, MINI.knowledge)
    facts = check.facts
    assert isinstance(facts, KnowledgeFacts)
    assert (facts.sitting, facts.score, facts.rank, facts.cohort) == ("2026", 150.5, 9, 40)
    assert facts.levels_above == level - 1 and facts.current_level == 1
    assert facts.band_percent is not None and facts.band_limit is not None
    assert facts.band_limit == -(-int(facts.band_percent * 40) // 100)  # ceil(X% of 40)
    assert check.outcome is (CheckOutcome.passed if facts.band_limit >= 9 else CheckOutcome.failed)
    assert check.required == f"top {facts.band_percent:g}% (rank <= {facts.band_limit} of 40)"
    assert json.loads(json.dumps(check.facts_json())) == check.facts_json()


def test_knowledge_facts_of_someone_who_missed_an_exam_name_it_and_have_no_rank() -> None:
    standing = KnowledgeStanding(sitting="2026", missing=("professional",), score=None, rank=None, cohort=12)
    check = knowledge_check(1, 0, standing, MINI.knowledge)
    assert check.outcome is CheckOutcome.missing
    assert check.facts_json()["missing"] == ["professional"]
    assert check.facts_json()["rank"] is None and check.facts_json()["cohort"] == 12


def test_behaviour_facts_hold_the_lowest_rating_and_how_many_ratings() -> None:
    _, element, _ = MINI.elements_at(1)[0]
    check = behaviour_check(MINI, element, 1, ["exceeds", "partial", "meets"])
    assert check.outcome is CheckOutcome.failed
    assert check.facts == BehaviourFacts(element=element.code, lowest="partial", count=3,
                                         passing=tuple(MINI.behaviour_rule.passing))
    assert check.actual == "partial (lowest of 3)"


def test_measure_facts_hold_evidence_counts_and_minimums_per_requirement() -> None:
    talks = MINI.module("talks")
    assert talks is not None
    measure = talks.measure(1)
    assert measure is not None
    record = EvidenceRecord("E1", "a", "presentation", dt.date(2026, 5, 1), role="lead",
                            audience="province-deputy-director")
    check = measure_check(MINI, talks, measure, (record,), AS_OF)
    assert check.outcome is CheckOutcome.failed
    assert check.facts == MeasureFacts(module="talks", requirements=tuple(
        RequirementCount(r.code, 1 if r.activity == "presentation" else 0, r.min_count)
        for r in measure.requirements))
    assert check.facts_json()["requirements"][0] == {"code": measure.requirements[0].code, "count": 1,
                                                     "min_count": measure.requirements[0].min_count}


def test_every_check_of_a_decision_has_facts_in_its_json_after_the_contract_keys() -> None:
    person = PersonRecord(employee=Employee("E1", "", "", MINI.family, 1, dt.date(2020, 1, 1),
                                            dt.date(2021, 1, 1)))
    decision = evaluate(MINI, person, as_of=AS_OF, stage=Stage.certification, knowledge=None)
    for level in decision.as_json("zh")["levels"]:
        for check in level["checks"]:
            assert list(check) == ["rule", "outcome", "actual", "required", "message", "facts"]
            assert check["facts"], check["rule"]
