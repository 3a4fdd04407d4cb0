"""A security review of the web app, as an attacker with a valid low-privilege account would try it.

Each test is one attempt and what must come of it. ``tests/e2e/test_access_matrix.py`` already walks
every URL with every role (GET); these tests go further: other people's objects by id, writes, the
state of an object, tokens, CSRF, uploads and redirects.

The world: the small organisation of ``tests.support.org`` (employee = E001 in bj, manager of north,
assessor = E003 in south, HR of ``mini``), a second assessor (E002), HR of the family ``other``, and
a cycle on the mini standard in which E001's application is submitted, with an evidence file, and
assessed by a panel (lead: assessor, member: assessor2).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils.http import url_has_allowed_host_and_scheme

from qualify.core.cycle import PanelChoice
from qualify.core.errors import QualifyError
from qualify.services import certification as svc
from qualify.services import standards
from qualify.web.accounts.models import ApiToken
from qualify.web.accounts.tokens import create_token
from qualify.web.certification import models as m
from qualify.web.certification.repository import DjangoRepository, actor_for
from qualify.web.people.models import ExamResult, ImportBatch, PerformanceRating, Person
from qualify.web.screening.models import ScreeningRun
from tests.support.org import hr_workbook, make_person, make_user

pytestmark = pytest.mark.django_db

MINI = str(Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml")
TODAY = dt.date(2026, 11, 26)
PDF = b"%PDF-1.4\n% evidence\n"
RATINGS = {"talk-prep": "meets", "talk-delivery": "meets", "reporting": "exceeds"}


def new_cycle(name: str = "冬季认证") -> svc.NewCycle:
    return svc.NewCycle(name=name, standard_id=MINI, opens_on=TODAY - dt.timedelta(days=3),
                        closes_on=TODAY + dt.timedelta(days=365 * 5), as_of=TODAY, levels=(2, 3))


@pytest.fixture
def world(users: dict[str, Any], org: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.MEDIA_ROOT = str(tmp_path / "uploads")
    everyone = {
        **users,
        "assessor2": make_user("assessor2", ["employee", "assessor"], person=org.people["E002"]),
        "hr_other": make_user("hr_other", ["hr"], hr_families=["other"]),
    }
    repo = DjangoRepository()
    a = {name: actor_for(user) for name, user in everyone.items()}
    cycle = svc.open_cycle(repo, a["hr"], svc.create_cycle(repo, a["hr"], new_cycle()).id)
    app = svc.apply(repo, a["employee"], cycle.id, target_level=2)
    evidence = svc.add_evidence(repo, a["employee"], app.id,
                                svc.EvidenceInput(activity="presentation", date=TODAY))
    stored = svc.add_evidence_file(repo, a["employee"], evidence.id, "talk.pdf", PDF)
    svc.submit(repo, a["employee"], app.id)
    panel = svc.form_panel(repo, a["hr"], cycle.id, name="p", lead_user_id=everyone["assessor"].pk,
                           member_user_ids=[everyone["assessor2"].pk])
    svc.assign_panel(repo, a["hr"], app.id, panel.id)
    sheets = {s.user_id: s.id for s in repo.assignments(app.id, "review")}
    return {
        "users": everyone, "actors": a, "repo": repo, "org": org, "cycle": cycle.id, "app": app.id,
        "evidence": evidence.id, "file": stored.id, "panel": panel.id,
        "lead_sheet": sheets[everyone["assessor"].pk], "member_sheet": sheets[everyone["assessor2"].pk],
    }


def eligible(person: Person) -> Person:
    """Give ``person`` the performance and exams that make E001 eligible for the levels offered."""
    for period, rating in [("2025Q4", "B"), ("2026Q1", "B+"), ("2026Q2", "A"), ("2026Q3", "B")]:
        PerformanceRating.objects.create(person=person, period=period, rating=rating)
    ExamResult.objects.create(person=person, sitting="2026", exam="general", score=90)
    ExamResult.objects.create(person=person, sitting="2026", exam="professional", score=90)
    return person


def client(user: Any, **kwargs: Any) -> Client:
    c = Client(**kwargs)
    c.force_login(user)
    return c


def state(app_id: int) -> str:
    return str(m.Application.objects.get(pk=app_id).state)


# --- the certification cycle: other people's applications by id -------------------------------------------


@pytest.mark.parametrize("who", ["manager_elsewhere", "hr_other"])
def test_an_application_outside_the_callers_scope_is_a_404_on_every_page_and_endpoint(
        world: dict[str, Any], who: str) -> None:
    # a manager of the south unit (E001 is in bj, below north) and HR of another job family
    if who == "manager_elsewhere":
        user = make_user("south_boss", ["employee", "manager"], managed_unit=world["org"].units["south"])
    else:
        user = world["users"]["hr_other"]
    c, app = client(user), world["app"]
    for url in (f"/applications/{app}/", f"/applications/{app}/score/", f"/files/{world['file']}/",
                f"/api/cycles/applications/{app}", f"/api/cycles/applications/{app}/evidence",
                f"/api/cycles/applications/{app}/scores", f"/api/cycles/applications/{app}/decisions"):
        assert c.get(url).status_code == 404, url
    hidden = c.get(f"/api/cycles/applications/{app}").json()["error"]
    nothing = c.get("/api/cycles/applications/999999").json()["error"]
    assert hidden["code"] == nothing["code"] == "not-found"  # no hint that it exists
    assert hidden["message"].replace(str(app), "N") == nothing["message"].replace("999999", "N")
    assert c.post(f"/api/cycles/applications/{app}/steps/withdraw").status_code == 404
    assert state(app) == "in_review"


def test_evidence_of_another_application_cannot_be_removed_through_ones_own(world: dict[str, Any]) -> None:
    # E002's own draft application, and E001's evidence id in the URL
    repo, a = world["repo"], world["actors"]
    eligible(world["org"].people["E002"])
    own = svc.apply(repo, a["assessor2"], world["cycle"], target_level=3)
    response = client(world["users"]["assessor2"]).post(
        f"/applications/{own.id}/evidence/{world['evidence']}/delete/")
    assert response.status_code == 404
    assert m.EvidenceItem.objects.filter(pk=world["evidence"]).exists()


def test_an_assessor_taken_off_the_panel_no_longer_sees_the_application_or_its_files(
        world: dict[str, Any]) -> None:
    repo, a, users = world["repo"], world["actors"], world["users"]
    member = client(users["assessor2"])
    assert member.get(f"/files/{world['file']}/").status_code == 200
    other = make_user("assessor3", ["employee", "assessor"],
                      person=make_person("E006", world["org"].units["south"]))
    panel = svc.form_panel(repo, a["hr"], world["cycle"], name="q", lead_user_id=users["assessor"].pk,
                           member_user_ids=[other.pk])
    svc.assign_panel(repo, a["hr"], world["app"], panel.id)
    assert member.get(f"/files/{world['file']}/").status_code == 404
    assert member.get(f"/applications/{world['app']}/").status_code == 404
    response = member.put(f"/api/cycles/assignments/{world['member_sheet']}/scores/talk-prep",
                          {"rating": "meets"}, content_type="application/json")
    assert response.status_code == 404


def test_an_assessor_cannot_rate_or_submit_on_another_assessors_score_sheet(world: dict[str, Any]) -> None:
    member = client(world["users"]["assessor2"])
    lead_sheet = world["lead_sheet"]
    response = member.put(f"/api/cycles/assignments/{lead_sheet}/scores/talk-prep",
                          {"rating": "not_met", "comment": "x"}, content_type="application/json")
    assert response.status_code == 404
    assert member.post(f"/api/cycles/assignments/{lead_sheet}/submit").status_code == 404
    assert not m.ElementScore.objects.filter(assignment_id=lead_sheet).exists()


def test_an_assessor_reads_no_other_ratings_or_comments_before_submitting_their_own(
        world: dict[str, Any]) -> None:
    repo, a = world["repo"], world["actors"]
    for element, rating in RATINGS.items():
        svc.rate(repo, a["assessor"], world["lead_sheet"], element, rating, f"lead says {element} secret")
    svc.submit_rating(repo, a["assessor"], world["lead_sheet"])
    member = client(world["users"]["assessor2"])
    page = member.get(f"/applications/{world['app']}/score/").content.decode()
    assert "lead says" not in page
    body = member.get(f"/api/cycles/applications/{world['app']}/scores").json()
    assert body["hidden"] is True and body["others"] == {} and body["spreads"] == {}
    assert member.get(f"/applications/{world['app']}/consolidate/").status_code == 404  # not the lead
    # the applicant does not read the panel's ratings either
    applicant = client(world["users"]["employee"]).get(f"/api/cycles/applications/{world['app']}/scores")
    assert applicant.json()["others"] == {}


def test_the_applicant_cannot_take_the_hr_steps_on_their_own_application(world: dict[str, Any]) -> None:
    repo, a, app = world["repo"], world["actors"], world["app"]
    for who, sheet in (("assessor", world["lead_sheet"]), ("assessor2", world["member_sheet"])):
        for element, rating in RATINGS.items():
            svc.rate(repo, a[who], sheet, element, rating)
        svc.submit_rating(repo, a[who], sheet)
    svc.consolidate(repo, a["assessor"], app, {e: PanelChoice(r, "") for e, r in RATINGS.items()})
    c = client(world["users"]["employee"])
    response = c.post(f"/api/cycles/applications/{app}/steps/decide")
    assert response.status_code == 403 and state(app) == "consolidated"
    svc.decide(repo, a["hr"], app)
    response = c.post(f"/api/cycles/applications/{app}/override", {"passed": True, "reason": "I say so"},
                      content_type="application/json")
    assert response.status_code == 403
    assert m.Decision.objects.filter(application_id=app).count() == 1


def test_hr_who_is_also_the_applicant_may_not_run_their_own_application(world: dict[str, Any]) -> None:
    # An HR user of the family with an employee record applies: approving, assigning a panel,
    # rejecting, deciding and overriding their own application is for someone else.
    repo, org = world["repo"], world["org"]
    person = eligible(make_person("E005", org.units["bj"], level=1))
    hr_self = make_user("hr_self", ["employee", "hr"], person=person, hr_families=["mini"])
    own = svc.apply(repo, actor_for(hr_self), world["cycle"], target_level=2)
    svc.submit(repo, actor_for(hr_self), own.id)
    c = client(hr_self)
    response = c.post(f"/api/cycles/applications/{own.id}/panel", {"panel_id": world["panel"]},
                      content_type="application/json")
    assert response.status_code == 403
    assert c.post(f"/applications/{own.id}/reject/", {"reason": "x"}).status_code == 302
    assert state(own.id) == "submitted"
    allowed = c.get(f"/api/cycles/applications/{own.id}").json()["allowed"]
    assert allowed == ["withdraw"]


# --- cycles ---------------------------------------------------------------------------------------------


def test_a_draft_cycle_is_404_by_id_for_everyone_but_hr_of_its_family(world: dict[str, Any]) -> None:
    draft = svc.create_cycle(world["repo"], world["actors"]["hr"], new_cycle("草稿")).id
    for role in ("employee", "manager", "assessor", "hr_other"):
        c = client(world["users"][role])
        for url in (f"/cycles/{draft}/", f"/cycles/{draft}/apply/", f"/api/cycles/{draft}",
                    f"/api/cycles/{draft}/applications"):
            assert c.get(url).status_code == 404, (role, url)
    assert client(world["users"]["hr"]).get(f"/cycles/{draft}/").status_code == 200
    assert client(world["users"]["admin"]).get(f"/api/cycles/{draft}").status_code == 200


def test_nominating_a_person_hr_may_not_see_is_a_404_like_a_person_who_does_not_exist(
        world: dict[str, Any]) -> None:
    c, cycle = client(world["users"]["hr"]), world["cycle"]
    outside = c.post(f"/api/cycles/{cycle}/applications", {"employee_id": "E004"},  # family "other"
                     content_type="application/json")
    nobody = c.post(f"/api/cycles/{cycle}/applications", {"employee_id": "NOBODY"},
                    content_type="application/json")
    assert outside.status_code == nobody.status_code == 404
    assert "other" not in outside.content.decode()
    assert not m.Application.objects.filter(person__employee_id="E004").exists()


def test_forming_a_panel_does_not_tell_hr_who_holds_an_account_outside_the_assessor_pool(
        world: dict[str, Any]) -> None:
    c, users = client(world["users"]["hr"]), world["users"]
    someone = make_user("zhang.wei.private", ["employee"])
    answers = []
    for member in (someone.pk, 999999):  # an account that is not an assessor, and no account
        response = c.post(f"/api/cycles/{world['cycle']}/panels",
                          {"name": "p2", "lead_user_id": users["assessor"].pk, "member_user_ids": [member]},
                          content_type="application/json")
        assert response.status_code == 422
        answers.append(response.json()["error"]["fields"]["problems"][0]["code"])
        assert "zhang.wei.private" not in response.content.decode()
    assert answers == ["not-an-assessor", "not-an-assessor"]
    assert m.Panel.objects.count() == 1


def test_a_cycle_is_opened_only_on_a_shipped_standard_never_on_a_file_of_the_server(
        world: dict[str, Any]) -> None:
    body = {"name": "x", "standard_id": MINI, "opens_on": "2026-11-01", "closes_on": "2026-12-01",
            "as_of": "2026-11-26", "levels": [2]}
    response = client(world["users"]["admin"]).post("/api/cycles/", body, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "standard-not-found"
    assert not m.Cycle.objects.filter(name="x").exists()


def test_a_next_address_after_assigning_a_panel_never_leaves_the_site(world: dict[str, Any]) -> None:
    repo, a = world["repo"], world["actors"]
    eligible(world["org"].people["E002"])
    own = svc.apply(repo, a["assessor2"], world["cycle"], target_level=3)
    svc.submit(repo, a["assessor2"], own.id)
    c = client(world["users"]["hr"])
    for target in ("/\\evil.example/", "https://evil.example/", "//evil.example/", "/\\/evil.example"):
        response = c.post(f"/applications/{own.id}/panel/",
                          {"panel": str(world["panel"]), "kind": "review", "next": target})
        location = response["Location"]
        # (Django percent-encodes a backslash: "/%5Cevil.example/" is a path of this site)
        assert url_has_allowed_host_and_scheme(location, {"testserver"}), (target, location)
        assert urlsplit(location).netloc == "" and location.startswith("/"), (target, location)


# --- files ------------------------------------------------------------------------------------------------


def test_an_evidence_file_is_downloaded_as_an_attachment_that_the_browser_does_not_run(
        world: dict[str, Any]) -> None:
    response = client(world["users"]["employee"]).get(f"/files/{world['file']}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


def test_an_html_page_is_not_accepted_as_evidence_under_any_name() -> None:
    page = b"<html><script>alert(document.cookie)</script></html>"
    for name in ("page.html", "page.pdf", "page.svg", "page.png"):
        with pytest.raises(QualifyError) as refused:
            svc.check_upload(name, page)
        assert refused.value.code == "file-type-refused"


def test_an_appeal_file_is_served_only_to_those_who_see_the_application(world: dict[str, Any]) -> None:
    appeal = m.Appeal.objects.create(application_id=world["app"], reason="r",
                                     filed_at=dt.datetime.now(dt.UTC))
    stored = m.StoredFile.objects.create(appeal=appeal, name="note.txt", content_type="text/plain",
                                         size=1, sha256="0", file="x/none")
    outsider = make_user("outsider", ["employee"],
                         person=make_person("E900", world["org"].units["south"]))
    for user in (outsider, world["users"]["hr_other"]):
        assert client(user).get(f"/files/{stored.pk}/").status_code == 404


# --- HR scope: imports and screening ----------------------------------------------------------------


def test_the_import_api_checks_against_a_shipped_standard_never_a_file_of_the_server(
        users: dict[str, Any], tmp_path: Path) -> None:
    workbook = hr_workbook(tmp_path / "hr.xlsx", standards.get_standard(MINI), people=3)
    _, key = create_token(users["hr"], "sync")
    for ref in (MINI, "/etc/passwd", "../../../etc/hostname"):
        with workbook.open("rb") as handle:
            response = Client().post("/api/imports/", {"file": handle, "standard": ref},
                                     HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 201
        body = response.json()
        assert body["status"] == "rejected", ref
        assert [p["code"] for p in body["problems"]] == ["standard-not-found"]  # not "not YAML"
    assert not ImportBatch.objects.filter(status="validated").exists()


def test_a_screening_workbook_is_for_hr_of_its_family_even_after_its_creator_loses_the_family(
        users: dict[str, Any]) -> None:
    run = ScreeningRun(created_by=users["hr"], standard_id="mini@1.0", as_of=TODAY, status="done",
                       progress=100, result_file="s.xlsx")
    run.result.save("s.xlsx", ContentFile(b"PK\x03\x04 results"))
    hr = client(users["hr"])
    assert hr.get(f"/screening/{run.pk}/result.xlsx").status_code == 200
    profile = users["hr"].profile
    profile.hr_families = ["other"]
    profile.save()
    assert hr.get(f"/screening/{run.pk}/result.xlsx").status_code == 404
    assert hr.get(f"/api/screening/{run.pk}").status_code == 404


def test_an_import_refused_for_an_existing_person_does_not_name_their_job_family(
        users: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    from qualify.web.people.importing import validate_upload

    shipped = standards.shipped_files()
    monkeypatch.setattr(standards, "shipped_files", lambda: [*shipped, Path(MINI)])
    make_person("SECRET1", None, family="secret-family")
    workbook = hr_workbook(tmp_path / "hr.xlsx", standards.get_standard(MINI), people=2)
    rows = load_workbook(workbook)
    first_id = rows["employees"]["A2"].value
    for sheet in rows.worksheets:
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == first_id:
                row[0].value = "SECRET1"
    rows.save(workbook)
    batch = validate_upload(users["hr"], "hr.xlsx", workbook.read_bytes(), "mini@1.0")
    assert batch.status == "rejected"
    assert [p["code"] for p in batch.problems] == ["not-your-family"]
    assert "secret-family" not in str(batch.problems)
    assert Person.objects.get(employee_id="SECRET1").job_family == "secret-family"


# --- accounts, tokens, CSRF, redirects --------------------------------------------------------------------


def test_a_token_of_a_deactivated_account_is_refused(users: dict[str, Any]) -> None:
    _, key = create_token(users["hr"], "sync")
    assert Client().get("/api/people/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    users["hr"].is_active = False
    users["hr"].save()
    response = Client().get("/api/people/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401


def test_tokens_are_stored_only_as_a_hash(users: dict[str, Any]) -> None:
    token, key = create_token(users["employee"], "script")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert all(key not in str(value) for value in stored.values())
    assert len(stored["prefix"]) < len(key) // 3


def test_one_cannot_revoke_someone_elses_token(users: dict[str, Any]) -> None:
    token, _ = create_token(users["hr"], "sync")
    response = client(users["employee"]).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_a_session_write_to_the_api_needs_the_csrf_token_and_a_bearer_token_does_not(
        world: dict[str, Any]) -> None:
    member = world["users"]["assessor2"]
    url = f"/api/cycles/assignments/{world['member_sheet']}/scores/talk-prep"
    browser = client(member, enforce_csrf_checks=True)
    response = browser.put(url, {"rating": "meets"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert not m.ElementScore.objects.exists()
    _, key = create_token(member, "script")
    script = Client(enforce_csrf_checks=True)
    response = script.put(url, {"rating": "meets"}, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert m.ElementScore.objects.get().rating == "meets"


def test_pages_refuse_a_post_without_the_csrf_token(world: dict[str, Any]) -> None:
    hr = client(world["users"]["hr"], enforce_csrf_checks=True)
    assert hr.post(f"/cycles/{world['cycle']}/action/", {"action": "cancel"}).status_code == 403
    assert m.Cycle.objects.get(pk=world["cycle"]).state == "open"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_login_and_the_language_switch_never_send_the_user_off_the_site(
        users: dict[str, Any], target: str) -> None:
    from tests.support.org import PASSWORD

    response = Client().post(f"/accounts/login/?next={target}",
                             {"username": "employee", "password": PASSWORD, "next": target})
    assert response.status_code == 302 and "evil" not in response["Location"]
    response = Client().post("/i18n/setlang/", {"language": "en", "next": target})
    assert "evil" not in response.get("Location", "")


def test_user_text_is_escaped_on_the_pages(world: dict[str, Any]) -> None:
    Person.objects.filter(employee_id="E001").update(name="<script>alert(1)</script>")
    m.EvidenceItem.objects.filter(pk=world["evidence"]).update(note="<img src=x onerror=alert(2)>")
    for url, user in ((f"/applications/{world['app']}/", "employee"), ("/people/E001/", "manager"),
                      ("/people/", "hr")):
        page = client(world["users"][user]).get(url).content.decode()
        assert "<script>alert(1)" not in page and "<img src=x" not in page, url
    assert "&lt;script&gt;alert(1)" in client(world["users"]["hr"]).get("/people/").content.decode()
