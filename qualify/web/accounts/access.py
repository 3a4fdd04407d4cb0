"""Who may see and do what: THE permission helpers every view and API endpoint uses.

Scope by role (a user may hold several; the scopes add up):

- employee, assessor: their own record (``Profile.person``)
- manager: every person in their ``managed_unit`` and the units below it, and themselves
- HR: every person in their ``hr_families``
- admin: everyone

An object a user may not see is a 404 (``get_person_or_404``), never a 403 that hints it exists.

Accounts sits below people (people, screening and certification all ask it who may see whom), so it
does not import the people app: the person model is the one ``Profile.person`` points to, and the
scope is written in that model's fields (``job_family``, ``org_unit__path``, ``employee_id``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db.models import Q, QuerySet
from django.http import Http404

from qualify.web.accounts.models import Profile

if TYPE_CHECKING:  # for the type checker only: at run time accounts does not import people
    from qualify.web.people.models import Person


def person_model() -> type[Person]:
    """The model of the people accounts are scoped to: the one ``Profile.person`` points to."""
    return cast("type[Person]", Profile._meta.get_field("person").related_model)


def profile_of(user: Any) -> Any:
    """The user's Profile, or ``None`` (anonymous, or an account without one)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile
    except Exception:  # RelatedObjectDoesNotExist: an account made outside Qualify
        return None


def roles_of(user: Any) -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    profile = profile_of(user)
    roles = set(profile.roles) if profile is not None else set()
    if user.is_superuser:
        roles.add("admin")
    return roles


def has_role(user: Any, role: str) -> bool:
    return role in roles_of(user)


def is_admin(user: Any) -> bool:
    return has_role(user, "admin")


def is_hr(user: Any) -> bool:
    """HR or admin: the people who run imports, screening and cycles."""
    return bool(roles_of(user) & {"hr", "admin"})


def is_manager(user: Any) -> bool:
    return has_role(user, "manager")


def can_import(user: Any) -> bool:
    return is_hr(user)


def can_screen(user: Any) -> bool:
    return is_hr(user)


def can_list_people(user: Any) -> bool:
    """HR, managers and admins have a people list; employees and assessors only their own page."""
    return bool(roles_of(user) & {"hr", "admin", "manager"})


def hr_families(user: Any) -> list[str] | None:
    """The job families a user administers as HR: ``None`` means all (admin)."""
    roles = roles_of(user)
    if "admin" in roles:
        return None
    if "hr" not in roles:
        return []
    profile = profile_of(user)
    return list(profile.hr_families) if profile is not None else []


def may_administer_family(user: Any, family: str) -> bool:
    families = hr_families(user)
    return families is None or family in families


def people_visible_to(user: Any) -> QuerySet[Person]:
    """Every person ``user`` may see."""
    roles = roles_of(user)
    people = person_model().objects
    if not roles:
        return people.none()
    if "admin" in roles:
        return people.all()
    profile = profile_of(user)
    if profile is None:
        return people.none()
    scope = Q(pk__in=[]) if profile.person_id is None else Q(pk=profile.person_id)
    if "hr" in roles and profile.hr_families:
        scope |= Q(job_family__in=list(profile.hr_families))
    if "manager" in roles and profile.managed_unit_id is not None:
        scope |= Q(org_unit__path__startswith=profile.managed_unit.path)
    return people.filter(scope)


def can_see_person(user: Any, person: Person) -> bool:
    return people_visible_to(user).filter(pk=person.pk).exists()


def get_person_or_404(user: Any, employee_id: str) -> Person:
    """The person with ``employee_id`` if ``user`` may see them; otherwise 404, whether or not they exist."""
    try:
        return people_visible_to(user).select_related("org_unit").get(employee_id=employee_id)
    except person_model().DoesNotExist:
        raise Http404("no such person") from None


def own_person(user: Any) -> Person | None:
    """The employee record of ``user``'s account, if it has one."""
    profile = profile_of(user)
    return profile.person if profile is not None else None
