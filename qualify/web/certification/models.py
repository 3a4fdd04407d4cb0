"""The certification cycle in the database. Business rules live in ``qualify.core.cycle`` and
``qualify.services.certification``; these are the tables, reached through ``repository.py``.

- A ``Cycle`` keeps a copy of its standard's text and its SHA-256: a standard file that changes later
  cannot change a running cycle.
- ``ElementScore``, ``PanelRating`` and ``Application`` carry a ``version``: a save names the version
  it read and is refused if someone saved in between (nothing is silently overwritten).
- A ``Decision`` is never edited (``save`` refuses an update): an override or an appeal adds a new
  one that points to the one it replaces (``supersedes``).
- Files (evidence, appeals) go through the file storage (``STORAGES["default"]``: by default
  ``$QUALIFY_HOME/uploads``, outside the web root) and are served only by a view that checks who may
  see them.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qualify.core.cycle import ApplicationState, AssignmentState, CycleState, ManagerOpinion
from qualify.web.people.models import ActivityFields, Evidence

if TYPE_CHECKING:
    from django.contrib.auth.models import User

USER = settings.AUTH_USER_MODEL


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]


class Cycle(models.Model):
    name = models.CharField(_("name"), max_length=200)
    family = models.CharField(_("job family"), max_length=100, db_index=True)
    standard_id = models.CharField(_("standard"), max_length=100)
    standard_text = models.TextField(_("standard (frozen copy, canonical JSON)"), editable=False)
    standard_sha256 = models.CharField(_("standard SHA-256"), max_length=64, editable=False)
    state = models.CharField(_("state"), max_length=20, choices=_choices(CycleState), default="draft")
    opens_on = models.DateField(_("applications open"))
    closes_on = models.DateField(_("applications close"))
    as_of = models.DateField(_("as-of date"))
    levels = models.JSONField(_("levels offered"), default=list)
    notice_days = models.PositiveSmallIntegerField(_("notice period (days)"), default=7)
    manager_opinion = models.CharField(
        _("manager's opinion"), max_length=10, choices=_choices(ManagerOpinion), default="off"
    )
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("certification cycle")
        verbose_name_plural = _("certification cycles")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class ScreeningEntry(models.Model):
    """The result of screening one person for a cycle: the levels offered that they may apply for."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="screening")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    highest_eligible_level = models.PositiveSmallIntegerField(default=0)
    eligible_levels = models.JSONField(default=list)

    class Meta:
        verbose_name = _("screening result")
        verbose_name_plural = _("screening results")
        constraints = [models.UniqueConstraint(fields=["cycle", "person"], name="one_screening_per_person")]

    def __str__(self) -> str:
        return f"{self.cycle_id}:{self.person_id} {self.eligible_levels}"


class Publication(models.Model):
    """A batch of results published for a notice period (公示)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="publications")
    published_at = models.DateTimeField(_("published"))
    ends_at = models.DateTimeField(_("notice ends"))
    published_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"{self.cycle} {self.published_at:%Y-%m-%d}"


class Application(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="applications")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="applications")
    current_level = models.PositiveSmallIntegerField(_("current level"))
    target_level = models.PositiveSmallIntegerField(_("target level"))
    state = models.CharField(
        _("state"), max_length=20, choices=_choices(ApplicationState), default="draft", db_index=True
    )
    jump_reason = models.TextField(_("reason for the jump"), blank=True)
    jump_approved_by = models.CharField(max_length=150, blank=True)
    close_reason = models.TextField(blank=True)
    nominated_by = models.CharField(_("nominated by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    publication = models.ForeignKey(
        Publication, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    # the applicant's manager's opinion (主管意见), when the cycle asks for one; shown to the panel
    manager_opinion = models.TextField(_("manager's opinion"), blank=True)
    manager_opinion_by = models.CharField(max_length=150, blank=True)
    manager_opinion_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["cycle", "id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.person_id} L{self.target_level}"


class EvidenceItem(ActivityFields):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    # the person's evidence record this item is: entered with the application (and counted by the
    # self-check and every later decision), or an earlier record reused in this application
    record = models.ForeignKey(
        Evidence, null=True, blank=True, on_delete=models.SET_NULL, related_name="application_items"
    )
    elements = models.JSONField(_("elements supported"), default=list, blank=True)
    measures = models.JSONField(_("measures supported"), default=list, blank=True)

    class Meta:
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")
        ordering = ["application", "date", "id"]

    def __str__(self) -> str:
        return f"{self.activity} {self.date}"


def evidence_path(stored: StoredFile, filename: str) -> str:
    """Where an uploaded file is stored: by month, under a name nobody can guess."""
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class StoredFile(models.Model):
    """An uploaded file: the bytes live in the file storage (never under the web root); the row keeps
    its name there."""

    evidence = models.ForeignKey(
        EvidenceItem, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    appeal = models.ForeignKey(
        "Appeal", null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=evidence_path, max_length=300, editable=False)
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self) -> str:
        return self.name


class SelfAssessment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="self_assessment")
    element = models.CharField(_("element"), max_length=64)
    rating = models.CharField(_("rating"), max_length=16)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [models.UniqueConstraint(fields=["application", "element"], name="one_self_rating")]

    def __str__(self) -> str:
        return f"{self.element} {self.rating}"


class Panel(models.Model):
    class Kind(models.TextChoices):
        REVIEW = "review", _("review")
        APPEAL = "appeal", _("appeal")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="panels")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default="review")
    lead = models.ForeignKey(
        USER, verbose_name=_("lead assessor"), on_delete=models.PROTECT, related_name="+"
    )
    # The user model is named by a setting, so the plugin cannot infer the field type from it.
    members: models.ManyToManyField[User, Any] = models.ManyToManyField(
        USER, verbose_name=_("members"), related_name="+"
    )

    class Meta:
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        ordering = ["cycle", "id"]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """One assessor's score sheet for one application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="assignments")
    assessor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="assignments")
    is_lead = models.BooleanField(default=False)
    kind = models.CharField(max_length=10, default="review")
    state = models.CharField(max_length=12, choices=_choices(AssignmentState), default="pending")
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["application", "-is_lead", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.assessor_id}"


