"""What every page's template knows: demo mode, the user's roles, the navigation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from qualify.web.accounts import access

# (url name, label, who sees it). A page of an area joins the menu once its URL exists.
NAVIGATION: list[tuple[str, Any, str]] = [
    ("certification:workbench", _("Workbench"), "anyone"),
    ("people:me", _("My qualification"), "employee"),
    ("people:list", _("People"), "people"),
    ("standards:catalogue", _("Standards"), "anyone"),
    ("imports:upload", _("Import"), "hr"),
    ("screening:list", _("Screening"), "hr"),
    ("certification:cycles", _("Cycles"), "anyone"),  # employees apply in an open cycle
    ("certification:assignments", _("Assessments"), "assessor"),
    ("certification:register", _("Certificates"), "hr"),
    ("certification:overview", _("Overview"), "hr"),
    ("accounts:tokens", _("API tokens"), "anyone"),
    ("admin:index", _("Admin"), "admin"),
]


def _allowed(user: Any, who: str) -> bool:
    roles = access.roles_of(user)
    return {
        "anyone": bool(roles),
        "employee": access.own_person(user) is not None,
        "people": access.can_list_people(user),
        "hr": access.is_hr(user),
        "assessor": bool(roles & {"assessor", "admin"}),
        "admin": "admin" in roles,
    }[who]


def navigation(request: HttpRequest) -> list[dict[str, Any]]:
    items = []
    for name, label, who in NAVIGATION:
        if not _allowed(request.user, who):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return items


def qualify(request: HttpRequest) -> dict[str, Any]:
    return {
        "qualify_demo": settings.QUALIFY_DEMO,
        "qualify_roles": sorted(access.roles_of(request.user)),
        "qualify_nav": navigation(request) if request.user.is_authenticated else [],
    }
