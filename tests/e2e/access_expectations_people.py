"""Who gets what from the people pages, "my qualification", screening, and their API (rows for
``test_access_matrix.py``).

The walk's world: employee = E001 (bj), manager = M001 managing north (bj is below it), assessor =
E003 (south), HR of the family ``mini``, admin = everyone. The test standard ``mini@1.0`` is not
shipped, so for decisions the rows look at S001, a person of the shipped ``service-marketing`` family
put in bj (the manager sees them, HR of ``mini`` does not). Decisions themselves are tested in
``tests/integration/test_people_pages.py``, ``test_me_page.py`` and ``test_screening_*.py``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from typing import Any

_spec = importlib.util.spec_from_file_location("_qualify_access_expectations_for_people",
                                               Path(__file__).with_name("access_expectations.py"))
assert _spec is not None and _spec.loader is not None
_base = sys.modules.setdefault(_spec.name, importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(_base)
expect, hr_only = _base.expect, _base.hr_only


def _e001(world: Any) -> dict[str, str]:
    return {"employee_id": "E001"}


def _s001(world: Any) -> dict[str, str]:
    from qualify.web.people.models import Person
    from tests.support.org import make_person

    if not Person.objects.filter(employee_id="S001").exists():
        make_person("S001", world.org.units["bj"], family="service-marketing", level=1)
    return {"employee_id": "S001"}


def _run(world: Any) -> dict[str, int]:
    from qualify.web.screening.models import ScreeningRun

    run = ScreeningRun.objects.create(created_by=world.users["hr"], standard_id="mini@1.0",
                                      as_of=dt.date(2026, 11, 26))
    return {"run_id": run.pk}


def _done_run(world: Any) -> dict[str, int]:
    from django.core.files.base import ContentFile

    from qualify.web.screening.models import ScreeningRun

    run = ScreeningRun(created_by=world.users["hr"], standard_id="mini@1.0", as_of=dt.date(2026, 11, 26),
                       status="done", progress=100, result_file="screening.xlsx")
    run.result.save("screening.xlsx", ContentFile(b"PK\x03\x04 not really"))
    return {"run_id": run.pk}


# The people list: HR, managers, admins. A person: whoever's scope holds them.
_PERSON = {"employee": 200, "manager": 200, "assessor": 404, "hr": 200, "admin": 200}
_S001 = {"employee": 404, "manager": 200, "assessor": 404, "hr": 404, "admin": 200}

EXPECTATIONS: dict[str, Any] = {
    # --- pages ------------------------------------------------------------------------------------------
    "people:list": expect(default=200, employee=404, assessor=404),
    "people:detail": expect(kwargs=_e001, **_PERSON),
    "people:me": expect(),  # accounts without an employee record read a page that says so
    "screening:list": hr_only(),
    "screening:detail": hr_only(kwargs=_run),
    "screening:workbook": hr_only(kwargs=_done_run),
    # --- API --------------------------------------------------------------------------------------------
    "api:people": expect(anonymous=401, default=200, employee=404, assessor=404),
    "api:person": expect(anonymous=401, kwargs=_e001, **_PERSON),
    "api:person_decision": expect(anonymous=401, kwargs=_s001, **_S001),
    "api:person_gaps": expect(anonymous=401, kwargs=_s001, **_S001),
    # me: accounts with an employee record (HR's and the admin's have none: 404)
    "api:me": expect(anonymous=401, default=200, hr=404, admin=404),
    # no shipped standard covers the family of E001, M001 and E003: their decision is 404 here
    "api:my_decision": expect(anonymous=401, default=404),
    "api:screening_runs": expect(anonymous=401, default=404, hr=200, admin=200),
    # the same path: a GET lists the runs, a POST queues one
    "api:queue_screening": expect(anonymous=401, default=404, hr=200, admin=200),
    "api:screening_run": expect(anonymous=401, default=404, hr=200, admin=200, kwargs=_run),
    "api:screening_results": expect(anonymous=401, default=404, hr=200, admin=200, kwargs=_done_run),
}
