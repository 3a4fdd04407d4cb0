"""The project's own xlsx writers split a table at the row limit as the reader expects, and write the
same bytes for the same content (issue 11)."""

from __future__ import annotations

import datetime as dt
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from qualify.formats.hrdata import read_hr_data
from qualify.formats.hrdata_columns import SHEETS, part_label, sheet_part_for_label
from qualify.formats.standard_yaml import load_standard
from qualify.formats.xlsx_write import save_workbook
from qualify.services.generate import generate_organisation, write_hr_data

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml"


def test_a_generated_table_longer_than_a_sheet_goes_on_in_numbered_sheets_and_reads_back_whole(
        tmp_path: Path) -> None:
    mini = load_standard(MINI)
    frames = generate_organisation(40, 3, mini, dt.date(2026, 11, 26), evidence_per_person=5)
    path = write_hr_data(frames, tmp_path / "hr.xlsx", max_rows=50)  # 49 rows a sheet, then the next

    titles = openpyxl.load_workbook(path, read_only=True).sheetnames
    back = read_hr_data(path, mini)

    assert frames.evidence.height > 100
    assert {"evidence", "evidence 2", "evidence 3"} <= set(titles)
    for sheet in SHEETS:
        assert back.sheet(sheet.name).equals(frames.sheet(sheet.name)), sheet.name


@pytest.mark.parametrize(("label", "part"), [("举证", 2), ("evidence", 2), ("ratings", 12)])
def test_a_further_sheet_is_named_so_the_reader_takes_it_for_the_same_table(label: str, part: int) -> None:
    first = sheet_part_for_label(label)
    named = sheet_part_for_label(part_label(label, part))

    assert first is not None and named == (first[0], part)


def test_a_saved_workbook_carries_fixed_times_whatever_the_clock_says(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = time.time
    paths = []
    for hours in (0, 5):
        monkeypatch.setattr(time, "time", lambda hours=hours: real() + hours * 3600)
        book = openpyxl.Workbook()
        book.active.append(["a", 1])
        paths.append(save_and_return(book, tmp_path / f"{hours}.xlsx"))

    assert paths[0].read_bytes() == paths[1].read_bytes()
    with zipfile.ZipFile(paths[0]) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"1980-01-01T00:00:00Z" in archive.read("docProps/core.xml")


def test_source_date_epoch_sets_the_times(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    book = openpyxl.Workbook()

    path = save_and_return(book, tmp_path / "hr.xlsx")

    with zipfile.ZipFile(path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 1, 1, 0, 0, 0)}


def save_and_return(book: openpyxl.Workbook, path: Path) -> Path:
    save_workbook(book, path)
    return path


def test_a_generated_organisation_never_repeats_a_rating_so_it_reads_back(tmp_path: Path) -> None:
    mini = load_standard(MINI)
    frames = generate_organisation(3000, 3, mini, dt.date(2026, 11, 26), evidence_per_person=1)
    key = ["employee_id", "level", "element", "assessor"]

    assert frames.ratings.height > 1000
    assert frames.ratings.select(key).is_duplicated().sum() == 0
    assert read_hr_data(write_hr_data(frames, tmp_path / "hr"), mini).ratings.height == frames.ratings.height
