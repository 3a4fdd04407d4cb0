"""``qualify import`` goes through ``qualify.services.hr_import``: the command line's import is kept as an
applied batch like a confirmed upload, and the import page names the people it added and changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qualify.cli.main import main
from qualify.services.standards import get_standard
from qualify.web.accounts.models import AuditEntry
from qualify.web.people.models import ImportBatch, Person
from tests.support.org import edit_workbook, hr_workbook


def run(*args: str) -> int:
    try:
        return main(list(args))
    except SystemExit as done:
        return int(done.code or 0)


@pytest.mark.django_db
def test_the_command_lines_import_shows_on_the_import_page_with_the_people_it_added_and_changed(
    client_for: Any, tmp_path: Path, capsys: Any
) -> None:
    workbook = hr_workbook(tmp_path / "hr.xlsx", get_standard("service-marketing@2.0"), people=5)
    assert run("import", str(workbook)) == 0, capsys.readouterr().err
    first = ImportBatch.objects.get()
    assert f"import #{first.pk}" in capsys.readouterr().out
    added = sorted(
        Person.objects.filter(job_family="service-marketing").values_list("employee_id", flat=True)
    )
    assert sorted(first.counts["new_ids"]) == added

    edit_workbook(workbook, {("employees", 2, "name"): "改了名字"})
    assert run("import", str(workbook)) == 0
    second = ImportBatch.objects.exclude(pk=first.pk).get()
    assert len(second.counts["changed_ids"]) == 1 and second.counts["changed"] == 1
    page = client_for("admin").get(f"/import/{second.pk}/").content.decode()
    assert second.counts["changed_ids"][0] in page
    entry = AuditEntry.objects.filter(action="import.applied").order_by("-id").first()
    assert entry is not None and entry.after["via"] == "cli" and entry.object_id == str(second.pk)


@pytest.mark.django_db
def test_the_command_lines_import_of_a_bad_file_writes_no_batch_and_no_person(
    db: None, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUALIFY_LANG", "en")
    workbook = hr_workbook(tmp_path / "hr.xlsx", get_standard("service-marketing@2.0"), people=5)
    edit_workbook(workbook, {("employees", 3, "hire_date"): "yesterday"})
    assert run("import", str(workbook)) == 2
    assert "sheet employees, row 3, column hire_date" in capsys.readouterr().err
    assert (ImportBatch.objects.count(), Person.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)
