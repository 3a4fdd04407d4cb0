"""The WSGI application. Run directly by an application server it is in production mode
(``QUALIFY_MODE=serve``): secure cookies, and it refuses to start without a SECRET_KEY."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualify.web.settings")
os.environ.setdefault("QUALIFY_MODE", "serve")

application = get_wsgi_application()

# Under gunicorn (qualify serve, qualify demo, or gunicorn run by hand), answers name no server software.
from qualify.web.server import no_server_banner  # noqa: E402  (after Django is set up)

no_server_banner()
