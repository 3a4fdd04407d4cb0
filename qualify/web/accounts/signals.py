"""Every user gets a Profile; after login the pages speak the account's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from qualify.web.accounts.models import Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def ensure_profile(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        Profile.objects.get_or_create(user=instance)


@receiver(user_logged_in)
def remember_language(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """After login the pages speak the account's language, unless the browser chose one."""
    try:
        language = user.profile.language
    except Profile.DoesNotExist:
        return
    if language and request is not None:
        request.session["qualify_language"] = language
