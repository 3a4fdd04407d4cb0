"""Fixtures for end-to-end tests: the small organisation, accounts per role, logged-in clients, and a
real Chromium (Debian's, through Playwright) against pytest-django's live server.

Browser tests: mark them ``@pytest.mark.browser`` and use ``page`` and ``login``::

    def test_hr_sees_the_import_page(page, login, live_server):
        login("hr")
        page.goto(live_server.url + "/import/")
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.org import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


# The organisation, the accounts and ``client_for`` come from tests/conftest.py.


# --- the browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls from it
    # unless told that this is safe (it is: the test and the live server use separate connections).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser tab (own cookies) in Chinese, 1280×900; ``page.set_viewport_size`` to change."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def login(page: Any, live_server: Any, users: dict[str, Any]) -> Callable[[str], None]:
    """``login("hr")``: log the page in through the login form as that role's account."""

    def do(role: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", users[role].get_username())
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_load_state()

    return do
