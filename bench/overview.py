"""Benchmark of HR's overview and certificate register (not a test):
``python bench/overview.py [--people 200000]``.

Makes a fresh database (SQLite under a temporary ``QUALIFY_HOME``, or ``DATABASE_URL`` when set: use
a scratch database) with ``--people`` people in 200 units, a valid or lapsing certificate for a third
of them, one cycle with everyone screened and 5,000 applications, then times each figure of the
overview (``qualify.web.certification.reports``, GROUP BY in the database), the register's count and
first page, and its xlsx export. The last line is:
``overview N people: charts X s in all (slowest NAME Y s), register page Z s, xlsx of C certificates W s``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
import time
from collections.abc import Callable
from typing import Any


def timed(name: str, step: Callable[[], Any], figures: dict[str, float]) -> Any:
    start = time.perf_counter()
    result = step()
    figures[name] = time.perf_counter() - start
    print(f"  {name}: {figures[name]:.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("QUALIFY_HOME", tempfile.mkdtemp(prefix="qualify-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "qualify.web.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from qualify.formats.table_xlsx import Table, table_workbook
    from qualify.web.certification import models as m
    from qualify.web.certification import reports
    from qualify.web.people.models import OrgUnit, Person

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    start = time.perf_counter()
    root = OrgUnit.objects.create(code="hq", name_zh="总部", name_en="HQ")
    units = [OrgUnit.objects.create(code=f"u{i}", name_zh=f"单位{i}", parent=root) for i in range(200)]
    hired = dt.date(2018, 3, 1)
    Person.objects.bulk_create(
        (
            Person(
                employee_id=f"{i:08d}",
                name=f"员工{i}",
                org_unit=rng.choice(units),
                job_family="service-marketing",
                current_level=rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4, 5]),
                hire_date=hired,
                family_start_date=hired,
            )
            for i in range(args.people)
        ),
        batch_size=5000,
    )
    people = list(Person.objects.values_list("pk", "employee_id", "current_level", "name"))
    today = timezone.localdate()
    now = timezone.now()
    m.Certificate.objects.bulk_create(
        (
            m.Certificate(
                number=f"SM-L{level or 1}-2026-{pk:07d}",
                person_id=pk,
                holder_name=name,
                holder_employee_id=eid,
                job_family="service-marketing",
                level=level or 1,
                standard_id="service-marketing@2.0",
                standard_version="2.0",
                valid_from=today - dt.timedelta(days=400),
                valid_until=today + dt.timedelta(days=rng.randint(-60, 700)),
                issued_at=now,
            )
            for pk, eid, level, name in people[:: 3]
        ),
        batch_size=5000,
    )
    cycle = m.Cycle.objects.create(
        name="bench", family="service-marketing", standard_id="service-marketing@2.0", standard_text="{}",
        standard_sha256="0" * 64, state="assessing", opens_on=today, closes_on=today, as_of=today,
        levels=[2, 3],
    )
    m.ScreeningEntry.objects.bulk_create(
        (
            m.ScreeningEntry(cycle=cycle, person_id=pk, highest_eligible_level=rng.choice([0, 1, 2, 3]))
            for pk, *_ in people
        ),
        batch_size=5000,
    )
    m.Application.objects.bulk_create(
        (
            m.Application(
                cycle=cycle, person_id=pk, current_level=level, target_level=level + 1, submitted_at=now,
                state=rng.choice(["submitted", "in_review", "decided", "certified"]),
            )
            for pk, _eid, level, _n in people[:5000]
        ),
        batch_size=5000,
    )
    made = time.perf_counter() - start
    print(f"made {args.people} people, {len(people[::3])} certificates in {made:.1f} s")

    admin = get_user_model().objects.create_superuser("bench", password=None)
    figures: dict[str, float] = {}
    levels = [0, 1, 2, 3, 4, 5]
    timed("levels by unit", lambda: reports.levels_by_unit(admin, levels, "zh"), figures)
    timed(
        "eligible and certified", lambda: reports.eligible_and_certified(admin, cycle, [2, 3], today), figures
    )
    timed("funnel", lambda: reports.funnel(cycle), figures)
    timed("score spread", lambda: reports.score_spread(cycle), figures)
    timed("expiring by month", lambda: reports.expiring_by_month(admin, today), figures)
    charts = sum(figures.values())
    slowest = max(figures, key=lambda k: figures[k])
    query = reports.RegisterFilter(status="expiring")
    page = {}
    timed("register page", lambda: (reports.register(admin, query, today).count(),
                                    list(reports.register(admin, query, today)[:50])), page)
    everything = reports.register(admin, reports.RegisterFilter(), today)
    rows = [[c.number, c.holder_employee_id, c.holder_name, c.level, c.valid_until.isoformat()]
            for c in everything.iterator(chunk_size=2000)]
    xlsx: dict[str, float] = {}
    header = ["number", "employee_id", "name", "level", "valid_until"]
    timed("register xlsx", lambda: table_workbook([Table("register", header, rows)]), xlsx)
    print(
        f"overview {args.people} people: charts {charts:.2f} s in all "
        f"(slowest {slowest} {figures[slowest]:.2f} s), register page {page['register page']:.2f} s, "
        f"xlsx of {len(rows)} certificates {xlsx['register xlsx']:.1f} s"
    )


if __name__ == "__main__":
    main()
