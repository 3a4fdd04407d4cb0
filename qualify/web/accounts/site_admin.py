"""The Django admin is for the admin role only, behind the same login throttling as the site."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _

from qualify.web.accounts import access
from qualify.web.accounts.forms import AdminLoginForm


def protect_admin_site(site: AdminSite) -> None:
    site.login_form = AdminLoginForm
    site.site_header = _("Qualify administration")
    site.site_title = _("Qualify administration")
    site.index_title = _("Master data")

    def has_permission(request: Any) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and access.is_admin(user))

    site.has_permission = has_permission  # type: ignore[method-assign]  # the one default site, changed in place
