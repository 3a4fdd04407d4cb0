"""The API fuzzed from its own OpenAPI schema (schemathesis), as an admin who may reach every endpoint:
no generated request may get a server error, and every answer must fit the schema. Bounded: a few
cases per operation (a few hundred in all, well under a minute), derandomised in CI like every
hypothesis test. Runs on SQLite and on PostgreSQL (PostgreSQL refuses NUL characters in text, and
integers past its columns' range)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance

from qualify.web.accounts.tokens import create_token
from qualify.web.api import api

CASES_PER_OPERATION = 6

# The fuzzing phase only (random valid and invalid requests: NUL characters, huge numbers, odd strings),
# CASES_PER_OPERATION for each operation; the coverage phase alone would send some 1,600 requests.
CONFIG = SchemathesisConfig.from_dict({
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    "generation": {"mode": "all", "allow-x00": True},
})
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
schema.app = get_wsgi_application()


@pytest.fixture
def admin_token(users: dict[str, Any]) -> Iterator[str]:
    """An admin's token; the test's database connection stays open across the generated requests
    (as Django's test client keeps it: the WSGI handler would close it after each answer)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield create_token(users["admin"], "fuzz")[1]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=CASES_PER_OPERATION, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_no_generated_request_gets_a_server_error_or_an_answer_outside_the_schema(
        case: Any, admin_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"},
                           checks=[not_a_server_error, response_schema_conformance])
