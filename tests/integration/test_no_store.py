"""Personal pages and API answers are never kept by a browser or proxy cache (``Cache-Control: no-store``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from qualify.web.accounts.tokens import create_token


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "url"),
                         [("hr", "/me/"), ("hr", "/people/"), ("anonymous", "/accounts/login/")])
def test_pages_say_no_store(client_for: Callable[[str], Client], role: str, url: str) -> None:
    response = client_for(role).get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_api_answers_to_a_token_say_no_store(users: dict[str, Any]) -> None:
    _, key = create_token(users["employee"], "script")
    response = Client().get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
