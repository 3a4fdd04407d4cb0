"""Stored decision traces from before checks carried facts gain them once, by the data migration
``certification.0002_decision_trace_facts``, with the values the engine gives today."""

from __future__ import annotations

import copy
import datetime as dt
import importlib
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from qualify.core.decision import Stage
from qualify.core.evaluate import evaluate
from qualify.core.knowledge import KnowledgeStanding
from qualify.core.records import Employee, EvidenceRecord, PerformanceRecord, PersonRecord, RatingRecord
from qualify.formats.standard_yaml import load_standard
from qualify.services.certification.frozen import freeze_standard
from qualify.web.certification import models as m

MINI = load_standard(Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml")
AS_OF = dt.date(2026, 11, 26)
migration = importlib.import_module("qualify.web.certification.migrations.0002_decision_trace_facts")


def trace_of_today() -> dict[str, Any]:
    """A computed decision's trace as the application stores it now (with facts)."""
    i = "E001"
    record = PersonRecord(
        employee=Employee(i, "张伟", "bj", "mini", 1, dt.date(2018, 3, 1), dt.date(2019, 5, 31)),
        performance=(PerformanceRecord(i, "2026Q1", "B"), PerformanceRecord(i, "2026Q3", "C")),
        evidence=(EvidenceRecord(i, "V1", "presentation", dt.date(2026, 2, 1), role="lead",
                                 audience="province-om-director"),),
        ratings=(RatingRecord(i, 2, "talk-prep", "A1", "meets"),
                 RatingRecord(i, 2, "talk-prep", "A2", "partial")),
    )
    decision = evaluate(MINI, record, as_of=AS_OF, stage=Stage.certification,
                        knowledge=KnowledgeStanding("2026", (), 157.5, 3, 12))
    return {"en": decision.as_json("en"), "zh": decision.as_json("zh"), "target_level": 2}


def without_facts(trace: dict[str, Any]) -> dict[str, Any]:
    old = copy.deepcopy(trace)
    for lang in ("en", "zh"):
        for level in old[lang]["levels"]:
            for check in level["checks"]:
                del check["facts"]
    return old


@pytest.mark.django_db
def test_a_stored_trace_without_facts_gains_the_facts_the_engine_gives_today(org: Any) -> None:
    text, sha = freeze_standard(MINI)
    cycle = m.Cycle.objects.create(name="2025", family="mini", standard_text=text, standard_sha256=sha,
                                   opens_on=AS_OF, closes_on=AS_OF, as_of=AS_OF, levels=[2])
    application = m.Application.objects.create(cycle=cycle, person=org.people["E001"], current_level=1,
                                               target_level=2)
    today = trace_of_today()
    old = without_facts(today)
    stored = m.Decision.objects.create(application=application, kind="computed", passed=False, level=2,
                                       outcome="not_eligible", trace=old, decided_by_name="hr",
                                       decided_at=timezone.now())
    assert "facts" not in old["en"]["levels"][0]["checks"][0]

    migration.forwards(apps, None)

    migrated = m.Decision.objects.get(pk=stored.pk).trace
    for lang in ("en", "zh"):
        for mine, theirs in zip(migrated[lang]["levels"], today[lang]["levels"], strict=True):
            for check, expected in zip(mine["checks"], theirs["checks"], strict=True):
                assert check["facts"] == expected["facts"], (lang, mine["level"], check["rule"])
                assert {k: v for k, v in check.items() if k != "facts"} == \
                    {k: v for k, v in expected.items() if k != "facts"}
    assert migrated["target_level"] == 2


@pytest.mark.django_db
def test_the_migration_leaves_a_trace_that_has_facts_alone(org: Any) -> None:
    today = trace_of_today()
    assert migration.with_facts(today, None) is None
