"""People and their HR records, as the HR data contract describes them (DESIGN.md, "HR data").

The database mirrors the contract's five sheets; ``records.py`` turns rows into core records.
An import writes these tables in one transaction and keeps each changed person's previous record as
a ``RecordSnapshot``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrgUnit(models.Model):
    """A unit of the organisation.

    ``code``: what HR data calls the unit (``bj``, or a path of names such as ``总部/华北区/北京办事处``).
    ``path``: the database ids from the root, ``/1/4/9/``; ``path__startswith`` selects a subtree.
    """

    code = models.CharField(_("code"), max_length=255, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    parent = models.ForeignKey("self", verbose_name=_("parent unit"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    path = models.CharField(_("path"), max_length=1000, db_index=True, editable=False)

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name_zh or self.name_en or self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        new_path = f"{self.parent.path if self.parent is not None else '/'}{self.pk}/"
        if new_path != self.path:
            old_path, self.path = self.path, new_path
            OrgUnit.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:
                # Moving a unit moves its subtree.
                for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    OrgUnit.objects.filter(pk=child.pk).update(path=new_path + child.path[len(old_path):])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.parent_id is not None and self.pk is not None and self.parent is not None and \
                (self.parent.pk == self.pk or (self.path and self.parent.path.startswith(self.path))):
            raise ValidationError({"parent": _("A unit cannot be placed below itself.")})

    def name(self, language: str) -> str:
        """The name in ``language`` (``zh-hans`` or ``en``), falling back to the other, then the code."""
        names = (self.name_en, self.name_zh) if language.startswith("en") else (self.name_zh, self.name_en)
        return names[0] or names[1] or self.code

    def subtree(self) -> models.QuerySet[OrgUnit]:
        """This unit and every unit below it."""
        return OrgUnit.objects.filter(path__startswith=self.path)


class Person(models.Model):
    employee_id = models.CharField(_("employee ID"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("organisation unit"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="people")
    job_family = models.CharField(_("job family"), max_length=100, db_index=True)
    current_level = models.PositiveSmallIntegerField(_("current level"), default=0)
    hire_date = models.DateField(_("hire date"))
    family_start_date = models.DateField(_("job family start date"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["employee_id"]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.name}".strip()


class PerformanceRating(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="performance")
    period = models.CharField(_("period"), max_length=8)
    rating = models.CharField(_("rating"), max_length=8)

    class Meta:
        verbose_name = _("performance rating")
        verbose_name_plural = _("performance ratings")
        ordering = ["person", "period"]
        constraints = [models.UniqueConstraint(fields=["person", "period"], name="one_rating_per_period")]

    def __str__(self) -> str:
        return f"{self.period} {self.rating}"


class ExamResult(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="exams")
    sitting = models.CharField(_("sitting"), max_length=32)
    exam = models.CharField(_("exam"), max_length=64)
    score = models.FloatField(_("score"))

    class Meta:
        verbose_name = _("exam result")
        verbose_name_plural = _("exam results")
        ordering = ["person", "sitting", "exam"]
        constraints = [models.UniqueConstraint(fields=["person", "sitting", "exam"],
                                               name="one_score_per_exam")]

    def __str__(self) -> str:
        return f"{self.sitting} {self.exam} {self.score:g}"


class ActivityFields(models.Model):
    """An activity record (举证) in the standard's vocabulary, the columns of the HR data contract's
    evidence sheet: imported evidence (``Evidence``) and the evidence an applicant enters in a cycle
    (``certification.EvidenceItem``) both are one."""

    activity = models.CharField(_("activity"), max_length=64)
    date = models.DateField(_("date"))
    role = models.CharField(_("role"), max_length=64, blank=True)
    audience = models.CharField(_("audience"), max_length=64, blank=True)
    scope = models.CharField(_("scope"), max_length=64, blank=True)
    project_kind = models.CharField(_("project kind"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=64, blank=True)
    deliverables = models.JSONField(_("deliverables"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True


class Evidence(ActivityFields):
    """One evidence record of a person: from HR data (``source`` "import", replaced by the next
    import) or entered by the person with a certification application ("application", kept by
    imports): one record per person, whichever way it came."""

    class Source(models.TextChoices):
        IMPORT = "import", _("HR data")
        APPLICATION = "application", _("entered with an application")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="evidence")
    evidence_id = models.CharField(_("evidence ID"), max_length=64)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default="import")

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["person", "date", "evidence_id"]
        constraints = [models.UniqueConstraint(fields=["person", "evidence_id"], name="unique_evidence_id")]

    def __str__(self) -> str:
        return f"{self.evidence_id} {self.activity} {self.date}"


class ElementRating(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="element_ratings")
    level = models.PositiveSmallIntegerField(_("level"))
    element = models.CharField(_("element"), max_length=64)
    assessor = models.CharField(_("assessor"), max_length=200, blank=True)
    rating = models.CharField(_("rating"), max_length=16)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("element rating")
        verbose_name_plural = _("element ratings")
        ordering = ["person", "level", "element", "id"]

    def __str__(self) -> str:
        return f"L{self.level} {self.element} {self.rating}"


def import_path(batch: ImportBatch, filename: str) -> str:
    """Where an uploaded HR file is stored: by month, under a name nobody can guess."""
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ""
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ImportBatch(models.Model):
    """One uploaded HR data file. The background worker (``qualify worker``) checks it (queued →
    checking → validated or rejected) and, once HR confirms, applies it (confirmed → applying →
    applied); no web request reads or writes the data itself."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be checked")
        CHECKING = "checking", _("being checked")
        VALIDATED = "validated", _("validated")
        REJECTED = "rejected", _("rejected")
        CONFIRMED = "confirmed", _("waiting to be imported")
        APPLYING = "applying", _("being imported")
        APPLIED = "applied", _("applied")
        FAILED = "failed", _("failed")

    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(_("file name"), max_length=255)
    standard_id = models.CharField(_("standard"), max_length=100)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, db_index=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # The file itself, in the file storage (``STORAGES["default"]``): any worker on any host can check
    # and apply it; the row keeps only its name.
    upload = models.FileField(_("file"), upload_to=import_path, max_length=300, blank=True, editable=False)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # Set when a worker claims the batch: one checking or applying with no sign of life for long was
    # left by a worker that died (its transaction wrote nothing) and is marked failed.
    heartbeat = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name} ({self.status})"

    @property
    def waiting(self) -> bool:
        """Whether the worker has yet to check or apply it (the page refreshes itself meanwhile)."""
        return self.status in {self.Status.QUEUED, self.Status.CHECKING, self.Status.CONFIRMED,
                               self.Status.APPLYING}


