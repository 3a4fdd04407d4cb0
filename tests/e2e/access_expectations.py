"""What each role gets from each URL: the table that ``test_access_matrix.py`` walks.

Every named URL of the site must have a row here or in a sibling file ``access_expectations_<area>.py``
(each area adds its own file with an ``EXPECTATIONS`` dict: no two helpers edit the same file).
A URL without a row fails the test, so a new page cannot ship without saying who may see it.

A row: ``"namespace:name": expect(kwargs=..., anonymous=..., employee=..., ...)``.

- statuses: an int (200, 404, 405 …), ``LOGIN`` (302 to the login page), ``ADMIN_LOGIN`` (302 to the
  admin's login page), ``REDIRECT`` (any 302), or a tuple of those (any of them is fine).
- ``default``: the status for every role not named (anonymous defaults to ``LOGIN``).
- ``kwargs``: the URL's arguments, or a function ``f(world) -> kwargs`` where ``world`` has
  ``world.org`` (``tests.support.org.SmallOrg``), ``world.users`` (role → user) and anything the
  ``setup`` functions of the rows put on it. The small organisation: employee = E001 (unit bj),
  manager = M001 managing ``north`` (bj is below it), assessor = E003 (south), hr = family ``mini``
  (E004 is family ``other``), admin = everyone.
- ``setup``: a function ``f(world) -> None`` run before the row (e.g. to make an object to look at).
- ``query``: a query string to append (``"a=1&b=2"``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOGIN = "login"
ADMIN_LOGIN = "admin-login"
REDIRECT = "redirect"
ROLES = ("anonymous", "employee", "manager", "assessor", "hr", "admin")

Status = int | str | tuple[int | str, ...]


@dataclass
class Expect:
    statuses: dict[str, Status]
    kwargs: dict[str, Any] | Callable[[Any], dict[str, Any]] = field(default_factory=dict)
    query: str = ""
    setup: Callable[[Any], None] | None = None


def expect(*, default: Status = 200, anonymous: Status = LOGIN, kwargs: Any = None, query: str = "",
           setup: Callable[[Any], None] | None = None, **roles: Status) -> Expect:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    statuses = {role: roles.get(role, default) for role in ROLES if role != "anonymous"}
    statuses["anonymous"] = roles.get("anonymous", anonymous)
    return Expect(statuses=statuses, kwargs=kwargs or {}, query=query, setup=setup)


def hr_only(**kwargs: Any) -> Expect:
    """HR and admin 200; employees, managers and assessors 404 (no hint that the page exists)."""
    return expect(default=404, hr=200, admin=200, **kwargs)


def api_everyone(**kwargs: Any) -> Expect:
    """An API endpoint any logged-in role may call; anonymous gets 401 in the error shape."""
    return expect(default=200, anonymous=401, **kwargs)


def _hr_batch(world: Any) -> dict[str, Any]:
    from qualify.web.people.models import ImportBatch

    batch = ImportBatch.objects.create(created_by=world.users["hr"], file_name="hr.xlsx",
                                       standard_id="mini@1.0", status="rejected")
    return {"batch_id": batch.pk}


def _token(world: Any) -> dict[str, Any]:
    from qualify.web.accounts.tokens import create_token

    token, _ = create_token(world.users["hr"], "sync")
    return {"token_id": token.pk}


EXPECTATIONS: dict[str, Expect] = {
    # --- site and accounts ---------------------------------------------------------------------
    "home": expect(default=(200, 302)),
    "accounts:login": expect(default=302, anonymous=200),
    "accounts:logout": expect(default=405, anonymous=405),  # logging out is a POST
    "accounts:tokens": expect(),
    "accounts:revoke-token": expect(default=405, kwargs=_token),  # a POST; GET is refused
    "accounts:password-change": expect(),
    # Asking for a reset and following its link need no login (a wrong link says so, 200).
    "accounts:password-reset": expect(default=200, anonymous=200),
    "accounts:password-reset-sent": expect(default=200, anonymous=200),
    "accounts:password-reset-confirm": expect(default=200, anonymous=200,
                                              kwargs={"uidb64": "MQ", "token": "set-password"}),
    "set_language": expect(default=302, anonymous=302, query="next=/"),
    # For load balancers: no login, no secrets; 503 here because no worker has beaten in the test.
    "healthz": expect(default=503, anonymous=503),
    # --- import (HR) -------------------------------------------------------------------------------
    "imports:upload": hr_only(),
    # a batch is visible to the HR user who uploaded it and to admins
    "imports:detail": hr_only(kwargs=_hr_batch),
    "imports:apply": expect(default=405, kwargs=_hr_batch),  # a POST; GET is refused
    # --- API ---------------------------------------------------------------------------------------
    "api:api-root": expect(default=404, anonymous=404),
    "api:openapi-json": expect(default=200, anonymous=200),
    "api:openapi-view": expect(default=200, anonymous=200),
    "api:whoami": api_everyone(),
    "api:list_imports": expect(default=404, anonymous=401, hr=200, admin=200),
    "api:upload_import": expect(default=404, anonymous=401, hr=200, admin=200),  # same URL as the list
    "api:get_import": expect(default=404, anonymous=401, hr=200, admin=200, kwargs=_hr_batch),
    "api:apply_import": expect(default=405, anonymous=405, kwargs=_hr_batch),  # a POST
}
