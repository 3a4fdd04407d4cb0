"""Properties of the knowledge requirement (qualify.core.knowledge): ranks, ties and the policy's
bands, for any cohort and any policy."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from qualify.core.knowledge import allowed_levels_above, band_limit, rank_knowledge
from qualify.core.records import Employee, ExamRecord
from qualify.core.standard import KnowledgeBand, KnowledgePolicy
from qualify.core.text import Text
from qualify.formats.standard_yaml import load_standard

MINI = load_standard(Path(__file__).parents[1] / "fixtures" / "mini@1.0.yaml")

percents = st.one_of(st.integers(1, 100).map(float),
                     st.decimals(min_value="0.1", max_value="100", places=1).map(float))
cohorts = st.integers(1, 5000)
bands = st.builds(KnowledgeBand, top_percent=percents, max_levels_above=st.integers(0, 4))
policies = st.builds(
    KnowledgePolicy, note=st.just(Text(zh="测试", en="test")), bands=st.lists(bands, max_size=4),
    otherwise_max_levels_above=st.integers(0, 2),
)


@st.composite
def rank_pairs(draw: st.DrawFn) -> tuple[int, int, int]:
    cohort = draw(cohorts)
    a, b = sorted(draw(st.lists(st.integers(1, cohort), min_size=2, max_size=2)))
    return cohort, a, b


@given(percents, cohorts)
def test_a_band_holds_exactly_the_ranks_within_x_percent_of_the_cohort(top: float, cohort: int) -> None:
    limit = band_limit(top, cohort)
    exact = Fraction(str(top)) * cohort / 100
    assert limit - 1 < exact <= limit
    assert 1 <= limit <= cohort


@given(percents, percents, cohorts, cohorts)
def test_a_wider_band_or_a_bigger_cohort_never_holds_fewer_ranks(
        a: float, b: float, m: int, n: int) -> None:
    assert band_limit(min(a, b), min(m, n)) <= band_limit(max(a, b), max(m, n))


@given(rank_pairs(), policies)
def test_a_better_rank_never_allows_fewer_levels(
        ranks: tuple[int, int, int], policy: KnowledgePolicy) -> None:
    cohort, better, worse = ranks
    assert allowed_levels_above(better, cohort, policy) >= allowed_levels_above(worse, cohort, policy)


@given(cohorts, policies)
def test_the_allowance_is_the_best_band_held_or_else_the_default(
        cohort: int, policy: KnowledgePolicy) -> None:
    rank = math.ceil(cohort / 2)
    held = [b.max_levels_above for b in policy.bands if rank <= band_limit(b.top_percent, cohort)]
    assert allowed_levels_above(rank, cohort, policy) == max([policy.otherwise_max_levels_above, *held])


scores = st.integers(0, 100).map(float)


@given(st.lists(st.tuples(scores, scores), min_size=1, max_size=40))
def test_ranks_count_the_people_strictly_ahead_so_tied_scores_share_the_best_rank(
        results: list[tuple[float, float]]) -> None:
    people = [Employee(f"E{i:03d}", "x", "unit", MINI.family, 1, dt.date(2020, 1, 1), dt.date(2020, 1, 1))
              for i in range(len(results))]
    exams = [ExamRecord(p.employee_id, "2026", exam, score)
             for p, pair in zip(people, results, strict=True)
             for exam, score in zip(("general", "professional"), pair, strict=True)]
    standings = rank_knowledge(MINI, people, exams)
    totals = {p.employee_id: sum(pair) for p, pair in zip(people, results, strict=True)}
    for employee_id, standing in standings.items():
        ahead = sum(1 for other in totals.values() if other > totals[employee_id])
        assert standing.rank == 1 + ahead
        assert standing.cohort == len(people)
    policy = MINI.knowledge.policy
    by_score: dict[float, set[int]] = {}
    for employee_id, standing in standings.items():
        assert standing.rank is not None
        by_score.setdefault(totals[employee_id], set()).add(
            allowed_levels_above(standing.rank, standing.cohort, policy))
    assert all(len(allowed) == 1 for allowed in by_score.values()), "a tie never splits the allowance"
