"""Fixtures for database tests: a small organisation, one account per role, logged-in clients.

See ``qualify.web.testing`` for what the organisation and the accounts look like.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from qualify.web.testing import SmallOrg, make_role_users, make_small_org


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Argon2 is deliberately slow; tests that check the hasher set it back themselves.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
