"""Each role starts at its workbench (工作台) and does its top to-do from there, in Chromium.

The chain of one application: the employee applies from the workbench and submits; their manager
gives the opinion the cycle requires; HR assigns the panel (refused before the opinion); the lead
assessor scores. The workbench of every role is photographed at 1440 and 390 px at noon and at
00:30 China time (the clock of the server is set; the date shown must be the local one). The
screenshots go to ``$QUALIFY_SCREENSHOTS`` when set (to read them), else to the test's temporary
folder.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from qualify.services import certification as svc
from qualify.services import standards
from qualify.web.certification import models as m
from qualify.web.certification.repository import DjangoRepository, actor_for
from tests.support.org import make_user

pytestmark = pytest.mark.browser

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml"
UTC = dt.UTC
NOON = dt.datetime(2026, 12, 4, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
HALF_PAST_MIDNIGHT = dt.datetime(2026, 12, 3, 16, 30, tzinfo=UTC)  # 00:30 on 4 December in Shanghai


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """``clock(when)``: the server's (and the services') now, from then on."""

    def set_to(when: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: when)

    return set_to


def shoot(page: Any, folder: Path, name: str) -> None:
    """The workbench at 1440 px and at 390 px (a phone), full page; nothing may overflow sideways."""
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} at {width} px is {overflow} px wider than the screen"
    page.set_viewport_size({"width": 1440, "height": 900})


def test_each_role_does_its_top_to_do_from_the_workbench(
    as_user: Callable[..., Any],
    live_server: Any,
    users: dict[str, Any],
    org: Any,
    settings: Any,
    tmp_path: Path,
    clock: Callable[[dt.datetime], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shipped = standards.shipped_files()
    monkeypatch.setattr(standards, "shipped_files", lambda: [*shipped, MINI])
    settings.QUALIFY_UPLOADS_DIR = str(tmp_path / "uploads")
    folder = Path(os.environ.get("QUALIFY_SCREENSHOTS") or tmp_path / "screens")
    folder.mkdir(parents=True, exist_ok=True)
    clock(NOON)
    today = dt.date(2026, 12, 4)
    repo, hr_actor = DjangoRepository(), actor_for(users["hr"])
    member = make_user("assessor2", ["employee", "assessor"], person=org.people["E002"])
    cycle = svc.create_cycle(
        repo,
        hr_actor,
        svc.NewCycle(
            name="2026 冬季认证",
            standard_id=str(MINI),
            opens_on=today,  # opens today, local date: open at 00:30 already
            closes_on=today + dt.timedelta(days=20),
            as_of=today,
            levels=(2, 3),
            manager_opinion="required",
        ),
    )
    svc.open_cycle(repo, hr_actor, cycle.id)
    panel = svc.form_panel(
        repo, hr_actor, cycle.id, name="评委组一", lead_user_id=users["assessor"].pk,
        member_user_ids=[member.pk],
    )
    base = live_server.url

    # the employee lands on the workbench; the top to-do: apply in the open cycle, then submit
    emp = as_user(users["employee"])
    assert emp.url.rstrip("/").endswith("/workbench")
    assert emp.locator("#wb-employee-apply").get_attribute("data-count") == "1"
    shoot(emp, folder, "employee-noon")
    emp.click("#wb-employee-apply a.wb-do")
    emp.select_option("select[name=target_level]", "2")
    emp.click("form.card button[type=submit]")
    emp.wait_for_load_state()
    app_id = int(re.search(r"/applications/(\d+)/", emp.url)[1])  # type: ignore[index]
    emp.click("button[data-action=submit]")
    emp.wait_for_load_state()
    assert m.Application.objects.get(pk=app_id).state == "submitted"

    # HR cannot assign the panel before the manager's opinion: the page says why
    hr = as_user(users["hr"])
    assert hr.locator("#wb-hr-no_panel").get_attribute("data-count") == "1"
    hr.goto(f"{base}/applications/{app_id}/")
    hr.click("form:has(#panel-review) button[type=submit]")
    hr.wait_for_load_state()
    assert hr.locator(".msg.error, .messages .error").count() >= 1
    assert m.Application.objects.get(pk=app_id).state == "submitted"

    # the manager: the top to-do is the opinion on E001's application
    manager = as_user(users["manager"])
    assert manager.locator("#wb-manager-opinions").get_attribute("data-count") == "1"
    shoot(manager, folder, "manager-noon")
    manager.click("#wb-manager-opinions a.wb-do")
    manager.set_viewport_size({"width": 390, "height": 900})
    manager.screenshot(path=str(folder / "manager-opinion-form-390.png"), full_page=True)
    manager.set_viewport_size({"width": 1440, "height": 900})
    manager.fill("#id_opinion", "张伟沟通能力强，项目经验扎实，同意申请。")
    manager.click("#opinion-form button[type=submit]")
    manager.wait_for_load_state()
    assert m.Application.objects.get(pk=app_id).manager_opinion.startswith("张伟沟通能力强")
    manager.goto(f"{base}/workbench/")
    assert manager.locator("#wb-manager-opinions").get_attribute("data-count") == "0"

    # HR: the top to-do is the application without a panel
    hr.goto(f"{base}/workbench/")
    shoot(hr, folder, "hr-noon")
    hr.click("#wb-hr-no_panel a.wb-do")
    hr.select_option("#panel-review", str(panel.id))
    hr.click("form:has(#panel-review) button[type=submit]")
    hr.wait_for_load_state()
    assert m.Application.objects.get(pk=app_id).state == "in_review"

    # the lead assessor: the top to-do is the score sheet; the manager's opinion is on it
    lead = as_user(users["assessor"])
    assert lead.locator("#wb-assessor-score").get_attribute("data-count") == "1"
    shoot(lead, folder, "assessor-noon")
    lead.click("#wb-assessor-score a.wb-do")
    assert lead.locator("#manager-opinion").is_visible()
    for select in lead.locator("select[name^=rating-]").all():
        select.select_option("meets")
        name = select.get_attribute("name")
        lead.fill(f"input[name=comment-{name.removeprefix('rating-')}]", "符合")
    lead.click("button[name=submit]")
    lead.wait_for_load_state()
    sheet = m.Assignment.objects.get(application_id=app_id, assessor=users["assessor"])
    assert sheet.state == "submitted"

    # at 00:30 China time (still 3 December in UTC) every workbench shows 4 December
    clock(HALF_PAST_MIDNIGHT)
    for name, page in (("employee", emp), ("manager", manager), ("hr", hr), ("assessor", lead)):
        page.goto(f"{base}/workbench/")
        assert "2026-12-04" in page.locator("p.lead").inner_text()
        shoot(page, folder, f"{name}-0030")
    assert emp.locator("#wb-employee-applications").get_attribute("data-count") == "1"