class ElementScore(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    element = models.CharField(_("element"), max_length=64)
    rating = models.CharField(_("rating"), max_length=16)
    comment = models.TextField(_("comment"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("element score")
        verbose_name_plural = _("element scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "element"], name="one_score_per_element")
        ]

    def __str__(self) -> str:
        return f"{self.element} {self.rating}"


class PanelRating(models.Model):
    """The panel's consolidated rating of one element, recorded by the lead."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="panel_ratings")
    element = models.CharField(_("element"), max_length=64)
    rating = models.CharField(_("rating"), max_length=16)
    comment = models.TextField(_("comment"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("panel rating")
        verbose_name_plural = _("panel ratings")
        constraints = [models.UniqueConstraint(fields=["application", "element"], name="one_panel_rating")]

    def __str__(self) -> str:
        return f"{self.element} {self.rating}"


class DecisionEditRefused(Exception):
    pass


class Decision(models.Model):
    """A decision about one application. Never edited: a new one ``supersedes`` it."""

    class Kind(models.TextChoices):
        COMPUTED = "computed", _("computed from the standard")
        OVERRIDE = "override", _("override by HR")
        APPEAL = "appeal", _("appeal decision")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    passed = models.BooleanField(_("passed"))
    level = models.PositiveSmallIntegerField(_("level"))
    outcome = models.CharField(_("outcome computed"), max_length=20)
    trace = models.JSONField(_("trace"))
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by_name = models.CharField(max_length=150)
    decided_at = models.DateTimeField(_("decided"))
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {'pass' if self.passed else 'fail'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise DecisionEditRefused("a decision is never edited; add a new one that supersedes it")
        super().save(*args, **kwargs)


class Appeal(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="appeal")
    reason = models.TextField(_("reason"))
    filed_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField(_("filed"))
    outcome = models.CharField(_("outcome"), max_length=10, blank=True)  # "", upheld, dismissed
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.OneToOneField(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="appeal_of"
    )

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"appeal {self.application_id}"


class CertificateEditRefused(Exception):
    """What a certificate says was fixed when it was issued; a later HR import changes the person,
    never the certificate."""


class Certificate(models.Model):
    """An issued certificate. The holder's name, employee id, unit and job family, the level and the
    standard's version are stored at issue (``FROZEN``) and never change: the certificate, its page and
    its PDF read them, not the person's current record."""

    FROZEN = (
        "number",
        "holder_name",
        "holder_employee_id",
        "holder_unit",
        "job_family",
        "level",
        "standard_id",
        "standard_version",
        "valid_from",
        "valid_until",
    )

    number = models.CharField(_("number"), max_length=80, unique=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="certificates")
    application = models.OneToOneField(
        Application, null=True, on_delete=models.PROTECT, related_name="certificate"
    )
    holder_name = models.CharField(_("holder's name"), max_length=200)
    holder_employee_id = models.CharField(_("employee ID"), max_length=64)
    holder_unit = models.CharField(_("organisation unit"), max_length=200, blank=True)
    job_family = models.CharField(_("job family"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"))
    standard_id = models.CharField(_("standard"), max_length=100)
    standard_version = models.CharField(_("standard version"), max_length=40)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), db_index=True)
    issued_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(_("issued"))

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values(*self.FROZEN).first()
            changed = [f for f in self.FROZEN if stored is not None and stored[f] != getattr(self, f)]
            if changed:
                raise CertificateEditRefused(f"a certificate is never changed ({', '.join(changed)})")
        super().save(*args, **kwargs)
