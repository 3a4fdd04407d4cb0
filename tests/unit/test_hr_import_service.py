"""``qualify.services.hr_import``'s batch use cases on a fake store: upload, check, confirm, and the
command line's import, without a database."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import tempfile
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from openpyxl import load_workbook

from qualify.core.errors import InvalidInput
from qualify.core.records import PersonRecord
from qualify.formats.hrdata import HRFrames, to_organisation
from qualify.services import hr_import as svc
from qualify.services.generate import generate_organisation, write_hr_data
from qualify.services.standards import get_standard

STANDARD = get_standard("service-marketing@2.0")
AS_OF = dt.date(2026, 11, 26)
LIMIT = 20 * 1024 * 1024


@dataclass
class Batch:
    user: Any
    file_name: str
    standard_id: str
    status: str
    content: bytes
    counts: dict[str, Any]
    problems: list[dict[str, Any]]
    applied_at: dt.datetime | None = None


@dataclass
class FakeStore:
    people: dict[str, PersonRecord] = field(default_factory=dict)
    batches: dict[int, Batch] = field(default_factory=dict)
    snapshots: list[tuple[str, Any]] = field(default_factory=list)
    audit_log: list[tuple[Any, str, object, Any]] = field(default_factory=list)
    fail_writing: bool = False

    @contextlib.contextmanager
    def _atomic(self) -> Iterator[None]:
        saved = copy.deepcopy((self.people, self.batches, self.snapshots, self.audit_log))
        try:
            yield
        except BaseException:
            self.people, self.batches, self.snapshots, self.audit_log = saved
            raise

    def atomic(self) -> Any:
        return self._atomic()

    def now(self) -> dt.datetime:
        return dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC)

    def certificate_holders(self, employee_ids: Any) -> set[str]:
        return set()

    def existing(self, employee_ids: Collection[str]) -> Mapping[str, PersonRecord]:
        return {i: self.people[i] for i in employee_ids if i in self.people}

    def families(self, employee_ids: Collection[str]) -> Mapping[str, str]:
        return {i: self.people[i].employee.job_family for i in employee_ids if i in self.people}

    def add_people(self, frames: HRFrames, employee_ids: Collection[str], *, batch: Any) -> None:
        org = to_organisation(frames)
        for i in employee_ids:
            record = org.person(i)
            assert record is not None and i not in self.people
            self.people[i] = svc._normalised(record)
        if self.fail_writing:
            raise RuntimeError("disk full")

    def write(
        self, records: Iterable[PersonRecord], *, new: Collection[str], changed: Collection[str], batch: Any
    ) -> None:
        self.snapshots += [(i, batch) for i in changed]
        for r in records:
            self.people[r.employee.employee_id] = r
        if self.fail_writing:
            raise RuntimeError("disk full")

    def add_batch(
        self,
        user: Any,
        *,
        file_name: str,
        standard_id: str,
        status: str,
        content: bytes | BinaryIO | Path | None,
        counts: Mapping[str, Any],
        problems: list[dict[str, Any]],
        applied_at: dt.datetime | None = None,
    ) -> int:
        batch_id = len(self.batches) + 1
        if isinstance(content, Path):
            content = content.read_bytes()
        elif content is not None and not isinstance(content, bytes):
            content = content.read()
        self.batches[batch_id] = Batch(
            user, file_name, standard_id, status, content or b"", dict(counts), problems, applied_at
        )
        return batch_id

    def batch(self, batch_id: int) -> svc.BatchView:
        b = self.batches[batch_id]
        return svc.BatchView(id=batch_id, status=b.status, file_name=b.file_name, standard_id=b.standard_id,
                             user=b.user)

    lock_batch = batch

    @contextlib.contextmanager
    def batch_file(self, batch_id: int) -> Iterator[Path]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "upload.xlsx"
            path.write_bytes(self.batches[batch_id].content)
            yield path

    def update_batch(self, batch_id: int, **fields: Any) -> None:
        for key, value in fields.items():
            setattr(self.batches[batch_id], key, value)

    def audit(self, actor: Any, action: str, obj_type: str, obj_id: object, before: Any, after: Any) -> None:
        self.audit_log.append((actor, action, obj_id, after))

    def actions(self) -> list[str]:
        return [a for _, a, _, _ in self.audit_log]


@pytest.fixture(scope="module")
def good_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("hr") / "hr.xlsx"
    write_hr_data(generate_organisation(6, 7, STANDARD, AS_OF), path)
    return path.read_bytes()


def edited(content: bytes, tmp_path: Path, sheet: str, row: int, column: str, value: Any) -> bytes:
    path = tmp_path / "edited.xlsx"
    path.write_bytes(content)
    workbook = load_workbook(path)
    ws = workbook[sheet]
    headers = [cell.value for cell in ws[1]]
    ws.cell(row=row, column=headers.index(column) + 1, value=value)
    workbook.save(path)
    return path.read_bytes()


def upload(
    store: FakeStore,
    content: bytes,
    *,
    name: str = "hr.xlsx",
    families: Collection[str] | None = None,
    user: Any = "hr",
) -> int:
    return svc.validate_upload(
        store, user, name, content, STANDARD.id, max_bytes=LIMIT, allowed_families=families
    )


def test_an_uploaded_workbook_is_checked_and_kept_but_nobody_is_written(good_file: bytes) -> None:
    store = FakeStore()
    batch = store.batches[upload(store, good_file)]
    assert batch.status == "validated" and batch.counts["new"] == 6 and len(batch.counts["new_ids"]) == 6
    assert store.people == {} and store.actions() == ["import.uploaded", "import.validated"]


def test_confirming_a_checked_batch_writes_everyone_once(good_file: bytes) -> None:
    store = FakeStore()
    batch_id = upload(store, good_file)
    assert svc.apply_batch(store, "hr", batch_id, allowed_families=None) == "applied"
    assert len(store.people) == 6 and store.batches[batch_id].applied_at == store.now()
    with pytest.raises(svc.NotApplicable):
        svc.apply_batch(store, "hr", batch_id, allowed_families=None)
    assert store.actions() == ["import.uploaded", "import.validated", "import.applied"]


def test_a_bad_row_rejects_the_upload_with_where_it_is(good_file: bytes, tmp_path: Path) -> None:
    store = FakeStore()
    bad = edited(good_file, tmp_path, "employees", 3, "hire_date", "yesterday")
    batch = store.batches[upload(store, bad)]
    assert batch.status == "rejected"
    assert [(p["sheet"], p["row"], p["column"], p["file"]) for p in batch.problems] == [
        ("employees", 3, "hire_date", "hr.xlsx")
    ]
    with pytest.raises(svc.NotApplicable):
        svc.apply_batch(store, "hr", 1, allowed_families=None)
    assert store.people == {}


def test_a_file_that_is_not_a_workbook_or_too_large_is_refused_before_it_is_read(good_file: bytes) -> None:
    store = FakeStore()
    not_xlsx = store.batches[upload(store, b"name,id\n", name="hr.csv")]
    assert [p["code"] for p in not_xlsx.problems] == ["not-xlsx"] and not_xlsx.content == b""
    big = svc.validate_upload(
        store,
        "hr",
        "hr.xlsx",
        good_file[:4],
        STANDARD.id,
        max_bytes=1024 * 1024,
        allowed_families=None,
        size=2 * 1024 * 1024,
    )
    assert [p["message"] for p in store.batches[big].problems] == ["the file is larger than 1 MB"]


def test_hr_of_another_family_is_refused_every_person_of_the_file(good_file: bytes) -> None:
    store = FakeStore()
    batch = store.batches[upload(store, good_file, families=["other"])]
    assert batch.status == "rejected" and {p["code"] for p in batch.problems} == {"not-your-family"}
    assert len(batch.problems) == 6


def test_a_batch_that_no_longer_passes_when_confirmed_is_rejected_and_writes_nothing(
    good_file: bytes,
) -> None:
    store = FakeStore()
    batch_id = upload(store, good_file)  # checked by HR of every family, confirmed by HR of another
    assert svc.apply_batch(store, "hr", batch_id, allowed_families=["other"]) == "rejected"
    assert store.batches[batch_id].status == "rejected" and store.people == {}


def test_a_failure_while_writing_leaves_the_store_and_the_batch_as_they_were(good_file: bytes) -> None:
    store = FakeStore()
    batch_id = upload(store, good_file)
    store.fail_writing = True
    with pytest.raises(RuntimeError):
        svc.apply_batch(store, "hr", batch_id, allowed_families=None)
    assert store.people == {} and store.batches[batch_id].status == "validated"
    assert store.actions() == ["import.uploaded", "import.validated"]


def test_the_command_lines_import_is_kept_as_an_applied_batch_with_who_was_added_and_changed(
    good_file: bytes, tmp_path: Path
) -> None:
    store = FakeStore()
    path = tmp_path / "hr.xlsx"
    path.write_bytes(good_file)
    first = svc.import_file(store, path, STANDARD)
    batch = store.batches[first.batch_id]
    assert (batch.status, batch.user, batch.content) == ("applied", None, good_file)
    assert sorted(batch.counts["new_ids"]) == sorted(store.people)
    path.write_bytes(edited(good_file, tmp_path, "employees", 2, "name", "改名"))
    second = svc.import_file(store, path, STANDARD)
    assert second.counts["changed"] == 1 and len(second.counts["changed_ids"]) == 1
    assert store.snapshots == [(second.counts["changed_ids"][0], second.batch_id)]
    assert store.audit_log[-1][3]["via"] == "cli"


def test_the_command_lines_import_of_a_bad_file_writes_nothing_not_even_a_batch(
    good_file: bytes, tmp_path: Path
) -> None:
    store = FakeStore()
    path = tmp_path / "hr.xlsx"
    path.write_bytes(edited(good_file, tmp_path, "performance", 2, "rating", "Q"))
    with pytest.raises(InvalidInput) as caught:
        svc.import_file(store, path, STANDARD)
    assert [p.column for p in caught.value.problems] == ["rating"]
    assert (store.people, store.batches, store.audit_log) == ({}, {}, [])


def test_subscribers_are_told_of_an_applied_import_and_one_that_fails_does_not_undo_it(
    good_file: bytes, tmp_path: Path
) -> None:
    store = FakeStore()
    heard: list[svc.AppliedImport] = []

    def broken(applied: svc.AppliedImport) -> None:
        raise RuntimeError("standings service down")

    svc.on_imported(broken)
    svc.on_imported(heard.append)
    try:
        batch_id = upload(store, good_file)
        assert heard == []
        assert svc.apply_batch(store, "hr", batch_id, allowed_families=None) == "applied"
    finally:
        svc._subscribers.remove(broken)
        svc._subscribers.remove(heard.append)
    assert [(h.batch_id, h.families, len(h.new), h.changed) for h in heard] == [
        (batch_id, frozenset({STANDARD.family}), 6, ())
    ]
    assert len(store.people) == 6 and store.batches[batch_id].status == "applied"


def test_an_upload_for_a_standard_that_is_not_shipped_is_refused_at_once_and_not_kept(
    good_file: bytes,
) -> None:
    store = FakeStore()
    batch_id = svc.queue_upload(store, "hr", "hr.xlsx", good_file, "/etc/passwd", max_bytes=LIMIT)
    batch = store.batches[batch_id]
    assert batch.status == "rejected" and batch.content == b""
    assert [p["code"] for p in batch.problems] == ["standard-not-found"]


def test_a_queued_upload_waits_for_the_worker_and_confirming_needs_a_validated_batch(
    good_file: bytes,
) -> None:
    store = FakeStore()
    batch_id = svc.queue_upload(store, "hr", "hr.xlsx", good_file, STANDARD.id, max_bytes=LIMIT)
    assert store.batches[batch_id].status == "queued" and store.batches[batch_id].content == good_file
    with pytest.raises(svc.NotApplicable):
        svc.confirm_batch(store, "hr", batch_id)  # not checked yet
    store.update_batch(batch_id, status="checking")  # the worker claims it
    assert svc.check_batch(store, batch_id, allowed_families=None) == "validated"
    svc.confirm_batch(store, "hr", batch_id)
    assert store.batches[batch_id].status == "confirmed" and store.people == {}
    assert svc.apply_batch(store, "hr", batch_id, allowed_families=None) == "applied"
    assert len(store.people) == 6
