"""Files live in the file storage (``STORAGES["default"]``), never in a table: import uploads, screening
workbooks, evidence. List pages never open one; a download streams it to those who may see it; the
data migrations move what earlier versions kept in the database into the storage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qualify.services import certification as svc
from qualify.services import screening
from qualify.web.certification.repository import DjangoRepository, actor_for
from qualify.web.people.models import ImportBatch
from qualify.web.screening.models import ScreeningResult, ScreeningRun
from qualify.web.screening.store import OrmScreeningStore
from tests.support.org import make_user

MINI = str(Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml")
TODAY = dt.date(2026, 11, 26)
WORKBOOK = b"PK\x03\x04" + b"x" * 1_000_000  # a 1 MB "workbook"


def test_no_table_keeps_the_contents_of_a_file() -> None:
    blobs = [f"{m._meta.label}.{f.name}" for m in apps.get_models() if m.__module__.startswith("qualify.")
             for f in m._meta.get_fields() if isinstance(f, models.BinaryField)]
    assert blobs == []


def _done_run(hr: Any, org: Any) -> ScreeningRun:
    run = ScreeningRun.objects.create(created_by=hr, standard_id="mini@1.0", as_of=TODAY, status="running")
    for employee_id in ("E001", "E002"):
        person = org.people[employee_id]
        ScreeningResult.objects.create(run=run, person=person, employee_id=employee_id, name=person.name,
                                       current_level=person.current_level, highest_eligible_level=1,
                                       levels={"1": "eligible"})
    OrmScreeningStore().finish(run.pk, screening.Finished(status="done", counts={"assessed": 2},
                                                          content=WORKBOOK, file_name="screening.xlsx"))
    run.refresh_from_db()
    return run


@pytest.mark.django_db
def test_list_pages_and_their_api_twins_never_open_a_stored_file(
        users: dict[str, Any], org: Any, monkeypatch: Any) -> None:
    run = _done_run(users["hr"], org)
    assert default_storage.exists(run.result.name)
    batch = ImportBatch(created_by=users["hr"], file_name="hr.xlsx", standard_id="mini@1.0", status="applied")
    batch.upload.save("hr.xlsx", ContentFile(WORKBOOK))
    opened: list[str] = []

    def refuse(storage: Any, name: str, mode: str = "rb") -> Any:
        opened.append(name)
        raise AssertionError(f"a list page opened {name}")

    monkeypatch.setattr(FileSystemStorage, "_open", refuse)
    hr, admin = Client(), Client()
    hr.force_login(users["hr"])
    admin.force_login(users["admin"])
    for client, url in [(hr, "/people/"), (hr, "/api/people/"), (hr, "/screening/"), (hr, "/api/screening/"),
                        (hr, f"/screening/{run.pk}/"), (hr, f"/api/screening/{run.pk}/results"),
                        (admin, "/import/"), (admin, "/api/imports/"), (admin, f"/import/{batch.pk}/")]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        # The rows hold file names only: nothing the size of a file comes back from the database.
        assert len(response.content) < 200_000, url
        assert all("result_content" not in q["sql"] and '"content"' not in q["sql"] for q in queries), url
    assert opened == []


@pytest.mark.django_db
def test_the_screening_workbook_is_streamed_from_the_storage_to_hr_of_its_family_only(
        users: dict[str, Any], org: Any) -> None:
    run = _done_run(users["hr"], org)
    hr, employee = Client(), Client()
    hr.force_login(users["hr"])
    employee.force_login(users["employee"])
    response = hr.get(f"/screening/{run.pk}/result.xlsx")
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content) == WORKBOOK
    assert 'filename="screening.xlsx"' in response["Content-Disposition"]
    assert employee.get(f"/screening/{run.pk}/result.xlsx").status_code == 404
    default_storage.delete(run.result.name)
    assert hr.get(f"/screening/{run.pk}/result.xlsx").status_code == 404  # gone from the storage: no 500


@pytest.mark.django_db
def test_an_evidence_file_is_stored_in_the_storage_and_served_only_to_those_who_see_the_application(
        users: dict[str, Any], org: Any, django_capture_on_commit_callbacks: Any) -> None:
    repo = DjangoRepository()
    hr, employee = actor_for(users["hr"]), actor_for(users["employee"])
    cycle = svc.open_cycle(repo, hr, svc.create_cycle(repo, hr, svc.NewCycle(
        name="2026", standard_id=MINI, opens_on=TODAY - dt.timedelta(days=3),
        closes_on=TODAY + dt.timedelta(days=365 * 5), as_of=TODAY, levels=(2,))).id)
    app = svc.apply(repo, employee, cycle.id, target_level=2)
    item = svc.EvidenceInput(activity="presentation", date=TODAY)
    evidence = svc.add_evidence(repo, employee, app.id, item)
    pdf = b"%PDF-1.4\n% the plan\n" * 100
    stored = svc.add_evidence_file(repo, employee, evidence.id, "方案.pdf", pdf)
    from qualify.web.certification.models import StoredFile

    row = StoredFile.objects.get(pk=stored.id)
    with default_storage.open(row.file.name, "rb") as handle:
        assert handle.read() == pdf
    owner, outsider = Client(), Client()
    owner.force_login(users["employee"])
    outsider.force_login(make_user("outsider", ["employee"]))
    response = owner.get(f"/files/{stored.id}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf
    assert outsider.get(f"/files/{stored.id}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        svc.remove_evidence(repo, employee, evidence.id)
    assert not default_storage.exists(row.file.name)  # removing the evidence removes its file


@pytest.mark.django_db(transaction=True)
def test_the_migrations_move_the_files_kept_in_the_database_into_the_storage(settings: Any,
                                                                            tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "storage")
    executor = MigrationExecutor(connection)
    old = [("people", "0002_evidence_source"), ("screening", "0002_worker_heartbeat")]
    executor.migrate(old)
    try:
        state = executor.loader.project_state(old).apps
        Batch, Run = state.get_model("people", "ImportBatch"), state.get_model("screening", "ScreeningRun")
        batch = Batch.objects.create(file_name="hr.xlsx", standard_id="mini@1.0", status="validated",
                                     content=b"PK\x03\x04 the upload")
        run = Run.objects.create(standard_id="mini@1.0", as_of=TODAY, status="done", result_file="s.xlsx",
                                 result_content=b"PK\x03\x04 the workbook")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    moved_batch, moved_run = ImportBatch.objects.get(pk=batch.pk), ScreeningRun.objects.get(pk=run.pk)
    with default_storage.open(moved_batch.upload.name, "rb") as handle:
        assert handle.read() == b"PK\x03\x04 the upload"
    with default_storage.open(moved_run.result.name, "rb") as handle:
        assert handle.read() == b"PK\x03\x04 the workbook"
    assert str(tmp_path / "storage") in default_storage.path(moved_run.result.name)
