"""A certificate says what it said when it was issued, and anyone holding its number may check it."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from qualify.web.certification import models as m
from qualify.web.people.models import Person

NUMBER = "MINI-L2-2026-00001"


@pytest.fixture
def issued(org: Any, users: dict[str, Any]) -> m.Certificate:
    """E001 (张伟, unit bj) certified at level 2 of mini@1.0, the way the repository issues one."""
    from qualify.web.certification.repository.outcomes import OutcomeStore

    person = org.people["E001"]
    today = timezone.localdate()
    cert = m.Certificate.objects.create(
        number=NUMBER,
        person=person,
        holder_name=person.name,
        holder_employee_id=person.employee_id,
        holder_unit=str(person.org_unit),
        job_family=person.job_family,
        level=2,
        standard_id="mini@1.0",
        standard_version="1.0",
        valid_from=today,
        valid_until=today + dt.timedelta(days=700),
        issued_at=timezone.now(),
    )
    assert OutcomeStore  # the repository's add_certificate fills the same fields (test_cycle_flow)
    return cert


def rename(employee_id: str, name: str) -> None:
    """What an HR import does to a person whose name changed."""
    person = Person.objects.get(employee_id=employee_id)
    person.name = name
    person.save()


@pytest.mark.django_db
def test_a_renamed_holder_keeps_the_name_on_the_issued_certificate_its_page_and_its_pdf(
    issued: m.Certificate, client_for: Any
) -> None:
    rename("E001", "张伟伟")
    page = client_for("employee").get(f"/certificates/{NUMBER}/").content.decode()
    assert "张伟" in page and "张伟伟" not in page
    verify = Client().get(f"/certificates/verify/{NUMBER}/").content.decode()
    assert "张伟" in verify and "张伟伟" not in verify
    from qualify.web.certification.outcome_views import _texts

    assert _texts(m.Certificate.objects.get(number=NUMBER)).person_zh == "张伟"


@pytest.mark.django_db
def test_what_a_certificate_says_cannot_be_changed_after_issue(issued: m.Certificate) -> None:
    issued.holder_name = "someone else"
    with pytest.raises(m.CertificateEditRefused):
        issued.save()
    assert m.Certificate.objects.get(number=NUMBER).holder_name == "张伟"


@pytest.mark.django_db
def test_anyone_may_verify_a_certificate_by_number_and_sees_only_what_it_certifies(
    issued: m.Certificate,
) -> None:
    response = Client().get(f"/certificates/verify/{NUMBER}/")
    assert response.status_code == 200
    page = response.content.decode()
    for shown in (NUMBER, "张伟", issued.valid_from.isoformat(), issued.valid_until.isoformat(), "有效"):
        assert shown in page
    for hidden in ("E001", str(issued.person.org_unit), "mini@1.0"):  # no id, unit or standard file
        assert hidden not in page
    missing = Client().get("/certificates/verify/MINI-L2-2026-99999/")
    assert missing.status_code == 404 and "No certificate has this number" in Client(
        headers={"accept-language": "en"}
    ).get("/certificates/verify/MINI-L2-2026-99999/").content.decode()


@pytest.mark.django_db
def test_an_expired_certificate_verifies_as_expired(issued: m.Certificate) -> None:
    m.Certificate.objects.filter(pk=issued.pk).update(
        valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2021, 12, 31)
    )
    page = Client(headers={"accept-language": "en"}).get(f"/certificates/verify/{NUMBER}/").content.decode()
    assert "expired" in page


@pytest.mark.django_db
def test_the_certificate_pdf_carries_a_qr_code_of_its_public_verification_page(
    issued: m.Certificate, client_for: Any
) -> None:
    from qualify.web.certification.pdf import qr_png

    pdf = client_for("employee").get(f"/certificates/{NUMBER}/pdf/")
    assert pdf.status_code == 200
    assert b"/Subtype /Image" in pdf.content
    import segno.helpers  # noqa: F401 the QR library the PDF uses

    assert qr_png(f"http://testserver/certificates/verify/{NUMBER}/").getvalue().startswith(b"\x89PNG")


@pytest.mark.django_db
def test_the_migration_fills_the_frozen_fields_of_certificates_issued_before_it(org: Any) -> None:
    person = org.people["E002"]
    cert = m.Certificate.objects.create(
        number="MINI-L2-2025-00001",
        person=person,
        level=2,
        standard_id="mini@1.0",
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2026, 12, 31),
        issued_at=timezone.now(),
    )
    migration = importlib.import_module("qualify.web.certification.migrations.0003_certificate_frozen_holder")
    migration.fill_from_current_rows(apps, None)
    cert.refresh_from_db()
    assert (cert.holder_name, cert.holder_employee_id, cert.job_family, cert.standard_version) == (
        "王芳",
        "E002",
        "mini",
        "1.0",
    )
    assert cert.holder_unit == str(person.org_unit)
