"""The workbench per role, the manager's opinion, and one evidence record per person (issue 13)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from qualify.core.errors import QualifyError
from qualify.services import certification as svc
from qualify.services import standards
from qualify.web.certification import models as m
from qualify.web.certification.repository import DjangoRepository, actor_for
from qualify.web.people.models import Evidence
from qualify.web.people.records import organisation_for, person_record
from tests.support.org import make_user

MINI = str(Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml")


@pytest.fixture(autouse=True)
def mini_is_shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The self-check and the employee's gaps read the standard of the job family: mini's."""
    shipped = standards.shipped_files()
    monkeypatch.setattr(standards, "shipped_files", lambda: [*shipped, Path(MINI)])


def _cycle(users: dict[str, Any], opinion: str) -> svc.CycleView:
    repo, hr = DjangoRepository(), actor_for(users["hr"])
    today = timezone.localdate()
    made = svc.create_cycle(
        repo,
        hr,
        svc.NewCycle(
            name="冬季认证",
            standard_id=MINI,
            opens_on=today - dt.timedelta(days=1),
            closes_on=today + dt.timedelta(days=30),
            as_of=today,
            levels=(2, 3),
            manager_opinion=opinion,
        ),
    )
    return svc.open_cycle(repo, hr, made.id)


def _submitted(users: dict[str, Any], cycle: svc.CycleView) -> svc.ApplicationView:
    repo, employee = DjangoRepository(), actor_for(users["employee"])
    app = svc.apply(repo, employee, cycle.id, target_level=2)
    svc.add_evidence(
        repo, employee, app.id, svc.EvidenceInput(activity="presentation", date=timezone.localdate())
    )
    return svc.submit(repo, employee, app.id)


def _panel(users: dict[str, Any], org: Any, cycle: svc.CycleView) -> svc.PanelView:
    second = make_user("assessor2", ["employee", "assessor"], person=org.people["E002"])
    return svc.form_panel(
        DjangoRepository(),
        actor_for(users["hr"]),
        cycle.id,
        name="评委组一",
        lead_user_id=users["assessor"].pk,
        member_user_ids=[second.pk],
    )


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _section(client: Client, role: str, key: str) -> dict[str, Any]:
    data = client.get("/api/workbench/").json()
    found = next(r for r in data["roles"] if r["role"] == role)
    return next(s for s in found["sections"] if s["key"] == key)


