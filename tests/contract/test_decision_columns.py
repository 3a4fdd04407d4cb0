"""The decisions written from columns (``qualify.batch.output``: JSON lines made by Polars, Parquet) are
the contract: the JSON lines are, byte for byte, ``json.dumps(decision.as_json(lang),
ensure_ascii=False)`` of the reference evaluator's decisions, for screening and certification, in both
languages, with unicode ids, people with no data (missing facts), an unknown part of the standard its
owner accepts (a pass with a warning) and every check outcome; ``--checks failing`` leaves out exactly
the checks that passed without a warning."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings

from qualify.batch.evaluate import evaluate_batch
from qualify.batch.output import write_jsonl, write_parquet
from qualify.core.decision import CheckOutcome, Decision
from qualify.core.evaluate import evaluate, rank_knowledge
from qualify.core.records import Employee, EvidenceRecord, ExamRecord, Organisation, PerformanceRecord
from qualify.core.standard import Standard
from qualify.formats.hrdata import from_organisation
from qualify.formats.standard_yaml import load_standard
from qualify.services.standards import shipped_files
from tests.contract.test_parity import MINI, organisations

SHIPPED = next((p for p in shipped_files() if p.stem == "service-marketing@2.0"), None)
AS_OF = dt.date(2026, 11, 26)


def reference(standard: Standard, org: Organisation, as_of: dt.date, stage: str) -> list[Decision]:
    standings = rank_knowledge(standard, org.employees, org.exams)
    out = []
    for employee in org.employees:
        person = org.person(employee.employee_id)
        if person is not None and employee.job_family == standard.family:
            out.append(evaluate(standard, person, as_of=as_of, stage=stage,
                                knowledge=standings.get(employee.employee_id)))
    return out


def failing_only(decision: dict[str, Any]) -> dict[str, Any]:
    """The decision JSON with the checks passed without a warning left out of each level."""
    for level in decision["levels"]:
        level["checks"] = [c for c in level["checks"]
                           if c["outcome"] != "pass" or c["facts"].get("accepted") is True]
    return decision


def assert_columns_are_the_contract(standard: Standard, org: Organisation, as_of: dt.date,
                                    tmp_path: Path) -> list[Decision]:
    frames = from_organisation(org)
    seen: list[Decision] = []
    for stage in ("screening", "certification"):
        result = evaluate_batch(standard, frames, as_of, stage)
        decisions = reference(standard, org, as_of, stage)
        seen += decisions
        for lang in ("en", "zh"):
            written = io.BytesIO()
            write_jsonl(result, written, lang)
            expected = "".join(json.dumps(d.as_json(lang), ensure_ascii=False) + "\n" for d in decisions)
            assert written.getvalue() == expected.encode("utf-8")

            failing = io.BytesIO()
            write_jsonl(result, failing, lang, "failing")
            assert [json.loads(line) for line in failing.getvalue().decode("utf-8").splitlines()] == \
                [failing_only(d.as_json(lang)) for d in decisions]

        parquet = tmp_path / f"{stage}.parquet"
        write_parquet(result, parquet, "en")
        rows = pl.read_parquet(parquet).select(
            "employee_id", "level", "level_outcome", "rule", "outcome", "actual", "required", "message",
            pl.col("facts").cast(pl.String)).rows()
        assert rows == [(d.employee_id, ld.level, ld.outcome.value, c.rule, c.outcome.value, c.actual,
                         c.required, c.message_en, json.dumps(c.facts_json(), ensure_ascii=False))
                        for d in decisions for ld in d.levels for c in ld.checks]
    return seen


COLUMNS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                            HealthCheck.function_scoped_fixture])


@COLUMNS
@given(case=organisations(MINI))
def test_the_columns_write_the_reference_decisions_on_made_up_organisations(
        case: tuple[Organisation, dt.date], tmp_path: Path) -> None:
    assert_columns_are_the_contract(MINI, *case, tmp_path)


def edge_cases(standard: Standard) -> Organisation:
    """Ids with quotes, backslashes, Chinese and an emoji; someone with no data at all; someone
    strong enough to pass most checks; someone of another job family."""
    family = standard.family
    people = (
        Employee('E"1\\中', "王五 \"五\"", "华东/上海", family, 1, dt.date(2015, 3, 1), dt.date(2016, 1, 1)),
        Employee("😀-2", "", "", family, 0, dt.date(2026, 11, 26), dt.date(2026, 11, 27)),
        Employee("E\t3", "Tab", "West", family, 2, dt.date(2010, 1, 31), dt.date(2010, 2, 28)),
        Employee("X4", "Other", "", "other-family", 2, dt.date(2010, 1, 1), dt.date(2010, 1, 1)),
    )
    performance = tuple(PerformanceRecord(who, period, rating)
                        for who, rating in (('E"1\\中', "A"), ("E\t3", "C"))
                        for period in ("2025Q4", "2026Q1", "2026Q2", "2026Q3"))
    exams = tuple(ExamRecord(who, "2026", exam.code, score)
                  for who, score in (('E"1\\中', 99.5), ("E\t3", 60.0))
                  for exam in standard.knowledge.exams)
    requirements = [r for m in standard.modules for me in m.measures if me.applies for r in me.requirements]
    evidence = tuple(
        EvidenceRecord('E"1\\中', f"V{i}-{n}", req.activity, dt.date(2026, 5, 1),
                       role=req.roles[0] if req.roles else None, audience=req.min_audience,
                       scope=req.min_scope, project_kind=req.project_kinds[0] if req.project_kinds else None,
                       outcome=req.outcome, deliverables=tuple(req.deliverables))
        for i, req in enumerate(requirements) for n in range(req.min_count))
    return Organisation(employees=people, performance=performance, exams=exams, evidence=evidence, ratings=())


def test_unicode_ids_missing_facts_and_every_outcome_on_the_mini_standard(tmp_path: Path) -> None:
    decisions = assert_columns_are_the_contract(MINI, edge_cases(MINI), AS_OF, tmp_path)
    outcomes = {c.outcome for d in decisions for ld in d.levels for c in ld.checks}
    assert outcomes == set(CheckOutcome)


@pytest.mark.skipif(SHIPPED is None, reason="the shipped standard is not there")
def test_an_accepted_unknown_part_is_written_as_a_pass_with_its_warning_facts(tmp_path: Path) -> None:
    assert SHIPPED is not None
    copy = tmp_path / SHIPPED.name
    copy.write_text(SHIPPED.read_text(encoding="utf-8").replace(
        "\ncompleteness:\n", "\ncompleteness:\n  unknown_requirements: accept\n", 1), encoding="utf-8")
    standard = load_standard(copy)
    decisions = assert_columns_are_the_contract(standard, edge_cases(standard), AS_OF, tmp_path)
    warned = [c for d in decisions for ld in d.levels for c in ld.checks if c.warns]
    assert warned and all(c.outcome is CheckOutcome.passed for c in warned)
