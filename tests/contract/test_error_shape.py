"""One error shape: every ``ErrorCode`` reaches the API as ``{"error": {"code", "message", "fields"}}``
with its kind's status and the request's language, and the pages as the error page with the same
status; an unknown address (404) and a wrong method (405) answer in JSON under /api/ and in HTML on
the pages. (datasette's ``test_error_shape.py``; zulip's ``JsonableError``.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from qualify.core.errors import ErrorCode, ErrorKind, InvalidInput, Problem, QualifyError
from qualify.web.accounts import access

pytestmark = pytest.mark.django_db

LANGUAGES = {"zh-hans": "探针：第 {code} 号", "en": "probe for {code}"}


def _raising(error: Exception) -> Callable[..., Any]:
    def view(*args: Any, **kwargs: Any) -> Any:
        raise error

    return view


def _probe(code: ErrorCode) -> QualifyError:
    return QualifyError(code=code, message_en=LANGUAGES["en"].format(code=code),
                        message_zh=LANGUAGES["zh-hans"].format(code=code), fields={"probe": code.value})


def _whoami_raises(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """``GET /api/accounts/me`` raises ``error`` from inside its view."""
    monkeypatch.setattr(access, "profile_of", _raising(error))  # the first thing the view asks


def _client(users: dict[str, Any], language: str, role: str = "hr") -> Client:
    client = Client(raise_request_exception=False, headers={"accept-language": language})
    client.force_login(users[role])
    return client


def _assert_shape(response: Any, code: str) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return dict(body["error"])


@pytest.mark.parametrize("code", list(ErrorCode), ids=lambda code: code.value)
def test_every_error_code_reaches_the_api_with_its_kinds_status_in_the_one_shape(
        code: ErrorCode, users: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    _whoami_raises(monkeypatch, _probe(code))
    for language, message in LANGUAGES.items():
        response = _client(users, language).get("/api/accounts/me")
        assert response.status_code == code.status
        error = _assert_shape(response, code.value)
        assert error["message"] == message.format(code=code)
        assert error["fields"] == {"probe": code.value}


@pytest.mark.parametrize("code", list(ErrorCode), ids=lambda code: code.value)
def test_every_error_code_a_page_does_not_handle_shows_the_error_page_with_its_status(
        code: ErrorCode, users: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from qualify.web.accounts.models import ApiToken

    monkeypatch.setattr(ApiToken.objects, "filter", _raising(_probe(code)))
    for language, message in LANGUAGES.items():
        response = _client(users, language).get("/accounts/tokens/")
        assert response.status_code == code.status
        assert response["Content-Type"].startswith("text/html")
        page = response.content.decode()
        assert "Traceback" not in page
        if code.kind is not ErrorKind.INTERNAL:  # the 500 page says only that the error was logged
            assert f'data-error-code="{code.value}"' in page and message.format(code=code) in page


def test_the_kinds_map_to_the_statuses_clients_expect() -> None:
    assert {kind.value: kind.status for kind in ErrorKind} == {
        "invalid": 422, "forbidden": 403, "not-found": 404, "conflict": 409, "unauthenticated": 401,
        "method-not-allowed": 405, "too-large": 413, "throttled": 429, "internal": 500,
    }


def test_a_rejected_input_lists_its_problems_in_the_fields(users: dict[str, Any],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    problem = Problem(code="unknown-unit", message_en="no such unit", message_zh="没有这个单元",
                      column="org_unit")
    _whoami_raises(monkeypatch, InvalidInput([problem], source="request"))
    response = _client(users, "en").get("/api/accounts/me")
    assert response.status_code == 422
    error = _assert_shape(response, "invalid-input")
    assert error["message"] == "no such unit"
    assert [p["code"] for p in error["fields"]["problems"]] == ["unknown-unit"]


def test_an_unknown_api_address_is_a_json_404_and_an_unknown_page_an_html_404(users: dict[str, Any]) -> None:
    client = _client(users, "en")
    api = client.get("/api/no-such-thing/")
    assert api.status_code == 404
    _assert_shape(api, "not-found")
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
    assert 'data-error-code="not-found"' in page.content.decode()


def test_a_wrong_method_is_a_json_405_on_the_api_and_an_html_405_on_a_page(users: dict[str, Any]) -> None:
    client = _client(users, "en")
    api = client.delete("/api/accounts/me")
    assert api.status_code == 405 and "GET" in api["Allow"]
    _assert_shape(api, "method-not-allowed")
    page = client.get("/accounts/tokens/1/revoke/")  # POST only
    assert page.status_code == 405 and page["Allow"] == "POST"
    assert page["Content-Type"].startswith("text/html")
    assert 'data-error-code="method-not-allowed"' in page.content.decode()


def test_the_api_answers_in_the_requests_language_only(users: dict[str, Any]) -> None:
    for language in LANGUAGES:
        message = _client(users, language).delete("/api/accounts/me").json()["error"]["message"]
        has_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in message)
        assert has_chinese == (language == "zh-hans"), message


def test_an_anonymous_api_call_and_an_invalid_request_keep_their_codes(users: dict[str, Any]) -> None:
    anonymous = Client().get("/api/accounts/me")
    assert anonymous.status_code == 401
    _assert_shape(anonymous, "unauthenticated")
    invalid = _client(users, "en").get("/api/standards/?page=0")
    assert invalid.status_code == 422
    assert "page" in _assert_shape(invalid, "invalid-request")["fields"]


def test_an_api_write_without_a_csrf_token_is_a_json_403_in_the_requests_language(
        users: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    client.force_login(users["hr"])
    response = client.post("/api/screening/", {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in _assert_shape(response, "forbidden")["message"]
