"""No page or API call's cost grows with the size of the job family (issue 9, done-when): the queries
sent and the rows read for a person page, ``/me/``, ``/api/me/``, a gap list and the people lists are
the same with 20 people in the family as with 2,000.

The family is ``mini`` (the small organisation of ``tests.support.org``, grown with generated people
in the unit ``south``, outside the manager's ``north``); the growth is written in bulk, as an import
writes, and the family's standings are refreshed by the worker, as after an import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from qualify.services import standards
from qualify.web.people import standing_store
from qualify.web.people.models import ExamResult, OrgUnit, PerformanceRating, Person, StandingRun
from qualify.web.screening.worker import run_worker
from tests.support.costs import Cost, counting

pytestmark = pytest.mark.django_db
MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml"

PAGES = [  # (role, url)
    ("hr", "/people/E001/"),
    ("hr", "/people/E001/?as_of=2026-01-15"),  # another date: E001 alone, against the stored cohort
    ("employee", "/me/"),
    ("employee", "/api/me/"),
    ("hr", "/api/people/E001/gaps"),
    ("hr", "/api/people/E001/decision"),
    ("manager", "/people/"),
    ("hr", "/api/people/?page_size=10"),
    ("hr", "/people/?q=E00"),
]


@pytest.fixture(autouse=True)
def mini_is_shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = standards.shipped_files()
    monkeypatch.setattr(standards, "shipped_files", lambda: [*shipped, MINI])


def grow_family(to: int) -> None:
    """Add generated people to the family ``mini`` until it has ``to`` people, each with a score in
    both exams of the latest sitting and four quarters of performance, written in bulk (as an
    import), and refresh the family's standings in the worker."""
    south = OrgUnit.objects.get(code="south")
    have = Person.objects.filter(job_family="mini").count()
    start = Person.objects.filter(employee_id__startswith="G").count()
    new = [Person(employee_id=f"G{start + i:05d}", name=f"生成{i}", org_unit=south, job_family="mini",
                  current_level=1 + i % 3, hire_date=dt.date(2015, 1, 1) + dt.timedelta(days=i % 2000),
                  family_start_date=dt.date(2016, 1, 1)) for i in range(to - have)]
    Person.objects.bulk_create(new, batch_size=1000)
    people = list(Person.objects.filter(employee_id__in=[p.employee_id for p in new]))
    exams = [ExamResult(person=p, sitting="2026", exam=exam, score=40 + (i * 7 + k) % 60)
             for i, p in enumerate(people) for k, exam in enumerate(("general", "professional"))]
    ExamResult.objects.bulk_create(exams, batch_size=2000)
    ratings = [PerformanceRating(person=p, period=q, rating="AB"[i % 2] if i % 5 else "B+")
               for i, p in enumerate(people) for q in ("2025Q4", "2026Q1", "2026Q2", "2026Q3")]
    PerformanceRating.objects.bulk_create(ratings, batch_size=2000)
    standing_store.imported(["mini"], [p.pk for p in people])
    assert run_worker(once=True) >= 1
    assert Person.objects.filter(job_family="mini").count() == to
    run = StandingRun.objects.get(job_family="mini", status="done")
    assert run.people_count == to and not run.stale


def costs(client_for: Callable[[str], Client]) -> dict[str, Cost]:
    clients = {role: client_for(role) for role in ("hr", "employee", "manager")}
    found = {}
    for role, url in PAGES:
        client = clients[role]
        assert client.get(url).status_code == 200  # warm: sessions, caches of the standards
        with counting() as cost:
            response = client.get(url)
        assert response.status_code == 200, url
        found[f"{role} {url}"] = cost
    return found


def test_no_page_costs_more_with_2000_people_in_the_family_than_with_20(client_for: Any) -> None:
    grow_family(20)
    small = costs(client_for)
    grow_family(2000)
    large = costs(client_for)
    for page, cost in small.items():
        assert cost.rows > 0 and cost.queries > 0
        assert (large[page].queries, large[page].rows) == (cost.queries, cost.rows), (
            f"{page}: {cost} with 20 people, {large[page]} with 2,000\n" + "\n".join(large[page].sql))


def test_the_counter_sees_rows_grow_where_a_query_reads_the_whole_family(client_for: Any) -> None:
    """The same measure catches a page that reads the family (the old ranking did): counting every
    exam result of the family reads one row, listing them reads them all."""
    grow_family(20)
    with counting() as few:
        list(ExamResult.objects.filter(person__job_family="mini").values_list("score", flat=True))
    grow_family(2000)
    with counting() as many:
        list(ExamResult.objects.filter(person__job_family="mini").values_list("score", flat=True))
    assert few.queries == many.queries == 1
    assert many.rows > few.rows * 50
