"""Benchmark of the workbench (not a test): ``python bench/workbench.py [--employees 5000] [--runs 5]``.

Migrates a SQLite database in a new temporary ``QUALIFY_HOME``, imports a generated organisation of
``--employees`` people of the shipped standard (as ``qualify generate`` and ``qualify import`` do),
opens a cycle in which 20 of them have submitted applications, gives accounts to an employee, the
manager of the top unit (everyone below it), an assessor and HR, and requests ``/workbench/`` as each
``--runs`` times (Django's test client, in process). It prints per role the median and the slowest
time and the number of SQL queries of one request; the goal is under 500 ms a page and a number of
queries that does not grow with the organisation. The last line is
``workbench: employee X ms (Q queries), manager …, assessor …, hr … over N people``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="qualify-bench-workbench-"))
    os.environ["QUALIFY_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    from qualify.web import server

    server.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from qualify.services import certification as svc
    from qualify.services.generate import generate_organisation, write_hr_data
    from qualify.services.hr_import import default_standard_id, import_file
    from qualify.services.standards import get_standard
    from qualify.web.certification.repository import DjangoRepository, actor_for
    from qualify.web.people.models import OrgUnit, Person
    from qualify.web.people.repository import OrmRepository

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    standard = get_standard(default_standard_id())
    today = timezone.localdate()
    start = time.perf_counter()
    frames = generate_organisation(args.employees, 7, standard, today)
    data = write_hr_data(frames, home / "org")
    import_file(OrmRepository(), data, standard, via="cli")
    print(f"imported {Person.objects.count()} people in {time.perf_counter() - start:.0f} s")

    def account(name: str, roles: list[str], **profile: object) -> object:
        user = get_user_model().objects.create_user(username=name)  # force_login: no password
        p = user.profile  # type: ignore[attr-defined]
        p.roles = roles
        for key, value in profile.items():
            setattr(p, key, value)
        p.save()
        return user

    people = list(Person.objects.order_by("employee_id")[:3])
    top = OrgUnit.objects.filter(parent__isnull=True).first()
    users = {
        "employee": account("employee", ["employee"], person=people[0]),
        "manager": account("manager", ["employee", "manager"], person=people[1], managed_unit=top),
        "assessor": account("assessor", ["employee", "assessor"], person=people[2]),
        "hr": account("hr", ["hr"], hr_families=[standard.family]),
    }
    repo, hr = DjangoRepository(), actor_for(users["hr"])
    cycle = svc.create_cycle(repo, hr, svc.NewCycle(
        name="bench", standard_id=standard.id, opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30), as_of=today, levels=tuple(standard.level_numbers),
        manager_opinion="optional"))
    svc.open_cycle(repo, hr, cycle.id)
    applied = 0
    for person in Person.objects.order_by("-employee_id")[:400]:
        if applied >= 20:
            break
        try:
            app = svc.apply(repo, hr, cycle.id, employee_id=person.employee_id)
        except Exception:  # noqa: S112  (not eligible: the next one)
            continue
        applicant = svc.Actor(user_id=None, username="bench", employee_id=person.employee_id,
                              roles=frozenset({"employee"}))
        svc.submit(repo, applicant, app.id)
        applied += 1
    print(f"{applied} submitted applications")

    figures = []
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        client.get("/workbench/")  # warm: templates, the standard
        times = []
        for _ in range(args.runs):
            begin = time.perf_counter()
            response = client.get("/workbench/")
            times.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as queries:
            client.get("/workbench/")
        print(f"{role}: median {statistics.median(times):.0f} ms, max {max(times):.0f} ms, "
              f"{len(queries)} queries")
        figures.append(f"{role} {statistics.median(times):.0f} ms ({len(queries)} queries)")
    print(f"workbench: {', '.join(figures)} over {Person.objects.count()} people")


if __name__ == "__main__":
    main()
