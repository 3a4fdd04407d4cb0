"""Every page is sent with a Content-Security-Policy that allows no inline script, and no template of the
app carries one (a script in a page is a file under static/)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

import qualify

PACKAGE = Path(qualify.__file__).parent
TEMPLATES = sorted(PACKAGE.rglob("templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "url"), [("anonymous", "/accounts/login/"), ("employee", "/me/"),
                                           ("hr", "/people/"), ("admin", "/admin/")])
def test_pages_are_sent_with_a_policy_that_allows_no_inline_script(client_for: Callable[[str], Client],
                                                                   role: str, url: str) -> None:
    response = client_for(role).get(url)
    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
                  if part.strip())
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy["script-src"] and policy["frame-ancestors"] == "'none'"
    assert not INLINE_SCRIPT.search(response.content.decode())


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_template_has_an_inline_script_or_event_handler(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "move the script to a static file"
    assert not EVENT_HANDLER.search(text), "attach the handler from a static script"
