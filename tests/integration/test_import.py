"""Importing HR data: checked first, written in one transaction or not at all, earlier records kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from qualify.services import hr_import
from qualify.services.standards import get_standard
from qualify.web.accounts.models import AuditEntry
from qualify.web.accounts.tokens import create_token
from qualify.web.people import bulk
from qualify.web.people.importing import NotApplicable, apply_batch, default_standard_id, validate_upload
from qualify.web.people.models import ElementRating, ImportBatch, Person, RecordSnapshot
from qualify.web.people.records import person_record, snapshots_for
from tests.support.imports import upload_checked, work
from tests.support.org import edit_workbook, hr_workbook, make_user, read_cell

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard() -> Any:
    return get_standard(default_standard_id())


@pytest.fixture
def hr(org: Any, standard: Any) -> Any:
    """An HR user of the shipped standard's family (the small organisation is of family "mini")."""
    return make_user("hr-sm", ["hr"], hr_families=[standard.family])


@pytest.fixture
def hr_client(hr: Any) -> Client:
    client = Client()
    client.force_login(hr)
    return client


@pytest.fixture
def workbook(tmp_path: Path, standard: Any) -> Path:
    return hr_workbook(tmp_path / "hr.xlsx", standard, people=12)


_upload = upload_checked


def test_a_valid_workbook_is_checked_but_nothing_is_written_before_confirmation(
        hr_client: Client, workbook: Path) -> None:
    before = Person.objects.count()
    page = _upload(hr_client, workbook)
    batch = page.context["batch"]
    assert batch.status == "validated"
    assert batch.counts["new"] == 12 and batch.counts["people"] == 12
    assert Person.objects.count() == before
    assert f'action="/import/{batch.pk}/apply/"' in page.content.decode()


def test_an_upload_is_stored_and_queued_and_the_worker_checks_it_not_the_request(
        hr_client: Client, workbook: Path) -> None:
    with workbook.open("rb") as handle:
        page = hr_client.post("/import/", {"file": handle, "standard": default_standard_id()}, follow=True)
    batch = page.context["batch"]
    assert batch.status == "queued" and batch.counts == {}
    html = page.content.decode()
    assert '<meta http-equiv="refresh"' in html and "data-import-waiting" in html
    # The file is in the file storage, byte for byte; the row holds its name only.
    assert default_storage.exists(batch.upload.name)
    with default_storage.open(batch.upload.name, "rb") as stored:
        assert stored.read() == workbook.read_bytes()
    assert work() == 1
    batch.refresh_from_db()
    assert batch.status == "validated" and batch.counts["new"] == 12
    assert '<meta http-equiv="refresh"' not in hr_client.get(f"/import/{batch.pk}/").content.decode()


def test_confirming_queues_the_batch_and_the_worker_writes_every_person_with_their_whole_record(
        hr_client: Client, workbook: Path) -> None:
    batch = _upload(hr_client, workbook).context["batch"]
    before = Person.objects.count()
    page = hr_client.post(f"/import/{batch.pk}/apply/", follow=True)
    assert page.context["batch"].status == "confirmed" and Person.objects.count() == before
    assert work() == 2  # the import, then the refresh of its job family's stored standings
    page = hr_client.get(f"/import/{batch.pk}/")
    assert page.context["batch"].status == "applied"
    first_id = str(read_cell(workbook, "employees", 2, "employee_id"))
    person = Person.objects.get(employee_id=first_id)
    assert person.employee_id.startswith("0")  # leading zeros kept
    assert person.org_unit is not None and person.org_unit.parent is not None  # the path became a tree
    record = person_record(person)
    assert len(record.performance) > 0
    entry = AuditEntry.objects.get(action="import.applied")
    assert first_id in entry.after["new"]


