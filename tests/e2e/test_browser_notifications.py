"""The bell in Chromium: HR sees the unread count in the header, opens the page, marks one message
read and then the rest; the count follows. At 390 px the bell stays in the header. Screenshots of
both widths are written to ``QUALIFY_SCREENSHOTS`` when that folder is set (for reading them)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from qualify.services.certification.values import Notice
from qualify.web.notifications.dispatch import dispatch
from qualify.web.notifications.models import Webhook

pytestmark = pytest.mark.browser


def shot(page: Any, name: str) -> None:
    folder = os.environ.get("QUALIFY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def appeals(count: int) -> None:
    for app in range(1, count + 1):
        dispatch(Notice("appeal-filed", to_hr=True, family="mini", cycle_name="2026 冬季认证", cycle_id=1,
                        application_id=app, level=2))


def test_the_bell_shows_the_unread_count_and_the_page_marks_read(
    page: Any, login: Any, live_server: Any, users: dict[str, Any]
) -> None:
    appeals(3)
    page.set_viewport_size({"width": 1440, "height": 900})
    login("hr")
    bell = page.locator("header .bell")
    assert bell.locator(".bell-count").inner_text() == "3"
    assert "3" in (bell.get_attribute("aria-label") or "")
    bell.click()
    page.wait_for_load_state()
    assert page.url.endswith("/notifications/")
    notes = page.locator("li.note")
    assert notes.count() == 3 and page.locator("li.note.unread").count() == 3
    assert "有人提出申诉" in notes.first.inner_text()
    shot(page, "notifications-1440.png")

    notes.first.locator("button[data-read]").click()
    page.wait_for_load_state()
    assert page.locator("header .bell .bell-count").inner_text() == "2"
    assert page.locator("li.note.unread").count() == 2

    page.click("#read-all")
    page.wait_for_load_state()
    assert page.locator("header .bell .bell-count").count() == 0
    assert page.locator("li.note.unread").count() == 0
    assert "已将 2 条通知标为已读" in page.locator(".messages").inner_text()


def test_at_390_px_the_bell_and_its_count_stay_in_the_header(
    page: Any, login: Any, live_server: Any, users: dict[str, Any]
) -> None:
    appeals(12)
    page.set_viewport_size({"width": 390, "height": 844})
    login("hr")
    page.goto(f"{live_server.url}/notifications/")
    bell = page.locator("header .bell")
    assert bell.is_visible() and bell.locator(".bell-count").inner_text() == "12"
    box = bell.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing pushes the page sideways
    shot(page, "notifications-390.png")
    page.goto(f"{live_server.url}/notifications/preferences/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "preferences-390.png")
    Webhook.objects.create(name="认证工作群", platform="dingtalk", family="mini", secret="SECsecret",
                           events=["publication-started", "appeal-filed"],
                           url="https://oapi.dingtalk.com/robot/send?access_token=tok")
    page.goto(f"{live_server.url}/notifications/")
    page.click(".toolbar >> text=群机器人")
    page.wait_for_load_state()
    assert page.url.endswith("/notifications/webhooks/")
    listed = page.locator("main table").inner_text()
    assert "认证工作群" in listed and "钉钉" in listed and "已加签" in listed
    content = page.content()
    assert "SECsecret" not in content and "access_token=tok" not in content
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "webhooks-390.png")
