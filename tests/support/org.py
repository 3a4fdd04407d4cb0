"""Test data for the web app: a small organisation and one account per role.

Used by the fixtures in ``tests/conftest.py`` and ``tests/e2e/conftest.py`` (and by
anyone who wants a quick populated database in a shell).

The organisation (job family ``mini``, the test standard ``tests/fixtures/mini@1.0.yaml``)::

    hq                      总部
    ├── north               北区     M001 (the manager's own record), E004 (family "other")
    │   └── bj              北京     E001 (the employee's own record), E002
    └── south               南区     E003 (the assessor's own record)

Accounts (password ``PASSWORD``): ``employee`` (E001), ``manager`` (M001, manages ``north``),
``assessor`` (E003), ``hr`` (families ``mini``), ``admin`` (superuser, staff).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model

from qualify.web.people.models import ElementRating, Evidence, ExamResult, OrgUnit, PerformanceRating, Person

PASSWORD = "demo-password-2026"
ROLES = ("employee", "manager", "assessor", "hr", "admin")


@dataclass
class SmallOrg:
    units: dict[str, OrgUnit] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)


def make_unit(code: str, parent: OrgUnit | None = None, zh: str = "", en: str = "") -> OrgUnit:
    return OrgUnit.objects.create(code=code, parent=parent, name_zh=zh or code, name_en=en or code)


def make_person(employee_id: str, unit: OrgUnit | None, family: str = "mini", level: int = 1,
                name: str = "", hired: dt.date = dt.date(2018, 3, 1)) -> Person:
    return Person.objects.create(
        employee_id=employee_id, name=name or f"员工{employee_id}", org_unit=unit, job_family=family,
        current_level=level, hire_date=hired, family_start_date=hired,
    )


def make_small_org() -> SmallOrg:
    org = SmallOrg()
    hq = org.units["hq"] = make_unit("hq", None, "总部", "Headquarters")
    north = org.units["north"] = make_unit("north", hq, "北区", "North")
    org.units["bj"] = make_unit("bj", north, "北京", "Beijing")
    org.units["south"] = make_unit("south", hq, "南区", "South")
    org.people["E001"] = make_person("E001", org.units["bj"], level=1, name="张伟")
    org.people["E002"] = make_person("E002", org.units["bj"], level=2, name="王芳")
    org.people["E003"] = make_person("E003", org.units["south"], level=2, name="李娜")
    org.people["E004"] = make_person("E004", north, family="other", level=1, name="刘洋")
    org.people["M001"] = make_person("M001", north, level=3, name="陈静")
    e1 = org.people["E001"]
    for period, rating in [("2025Q4", "B"), ("2026Q1", "B+"), ("2026Q2", "A"), ("2026Q3", "B")]:
        PerformanceRating.objects.create(person=e1, period=period, rating=rating)
    ExamResult.objects.create(person=e1, sitting="2026", exam="general", score=82)
    ExamResult.objects.create(person=e1, sitting="2026", exam="professional", score=75)
    Evidence.objects.create(person=e1, evidence_id="EV1", activity="presentation", date=dt.date(2026, 5, 10),
                            role="lead", audience="city-om-deputy-director", scope="city",
                            deliverables=["slides"], note="客户交流")
    ElementRating.objects.create(person=e1, level=2, element="talk-prep", assessor="李娜", rating="meets")
    return org


def make_user(username: str, roles: list[str], *, person: Person | None = None,
              managed_unit: OrgUnit | None = None, hr_families: list[str] | None = None,
              password: str = PASSWORD) -> Any:
    is_admin = "admin" in roles
    user = get_user_model().objects.create_user(
        username=username, password=password, is_staff=is_admin, is_superuser=is_admin,
    )
    profile = user.profile
    profile.roles = list(roles)
    profile.person = person
    profile.managed_unit = managed_unit
    profile.hr_families = list(hr_families or [])
    profile.save()
    return user


def make_role_users(org: SmallOrg) -> dict[str, Any]:
    """One account per role, named after the role."""
    return {
        "employee": make_user("employee", ["employee"], person=org.people["E001"]),
        "manager": make_user("manager", ["employee", "manager"], person=org.people["M001"],
                             managed_unit=org.units["north"]),
        "assessor": make_user("assessor", ["employee", "assessor"], person=org.people["E003"]),
        "hr": make_user("hr", ["hr"], hr_families=["mini"]),
        "admin": make_user("admin", ["admin"]),
    }


# --- HR data workbooks -------------------------------------------------------------------------------


def hr_workbook(path: Any, standard: Any, people: int = 12, seed: int = 7,
                as_of: dt.date = dt.date(2026, 11, 26)) -> Any:
    """A generated, valid HR data workbook of ``people`` people of ``standard``'s family."""
    from pathlib import Path

    from qualify.services.generate import generate_organisation, write_hr_data

    return write_hr_data(generate_organisation(people, seed, standard, as_of), Path(path))


def edit_workbook(path: Any, edits: dict[tuple[str, int, str], Any]) -> None:
    """Set cells by (sheet, row as the user sees it, column): ``{("employees", 3, "hire_date"): "x"}``."""
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    for (sheet, row, column), value in edits.items():
        ws = workbook[sheet]
        headers = [cell.value for cell in ws[1]]
        ws.cell(row=row, column=headers.index(column) + 1, value=value)
    workbook.save(path)


def read_cell(path: Any, sheet: str, row: int, column: str) -> Any:
    from openpyxl import load_workbook

    ws = load_workbook(path, read_only=True)[sheet]
    rows = list(ws.iter_rows(min_row=1, max_row=row, values_only=True))
    return rows[row - 1][list(rows[0]).index(column)]
