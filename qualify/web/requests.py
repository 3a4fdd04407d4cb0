"""Request types for the views: behind ``login_required`` the user is a signed-in ``User``."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    """A request to a view behind ``login_required``: its user has signed in (never anonymous)."""

    user: User
