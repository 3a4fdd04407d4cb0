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


def log_in(page: Any, base_url: str, username: str) -> None:
    """Log ``page`` in through the login form as ``username`` (every demo account's password)."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()


@pytest.fixture
def login(page: Any, live_server: Any, users: dict[str, Any]) -> Callable[[str], None]:
    """``login("hr")``: log the page in through the login form as that role's account."""

    def do(role: str) -> None:
        log_in(page, live_server.url, users[role].get_username())

    return do


@pytest.fixture
def as_user(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """``as_user(user, width=1440)``: a new browser context (zh-CN, its own cookies) logged in as that
    account; its page. For tests where several people take turns."""
    contexts = []

    def open_as(user: Any, width: int = 1440) -> Any:
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page, live_server.url, user.get_username())
        return page

    yield open_as
    for context in contexts:
        context.close()
