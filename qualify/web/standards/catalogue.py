"""Which standards a user may read, and in which language the standard's own texts are shown.

Standards come from ``qualify.services.standards`` (the YAML files are the source of truth). Only
shipped standards are reachable from the web: an id is never read as a path. Published standards
are readable by every logged-in user; a draft only by HR and administrators. A standard a user may
not read does not exist for them (404).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from qualify.core.standard import Standard, Status
from qualify.services.standards import list_standards
from qualify.web.accounts.access import has_role, is_hr


def can_read_drafts(user: Any) -> bool:
    return bool(is_hr(user) or has_role(user, "admin"))


def visible_standards(user: Any) -> list[Standard]:
    """The shipped standards ``user`` may read, in catalogue order (family, then version)."""
    drafts = can_read_drafts(user)
    return [std for std in list_standards() if std.status is Status.published or drafts]


def get_visible_standard(user: Any, standard_id: str) -> Standard:
    """The shipped standard ``standard_id`` if ``user`` may read it; otherwise ``Http404``."""
    for std in visible_standards(user):
        if std.id == standard_id:
            return std
    raise Http404(standard_id)
