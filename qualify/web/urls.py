"""The site's URLs. Each area's pages come from its app's ``urls.py``, included at the root, so each
app owns its full paths (``standards/…``, ``people/…``, ``me/``, ``screening/…``, ``cycles/…``)."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from qualify.web.accounts import views as account_views
from qualify.web.accounts.site_admin import protect_admin_site
from qualify.web.api import api

protect_admin_site(admin.site)

urlpatterns: list[URLPattern | URLResolver] = [
    path("", account_views.home, name="home"),
    path("accounts/", include("qualify.web.accounts.urls")),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("import/", include("qualify.web.people.import_urls")),
]

# --- the other areas: each app's urls.py sets app_name and its full paths --------------------------
AREA_URLS = [
    "qualify.web.standards.urls",
    "qualify.web.people.urls",
    "qualify.web.screening.urls",
    "qualify.web.certification.urls",
]
# --- end of the other areas ----------------------------------------------------------------------------


def _module_exists(name: str) -> bool:
    try:
        return find_spec(name) is not None
    except ModuleNotFoundError:
        return False


for _module in AREA_URLS:
    if _module_exists(_module):
        urlpatterns.append(path("", include(import_module(_module))))

# Every error page and the API's errors come from one place (``qualify.web.accounts.errors``).
handler400 = "qualify.web.accounts.errors.bad_request"
handler403 = "qualify.web.accounts.errors.permission_denied"
handler404 = "qualify.web.accounts.errors.not_found"
handler500 = "qualify.web.accounts.errors.server_error"
