"""The HR data store on the ORM: what ``qualify.services.hr_import`` reads and writes through (people,
their records, import batches, the audit record)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, BinaryIO

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from qualify.core.records import PersonRecord
from qualify.formats.hrdata import HRFrames
from qualify.services.hr_import import BatchView
from qualify.web.accounts.audit import record as audit_record
from qualify.web.files import local_copy
from qualify.web.people import bulk
from qualify.web.people.models import (
    ElementRating,
    Evidence,
    ExamResult,
    ImportBatch,
    OrgUnit,
    PerformanceRating,
    Person,
    RecordSnapshot,
)
from qualify.web.people.records import organisation_for, record_data


class OrmRepository:
    def atomic(self) -> AbstractContextManager[Any]:
        return transaction.atomic()

    def now(self) -> dt.datetime:
        return timezone.now()

    def add_batch(self, user: Any, *, file_name: str, standard_id: str, status: str,
                  content: bytes | BinaryIO | Path | None, counts: Mapping[str, Any],
                  problems: list[dict[str, Any]], applied_at: dt.datetime | None = None) -> int:
        batch = ImportBatch(
            created_by=user if getattr(user, "is_authenticated", False) else None, file_name=file_name,
            standard_id=standard_id, status=status, counts=dict(counts), problems=problems,
            applied_at=applied_at)
        if isinstance(content, Path):
            with content.open("rb") as handle:
                batch.upload.save(file_name, File(handle), save=False)
        elif isinstance(content, bytes):
            batch.upload.save(file_name, ContentFile(content), save=False)
        elif content is not None:  # an open file (an upload): copied into the storage in blocks
            batch.upload.save(file_name, File(content), save=False)
        batch.save()
        return int(batch.pk)

    def _view(self, batch: ImportBatch) -> BatchView:
        return BatchView(id=batch.pk, status=batch.status, file_name=batch.file_name,
                         standard_id=batch.standard_id, user=batch.created_by)

    def batch(self, batch_id: int) -> BatchView:
        return self._view(ImportBatch.objects.select_related("created_by").get(pk=batch_id))

    @contextlib.contextmanager
    def batch_file(self, batch_id: int) -> Iterator[Path]:
        name = ImportBatch.objects.filter(pk=batch_id).values_list("upload", flat=True).get()
        with local_copy(name, suffix=Path(name).suffix) as path:
            yield path

    def lock_batch(self, batch_id: int) -> BatchView:
        # (FOR UPDATE OF the batch only: the uploader is on the nullable side of an outer join)
        locked = ImportBatch.objects.select_for_update(of=("self",)).select_related("created_by")
        return self._view(locked.get(pk=batch_id))

    def update_batch(self, batch_id: int, **fields: Any) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(**fields)

    def audit(self, actor: Any, action: str, obj_type: str, obj_id: object, before: Any, after: Any) -> None:
        audit_record(actor, action, obj_type, obj_id, before, after)

    def certificate_holders(self, employee_ids: Collection[str]) -> set[str]:
        """Which of these people hold a certificate (the reverse relation of the certification app's
        certificates, by name: people imports nothing of certification)."""
        return set(Person.objects.filter(employee_id__in=list(employee_ids), certificates__isnull=False)
                   .values_list("employee_id", flat=True))

    def families(self, employee_ids: Collection[str]) -> Mapping[str, str]:
        return dict(bulk.people_by_id(list(employee_ids), "job_family"))

    def add_people(self, frames: HRFrames, employee_ids: Collection[str], *, batch: Any) -> None:
        with transaction.atomic():
            units = _Units()
            codes = frames.employees["org_unit"].fill_null("").unique().to_list()
            unit_ids = {code: (unit.pk if (unit := units.get(code)) is not None else None) for code in codes}
            bulk.add_people(frames, employee_ids, unit_ids)

    def existing(self, employee_ids: Collection[str]) -> Mapping[str, PersonRecord]:
        ids = list(employee_ids)
        found: dict[str, PersonRecord] = {}
        for start in range(0, len(ids), 5000):
            # an import compares and replaces what HR data gave, never what people entered themselves
            org = organisation_for(Person.objects.filter(employee_id__in=ids[start:start + 5000]),
                                   imported_only=True)
            for employee in org.employees:
                record = org.person(employee.employee_id)
                if record is not None:
                    found[employee.employee_id] = record
        return found

    def write(self, records: Iterable[PersonRecord], *, new: Collection[str], changed: Collection[str],
              batch: Any) -> None:
        records = list(records)
        changed_ids = set(changed)
        with transaction.atomic():
            units = _Units()
            ids = [r.employee.employee_id for r in records]
            people = {p.employee_id: p for p in Person.objects.filter(employee_id__in=ids)}
            if changed_ids:
                before = self.existing(changed_ids)
                RecordSnapshot.objects.bulk_create([
                    RecordSnapshot(person=people[i], batch_id=getattr(batch, "pk", batch),
                                   data=record_data(before[i]))
                    for i in sorted(changed_ids) if i in before
                ], batch_size=1000)
            created, updated = [], []
            for record in records:
                e = record.employee
                person = people.get(e.employee_id)
                if person is None:
                    person = Person(employee_id=e.employee_id)
                    created.append(person)
                else:
                    updated.append(person)
                person.name = e.name or ""
                person.org_unit = units.get(e.org_unit or "")
                person.job_family = e.job_family
                person.current_level = e.current_level
                person.hire_date = e.hire_date
                person.family_start_date = e.family_start_date
                person.updated_at = timezone.now()
                people[e.employee_id] = person
            Person.objects.bulk_create(created, batch_size=2000)
            fields = ["name", "org_unit", "job_family", "current_level", "hire_date", "family_start_date",
                      "updated_at"]
            Person.objects.bulk_update(updated, fields, batch_size=2000)
            pks = [people[r.employee.employee_id].pk for r in records]
            for start in range(0, len(pks), 5000):
                chunk = pks[start:start + 5000]
                for model in (PerformanceRating, ExamResult, ElementRating):
                    model.objects.filter(person_id__in=chunk).delete()
                # evidence entered with an application stays the person's
                Evidence.objects.filter(person_id__in=chunk, source=Evidence.Source.IMPORT).delete()
            _bulk(records, people)


def _bulk(records: list[PersonRecord], people: dict[str, Person]) -> None:
    perf, exams, evidence, ratings = [], [], [], []
    for record in records:
        person = people[record.employee.employee_id]
        perf += [PerformanceRating(person=person, period=p.period, rating=p.rating)
                 for p in record.performance]
        exams += [ExamResult(person=person, sitting=x.sitting, exam=x.exam, score=x.score)
                  for x in record.exams]
        evidence += [Evidence(
            person=person, evidence_id=v.evidence_id, activity=v.activity, date=v.date, role=v.role or "",
            audience=v.audience or "", scope=v.scope or "", project_kind=v.project_kind or "",
            outcome=v.outcome or "", deliverables=list(v.deliverables), note=v.note or "",
        ) for v in record.evidence]
        ratings += [ElementRating(person=person, level=r.level, element=r.element, assessor=r.assessor or "",
                                  rating=r.rating, comment=r.comment or "") for r in record.ratings]
    PerformanceRating.objects.bulk_create(perf, batch_size=2000)
    ExamResult.objects.bulk_create(exams, batch_size=2000)
    Evidence.objects.bulk_create(evidence, batch_size=2000)
    ElementRating.objects.bulk_create(ratings, batch_size=2000)


class _Units:
    """Finds organisation units by code, creating missing ones. A code with ``/`` is a path of names
    (``总部/华北区/北京办事处``): each prefix is a unit, the parent of the next."""

    def __init__(self) -> None:
        self.by_code: dict[str, OrgUnit] = {u.code: u for u in OrgUnit.objects.all()}

    def get(self, code: str) -> OrgUnit | None:
        code = code.strip().strip("/")
        if not code:
            return None
        if code in self.by_code:
            return self.by_code[code]
        parent = self.get(code.rsplit("/", 1)[0]) if "/" in code else None
        name = code.rsplit("/", 1)[-1]
        unit = OrgUnit(code=code, name_zh=name, parent=parent)
        unit.save()
        self.by_code[code] = unit
        return unit

