"""Two evaluators, one meaning: the batch evaluator (Polars) gives exactly the reference evaluator's
decisions (same checks in the same order, facts, outcomes, actual, required, messages, gaps) on organisations
that hypothesis makes up around the edges: dates on month ends and around the as-of date, missing
quarters, several ratings of one quarter, tied exam scores, people who skipped an exam, evidence
just under and just over a requirement, ratings exactly at the passing rating, other job families."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualify.batch.evaluate import evaluate_batch
from qualify.core.decision import CheckOutcome
from qualify.core.evaluate import evaluate, rank_knowledge, texts_of
from qualify.core.periods import add_months, last_closed_quarter, period_of_index
from qualify.core.records import (
    Employee,
    EvidenceRecord,
    ExamRecord,
    Organisation,
    PerformanceRecord,
    RatingRecord,
)
from qualify.core.standard import Requirement, Standard
from qualify.formats.hrdata import from_organisation
from qualify.formats.standard_yaml import load_standard
from qualify.services.standards import get_standard, shipped_files

ROOT = Path(__file__).resolve().parents[2]
MINI = load_standard(ROOT / "tests" / "fixtures" / "mini@1.0.yaml")
HAS_SHIPPED = any(p.stem == "service-marketing@2.0" for p in shipped_files())

AS_OF_DATES = [dt.date(2026, 11, 26), dt.date(2026, 9, 30), dt.date(2026, 10, 1), dt.date(2026, 2, 28),
               dt.date(2024, 2, 29), dt.date(2026, 12, 31), dt.date(2026, 1, 31)]
SCORES = [0.0, 45.5, 60.0, 60.5, 70.0, 80.0, 99.5, 100.0]  # few values: ties are common


def near(draw: st.DrawFn, as_of: dt.date) -> dt.date:
    """A date some whole months before the as-of date, give or take a day (or after it)."""
    months = draw(st.integers(min_value=-2, max_value=70))
    return add_months(as_of, -months) + dt.timedelta(days=draw(st.sampled_from([-1, 0, 0, 1])))


def matching(req: Requirement, standard: Standard, draw: st.DrawFn, employee_id: str, evidence_id: str,
             day: dt.date) -> EvidenceRecord:
    """A record made for ``req``: it matches, or misses on one thing (one rung too low, another role,
    a deliverable short, no outcome)."""
    v = standard.vocabularies
    miss = draw(st.sampled_from(["none", "none", "none", "rung", "role", "deliverable", "outcome", "kind"]))

    def rung(ladder: str, minimum: str | None) -> str | None:
        if minimum is None:
            return draw(st.one_of(st.none(), st.sampled_from(v.codes(ladder))))
        codes = v.codes(ladder)
        low = codes.index(minimum)
        if miss == "rung":
            return codes[low - 1] if low > 0 else None
        return codes[draw(st.integers(min_value=low, max_value=len(codes) - 1))]

    roles = [r for r in v.codes("roles") if r not in req.roles] if miss == "role" else req.roles
    any_role = st.one_of(st.none(), st.sampled_from(v.codes("roles")))
    role = draw(st.sampled_from(roles)) if roles else draw(any_role)
    kinds = [k for k in v.codes("project_kinds") if k not in req.project_kinds] if miss == "kind" \
        else req.project_kinds
    kind = draw(st.sampled_from(kinds)) if kinds else None
    deliverables = list(req.deliverables)
    if miss == "deliverable" and deliverables:
        deliverables = deliverables[1:]
    return EvidenceRecord(
        employee_id=employee_id, evidence_id=evidence_id, activity=req.activity, date=day, role=role,
        audience=rung("audience_ranks", req.min_audience), scope=rung("scopes", req.min_scope),
        project_kind=kind, outcome=None if miss == "outcome" else req.outcome,
        deliverables=tuple(deliverables), note="")


@st.composite
def organisations(draw: st.DrawFn, standard: Standard) -> tuple[Organisation, dt.date]:
    as_of = draw(st.sampled_from(AS_OF_DATES))
    v = standard.vocabularies
    top = max(standard.level_numbers)
    last = last_closed_quarter(as_of)
    quarters = [period_of_index(q) for q in range(last - 4, last + 1)]
    exams = [e.code for e in standard.knowledge.exams]
    requirements = [r for m in standard.modules for me in m.measures if me.applies for r in me.requirements]
    elements = [(level, element.code) for level in standard.level_numbers
                for _, element, _ in standard.elements_at(level)]
    people: list[Employee] = []
    performance: list[PerformanceRecord] = []
    results: list[ExamRecord] = []
    evidence: list[EvidenceRecord] = []
    ratings: list[RatingRecord] = []
    for i in range(draw(st.integers(min_value=1, max_value=7))):
        employee_id = f"{i:05d}"
        hired = near(draw, as_of)
        family_start = hired if draw(st.booleans()) else near(draw, as_of)
        family = draw(st.sampled_from([standard.family] * 5 + ["other-family"]))
        people.append(Employee(employee_id, f"员工{i}", "总部", family, draw(st.integers(0, top)), hired,
                               family_start))
        for period in quarters:
            for _ in range(draw(st.sampled_from([0, 1, 1, 1, 1, 2]))):  # missing, once, or twice
                performance.append(PerformanceRecord(employee_id, period,
                                                     draw(st.sampled_from(v.codes("performance_ratings")))))
        for sitting in ("2025", "2026"):
            for code in exams:
                for _ in range(draw(st.sampled_from([0, 1, 1, 1, 1, 2]))):  # not sat, once, or twice
                    results.append(ExamRecord(employee_id, sitting, code, draw(st.sampled_from(SCORES))))
        if requirements:
            for _ in range(draw(st.integers(0, 8))):
                req = draw(st.sampled_from(requirements))
                day = draw(st.sampled_from([as_of, as_of + dt.timedelta(days=1),
                                            as_of - dt.timedelta(days=400)]))
                for _ in range(draw(st.sampled_from([req.min_count - 1, req.min_count, req.min_count + 1]))):
                    evidence.append(matching(req, standard, draw, employee_id, f"EV{len(evidence):05d}", day))
        for level, element in draw(st.lists(st.sampled_from(elements), max_size=6)) if elements else []:
            for a in range(draw(st.integers(1, 3))):
                ratings.append(RatingRecord(employee_id, level, element, f"A{a}",
                                            draw(st.sampled_from(v.codes("behaviour_ratings")))))
    return Organisation(employees=tuple(people), performance=tuple(performance), exams=tuple(results),
                        evidence=tuple(evidence), ratings=tuple(ratings)), as_of


def assert_same_decisions(standard: Standard, org: Organisation, as_of: dt.date) -> None:
    frames = from_organisation(org)
    standings = rank_knowledge(standard, org.employees, org.exams)
    for stage in ("screening", "certification"):
        result = evaluate_batch(standard, frames, as_of, stage)
        batch = result.to_decisions()
        reference = []
        for employee in org.employees:
            person = org.person(employee.employee_id)
            if person is not None and employee.job_family == standard.family:
                reference.append(evaluate(standard, person, as_of=as_of, stage=stage,
                                          knowledge=standings.get(employee.employee_id)))
        assert len(batch) == len(reference)
        for mine, theirs in zip(batch, reference, strict=True):
            # the facts first: every check's typed values, then everything written from them
            assert [(c.rule, c.facts) for ld in mine.levels for c in ld.checks] == \
                [(c.rule, c.facts) for ld in theirs.levels for c in ld.checks]
            assert mine.as_json("en") == theirs.as_json("en")
            assert mine.as_json("zh") == theirs.as_json("zh")
            assert mine == theirs
            # and the facts alone give every text of the check
            for ld in theirs.levels:
                for c in ld.checks:
                    assert c.facts is not None
                    actual, required, message, gap = texts_of(standard, ld.level, c.rule, c.facts)
                    assert (actual, required, message) == (c.actual, c.required, (c.message_zh, c.message_en))
                    if c.outcome is not CheckOutcome.passed:
                        assert gap == (c.gap_zh, c.gap_en)
        # the checks frame carries the same facts, as the JSON of each check
        frame_facts = [json.loads(f) for f in result.checks.get_column("facts").cast(pl.String).to_list()]
        assert frame_facts == [c.facts_json() for d in reference for ld in d.levels for c in ld.checks]


PARITY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PARITY
@given(organisations(MINI))
def test_batch_and_reference_decide_alike_on_the_mini_standard(case: tuple[Organisation, dt.date]) -> None:
    assert_same_decisions(MINI, *case)


@pytest.mark.skipif(not HAS_SHIPPED, reason="the shipped standard is not there yet")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_batch_and_reference_decide_alike_on_the_shipped_standard(data: st.DataObject) -> None:
    standard = get_standard("service-marketing@2.0")
    assert_same_decisions(standard, *data.draw(organisations(standard)))