def test_a_workbook_with_errors_is_rejected_with_every_bad_row_and_nothing_is_written(
        hr_client: Client, workbook: Path) -> None:
    edit_workbook(workbook, {("employees", 3, "hire_date"): "not a date",
                             ("performance", 4, "rating"): "Z"})
    before = (Person.objects.count(), ImportBatch.objects.filter(status="applied").count())
    page = _upload(hr_client, workbook)
    batch = page.context["batch"]
    assert batch.status == "rejected"
    where = {(p["sheet"], p["row"], p["column"]) for p in batch.problems}
    assert ("employees", 3, "hire_date") in where
    assert ("performance", 4, "rating") in where
    html = page.content.decode()
    assert "not a date" in html
    assert (Person.objects.count(), ImportBatch.objects.filter(status="applied").count()) == before
    # a rejected batch cannot be applied
    hr_client.post(f"/import/{batch.pk}/apply/")
    assert Person.objects.count() == before[0]


def test_the_report_speaks_the_users_language(hr_client: Client, workbook: Path) -> None:
    edit_workbook(workbook, {("employees", 3, "hire_date"): "not a date"})
    batch = _upload(hr_client, workbook).context["batch"]
    chinese = hr_client.get(f"/import/{batch.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    hr_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = hr_client.get(f"/import/{batch.pk}/").content.decode()
    assert "不是日期" in chinese
    assert "is not a date" in english and "不是日期" not in english


def test_reimporting_keeps_the_previous_record_of_each_changed_person_only(
        hr_client: Client, hr: Any, workbook: Path, standard: Any, org: Any) -> None:
    apply_batch(hr, validate_upload(hr, "hr.xlsx", workbook.read_bytes(), standard.id).pk)
    changed_id = str(read_cell(workbook, "employees", 2, "employee_id"))
    old_level = Person.objects.get(employee_id=changed_id).current_level
    edit_workbook(workbook, {("employees", 2, "current_level"): (old_level + 1) % 3})
    batch = validate_upload(hr, "hr.xlsx", workbook.read_bytes(), standard.id)
    assert batch.counts["changed"] == 1 and batch.counts["unchanged"] == 11
    apply_batch(hr, batch.pk)
    person = Person.objects.get(employee_id=changed_id)
    assert person.current_level == (old_level + 1) % 3
    snapshots = list(snapshots_for(person))
    assert len(snapshots) == 1
    assert snapshots[0].data["employee"]["current_level"] == old_level
    assert snapshots[0].batch == batch
    assert len(snapshots[0].data["performance"]) == len(person_record(person).performance)
    assert RecordSnapshot.objects.count() == 1
    # people not in the file are untouched
    assert person_record(org.people["E001"]).performance != ()


def test_the_file_replaces_the_records_of_the_people_in_it(hr: Any, workbook: Path, standard: Any) -> None:
    apply_batch(hr, validate_upload(hr, "hr.xlsx", workbook.read_bytes(), standard.id).pk)
    person = Person.objects.get(employee_id=str(read_cell(workbook, "employees", 2, "employee_id")))
    ElementRating.objects.create(person=person, level=1, element="x", rating="meets")
    apply_batch(hr, validate_upload(hr, "hr.xlsx", workbook.read_bytes(), standard.id).pk)
    assert not person.element_ratings.filter(element="x").exists()


def test_hr_may_not_import_people_of_a_family_they_do_not_administer(
        users: dict[str, Any], workbook: Path, standard: Any) -> None:
    batch = validate_upload(users["hr"], "hr.xlsx", workbook.read_bytes(), standard.id)  # hr: family "mini"
    assert batch.status == "rejected"
    assert {p["code"] for p in batch.problems} == {"not-your-family"}
    assert batch.problems[0]["sheet"] == "employees" and batch.problems[0]["row"] == 2


def test_only_an_xlsx_workbook_is_accepted(hr_client: Client, tmp_path: Path) -> None:
    fake = tmp_path / "hr.xlsx"
    fake.write_text("employee_id\nE1\n", encoding="utf-8")
    batch = _upload(hr_client, fake).context["batch"]
    assert batch.status == "rejected" and batch.problems[0]["code"] == "not-xlsx"


def test_a_workbook_over_the_size_limit_is_refused(hr_client: Client, workbook: Path, settings: Any) -> None:
    settings.QUALIFY_UPLOAD_MAX_BYTES = 1024
    page = _upload(hr_client, workbook)
    assert Person.objects.filter(employee_id__startswith="0000").count() == 0
    assert "MB" in page.content.decode()


def test_a_batch_is_applied_at_most_once(hr: Any, workbook: Path, standard: Any) -> None:
    batch = validate_upload(hr, "hr.xlsx", workbook.read_bytes(), standard.id)
    apply_batch(hr, batch.pk)
    with pytest.raises(NotApplicable):
        apply_batch(hr, batch.pk)


def test_a_failure_while_writing_leaves_the_database_as_it_was(
        hr: Any, workbook: Path, standard: Any, monkeypatch: Any) -> None:
    batch = validate_upload(hr, "hr.xlsx", workbook.read_bytes(), standard.id)
    before = (Person.objects.count(), AuditEntry.objects.count())
    insert = bulk.insert_frame

    def explode_at_the_ratings(model: Any, frame: Any) -> int:  # people and three sheets written first
        if model is ElementRating:
            raise RuntimeError("disk full")
        return insert(model, frame)

    monkeypatch.setattr(bulk, "insert_frame", explode_at_the_ratings)
    with pytest.raises(RuntimeError):
        apply_batch(hr, batch.pk)
    assert (Person.objects.count(), AuditEntry.objects.count()) == before
    batch.refresh_from_db()
    assert batch.status == "validated"


def test_a_failure_in_the_worker_marks_the_batch_failed_and_writes_nothing(
        hr_client: Client, workbook: Path, monkeypatch: Any) -> None:
    batch = _upload(hr_client, workbook).context["batch"]
    hr_client.post(f"/import/{batch.pk}/apply/")
    before = Person.objects.count()

    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(bulk, "insert_frame", explode)
    assert work() == 1
    batch.refresh_from_db()
    assert batch.status == "failed" and "disk full" in batch.problems[0]["message"]
    assert Person.objects.count() == before
    assert "The import failed" in hr_client.get(f"/import/{batch.pk}/",
                                                headers={"accept-language": "en"}).content.decode()


def test_subscribers_hear_of_an_applied_import_with_the_job_families_it_touched(
        hr: Any, workbook: Path, standard: Any) -> None:
    heard: list[hr_import.AppliedImport] = []
    hr_import.on_imported(heard.append)
    try:
        batch = validate_upload(hr, "hr.xlsx", workbook.read_bytes(), standard.id)
        assert heard == []  # checking writes nothing and tells nobody
        apply_batch(hr, batch.pk)
    finally:
        hr_import._subscribers.remove(heard.append)
    assert [(h.batch_id, h.families, len(h.new)) for h in heard] == [(batch.pk, {standard.family}, 12)]


def test_another_hr_user_cannot_see_my_import(users: dict[str, Any], hr: Any, workbook: Path,
                                             standard: Any) -> None:
    batch = validate_upload(hr, "hr.xlsx", workbook.read_bytes(), standard.id)
    other = Client()
    other.force_login(users["hr"])
    assert other.get(f"/import/{batch.pk}/").status_code == 404
    admin = Client()
    admin.force_login(users["admin"])
    assert admin.get(f"/import/{batch.pk}/").status_code == 200


def test_a_script_imports_through_the_api_with_a_token(hr: Any, workbook: Path) -> None:
    _, key = create_token(hr, "nightly")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    with workbook.open("rb") as handle:
        created = client.post("/api/imports/", {"file": handle})
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "queued"
    work()
    body = client.get(f"/api/imports/{created.json()['id']}").json()
    assert body["status"] == "validated" and body["counts"]["new"] == 12 and body["progress"] == 100
    confirmed = client.post(f"/api/imports/{body['id']}/apply")
    assert confirmed.status_code == 202 and confirmed.json()["status"] == "confirmed"
    work()
    assert client.get(f"/api/imports/{body['id']}").json()["status"] == "applied"
    assert client.get("/api/imports/").json()["count"] == 1


def test_the_api_reports_a_rejected_file_row_by_row(hr: Any, workbook: Path) -> None:
    edit_workbook(workbook, {("employees", 3, "hire_date"): "not a date"})
    _, key = create_token(hr, "nightly")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    with workbook.open("rb") as handle:
        batch_id = client.post("/api/imports/", {"file": handle}).json()["id"]
    work()
    body = client.get(f"/api/imports/{batch_id}").json()
    assert body["status"] == "rejected"
    assert {"sheet": "employees", "row": 3, "column": "hire_date"}.items() <= body["problems"][0].items()


def test_the_preview_shows_each_change_old_to_new_and_warns_about_a_renamed_certificate_holder(
        hr_client: Client, hr: Any, workbook: Path, standard: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from qualify.web.certification.models import Certificate

    apply_batch(hr, validate_upload(hr, "hr.xlsx", workbook.read_bytes(), standard.id).pk)
    holder_id = str(read_cell(workbook, "employees", 2, "employee_id"))
    holder = Person.objects.get(employee_id=holder_id)
    old_name = holder.name
    Certificate.objects.create(
        number="X-L1-2026-00001", person=holder, holder_name=old_name, holder_employee_id=holder_id,
        job_family=holder.job_family, level=1, standard_id=standard.id, standard_version=standard.version,
        valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2027, 12, 31), issued_at=timezone.now())
    edit_workbook(workbook, {("employees", 2, "name"): "新名字"})
    page = _upload(hr_client, workbook, headers={"accept-language": "en"}).content.decode()
    assert f"{holder_id} holds a certificate and is renamed by this file." in page
    assert old_name in page and "→ 新名字" in page
    batch = ImportBatch.objects.latest("pk")
    apply_batch(hr, batch.pk)
    assert Person.objects.get(employee_id=holder_id).name == "新名字"
    assert Certificate.objects.get(number="X-L1-2026-00001").holder_name == old_name


def test_a_batch_left_by_a_worker_that_died_is_marked_failed_by_the_next_worker(
        hr_client: Client, workbook: Path) -> None:
    import datetime as dt

    from django.utils import timezone

    batch = _upload(hr_client, workbook).context["batch"]
    hr_client.post(f"/import/{batch.pk}/apply/")
    long_ago = timezone.now() - dt.timedelta(minutes=31)
    ImportBatch.objects.filter(pk=batch.pk).update(status="applying", heartbeat=long_ago)  # then it died
    assert work() == 0
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.problems[0]["code"] == "worker-died"
    assert Person.objects.filter(employee_id=batch.counts["new_ids"][0]).count() == 0


def test_a_large_import_keeps_every_constraint_of_the_tables_it_fills(
        hr: Any, workbook: Path, standard: Any, monkeypatch: Any) -> None:
    from django.db import IntegrityError, connection, transaction

    from qualify.web.people.models import Evidence

    monkeypatch.setattr(bulk, "LARGE", 1)  # every table counts as large: on PostgreSQL its checks are rebuilt
    apply_batch(hr, validate_upload(hr, "hr.xlsx", workbook.read_bytes(), standard.id).pk)
    evidence = Evidence.objects.select_related("person").first()
    assert evidence is not None and evidence.source == "import"
    with pytest.raises(IntegrityError), transaction.atomic():  # (person, evidence_id) is still unique
        Evidence.objects.create(person=evidence.person, evidence_id=evidence.evidence_id,
                                activity=evidence.activity, date=evidence.date)
    with pytest.raises(IntegrityError), transaction.atomic():  # and the person must exist
        Evidence.objects.create(person_id=10**9, evidence_id="X", activity="talk", date=evidence.date)
        connection.check_constraints(table_names=[Evidence._meta.db_table])  # the deferred check, now
