"""Every list the API answers is a bounded page (``qualify.web.pagination.paginate_api``).

The OpenAPI schema is the list of endpoints: a GET whose answer is an array, or a page without the
bounded ``page``/``page_size`` parameters, fails here. A new list endpoint must use ``@paginate_api``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from qualify.web.api import api
from qualify.web.pagination import MAX_PAGE, MAX_PAGE_SIZE

PAGE_FIELDS = {"items", "count", "page", "page_size"}


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _answers(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(path, operation, its 200 answer's schema) for every GET of the API."""
    found = []
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        ok = operation["responses"].get(200) or operation["responses"].get("200") or {}
        body = ok.get("content", {}).get("application/json", {}).get("schema")
        if body is not None:
            found.append((path, operation, _resolve(schema, body)))
    return found


def _lists(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """The GETs that answer with many things: an array, or a page of them."""
    return [(path, op, body) for path, op, body in _answers(schema)
            if body.get("type") == "array" or set(body.get("properties", {})) >= PAGE_FIELDS]


def test_the_api_has_the_list_endpoints_this_test_is_about() -> None:
    paths = {path for path, _, _ in _lists(api.get_openapi_schema())}
    assert {"/api/people/", "/api/standards/", "/api/screening/", "/api/cycles/",
            "/api/cycles/{cycle_id}/applications", "/api/cycles/certificates/expiring"} <= paths


def test_every_list_endpoint_answers_a_bounded_page() -> None:
    schema = api.get_openapi_schema()
    unpaginated = []
    for path, operation, body in _lists(schema):
        params = {p["name"]: p["schema"] for p in operation.get("parameters", []) if p["in"] == "query"}
        items = body.get("properties", {}).get("items", {})
        bounded = (
            body.get("type") != "array"
            and items.get("type") == "array"
            and params.get("page", {}).get("maximum") == MAX_PAGE
            and params.get("page_size", {}).get("maximum") == MAX_PAGE_SIZE
        )
        if not bounded:
            unpaginated.append(path)
    assert unpaginated == [], "list endpoints without @paginate_api (qualify.web.pagination)"


@pytest.fixture
def hr(users: dict[str, Any]) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(users["hr"])
    return client


def test_a_page_comes_with_its_count_number_and_size(hr: Client) -> None:
    answer = hr.get("/api/people/", {"page_size": 2})
    assert answer.status_code == 200
    body = answer.json()
    assert body["page"] == 1 and body["page_size"] == 2 and len(body["items"]) == 2 and body["count"] > 2


@pytest.mark.parametrize("url", ["/api/people/", "/api/standards/", "/api/cycles/", "/api/screening/",
                                 "/api/cycles/certificates/expiring"])
def test_a_page_past_the_last_is_a_404_that_names_the_last_page(hr: Client, url: str) -> None:
    answer = hr.get(url, {"page": 9999})
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert error["code"] == "page-out-of-range" and error["fields"]["page"] == 9999
    assert "9999" in error["message"]


def test_the_first_page_of_an_empty_list_is_an_empty_page(hr: Client) -> None:
    body = hr.get("/api/cycles/").json()
    assert body == {"items": [], "count": 0, "page": 1, "page_size": 50}


@pytest.mark.parametrize("query", [{"page": 10**30}, {"page": MAX_PAGE + 1}, {"page_size": MAX_PAGE_SIZE + 1},
                                   {"page": 0}, {"page_size": 0}, {"page": "x"}])
def test_a_page_or_size_out_of_bounds_is_a_422_naming_it(hr: Client, query: dict[str, Any]) -> None:
    answer = hr.get("/api/people/", query)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid-request" and set(error["fields"]) == set(query)
