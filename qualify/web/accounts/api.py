"""``/api/accounts/``: who the caller is."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from qualify.web.accounts import access

router = Router(tags=["accounts"])


class WhoAmI(Schema):
    username: str
    roles: list[str]
    employee_id: str | None
    managed_unit: str | None
    hr_families: list[str] | None
    language: str


@router.get("/me", response=WhoAmI, summary="The calling account: roles and scope")
def whoami(request: HttpRequest) -> WhoAmI:
    user = request.user
    profile = access.profile_of(user)
    person = access.own_person(user)
    return WhoAmI(
        username=user.get_username(),
        roles=sorted(access.roles_of(user)),
        employee_id=person.employee_id if person else None,
        managed_unit=profile.managed_unit.code if profile and profile.managed_unit else None,
        hr_families=access.hr_families(user),
        language=(profile.language if profile else "") or "",
    )
