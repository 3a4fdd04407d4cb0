"""Accounts: who a user is in Qualify (roles and scope), API tokens, login attempts, the audit record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualify.services.accounts import ROLES as ROLES  # one list of roles: the service's

ROLE_LABELS = {
    "employee": _("employee"),
    "manager": _("manager"),
    "assessor": _("assessor"),
    "hr": _("HR"),
    "admin": _("administrator"),
}


class Profile(models.Model):
    """A user's roles and scope.

    ``person``: the employee record of this account. ``managed_unit``: a manager sees that unit and
    every unit below it. ``hr_families``: the job families an HR user administers.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    person = models.ForeignKey("people.Person", verbose_name=_("employee record"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="accounts")
    roles = models.JSONField(_("roles"), default=list, blank=True)
    managed_unit = models.ForeignKey("people.OrgUnit", verbose_name=_("managed unit"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="managers")
    hr_families = models.JSONField(_("HR job families"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True,
                                choices=[("zh-hans", "简体中文"), ("en", "English")])

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user} ({', '.join(self.roles)})"


class ApiToken(models.Model):
    """A token for scripts: ``Authorization: Bearer <key>``. Only a hash of the key is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        from django.utils import timezone

        return self.expires <= timezone.now()


class AuditEntry(models.Model):
    """One recorded change: who, when, what, before and after. Each entry carries the hash of the
    one before it, so an edited or deleted entry breaks the chain (``audit.verify``)."""

    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object ID"), max_length=128)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(_("key"), max_length=64, blank=True, default="",
                              help_text=_("The audit key this entry's hash was made with."))

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit record")
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The hash of the newest audit entry, one row. Locking it serialises writers of the chain on
    every database (PostgreSQL re-reads a locked row after the lock is released)."""

    last_hash = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"{self.count} entries, last {self.last_hash[:12]}"
