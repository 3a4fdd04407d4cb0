"""A whole certification cycle in Chromium with several accounts, each in its own browser context.

HR opens the cycle; the employee applies with evidence (and a file); two assessors score with a
spread of two steps; the lead consolidates; HR decides and publishes; the employee appeals; HR
decides the appeal, which changes the result; HR publishes it again; after its new notice period HR
issues the certificate.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from qualify.services import certification as svc
from qualify.web.certification import models as m
from qualify.web.certification.repository import DjangoRepository, actor_for
from qualify.web.certification.repository.base import RepositoryBase
from qualify.web.people.models import Person
from tests.support.org import make_user

pytestmark = pytest.mark.browser

MINI = str(Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml")


def click_step(page: Any, action: str) -> None:
    page.click(f"button[data-action={action}]")
    page.wait_for_load_state()


def add_evidence(
    page: Any, fields: dict[str, str], checks: list[tuple[str, str]], file: bytes | None = None
) -> None:
    form = page.locator("#evidence-form")
    if not form.is_visible():
        page.click("#evidence summary")
    for name, value in fields.items():
        if name == "date":
            form.locator("input[name=date]").fill(value)
        else:
            form.locator(f"select[name={name}]").select_option(value)
    for name, value in checks:
        form.locator(f"input[name={name}][value={value}]").check()
    if file is not None:
        form.locator("input[name=file]").set_input_files(
            files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": file}]
        )
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def score(page: Any, url: str, ratings: dict[str, str]) -> None:
    page.goto(url)
    for element, rating in ratings.items():
        page.select_option(f"select[name=rating-{element}]", rating)
        page.fill(f"input[name=comment-{element}]", f"{rating} on {element}")
    page.click("button[name=submit]")
    page.wait_for_load_state()


def test_a_whole_cycle_in_the_browser_with_several_accounts(
    as_user: Callable[[Any], Any],
    live_server: Any,
    users: dict[str, Any],
    org: Any,
    settings: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.QUALIFY_UPLOADS_DIR = str(tmp_path / "uploads")
    lead, member = (
        users["assessor"],
        make_user("assessor2", ["employee", "assessor"], person=org.people["E002"]),
    )
    today = timezone.localdate()
    cycle = svc.create_cycle(
        DjangoRepository(),
        actor_for(users["hr"]),
        svc.NewCycle(
            name="2026 冬季认证",
            standard_id=MINI,
            opens_on=today - dt.timedelta(days=1),
            closes_on=today + dt.timedelta(days=30),
            as_of=today,
            levels=(2, 3),
        ),
    )
    base = live_server.url

    # HR opens the cycle
    hr = as_user(users["hr"])
    hr.goto(f"{base}/cycles/{cycle.id}/")
    click_step(hr, "open")
    assert m.Cycle.objects.get(pk=cycle.id).state == "open"

    # the employee applies with evidence and a file, rates themselves, submits
    emp = as_user(users["employee"])
    emp.goto(f"{base}/cycles/")
    emp.click(f"a[href='/cycles/{cycle.id}/apply/']")
    emp.select_option("select[name=target_level]", "2")
    emp.click("form.card button[type=submit]")
    emp.wait_for_load_state()
    app_id = int(re.search(r"/applications/(\d+)/", emp.url)[1])  # type: ignore[index]
    add_evidence(
        emp,
        {
            "activity": "project",
            "date": "2026-03-01",
            "role": "lead",
            "scope": "province",
            "project_kind": "major",
            "outcome": "success",
        },
        [("deliverables", "project-plan"), ("measures", "talks")],
        file=b"%PDF-1.4 project plan",
    )
    add_evidence(
        emp,
        {
            "activity": "project",
            "date": "2026-06-01",
            "role": "lead",
            "scope": "national",
            "project_kind": "maintenance",
            "outcome": "success",
        },
        [("deliverables", "project-plan")],
    )
    add_evidence(
        emp, {"activity": "presentation-material", "date": "2026-07-01"}, [("deliverables", "slides")]
    )
    assert emp.locator("#evidence tbody tr").count() == 3
    assert emp.locator("a", has_text="plan.pdf").count() == 1
    emp.select_option("select[name=rating-talk-prep]", "meets")
    emp.click("#self-assessment button[type=submit]")
    click_step(emp, "submit")
    assert emp.locator("#evidence-form").count() == 0  # read-only from now on

    # HR forms a panel (lead + member) and assigns it
    hr.goto(f"{base}/cycles/{cycle.id}/panels/")
    hr.fill("input[name=name]", "评委组一")
    hr.select_option("select[name=lead]", str(lead.pk))
    hr.check(f"input[name=members][value='{member.pk}']")
    hr.click("form button.primary")
    hr.wait_for_load_state()
    hr.goto(f"{base}/applications/{app_id}/")
    hr.click("form:has(#panel-review) button[type=submit]")
    hr.wait_for_load_state()
    assert m.Application.objects.get(pk=app_id).state == "in_review"

    # two assessors score, two steps apart on talk-prep; the member sees nothing of the lead's first
    lead_page, member_page = as_user(lead), as_user(member)
    score(
        lead_page,
        f"{base}/applications/{app_id}/score/",
        {"talk-prep": "meets", "talk-delivery": "meets", "reporting": "exceeds"},
    )
    member_page.goto(f"{base}/applications/{app_id}/score/")
    assert member_page.locator("text=assessor:").count() == 0
    score(
        member_page,
        f"{base}/applications/{app_id}/score/",
        {"talk-prep": "not_met", "talk-delivery": "meets", "reporting": "meets"},
    )
    assert member_page.locator("tr.flagged").count() == 1

    # the lead consolidates, with the panel's reason for the flagged element
    lead_page.goto(f"{base}/applications/{app_id}/consolidate/")
    assert lead_page.locator("tr.flagged").count() == 1
    lead_page.select_option("select[name=rating-talk-prep]", "partial")
    lead_page.fill("input[name=comment-talk-prep]", "准备工作证据不足")
    lead_page.click("#consolidate-form button[type=submit]")
    lead_page.wait_for_load_state()
    assert m.Application.objects.get(pk=app_id).state == "consolidated"

    # HR decides from the standard and publishes
    hr.goto(f"{base}/applications/{app_id}/")
    click_step(hr, "decide")
    hr.goto(f"{base}/cycles/{cycle.id}/")
    click_step(hr, "close_applications")
    click_step(hr, "publish")
    assert m.Application.objects.get(pk=app_id).state == "published"

    # the employee reads every reason and appeals
    emp.goto(f"{base}/applications/{app_id}/")
    assert emp.locator("#decision").is_visible()
    assert emp.locator("#decision").get_by_role("cell", name="准备", exact=True).count() == 1
    emp.click(f"a[href='/applications/{app_id}/appeal/']")
    emp.fill("textarea[name=reason]", "国家级项目的策划报告体现了准备工作。")
    emp.click("form.card button.primary")
    emp.wait_for_load_state()
    assert m.Application.objects.get(pk=app_id).state == "appealed"

    # HR decides the appeal (upheld: passed), then issues the certificate
    hr.goto(f"{base}/applications/{app_id}/appeal/decide/")
    hr.select_option("select[name=upheld]", "1")
    hr.select_option("select[name=passed]", "1")
    hr.fill("textarea[name=reason]", "策划报告记录了准备过程，申诉成立。")
    hr.click("form.card button.primary")
    hr.wait_for_load_state()
    # the appeal changed the result: no certificate before it is published again with its own notice
    assert m.Application.objects.get(pk=app_id).state == "appeal_decided"
    assert hr.locator("button[data-action=certify]").count() == 0
    hr.goto(f"{base}/cycles/{cycle.id}/")
    click_step(hr, "publish")
    assert m.Application.objects.get(pk=app_id).state == "published"
    hr.goto(f"{base}/applications/{app_id}/")
    click_step(hr, "certify")  # refused: the new notice period runs
    assert not m.Certificate.objects.filter(application_id=app_id).exists()
    # nine days later the new notice is over: a passed result offers only "certify"
    later = timezone.localtime() + dt.timedelta(days=9)
    monkeypatch.setattr(RepositoryBase, "now", lambda self: later)
    hr.goto(f"{base}/applications/{app_id}/")
    assert hr.locator("button[data-action=close]").count() == 0
    click_step(hr, "certify")
    cert = m.Certificate.objects.get(application_id=app_id)
    assert Person.objects.get(employee_id="E001").current_level == 2

    # the employee sees the certificate and its PDF
    emp.goto(f"{base}/applications/{app_id}/")
    emp.click(f"a[href='/certificates/{cert.number}/']")
    assert emp.locator("code", has_text=cert.number).count() == 1
    pdf = emp.request.get(f"{base}/certificates/{cert.number}/pdf/")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
