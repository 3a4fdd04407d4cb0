"""The HR data frames of a screening run, read from the database straight into Polars.

The same data as ``qualify.web.people.records.organisation_for`` followed by
``qualify.formats.hrdata.from_organisation``, without making a Python object per row (on 20,000
people that path spends most of a screening run building model instances and records):

- employees: EVERY employee of the standard's job family, because the knowledge rank is computed
  within the whole family (``qualify.core.knowledge``); only the screened people's decisions are read;
- exams: the family's latest sitting (the only one the engine reads);
- performance, and for the certification stage evidence and ratings: the screened people's rows.

Empty optional text in the database is a missing value in the frames, as in the core records.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db.models import QuerySet

from qualify.core.decision import Stage
from qualify.core.standard import Standard
from qualify.formats.hrdata import HRFrames
from qualify.formats.hrdata_validate import TYPED_SCHEMAS
from qualify.web.people.decisions import family_exams
from qualify.web.people.models import ElementRating, Evidence, PerformanceRating, Person

OPTIONAL_EVIDENCE = ("role", "audience", "scope", "project_kind", "outcome")


def _frame(sheet: str, rows: Any) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=TYPED_SCHEMAS[sheet], orient="row")


def screening_frames(standard: Standard, people: QuerySet[Person], stage: Stage) -> HRFrames:
    family = Person.objects.filter(job_family=standard.family).order_by("employee_id")
    employees = _frame("employees", family.values_list(
        "employee_id", "name", "org_unit__code", "job_family", "current_level", "hire_date",
        "family_start_date")).with_columns(pl.col("org_unit").fill_null(""))
    screened = people.order_by()
    performance = _frame("performance", PerformanceRating.objects.filter(person__in=screened).values_list(
        "person__employee_id", "period", "rating"))
    exams = _frame("exams", [(x.employee_id, x.sitting, x.exam, float(x.score))
                             for x in family_exams(standard)])
    evidence = _frame("evidence", [])
    ratings = _frame("ratings", [])
    if stage is Stage.certification:
        evidence = _frame("evidence", Evidence.objects.filter(person__in=screened).values_list(
            "person__employee_id", "evidence_id", "activity", "date", *OPTIONAL_EVIDENCE, "deliverables",
            "note")).with_columns(
            *[pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in OPTIONAL_EVIDENCE])
        ratings = _frame("ratings", ElementRating.objects.filter(person__in=screened).values_list(
            "person__employee_id", "level", "element", "assessor", "rating", "comment"))
    return HRFrames(employees=employees, performance=performance, exams=exams, evidence=evidence,
                    ratings=ratings)
