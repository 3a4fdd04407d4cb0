"""The xlsx every HR list exports: what a user opens must be safe."""

from __future__ import annotations

from qualify.formats.table_xlsx import Table, read_table, table_workbook


def test_an_exported_cell_that_looks_like_a_formula_is_kept_as_text() -> None:
    rows_in = [["=HYPERLINK(\"x\")", "@SUM(A1)"], ["张伟", 3]]
    content = table_workbook([Table("list", ["name", "note"], rows_in)])
    rows = read_table(content)
    assert rows == [["name", "note"], ["'=HYPERLINK(\"x\")", "'@SUM(A1)"], ["张伟", 3]]


def test_the_same_rows_give_the_same_workbook_bytes() -> None:
    table = Table("list", ["a"], [[1], [2]])
    assert table_workbook([table]) == table_workbook([table])

