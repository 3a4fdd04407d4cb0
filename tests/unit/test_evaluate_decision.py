"""The reference evaluator: one decision per person, every level, one check per rule, gaps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from qualify.core.decision import CheckOutcome, Decision, LevelOutcome, Stage
from qualify.core.errors import QualifyError
from qualify.core.evaluate import evaluate
from qualify.core.knowledge import rank_knowledge
from qualify.core.records import PersonRecord
from qualify.core.standard import ExamplePerson
from qualify.formats.standard_yaml import load_standard
from qualify.services.examples import person_record

MINI = load_standard(Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml")
AS_OF = dt.date(2026, 11, 26)
GOOD_QUARTERS = [{"period": p, "rating": "B+"} for p in ("2026Q1", "2026Q2", "2026Q3")]


def person(**fields: Any) -> PersonRecord:
    data: dict[str, Any] = {
        "employee_id": "E1", "job_family": "mini", "current_level": 1,
        "hire_date": "2015-01-01", "family_start_date": "2015-01-01", "performance": GOOD_QUARTERS,
        "exams": [{"sitting": "2026", "exam": "general", "score": 90},
                  {"sitting": "2026", "exam": "professional", "score": 90}],
    }
    data.update(fields)
    return person_record(ExamplePerson.model_validate(data))


def decide(record: PersonRecord, stage: Stage = Stage.screening) -> Decision:
    standings = rank_knowledge(MINI, [record.employee], record.exams)
    standing = standings.get(record.employee.employee_id)
    return evaluate(MINI, record, as_of=AS_OF, stage=stage, knowledge=standing)


def test_screening_checks_experience_performance_and_knowledge_at_every_level_in_that_order() -> None:
    decision = decide(person())
    assert [ld.level for ld in decision.levels] == [1, 2, 3, 4, 5]
    for ld in decision.levels:
        assert [c.rule for c in ld.checks] == [
            "company_experience", "family_experience", "performance", "knowledge"]


def test_certification_adds_each_element_with_a_criterion_then_each_module_with_a_measure() -> None:
    decision = decide(person(), Stage.certification)
    rules = {ld.level: [c.rule for c in ld.checks][4:] for ld in decision.levels}
    assert rules[1] == ["behaviour:talk-prep", "behaviour:reporting", "measure:talks"]
    assert rules[2] == ["behaviour:talk-prep", "behaviour:talk-delivery", "behaviour:reporting",
                        "measure:talks"]
    assert rules[4] == ["behaviour:talk-delivery", "behaviour:reporting"]
    assert rules[5] == ["behaviour:reporting"]


def test_a_sole_member_of_the_cohort_in_the_top_band_is_eligible_up_to_two_levels_above() -> None:
    decision = decide(person())
    outcomes = {ld.level: ld.outcome for ld in decision.levels}
    assert outcomes == {1: LevelOutcome.eligible, 2: LevelOutcome.eligible, 3: LevelOutcome.eligible,
                        4: LevelOutcome.not_eligible, 5: LevelOutcome.not_eligible}
    assert decision.highest_eligible_level == 3
    assert decision.gaps == []  # level 2 is current + 1, and it is eligible


def test_a_missing_check_makes_a_level_incomplete_and_a_failing_one_not_eligible() -> None:
    decision = decide(person(performance=GOOD_QUARTERS[:2], hire_date="2024-06-01"))
    # 29 months in the company; the 2026Q3 rating is missing at every level
    assert decision.levels[0].outcome is LevelOutcome.incomplete
    assert decision.levels[2].checks[0].outcome is CheckOutcome.failed  # 36 months needed
    assert decision.levels[2].outcome is LevelOutcome.not_eligible
    assert decision.highest_eligible_level == 0


def test_gaps_list_every_check_short_of_pass_for_the_next_level_only() -> None:
    decision = decide(person(current_level=0, hire_date="2026-01-10", exams=[]))
    assert {g.level for g in decision.gaps} == {1}
    assert [g.rule for g in decision.gaps] == ["company_experience", "knowledge"]
    assert decision.gaps[0].message_en == "2 more months in the company: met on 2027-01-10"


def test_nobody_at_the_top_level_has_gaps() -> None:
    decision = decide(person(current_level=5, exams=[]))
    assert decision.gaps == []


def test_without_a_knowledge_standing_the_knowledge_check_is_missing() -> None:
    decision = evaluate(MINI, person(), as_of=AS_OF, stage="screening", knowledge=None)
    knowledge = decision.levels[0].checks[3]
    assert knowledge.outcome is CheckOutcome.missing
    assert knowledge.actual == "no exam results"


def test_a_person_of_another_job_family_is_not_evaluated() -> None:
    with pytest.raises(QualifyError) as raised:
        decide(person(job_family="finance"))
    assert raised.value.code == "other-family"


def test_the_json_decision_has_the_contract_shape_in_the_language_asked_for() -> None:
    decision = decide(person(current_level=0, performance=GOOD_QUARTERS[:2]))
    data = decision.as_json("zh")
    assert list(data) == ["employee_id", "standard", "as_of", "stage", "current_level",
                          "highest_eligible_level", "levels", "gaps"]
    assert data["as_of"] == "2026-11-26" and data["standard"] == "mini@1.0"
    check = data["levels"][0]["checks"][2]
    assert list(check) == ["rule", "outcome", "actual", "required", "message", "facts"]
    assert check["outcome"] == "missing" and "缺少 2026Q3 的绩效" in check["message"]
    assert data["gaps"] == [{"level": 1, "rule": "performance", "message": "缺少 2026Q3 的绩效：请 HR 补录"}]


def test_evaluating_the_same_person_twice_gives_equal_decisions() -> None:
    record = person(current_level=2)
    assert decide(record, Stage.certification) == decide(record, Stage.certification)
