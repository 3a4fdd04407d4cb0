"""Screening runs (资格审查) and their stored results, one row per person.

A run is queued by a page or the API and executed by the worker process (``qualify worker``,
``qualify.web.screening.worker``), never inside a request. Its results stay in the database so that
the people list can show and filter by the highest eligible level without evaluating anyone, and so
that any web process on any host can serve the results; the workbook is a file in the storage.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qualify.web.people.models import OrgUnit, Person


def result_path(run: ScreeningRun, filename: str) -> str:
    """Where a run's workbook is stored: by month, under a name nobody can guess."""
    return f"screening/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class ScreeningRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Stage(models.TextChoices):
        SCREENING = "screening", _("screening (gate conditions and knowledge)")
        CERTIFICATION = "certification", _("certification (every check)")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    standard_id = models.CharField(_("standard"), max_length=100)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("organisation unit"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 help_text=_("Empty: everyone the person who started the run may see."))
    include_subtree = models.BooleanField(_("include the units below"), default=True)
    as_of = models.DateField(_("as of"))
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.SCREENING)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    people_count = models.PositiveIntegerField(_("people"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    language = models.CharField(_("language of the workbook"), max_length=8, default="zh-hans")
    # The workbook for HR, written by the worker into the file storage (``STORAGES["default"]``: any
    # web process on any host can serve it); the row keeps only its name, never its bytes.
    result_file = models.CharField(_("result file name"), max_length=255, blank=True)
    result = models.FileField(_("result workbook"), upload_to=result_path, max_length=300, blank=True,
                              editable=False)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Set by the worker as it goes: a running run whose heartbeat stops was left by a worker that died.
    heartbeat = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.standard_id} {self.as_of} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class ScreeningResult(models.Model):
    """One person's outcome in one run: enough for the tables and filters; the full trace is
    recomputed on the person's page (decisions are cheap for one person, huge for everyone)."""

    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="results")
    person = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="screening_results")
    employee_id = models.CharField(_("employee ID"), max_length=64)
    name = models.CharField(_("name"), max_length=200, blank=True)
    org_unit = models.CharField(_("organisation unit"), max_length=255, blank=True)
    current_level = models.PositiveSmallIntegerField(_("current level"))
    highest_eligible_level = models.PositiveSmallIntegerField(_("highest eligible level"), db_index=True)
    levels = models.JSONField(_("outcome per level"), default=dict)  # {"1": "eligible", ...}

    class Meta:
        verbose_name = _("screening result")
        verbose_name_plural = _("screening results")
        ordering = ["run", "employee_id"]
        constraints = [models.UniqueConstraint(fields=["run", "employee_id"], name="one_result_per_person")]
        indexes = [models.Index(fields=["person", "run"], name="screening_person_run")]

    def __str__(self) -> str:
        return f"{self.employee_id} → {self.highest_eligible_level}"


class WorkerHeartbeat(models.Model):
    """A worker process's last sign of life (``qualify worker`` writes it as it polls and while it
    executes a run); ``/healthz`` reports the age of the newest one."""

    worker = models.CharField(_("worker"), max_length=200, unique=True)  # host:process id
    seen_at = models.DateTimeField(_("last sign of life"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker} {self.seen_at.isoformat()}"
