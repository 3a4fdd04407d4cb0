"""The web upload and ``qualify import`` on HR data as it really arrives (issue 11): a hostile
workbook is refused with one line before it is parsed; what reading did is shown with the batch."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client

from qualify.services.standards import get_standard
from qualify.web.people.importing import default_standard_id
from qualify.web.people.models import Person
from tests.support.imports import upload_checked
from tests.support.org import hr_workbook, make_user

pytestmark = pytest.mark.django_db
TESTS = Path(__file__).resolve().parents[1]


def _hostile() -> Any:
    spec = importlib.util.spec_from_file_location("_qualify_hostile_xlsx", TESTS / "hostile_xlsx.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def hr_client(org: Any) -> Client:
    standard = get_standard(default_standard_id())
    client = Client()
    client.force_login(make_user("hr-data", ["hr"], hr_families=[standard.family]))
    return client


_upload = upload_checked


@pytest.mark.parametrize("name", ["far-cell", "huge-dimension", "sheet-bomb"])
def test_a_hostile_upload_is_rejected_with_one_line_and_nothing_is_written(
        name: str, hr_client: Client, tmp_path: Path) -> None:
    path = _hostile().HOSTILE[name](tmp_path / "upload.xlsx")
    before = Person.objects.count()

    page = _upload(hr_client, path)

    batch = page.context["batch"]
    assert batch.status == "rejected"
    assert [p["code"] for p in batch.problems] == [
        {"sheet-bomb": "workbook-compression-ratio"}.get(name, "workbook-too-many-cells")]
    assert batch.problems[0]["file"] == "upload.xlsx"  # the name the user gave, not a temporary path
    assert Person.objects.count() == before


def test_a_split_evidence_sheet_is_imported_whole_and_the_page_says_so(
        hr_client: Client, tmp_path: Path) -> None:
    path = hr_workbook(tmp_path / "hr.xlsx", get_standard(default_standard_id()), people=12)
    book = openpyxl.load_workbook(path)
    evidence = book["evidence"]
    rows = list(evidence.iter_rows(values_only=True))
    assert len(rows) > 3
    second = book.create_sheet("举证2")
    second.append(rows[0])
    for row in rows[len(rows) // 2:]:
        second.append(row)
    evidence.delete_rows(len(rows) // 2 + 1, len(rows))
    book.save(path)

    page = _upload(hr_client, path)

    batch = page.context["batch"]
    assert batch.status == "validated"
    assert batch.counts["sheets"]["evidence"] == len(rows) - 1
    assert [n["code"] for n in batch.counts["notes"]] == ["split-table"]
    assert "evidence + 举证2" in page.content.decode()


def _run(*args: str) -> int:
    from qualify.cli.main import main

    return main(list(args))


@pytest.mark.parametrize("hostile_name", ["lying-size"])
def test_qualify_import_refuses_a_hostile_workbook_with_one_line(
        hostile_name: str, org: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALIFY_LANG", "en")
    path = _hostile().HOSTILE[hostile_name](tmp_path / "hr.xlsx")
    before = Person.objects.count()

    assert _run("import", str(path)) == 2

    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"error: {path}: workbook-compression-ratio")
    assert Person.objects.count() == before


def test_qualify_import_says_how_the_file_was_read(
        org: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALIFY_LANG", "en")
    path = hr_workbook(tmp_path / "hr.xlsx", get_standard(default_standard_id()), people=5)
    book = openpyxl.load_workbook(path)
    book.create_sheet("README").append(["how to fill this in"])
    book.save(path)

    assert _run("import", str(path)) == 0

    err = capsys.readouterr().err
    assert "note: " in err and "sheet README: sheet 'README' names no table of the HR data" in err
