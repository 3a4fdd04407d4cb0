"""The cycle's pages and API over HTTP (Django's test client): every step, by the role that does it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from qualify.services import certification as svc
from qualify.web.certification import models as m
from qualify.web.certification.repository import DjangoRepository, actor_for
from qualify.web.certification.repository.base import RepositoryBase
from qualify.web.people.models import Person
from tests.support.org import make_user

MINI = str(Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml")
TODAY = dt.date(2026, 11, 26)
PDF = b"%PDF-1.4\n% a tiny test file\n"


@pytest.fixture
def world(users: dict[str, Any], org: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.MEDIA_ROOT = str(tmp_path / "uploads")
    users = {
        **users,
        "assessor2": make_user("assessor2", ["employee", "assessor"], person=org.people["E002"]),
    }
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    draft = svc.create_cycle(
        DjangoRepository(),
        actor_for(users["hr"]),
        svc.NewCycle(
            name="冬季认证",
            standard_id=MINI,
            opens_on=TODAY - dt.timedelta(days=3),
            closes_on=TODAY + dt.timedelta(days=365 * 5),
            as_of=TODAY,
            levels=(2, 3),
        ),
    )
    return {"users": users, "c": clients, "cycle": draft.id}


def ok(response: Any) -> str:
    assert response.status_code in (200, 302), (response.status_code, response.content[:500])
    return response.content.decode() if response.status_code == 200 else ""


def follow(client: Client, url: str, data: dict[str, Any] | None = None) -> str:
    response = client.post(url, data or {}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_every_step_of_a_cycle_through_the_pages(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    c, cycle_id = world["c"], world["cycle"]
    hr, emp = c["hr"], c["employee"]
    page = follow(hr, f"/cycles/{cycle_id}/action/", {"action": "open"})
    assert "The cycle is open for applications." in page or "已开放" in page or "开放申请" in page

    page = follow(emp, f"/cycles/{cycle_id}/apply/", {"target_level": "2", "reason": ""})
    app = m.Application.objects.get(person__employee_id="E001")
    assert f"#{app.pk}" in page
    page = follow(
        emp,
        f"/applications/{app.pk}/evidence/",
        {
            "activity": "project",
            "date": "2026-03-01",
            "role": "lead",
            "scope": "province",
            "project_kind": "major",
            "outcome": "success",
            "deliverables": ["project-plan"],
            "measures": ["talks"],
            "file": SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
        },
    )
    evidence = m.EvidenceItem.objects.get(application=app)
    stored = evidence.files.get()
    assert stored.name == "plan.pdf" and stored.size == len(PDF)
    assert emp.get(f"/files/{stored.pk}/").status_code == 200
    assert c["manager"].get(f"/files/{stored.pk}/").status_code == 200  # E001's manager
    assert c["assessor"].get(f"/files/{stored.pk}/").status_code == 404  # not on a panel yet
    follow(
        emp,
        f"/applications/{app.pk}/evidence/",
        {
            "activity": "project",
            "date": "2026-06-01",
            "role": "lead",
            "scope": "national",
            "project_kind": "maintenance",
            "outcome": "success",
            "deliverables": ["project-plan"],
        },
    )
    follow(
        emp,
        f"/applications/{app.pk}/evidence/",
        {
            "activity": "presentation-material",
            "date": "2026-07-01",
            "deliverables": ["slides"],
            "file": SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert m.StoredFile.objects.count() == 1  # the renamed executable was refused
    assert m.EvidenceItem.objects.filter(application=app).count() == 2  # and its evidence is not stored
    follow(
        emp,
        f"/applications/{app.pk}/evidence/",
        {"activity": "presentation-material", "date": "2026-07-01", "deliverables": ["slides"]},
    )
    follow(
        emp,
        f"/applications/{app.pk}/self-assessment/",
        {"rating-talk-prep": "meets", "comment-talk-prep": "ok"},
    )
    follow(emp, f"/applications/{app.pk}/action/", {"action": "submit"})
    page = ok(emp.get(f"/applications/{app.pk}/"))
    assert "A submitted application is read-only." in page or "只读" in page
    assert 'id="evidence-form"' not in page

    lead, member = world["users"]["assessor"], world["users"]["assessor2"]
    follow(
        hr,
        f"/cycles/{cycle_id}/panels/",
        {"name": "评委组一", "kind": "review", "lead": lead.pk, "members": [member.pk]},
    )
    panel = m.Panel.objects.get()
    follow(hr, f"/applications/{app.pk}/panel/", {"panel": panel.pk, "kind": "review"})
    assert m.Application.objects.get(pk=app.pk).state == "in_review"

    rates = {
        "assessor": {"talk-prep": "meets", "talk-delivery": "meets", "reporting": "exceeds"},
        "assessor2": {"talk-prep": "not_met", "talk-delivery": "meets", "reporting": "meets"},
    }
    for who, ratings in rates.items():
        page = ok(c[who].get(f"/applications/{app.pk}/score/"))
        assert "plan.pdf" in page  # the assessor sees the evidence
        data = {f"rating-{e}": r for e, r in ratings.items()} | {"submit": "1"}
        follow(c[who], f"/applications/{app.pk}/score/", data)
    page = ok(c["assessor2"].get(f"/applications/{app.pk}/score/"))
    assert "assessor:" in page  # after submitting, the others' ratings show

    page = ok(c["assessor"].get(f"/applications/{app.pk}/consolidate/"))
    assert "flagged" in page
    follow(
        c["assessor"],
        f"/applications/{app.pk}/consolidate/",
        {
            "rating-talk-prep": "partial",
            "comment-talk-prep": "preparation not shown",
            "rating-talk-delivery": "meets",
            "rating-reporting": "meets",
        },
    )
    assert m.Application.objects.get(pk=app.pk).state == "consolidated"
    follow(hr, f"/applications/{app.pk}/action/", {"action": "decide"})
    page = ok(emp.get(f"/applications/{app.pk}/"))
    assert 'id="decision"' not in page  # not published yet: the applicant does not see it
    # nor does the review panel's lead, on any page
    assert c["assessor"].get(f"/applications/{app.pk}/appeal/decide/").status_code == 404
    assert "未通过" not in ok(c["assessor"].get(f"/applications/{app.pk}/"))
    follow(hr, f"/cycles/{cycle_id}/action/", {"action": "close_applications"})
    hr_en = Client(headers={"accept-language": "en"})
    hr_en.force_login(world["users"]["hr"])
    page = follow(hr_en, f"/cycles/{cycle_id}/action/", {"action": "publish"})
    assert "1 result is published; its notice period ends " in page
    page = follow(hr_en, f"/cycles/{cycle_id}/action/", {"action": "finish"})
    assert "issued" not in page and "Passed applications are certified" not in page  # none was issued
    ends = timezone.localtime(m.Application.objects.get(pk=app.pk).publication.ends_at)
    assert f"1 result is in its notice period until {ends:%Y-%m-%d %H:%M}" in page
    page = ok(emp.get(f"/applications/{app.pk}/"))
    assert '<td data-label="检查项">准备</td>' in page  # each check by its element's name, not its code
    assert "behaviour:talk-prep" not in page

    follow(
        emp,
        f"/applications/{app.pk}/appeal/",
        {
            "reason": "The national project shows the preparation.",
            "file": SimpleUploadedFile("note.txt", "项目策划报告".encode(), content_type="text/plain"),
        },
    )
    assert m.Appeal.objects.get().files.count() == 1
    page = follow(
        hr,
        f"/applications/{app.pk}/appeal/decide/",
        {"upheld": "1", "passed": "1", "reason": "The plan documents it."},
    )
    computed = m.Decision.objects.get(application=app, kind="computed")
    page = ok(emp.get(f"/applications/{app.pk}/"))
    assert f"<li>#{computed.pk} 按标准计算 · 未通过" in page  # the earlier decision's kind, translated
    english = Client(headers={"accept-language": "en"})
    english.force_login(world["users"]["employee"])
    page = ok(english.get(f"/applications/{app.pk}/"))
    assert f"<li>#{computed.pk} computed from the standard · not passed" in page
    # the result changed on appeal: it is published again, with its own notice, before any certificate
    page = ok(hr.get(f"/applications/{app.pk}/"))
    assert 'value="certify"' not in page and 'value="close"' not in page
    page = follow(hr, f"/applications/{app.pk}/action/", {"action": "certify"})
    assert not m.Certificate.objects.exists()
    follow(hr, f"/cycles/{cycle_id}/action/", {"action": "publish"})
    assert m.Application.objects.get(pk=app.pk).state == "published"
    page = follow(hr, f"/applications/{app.pk}/action/", {"action": "certify"})
    assert not m.Certificate.objects.exists()
    later = timezone.localtime() + dt.timedelta(days=9)
    monkeypatch.setattr(RepositoryBase, "now", lambda self: later)
    page = ok(hr.get(f"/applications/{app.pk}/"))
    assert 'value="certify"' in page and 'value="close"' not in page  # a passed result: only certify
    page = follow(hr_en, f"/applications/{app.pk}/action/", {"action": "certify"})
    cert = m.Certificate.objects.get()
    assert f"Certificate {cert.number} issued, valid until {cert.valid_until.isoformat()}." in page
    assert Person.objects.get(employee_id="E001").current_level == 2
    page = ok(emp.get(f"/certificates/{cert.number}/"))
    assert cert.number in page
    pdf = emp.get(f"/certificates/{cert.number}/pdf/")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    assert c["assessor"].get(f"/certificates/{cert.number}/").status_code == 404
    page = ok(hr.get(f"/cycles/{cycle_id}/"))
    assert re.search(r"Results per level|各等级结果", page)
    assert f"#{app.pk}</a> (准备)" in page  # the flagged spread by the element's name, not its code


@pytest.mark.django_db
def test_an_application_holds_only_so_many_evidence_files_and_a_refused_one_is_not_stored(
    world: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    settings.QUALIFY_EVIDENCE_MAX_FILES = 2
    settings.QUALIFY_EVIDENCE_MAX_TOTAL_BYTES = 2 * len(PDF) + 10
    c, cycle_id = world["c"], world["cycle"]
    emp = c["employee"]
    follow(c["hr"], f"/cycles/{cycle_id}/action/", {"action": "open"})
    follow(emp, f"/cycles/{cycle_id}/apply/", {"target_level": "2", "reason": ""})
    app = m.Application.objects.get(person__employee_id="E001")

    def upload(name: str, content: bytes) -> str:
        return follow(
            emp,
            f"/applications/{app.pk}/evidence/",
            {
                "activity": "presentation-material",
                "date": "2026-07-01",
                "deliverables": ["slides"],
                "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
            },
        )

    upload("one.pdf", PDF)
    page = upload("big.pdf", PDF + b"0" * 20)  # second file, but past the total
    assert "big.pdf 未保存" in page and "总量上限为" in page
    upload("two.pdf", PDF)
    page = upload("three.pdf", PDF)
    assert "three.pdf 未保存：此申请已有 2 个文件，上限为 2 个" in page
    page = upload("huge.pdf", PDF + b"0" * (12 * 1024 * 1024 + 512 * 1024))  # 12.5 MB, over 10 MB a file
    assert "huge.pdf 未保存：文件大小为 12.5 MB，单个文件上限为 10 MB" in page
    assert sorted(m.StoredFile.objects.values_list("name", flat=True)) == ["one.pdf", "two.pdf"]
    assert m.EvidenceItem.objects.filter(application=app).count() == 2  # a refused file stores no evidence
    assert len([p for p in (tmp_path / "uploads").rglob("*") if p.is_file()]) == 2  # nothing on disk either


@pytest.mark.django_db
def test_the_api_runs_the_steps_with_the_same_permissions_and_reports_a_conflict_as_409(
    world: dict[str, Any],
) -> None:
    c, cycle_id = world["c"], world["cycle"]
    hr, emp = c["hr"], c["employee"]
    assert hr.post(f"/api/cycles/{cycle_id}/steps/open").status_code == 200
    assert (
        emp.post(f"/api/cycles/{cycle_id}/steps/close_applications").json()["error"]["code"]
        == "role-may-not-do-action"
    )
    made = emp.post(
        f"/api/cycles/{cycle_id}/applications", {"target_level": 2}, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    app_id = made.json()["id"]
    again = emp.post(f"/api/cycles/{cycle_id}/applications", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "application-already-open"
    assert c["assessor"].get(f"/api/cycles/applications/{app_id}").status_code == 404
    assert emp.post(f"/api/cycles/applications/{app_id}/steps/submit").json()["state"] == "submitted"
    lead, member = world["users"]["assessor"], world["users"]["assessor2"]
    panel = hr.post(
        f"/api/cycles/{cycle_id}/panels",
        {"name": "p", "lead_user_id": lead.pk, "member_user_ids": [member.pk]},
        content_type="application/json",
    ).json()
    assert (
        hr.post(
            f"/api/cycles/applications/{app_id}/panel",
            {"panel_id": panel["id"]},
            content_type="application/json",
        ).json()["state"]
        == "in_review"
    )
    sheet = c["assessor"].get("/api/cycles/assignments").json()["items"][0]["id"]
    first = (
        c["assessor"]
        .put(
            f"/api/cycles/assignments/{sheet}/scores/talk-prep",
            {"rating": "meets"},
            content_type="application/json",
        )
        .json()
    )
    url = f"/api/cycles/assignments/{sheet}/scores/talk-prep"
    a = c["assessor"].put(
        url, {"rating": "exceeds", "version": first["version"]}, content_type="application/json"
    )
    b = c["assessor"].put(
        url, {"rating": "partial", "version": first["version"]}, content_type="application/json"
    )
    assert a.status_code == 200 and b.status_code == 409
    assert b.json()["error"]["code"] == "edit-conflict"
    sheet_view = c["assessor"].get(f"/api/cycles/applications/{app_id}/scores").json()
    assert sheet_view["my_scores"]["talk-prep"]["rating"] == "exceeds"
    assert c["assessor2"].get(f"/api/cycles/applications/{app_id}/scores").json()["others"] == {}
    progress = hr.get(f"/api/cycles/{cycle_id}").json()["progress"]
    assert progress["per_state"] == {"in_review": 1}
    assert emp.get(f"/api/cycles/{cycle_id}").json()["progress"] is None


@pytest.mark.django_db
def test_the_lead_consolidates_through_the_api_with_a_plain_json_body(world: dict[str, Any]) -> None:
    c, cycle_id = world["c"], world["cycle"]
    hr, emp = c["hr"], c["employee"]
    hr.post(f"/api/cycles/{cycle_id}/steps/open")
    app_id = emp.post(
        f"/api/cycles/{cycle_id}/applications", {"target_level": 2}, content_type="application/json"
    ).json()["id"]
    emp.post(f"/api/cycles/applications/{app_id}/steps/submit")
    lead, member = world["users"]["assessor"], world["users"]["assessor2"]
    panel = hr.post(
        f"/api/cycles/{cycle_id}/panels",
        {"name": "p", "lead_user_id": lead.pk, "member_user_ids": [member.pk]},
        content_type="application/json",
    ).json()
    hr.post(
        f"/api/cycles/applications/{app_id}/panel", {"panel_id": panel["id"]}, content_type="application/json"
    )
    ratings = {"talk-prep": "meets", "talk-delivery": "meets", "reporting": "exceeds"}
    for who in ("assessor", "assessor2"):
        sheets = c[who].get("/api/cycles/assignments").json()["items"]
        sheet = next(a for a in sheets if a["application_id"] == app_id)
        for element, rating in ratings.items():
            c[who].put(
                f"/api/cycles/assignments/{sheet['id']}/scores/{element}",
                {"rating": rating},
                content_type="application/json",
            )
        assert c[who].post(f"/api/cycles/assignments/{sheet['id']}/submit").status_code == 204
    url = f"/api/cycles/applications/{app_id}/consolidation"
    bad = c["assessor"].post(url, {"talk-prep": {"comment": "no rating"}}, content_type="application/json")
    assert bad.status_code == 422
    body = {e: {"rating": r} for e, r in ratings.items()} | {
        "talk-prep": {"rating": "meets", "comment": "ok"}
    }
    done = c["assessor"].post(url, body, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "consolidated"
    assert m.PanelRating.objects.filter(application_id=app_id).count() == 3
    # finishing during the notice period says so, in numbers, and until when
    assert hr.post(f"/api/cycles/applications/{app_id}/steps/decide").status_code == 200
    hr.post(f"/api/cycles/{cycle_id}/steps/close_applications")
    hr.post(f"/api/cycles/{cycle_id}/steps/publish")
    finished = hr.post(f"/api/cycles/{cycle_id}/steps/finish").json()
    assert finished["finished"] == {"certified": 0, "closed": 0, "in_notice": 1, "to_publish": 0}
    ends = m.Application.objects.get(pk=app_id).publication.ends_at
    assert finished["notice_ends_at"] is not None
    assert dt.datetime.fromisoformat(finished["notice_ends_at"]) == ends


@pytest.mark.django_db
def test_the_cycles_applications_come_a_page_at_a_time(world: dict[str, Any],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from qualify.web.certification import views

    c, cycle_id = world["c"], world["cycle"]
    assert c["hr"].post(f"/api/cycles/{cycle_id}/steps/open").status_code == 200
    made = []
    for person in Person.objects.order_by("employee_id"):  # HR nominates whoever may apply
        for level in (1, 2, 3):
            answer = c["hr"].post(f"/api/cycles/{cycle_id}/applications",
                                  {"employee_id": person.employee_id, "target_level": level},
                                  content_type="application/json")
            if answer.status_code == 201:
                made.append(answer)
                break
    copy = m.Application.objects.get(pk=made[0].json()["id"])  # a second one, for another person
    copy.pk, copy.person = None, Person.objects.exclude(pk=copy.person_id).first()
    copy.save()
    first, second = made[0].json()["id"], copy.pk
    monkeypatch.setattr(views, "APPLICATIONS_PAGE", 1)
    page_one = ok(c["hr"].get(f"/cycles/{cycle_id}/", HTTP_ACCEPT_LANGUAGE="en"))
    page_two = ok(c["hr"].get(f"/cycles/{cycle_id}/", {"page": 2}, HTTP_ACCEPT_LANGUAGE="en"))
    assert f"/applications/{first}/" in page_one and f"/applications/{second}/" not in page_one
    assert f"/applications/{second}/" in page_two and "Page 2 of 2" in page_two