@pytest.mark.django_db
def test_a_required_opinion_holds_the_panel_until_the_manager_gives_it(
    users: dict[str, Any], org: Any, settings: Any, tmp_path: Path
) -> None:
    settings.QUALIFY_UPLOADS_DIR = str(tmp_path / "uploads")
    cycle = _cycle(users, "required")
    app = _submitted(users, cycle)
    panel = _panel(users, org, cycle)
    repo, hr = DjangoRepository(), actor_for(users["hr"])

    with pytest.raises(QualifyError) as refused:
        svc.assign_panel(repo, hr, app.id, panel.id)
    assert refused.value.code == "manager-opinion-required"
    hr_api = _client(users["hr"])
    response = hr_api.post(
        f"/api/cycles/applications/{app.id}/panel", {"panel_id": panel.id}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "manager-opinion-required"
    assert m.Application.objects.get(pk=app.id).state == "submitted"  # nothing changed
    waiting_for_panel = _section(hr_api, "hr", "no_panel")["items"][0]
    assert "缺少主管意见" in waiting_for_panel["detail"]  # HR sees why it cannot go on yet

    manager = _client(users["manager"])
    waiting = _section(manager, "manager", "opinions")
    assert waiting["count"] == 1
    assert waiting["items"][0]["url"].startswith(f"/applications/{app.id}/")
    page = manager.get(f"/applications/{app.id}/").content.decode()
    assert 'id="opinion-form"' in page

    # the applicant cannot give it; an empty opinion is refused with the field named
    employee = _client(users["employee"])
    employee.post(f"/applications/{app.id}/opinion/", {"opinion": "I am great"})
    assert m.Application.objects.get(pk=app.id).manager_opinion == ""
    empty = manager.post(
        f"/api/cycles/applications/{app.id}/opinion", {"opinion": "  "}, content_type="application/json"
    )
    assert empty.status_code == 422

    words = {"opinion": "沟通能力强，推荐认证。"}
    done = manager.post(f"/applications/{app.id}/opinion/", words, follow=True)
    assert "沟通能力强，推荐认证。" in done.content.decode()
    assert _section(manager, "manager", "opinions")["count"] == 0

    svc.assign_panel(repo, hr, app.id, panel.id)
    lead = _client(users["assessor"])
    sheet = lead.get(f"/applications/{app.id}/score/").content.decode()
    assert "沟通能力强，推荐认证。" in sheet
    # the panel also sees the person's other evidence records that count (EV1, from HR data)
    assert 'id="other-evidence"' in sheet and "2026-05-10" in sheet
    opinion = lead.get(f"/api/cycles/applications/{app.id}").json()["manager_opinion"]
    assert opinion == "沟通能力强，推荐认证。"
    # the applicant does not read their manager's opinion
    assert "沟通能力强" not in employee.get(f"/applications/{app.id}/").content.decode()
    assert employee.get(f"/api/cycles/applications/{app.id}").json()["manager_opinion"] is None


@pytest.mark.django_db
def test_a_cycle_without_opinions_refuses_one_and_assigns_the_panel_directly(
    users: dict[str, Any], org: Any, settings: Any, tmp_path: Path
) -> None:
    settings.QUALIFY_UPLOADS_DIR = str(tmp_path / "uploads")
    cycle = _cycle(users, "off")
    app = _submitted(users, cycle)
    response = _client(users["manager"]).post(
        f"/api/cycles/applications/{app.id}/opinion", {"opinion": "ok"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "manager-opinion-off"
    panel = _panel(users, org, cycle)
    done = svc.assign_panel(DjangoRepository(), actor_for(users["hr"]), app.id, panel.id)
    assert done.state.value == "in_review"


@pytest.mark.django_db
def test_evidence_entered_for_an_application_is_the_persons_record_once(
    users: dict[str, Any], org: Any, settings: Any, tmp_path: Path
) -> None:
    settings.QUALIFY_UPLOADS_DIR = str(tmp_path / "uploads")
    cycle = _cycle(users, "optional")
    app = _submitted(users, cycle)
    person = org.people["E001"]
    record = Evidence.objects.get(person=person, source="application")
    assert record.activity == "presentation"
    ids = [e.evidence_id for e in person_record(person).evidence]
    assert record.evidence_id in ids and "EV1" in ids  # with what HR data gave
    # an import compares and replaces only what HR data gave
    imported = organisation_for(type(person).objects.filter(pk=person.pk), imported_only=True).evidence
    assert [e.evidence_id for e in imported] == ["EV1"]
    # the decision counts it once, although it is both the application's and the person's
    repo = DjangoRepository()
    counted = svc.decision_record(repo, repo.application(app.id), repo.cycle(cycle.id)).evidence
    assert len(counted) == 2
    assert sorted(e.activity for e in counted) == ["presentation", "presentation"]
    # the self-check says what the pending application already covers
    page = _client(users["employee"]).get("/me/?level=2").content.decode()
    assert f"#{app.id}" in page and "entered-evidence" in page


@pytest.mark.django_db
def test_evidence_removed_from_a_draft_leaves_the_persons_record(
    users: dict[str, Any], org: Any, settings: Any, tmp_path: Path
) -> None:
    settings.QUALIFY_UPLOADS_DIR = str(tmp_path / "uploads")
    cycle = _cycle(users, "off")
    repo, employee = DjangoRepository(), actor_for(users["employee"])
    app = svc.apply(repo, employee, cycle.id, target_level=2)
    made = svc.add_evidence(
        repo, employee, app.id, svc.EvidenceInput(activity="presentation", date=timezone.localdate())
    )
    entered = Evidence.objects.filter(person=org.people["E001"], source="application")
    assert entered.count() == 1
    svc.remove_evidence(repo, employee, made.id)
    assert entered.count() == 0
    assert Evidence.objects.filter(person=org.people["E001"], evidence_id="EV1").exists()


@pytest.mark.django_db
def test_each_role_lands_on_its_workbench_with_its_own_to_dos(
    users: dict[str, Any], org: Any, settings: Any, tmp_path: Path
) -> None:
    settings.QUALIFY_UPLOADS_DIR = str(tmp_path / "uploads")
    cycle = _cycle(users, "optional")

    employee = _client(users["employee"])
    assert employee.get("/").url == "/workbench/"
    offered = _section(employee, "employee", "apply")
    assert offered["count"] == 1 and offered["items"][0]["url"] == f"/cycles/{cycle.id}/apply/"

    app = _submitted(users, cycle)
    assert _section(employee, "employee", "apply")["count"] == 0  # applied: no longer offered
    mine = _section(employee, "employee", "applications")
    assert mine["items"][0]["url"] == f"/applications/{app.id}/"

    hr = _client(users["hr"])
    no_panel = _section(hr, "hr", "no_panel")
    assert no_panel["count"] == 1 and no_panel["items"][0]["url"] == f"/applications/{app.id}/"
    page = hr.get("/workbench/").content.decode()
    assert f"/applications/{app.id}/" in page

    # HR of another family sees none of it
    other = make_user("hr-other", ["hr"], hr_families=["other"])
    assert _section(_client(other), "hr", "no_panel")["count"] == 0
    # the assessor (not on a panel yet) has no sheet and no role of HR or manager
    assessor = _client(users["assessor"])
    roles = {r["role"] for r in assessor.get("/api/workbench/").json()["roles"]}
    assert "hr" not in roles and "manager" not in roles
    assert _section(assessor, "assessor", "score")["count"] == 0

    panel = _panel(users, org, cycle)
    svc.assign_panel(DjangoRepository(), actor_for(users["hr"]), app.id, panel.id)
    sheets = _section(assessor, "assessor", "score")
    assert sheets["count"] == 1 and sheets["items"][0]["url"] == f"/applications/{app.id}/score/"
    assert _section(assessor, "assessor", "consolidate")["count"] == 0  # not before every sheet is in

    assert Client().get("/api/workbench/").status_code == 401


@pytest.mark.django_db
def test_hr_sees_failed_imports_and_expiring_certificates_of_their_own(
    users: dict[str, Any], org: Any
) -> None:
    from qualify.web.people.models import ImportBatch

    ImportBatch.objects.create(created_by=users["hr"], file_name="花名册.xlsx", standard_id="mini@1.0",
                               status="rejected", problems=[{"code": "x"}])
    today = timezone.localdate()
    m.Certificate.objects.create(
        number="MINI-L2-2026-00001", person=org.people["E001"], holder_name="张三", holder_employee_id="E001",
        job_family="mini", level=2, standard_id="mini@1.0", standard_version="1.0",
        valid_from=today - dt.timedelta(days=700), valid_until=today + dt.timedelta(days=20),
        issued_at=timezone.now(),
    )
    hr = _client(users["hr"])
    failed = _section(hr, "hr", "imports")
    assert failed["count"] == 1 and failed["items"][0]["title"] == "花名册.xlsx"
    expiring = _section(hr, "hr", "expiring")
    assert expiring["count"] == 1 and expiring["items"][0]["urgent"] is True
    other = _client(make_user("hr-other", ["hr"], hr_families=["other"]))
    assert _section(other, "hr", "expiring")["count"] == 0
    assert _section(other, "hr", "imports")["count"] == 0
    mine = _section(_client(users["employee"]), "employee", "certificates")
    assert mine["items"][0]["url"] == "/certificates/MINI-L2-2026-00001/"


@pytest.mark.django_db
def test_hr_sees_notices_ending_soon_and_results_whose_notice_is_over(
    users: dict[str, Any], org: Any
) -> None:
    cycle = _cycle(users, "off")
    now = timezone.now()
    ending = m.Publication.objects.create(cycle_id=cycle.id, published_at=now - dt.timedelta(days=4),
                                          ends_at=now + dt.timedelta(days=3))
    over = m.Publication.objects.create(cycle_id=cycle.id, published_at=now - dt.timedelta(days=9),
                                        ends_at=now - dt.timedelta(days=2))
    done = m.Application.objects.create(cycle_id=cycle.id, person=org.people["E001"], current_level=1,
                                        target_level=2, state="published", publication=over)
    m.Application.objects.create(cycle_id=cycle.id, person=org.people["E002"], current_level=2,
                                 target_level=3, state="published", publication=ending)
    hr = _client(users["hr"])
    notices = _section(hr, "hr", "notices")
    assert notices["count"] == 1
    assert notices["items"][0]["date"] == timezone.localtime(ending.ends_at).date().isoformat()
    assert notices["items"][0]["url"].startswith(f"/cycles/{cycle.id}/")
    finish = _section(hr, "hr", "finish")
    assert finish["count"] == 1 and finish["items"][0]["url"] == f"/applications/{done.pk}/"
