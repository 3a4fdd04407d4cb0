"""An employee logs in and reads their gap list in Chromium: what the next level asks of them, check
by check, with what to do about each; then checks themselves against a higher level, in English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qualify.services import standards

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml"
AS_OF = "2026-11-26"

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def mini_is_shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = standards.shipped_files()
    monkeypatch.setattr(standards, "shipped_files", lambda: [*shipped, MINI])


def test_an_employee_logs_in_and_reads_their_gap_list(page: Any, login: Any, live_server: Any) -> None:
    login("employee")
    assert page.url.endswith("/workbench/")  # an employee starts at their workbench (工作台)
    with page.expect_navigation():  # whose status card leads to their own qualification
        page.locator("a.wb-link").first.click()
    assert "/me/" in page.url
    page.goto(f"{live_server.url}/me/?as_of={AS_OF}")

    hero = page.locator(".hero")
    assert "服务营销一级" in hero.inner_text()  # the current level, by its name in the standard
    assert "您已满足申请条件" in hero.inner_text()  # experience, performance and exams allow level 2

    gaps = page.locator("#level-2")
    assert gaps.is_visible()
    # the evidence that level 2 counts and E001 does not have yet, with what to do about it
    evidence = gaps.locator(".group").nth(1).locator("li.gap")
    assert evidence.count() == 1
    assert "宣讲" in evidence.first.inner_text()
    assert evidence.first.locator(".gap-todo").inner_text().strip() != ""
    # behaviour elements nobody has rated yet, named one by one
    chips = gaps.locator(".chips li").all_inner_texts()
    assert "讲解" in chips and "报告" in chips

    # self-check against level 4, three levels above the current one: the exam rank cannot allow it
    with page.expect_navigation():
        page.locator(".level-picker a.level-cell").nth(3).click()
    assert "level=4" in page.url
    focus = page.locator("#level-4")
    assert focus.locator(".group").first.locator("li.gap-fail").count() >= 1

    # the same page in English
    with page.expect_navigation():
        page.locator("form.lang button[value=en]").click()
    assert "What to do:" in page.locator("#level-4").inner_text()
    assert page.locator("h1").inner_text() == "My qualification"
