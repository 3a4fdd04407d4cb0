"""The site's URLs. Each area's pages come from its app's ``urls.py``, included at the root, so each
app owns its full paths (``standards/…``, ``people/…``, ``me/``, ``screening/…``, ``cycles/…``)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from qualify.web import health
from qualify.web.accounts import views as account_views
from qualify.web.accounts.site_admin import protect_admin_site
from qualify.web.api import api

protect_admin_site(admin.site)

urlpatterns: list[URLPattern | URLResolver] = [
    path("", account_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("qualify.web.accounts.urls")),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("import/", include("qualify.web.people.import_urls")),
    # the areas: each app's urls.py sets app_name and its full paths
    path("", include("qualify.web.standards.urls")),
    path("", include("qualify.web.people.urls")),
    path("", include("qualify.web.screening.urls")),
    path("", include("qualify.web.certification.urls")),
    path("", include("qualify.web.notifications.urls")),
]


# Every error page and the API's errors come from one place (``qualify.web.accounts.errors``).
handler400 = "qualify.web.accounts.errors.bad_request"
handler403 = "qualify.web.accounts.errors.permission_denied"
handler404 = "qualify.web.accounts.errors.not_found"
handler500 = "qualify.web.accounts.errors.server_error"
