"""``qualify demo`` started again keeps every login on its person (and so on their applications), and
an organisation from ``qualify generate`` imports into the demo without touching the demo's people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from qualify.services.generate import generate_organisation
from qualify.services.standards import get_standard
from qualify.web.certification import models as m
from qualify.web.certification.demo import seed_demo_cycle
from qualify.web.demo import load_people, make_accounts
from qualify.web.people.models import Person

pytestmark = pytest.mark.django_db

LOGINS = ("manager", "employee", "assessor", "assessor2")


def people_of_logins() -> dict[str, str]:
    users = get_user_model().objects.filter(username__in=LOGINS).select_related("profile__person")
    return {u.username: u.profile.person.employee_id for u in users if u.profile.person_id}


@pytest.fixture
def demo(tmp_path: Path, settings: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "uploads")
    standard = get_standard("service-marketing@2.0")
    load_people(standard, tmp_path, people=120)
    make_accounts(standard)
    seed_demo_cycle(standard)
    return standard


def test_a_restarted_demo_keeps_every_login_on_the_same_person_and_their_applications(demo: Any) -> None:
    before = people_of_logins()
    assert set(before) >= {"manager", "employee", "assessor"}
    employee = Person.objects.get(employee_id=before["employee"])
    applications = set(m.Application.objects.filter(person=employee).values_list("pk", flat=True))
    # what a running demo changes: levels move (a certificate, an import), people join the manager's unit
    Person.objects.filter(pk=employee.pk).update(current_level=0)
    Person.objects.exclude(employee_id__in=before.values()).update(current_level=5)

    make_accounts(demo)  # the restart
    seed_demo_cycle(demo)

    assert people_of_logins() == before
    assert set(m.Application.objects.filter(person=employee).values_list("pk", flat=True)) == applications


def test_an_organisation_from_qualify_generate_never_has_the_ids_of_the_demos_people(demo: Any) -> None:
    demo_ids = set(Person.objects.values_list("employee_id", flat=True))
    for seed in (1, 7, 2026):  # the CLI's default, the README's example, the demo's own seed
        frames = generate_organisation(200, seed, demo, timezone.localdate(), evidence_per_person=1)
        assert not demo_ids & set(frames.employees.get_column("employee_id").to_list())
