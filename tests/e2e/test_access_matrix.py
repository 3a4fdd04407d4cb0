"""Every URL of the site, with every role: the status each gets is the one the table expects.

The URLs come from the resolver, so a new page is walked as soon as it exists; a page without a row
in ``access_expectations*.py`` fails ``test_every_url_has_an_expectation``. The Django admin is walked
by a rule: only the admin role gets in, everyone else is sent to the admin's login page.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

HERE = Path(__file__).parent
ROLES = ("anonymous", "employee", "manager", "assessor", "hr", "admin")


def _load_tables() -> tuple[Any, dict[str, Any]]:
    """The base module (for LOGIN, expect …) and the rows of every ``access_expectations*.py``.

    The base module is importable as ``access_expectations`` while the area files load, so they can
    ``from access_expectations import expect, hr_only, LOGIN``.
    """
    rows: dict[str, Any] = {}
    paths = sorted(HERE.glob("access_expectations*.py"),
                   key=lambda p: (p.stem != "access_expectations", p.name))
    for path in paths:
        name = path.stem if path.stem == "access_expectations" else f"_qualify_{path.stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        clash = set(rows) & set(module.EXPECTATIONS)
        assert not clash, f"{path.name} repeats rows of another file: {sorted(clash)}"
        rows.update(module.EXPECTATIONS)
    return sys.modules["access_expectations"], rows


BASE, TABLE = _load_tables()


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    pattern: str
    params: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[Route]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            found += _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            params = tuple(a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern))
            found.append(Route(name=name, pattern=pattern, params=params))
    return found


def site_routes() -> list[Route]:
    return _walk(get_resolver().url_patterns)


def _is_admin(route: Route) -> bool:
    return route.name.startswith("admin:")


# --- the checks ----------------------------------------------------------------------------------------


class World:
    def __init__(self, org: Any, users: dict[str, Any]) -> None:
        self.org = org
        self.users = users


def _status_matches(response: Any, wanted: Any) -> bool:
    if isinstance(wanted, tuple):
        return any(_status_matches(response, w) for w in wanted)
    location = response.get("Location", "")
    if wanted == BASE.LOGIN:
        return response.status_code == 302 and location.startswith("/accounts/login/")
    if wanted == BASE.ADMIN_LOGIN:
        return response.status_code == 302 and location.startswith("/admin/login/")
    if wanted == BASE.REDIRECT:
        return response.status_code == 302
    return response.status_code == wanted


def _describe(response: Any) -> str:
    location = response.get("Location", "")
    return f"{response.status_code}{' → ' + location if location else ''}"


def _client(users: dict[str, Any], role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(users[role])
    return client


def test_every_url_has_a_name() -> None:
    # The admin's own unnamed patterns (its catch-all and old-style redirects) are the admin's business.
    unnamed = [r.pattern for r in site_routes() if not r.name and not r.pattern.startswith("admin/")]
    assert unnamed == [], f"URL patterns without a name cannot be checked: {unnamed}"


def test_every_url_has_an_expectation() -> None:
    names = {r.name for r in site_routes() if r.name and not _is_admin(r)}
    missing = sorted(names - set(TABLE))
    assert missing == [], (f"no row in tests/e2e/access_expectations*.py for: {missing}; "
                           "say what each role gets from these URLs")


def test_the_table_names_no_url_that_does_not_exist() -> None:
    names = {r.name for r in site_routes()}
    assert sorted(set(TABLE) - names) == []


@pytest.mark.django_db
def test_every_role_gets_the_expected_status_from_every_url(org: Any, users: dict[str, Any]) -> None:
    world = World(org, users)
    clients = {role: _client(users, role) for role in ROLES}
    seen: set[str] = set()
    wrong = []
    for route in site_routes():
        if _is_admin(route) or route.name in seen or route.name not in TABLE:
            continue
        seen.add(route.name)
        row = TABLE[route.name]
        if row.setup:
            row.setup(world)
        kwargs = row.kwargs(world) if callable(row.kwargs) else dict(row.kwargs)
        url = reverse(route.name, kwargs=kwargs) + (f"?{row.query}" if row.query else "")
        for role in ROLES:
            response = clients[role].get(url)
            if not _status_matches(response, row.statuses[role]):
                wrong.append(f"{route.name} {url} as {role}: got {_describe(response)}, "
                             f"expected {row.statuses[role]}")
    assert wrong == [], "\n".join(wrong)


def _admin_kwargs(route: Route) -> dict[str, Any] | None:
    """Arguments for an admin URL: a real object of the model it is about, or None to skip it."""
    match = re.match(r"admin:(\w+?)_(\w+)_(change|delete|history)$", route.name)
    if match and route.params == ("object_id",):
        for model in apps.get_models():
            if f"{model._meta.app_label}_{model._meta.model_name}" == f"{match[1]}_{match[2]}":
                obj = model._default_manager.order_by("pk").first()
                return {"object_id": obj.pk} if obj is not None else None
        return None
    if route.name == "admin:app_list":
        return {"app_label": "people"}
    if route.name == "admin:auth_user_password_change":
        return None  # needs a user id: covered by auth_user_change
    if not route.params:
        return {}
    return None  # view_on_site and the like: they redirect elsewhere, not part of the admin's pages


@pytest.mark.django_db
def test_only_the_admin_role_gets_into_the_admin(org: Any, users: dict[str, Any]) -> None:
    clients = {role: _client(users, role) for role in ROLES}
    checked = 0
    wrong = []
    for route in site_routes():
        if not _is_admin(route) or route.name in {"admin:login", "admin:logout", "admin:jsi18n"}:
            continue
        kwargs = _admin_kwargs(route)
        if kwargs is None:
            continue
        url = reverse(route.name, kwargs=kwargs)
        for role in ROLES:
            response = clients[role].get(url)
            wanted: Any = (200, 302) if role == "admin" else BASE.ADMIN_LOGIN
            if role == "admin" and route.name.endswith(("_add", "_delete")):
                wanted = (200, 302, 403)  # read-only records (audit, snapshots …) cannot be added
            if route.name == "admin:autocomplete" and role == "admin":
                wanted = (200, 403)  # needs query parameters naming a model
            if not _status_matches(response, wanted):
                wrong.append(f"{url} as {role}: got {_describe(response)}")
            elif role == "admin" and response.status_code == 302:
                assert not response["Location"].startswith("/admin/login/"), url
        checked += 1
    assert wrong == [], "\n".join(wrong)
    assert checked > 20, "the admin's pages were not found"
