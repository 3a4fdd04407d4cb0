"""knowledge: the latest sitting, the combined score ranked in the job family, the policy bands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from qualify.core.decision import CheckOutcome
from qualify.core.evaluate import knowledge_check
from qualify.core.knowledge import KnowledgeStanding, band_limit, rank_knowledge
from qualify.core.records import Employee, ExamRecord
from qualify.formats.standard_yaml import load_standard

MINI = load_standard(Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml")
PASS, FAIL, MISSING = CheckOutcome.passed, CheckOutcome.failed, CheckOutcome.missing


def employee(i: str, family: str = "mini") -> Employee:
    return Employee(i, i, "unit", family, 1, dt.date(2020, 1, 1), dt.date(2020, 1, 1))


def sat(i: str, general: float, professional: float, sitting: str = "2026") -> list[ExamRecord]:
    return [ExamRecord(i, sitting, "general", general), ExamRecord(i, sitting, "professional", professional)]


def standing(rank: int, cohort: int) -> KnowledgeStanding:
    return KnowledgeStanding(sitting="2026", missing=(), score=150.0, rank=rank, cohort=cohort)


def test_tied_scores_share_the_best_rank() -> None:
    people = [employee(i) for i in ("A", "B", "C", "D")]
    exams = sat("A", 90, 90) + sat("B", 80, 90) + sat("C", 90, 80) + sat("D", 60, 60)
    ranks = {i: s.rank for i, s in rank_knowledge(MINI, people, exams).items()}
    assert ranks == {"A": 1, "B": 2, "C": 2, "D": 4}


def test_the_cohort_is_the_job_family_members_who_sat_both_exams() -> None:
    people = [employee("A"), employee("B"), employee("X", family="other"), employee("N")]
    exams = (sat("A", 50, 50) + sat("B", 40, 40) + sat("X", 99, 99)
             + [ExamRecord("N", "2026", "general", 100)])
    standings = rank_knowledge(MINI, people, exams)
    assert set(standings) == {"A", "B", "N"}
    assert standings["A"].rank == 1 and standings["A"].cohort == 2
    assert standings["N"].missing == ("professional",) and standings["N"].rank is None


def test_only_the_latest_sitting_in_the_data_counts() -> None:
    people = [employee("A"), employee("B")]
    exams = sat("A", 100, 100, sitting="2025") + sat("B", 10, 10, sitting="2026")
    standings = rank_knowledge(MINI, people, exams)
    assert standings["B"].rank == 1 and standings["B"].cohort == 1
    assert standings["A"].sitting == "2026" and standings["A"].missing == ("general", "professional")


def test_the_combined_score_is_the_sum_of_both_exams() -> None:
    standings = rank_knowledge(MINI, [employee("A")], sat("A", 71.5, 80))
    assert standings["A"].score == 151.5


def test_no_exam_results_in_the_family_leave_everyone_without_a_sitting() -> None:
    standings = rank_knowledge(MINI, [employee("A")], [])
    assert standings["A"].sitting is None


def test_top_x_percent_is_rank_within_the_ceiling_of_x_percent_of_n() -> None:
    assert [band_limit(20, n) for n in (1, 4, 5, 6, 10, 11, 40)] == [1, 1, 1, 2, 2, 3, 8]
    assert band_limit(80, 5) == 4
    assert band_limit(80, 6) == 5


def test_band_limits_are_exact_where_float_arithmetic_rounds_up() -> None:
    # 7 / 100 * 100 is 7.000000000000001 in floating point; the top 7% of 100 is 7 people
    assert band_limit(7, 100) == 7
    assert band_limit(14, 50) == 7
    assert band_limit(33.3, 1000) == 333
    assert band_limit(12.5, 8) == 1


def test_a_level_at_or_below_the_current_level_needs_only_both_exams_sat() -> None:
    for level in (1, 2):
        result = knowledge_check(level, 2, standing(rank=40, cohort=40), MINI.knowledge)
        assert result.outcome is PASS
        assert result.required == "sat general, professional"


def test_top_20_percent_may_apply_two_levels_above() -> None:
    result = knowledge_check(3, 1, standing(rank=2, cohort=10), MINI.knowledge)
    assert result.outcome is PASS
    assert result.required == "top 20% (rank <= 2 of 10)"


def test_rank_just_outside_the_top_20_percent_may_not_apply_two_levels_above() -> None:
    result = knowledge_check(3, 1, standing(rank=3, cohort=10), MINI.knowledge)
    assert result.outcome is FAIL
    assert result.gap_en == "a rank of 2 or better of 10 (top 20%) is needed; now 3: 1 place to gain"


def test_top_80_percent_may_apply_one_level_above() -> None:
    assert knowledge_check(2, 1, standing(rank=8, cohort=10), MINI.knowledge).outcome is PASS
    assert knowledge_check(2, 1, standing(rank=9, cohort=10), MINI.knowledge).outcome is FAIL


def test_nobody_may_apply_three_levels_above_even_without_exam_results() -> None:
    nothing = KnowledgeStanding(sitting="2026", missing=("general", "professional"), score=None, rank=None,
                                cohort=10)
    for known in (standing(rank=1, cohort=10), nothing):
        result = knowledge_check(4, 1, known, MINI.knowledge)
        assert result.outcome is FAIL
        assert result.gap_en.endswith("reach level 2 first")


def test_not_sitting_both_exams_of_the_latest_sitting_is_missing() -> None:
    partly = KnowledgeStanding(sitting="2026", missing=("professional",), score=None, rank=None, cohort=10)
    result = knowledge_check(1, 1, partly, MINI.knowledge)
    assert result.outcome is MISSING
    assert result.actual == "sitting 2026: not sat professional"
    assert "service-marketing professional" in result.message_en
    assert "服务营销业务专业" in result.gap_zh


def test_a_job_family_without_exam_results_is_missing() -> None:
    nothing = KnowledgeStanding(sitting=None, missing=("general", "professional"), score=None, rank=None,
                                cohort=0)
    result = knowledge_check(1, 0, nothing, MINI.knowledge)
    assert result.outcome is MISSING
    assert result.actual == "no exam results"
