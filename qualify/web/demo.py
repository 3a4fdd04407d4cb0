"""The demo's data: a generated organisation imported through the real import path, and one account
per role with a printed password."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from qualify.core.standard import Standard

DEMO_PASSWORD = "qualify-demo"  # noqa: S105  (printed on the screen: it is a demo)
DEMO_PEOPLE = 500
DEMO_SEED = 2026
DEMO_ID_PREFIX = "D"
"""The demo's employee ids are ``D00000001`` …: ``qualify generate`` (plain ``00000001`` …) never
collides with them, so its README example can be imported into the demo."""


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    note: str


def demo_user_exists(username: str) -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username).exists()


def secret_key(home: Path) -> str:
    """The demo's secret key, made once and kept in the demo's directory."""
    path = home / "demo-secret-key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


def _user(username: str, roles: list[str], **scope: Any) -> Any:
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    is_admin = "admin" in roles
    user.is_staff = user.is_superuser = is_admin
    user.set_password(DEMO_PASSWORD)
    user.email = user.email or f"{username}@example.com"  # the demo's mail goes to the console
    user.save()
    profile = user.profile
    profile.roles = roles
    for key, value in scope.items():
        setattr(profile, key, value)
    profile.save()
    return user


def _english_unit_names() -> None:
    """English names for the generator's units (its codes say them: ``north.beijing``)."""
    from qualify.services.generate import ORG_UNITS
    from qualify.web.people.models import OrgUnit

    names: dict[str, str] = {}
    for dotted, path in ORG_UNITS:
        parts, segments = dotted.split("."), path.split("/")
        names["/".join(segments[:1])] = "Headquarters"
        if parts[0] == "hq" and len(segments) >= 2:
            names["/".join(segments[:2])] = f"{parts[-1].replace('-', ' ').title()} department"
        elif len(segments) >= 3:
            names["/".join(segments[:2])] = f"{parts[0].title()} region"
            names["/".join(segments[:3])] = f"{parts[-1].replace('-', ' ').title()} office"
    for unit in OrgUnit.objects.filter(code__in=list(names), name_en=""):
        unit.name_en = names[unit.code]
        unit.save(update_fields=["name_en"])


def load_people(
    standard: Standard, home: Path, people: int = DEMO_PEOPLE, as_of: dt.date | None = None
) -> int:
    """Generate an organisation and import it as the demo's HR user would; returns how many people."""
    from qualify.services.generate import generate_organisation, write_hr_data
    from qualify.web.people.importing import apply_batch, validate_upload
    from qualify.web.people.models import ImportBatch

    as_of = as_of or timezone.localdate()
    frames = generate_organisation(people, DEMO_SEED, standard, as_of, id_prefix=DEMO_ID_PREFIX)
    path = write_hr_data(frames, home / "demo-hr-data.xlsx")
    hr = _user("hr", ["hr"], hr_families=[standard.family])
    content = path.read_bytes()
    # The upload limit protects the web form; the demo's own file may be larger (``--people 20000``).
    from django.conf import settings
    from django.test import override_settings

    limit = max(settings.QUALIFY_UPLOAD_MAX_BYTES, len(content))
    with override_settings(QUALIFY_UPLOAD_MAX_BYTES=limit):
        batch = validate_upload(hr, path.name, content, standard.id)
    if batch.status != ImportBatch.Status.VALIDATED:
        raise RuntimeError(f"the generated demo data did not pass the import checks: {batch.problems[:3]}")
    apply_batch(hr, batch.pk)
    _english_unit_names()
    return people


def _kept(username: str) -> tuple[Any, Any] | None:
    """The person and managed unit of an existing demo account that has a person: a restarted demo
    keeps every login on the same person (and so on their applications), whatever changed since."""
    User = get_user_model()
    user = User.objects.filter(username=username).select_related("profile__person").first()
    if user is None or user.profile.person_id is None:
        return None
    return user.profile.person, user.profile.managed_unit


def make_accounts(standard: Standard) -> list[Login]:
    """One account per role, scoped to the generated organisation; passwords reset to the demo's.

    The people are chosen the first time; a restart keeps each login on the person it had."""
    from qualify.web.people.models import OrgUnit, Person

    manager, employee, assessor = _kept("manager"), _kept("employee"), _kept("assessor")
    if manager and employee and assessor:
        return _accounts(standard, manager[0], manager[1], employee[0], assessor[0])

    people = Person.objects.filter(job_family=standard.family)
    # the manager runs the unit (with the units below it) that has the most people
    units = OrgUnit.objects.annotate(n=Count("people")).filter(n__gt=0, parent__isnull=False)
    region = None
    for unit in units.order_by("-n", "code"):
        region = unit.parent if unit.parent and unit.parent.parent else unit
        break
    in_region = people.filter(org_unit__path__startswith=region.path) if region else people
    manager_person = in_region.order_by("-current_level", "employee_id").first()
    ranked = in_region.filter(current_level__gte=1)
    if manager_person is not None:
        ranked = ranked.exclude(pk=manager_person.pk)
    employee_person = ranked.order_by("current_level", "employee_id").first()
    assessor_person = (
        people.exclude(org_unit__path__startswith=region.path if region else "/-/")
        .order_by("-current_level", "employee_id")
        .first()
    )
    return _accounts(standard, manager_person, region, employee_person, assessor_person)


def _accounts(standard: Standard, manager_person: Any, region: Any, employee_person: Any,
              assessor_person: Any) -> list[Login]:
    _user("hr", ["hr"], hr_families=[standard.family], person=None)
    _user("manager", ["employee", "manager"], person=manager_person, managed_unit=region)
    _user("employee", ["employee"], person=employee_person)
    _user("assessor", ["employee", "assessor"], person=assessor_person)
    _user("admin", ["admin"])

    def who(person: Any) -> str:
        return f"{person.employee_id} {person.name}" if person else "—"

    unit_name = f"{region.name_zh} / {region.name_en or region.code}" if region else "—"
    return [
        Login("hr", "HR 人事", f"job family {standard.family}"),
        Login("manager", "manager 经理", f"{who(manager_person)}, manages {unit_name}"),
        Login("employee", "employee 员工", who(employee_person)),
        Login("assessor", "assessor 评委", who(assessor_person)),
        Login("admin", "admin 管理员", "/admin/"),
    ]
