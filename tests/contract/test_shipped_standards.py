"""Every shipped standard loads, lints clean, is bilingual and survives the Excel round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualify.core.lint import iter_texts
from qualify.formats.standard_xlsx import read_workbook, workbook_bytes
from qualify.formats.standard_yaml import load_standard
from qualify.services.standards import lint_file, shipped_files

SHIPPED = shipped_files()


def test_at_least_one_standard_is_shipped() -> None:
    assert SHIPPED, ("no standard is shipped: qualify/standards/FAMILY@VERSION.yaml is missing "
                     "(service-marketing@2.0.yaml is expected)")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_a_shipped_standard_loads_and_is_named_after_its_id(path: Path) -> None:
    assert load_standard(path).id == path.stem


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_a_shipped_standard_lints_clean(path: Path) -> None:
    findings = lint_file(path)
    assert findings == [], "\n".join(f.line() for f in findings)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_text_of_a_shipped_standard_is_in_chinese_and_english(path: Path) -> None:
    texts = iter_texts(load_standard(path))
    missing = [f"{where}.{lang}" for where, text in texts for lang in text.missing()]
    assert missing == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_shipped_standard_survives_the_excel_round_trip(path: Path, lang: str, tmp_path: Path) -> None:
    standard = load_standard(path)
    book = tmp_path / f"{path.stem}.xlsx"
    book.write_bytes(workbook_bytes(standard, "zh" if lang == "zh" else "en"))
    imported = read_workbook(book)
    assert imported.edits == []
    assert imported.standard == standard
