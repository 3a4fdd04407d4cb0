"""Fixtures for database tests (integration and e2e): a small organisation, one account per role,
logged-in clients.

See ``tests.support.org`` for what the organisation and the accounts look like.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.support.org import SmallOrg, make_role_users, make_small_org

DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest) -> None:
    # Argon2 is deliberately slow; tests that check the hasher set it back themselves. Only tests that
    # touch the database make accounts, so the thousands of unit tests are left alone.
    uses_database = not DATABASE_FIXTURES.isdisjoint(request.fixturenames)
    if not uses_database and not request.node.get_closest_marker("django_db"):
        return
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each database test has a file storage of its own (never ./var/uploads).
    settings.MEDIA_ROOT = str(request.getfixturevalue("tmp_path") / "media")


@pytest.fixture
def org(db: None) -> SmallOrg:
    return make_small_org()


@pytest.fixture
def users(org: SmallOrg) -> dict[str, Any]:
    """``{"employee": User, "manager": …, "assessor": …, "hr": …, "admin": …}``."""
    return make_role_users(org)


@pytest.fixture
def client_for(users: dict[str, Any]) -> Callable[[str], Client]:
    """``client_for("hr")``: a test client logged in as that role (``"anonymous"``: not logged in)."""

    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(users[role])
        return client

    return make