class RecordSnapshot(models.Model):
    """A person's whole record as it was before an import changed it (see ``records.record_data``)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="snapshots")
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="snapshots")
    taken_at = models.DateTimeField(_("taken"), auto_now_add=True)
    data = models.JSONField(_("record"))

    class Meta:
        verbose_name = _("record snapshot")
        verbose_name_plural = _("record snapshots")
        ordering = ["-taken_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.taken_at:%Y-%m-%d %H:%M}"


class StandingRun(models.Model):
    """One computation of a job family's stored standings (``qualify.services.standings``): every
    person's knowledge standing (rank in the family's latest sitting, cohort size) and screening
    decision, by the batch engine in one run. Queued by an import (the worker executes it) or run at
    once for a small family; the pages read the rows of the family's newest finished run."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    standard_id = models.CharField(_("standard"), max_length=100, db_index=True)
    job_family = models.CharField(_("job family"), max_length=100, db_index=True)
    standard_sha256 = models.CharField(_("standard fingerprint"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stale = models.BooleanField(_("outdated"), default=False,
                                help_text=_("Data of the family changed after this run."))
    as_of = models.DateField(_("as of"), null=True, blank=True)
    sitting = models.CharField(_("sitting"), max_length=32, blank=True)  # "": the family has no results
    cohort = models.PositiveIntegerField(_("cohort size"), default=0)
    people_count = models.PositiveIntegerField(_("people"), default=0)
    schedule = models.JSONField(_("checks"), default=list, blank=True)  # [[level, rule], ...]
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("standings run")
        verbose_name_plural = _("standings runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.standard_id} {self.as_of} ({self.status})"


class StandingText(models.Model):
    """One distinct text of a standings run (actual, required, messages, gaps, facts): the checks of
    the run's people point at these by number, so a text shared by thousands is stored once."""

    run = models.ForeignKey(StandingRun, on_delete=models.CASCADE, related_name="texts")
    number = models.PositiveIntegerField()
    data = models.JSONField()

    class Meta:
        verbose_name = _("standings text")
        verbose_name_plural = _("standings texts")
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="one_text_per_number")]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.number}"


class PersonStanding(models.Model):
    """One person's stored standing in a run: knowledge (sitting, exams not sat, combined score, rank)
    and the screening decision as of the run's date, check by check (outcome codes and text numbers
    in the order of the run's ``schedule``)."""

    run = models.ForeignKey(StandingRun, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="standings")
    current_level = models.PositiveSmallIntegerField()
    missing = models.JSONField(default=list)
    score = models.FloatField(null=True)
    rank = models.PositiveIntegerField(null=True)
    highest_eligible_level = models.PositiveSmallIntegerField()
    outcomes = models.CharField(max_length=200)  # one digit per check: 0 pass, 1 missing, 2 fail
    text_ids = models.JSONField(default=list)
    # The person's data changed after the run: their page computes them alone (this row still counts in
    # the cohort, with the score it was ranked by, until the next run).
    changed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("stored standing")
        verbose_name_plural = _("stored standings")
        constraints = [models.UniqueConstraint(fields=["run", "person"], name="one_standing_per_run")]
        indexes = [models.Index(fields=["run", "score"], name="standing_run_score")]

    def __str__(self) -> str:
        return f"{self.person_id} @ run {self.run_id}: rank {self.rank}"
