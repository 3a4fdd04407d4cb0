"""The xlsx every HR list exports and the overview's SVG charts: what a user opens must be safe."""

from __future__ import annotations

from qualify.formats.table_xlsx import Table, read_table, table_workbook
from qualify.web.certification.charts import bar_chart


def test_an_exported_cell_that_looks_like_a_formula_is_kept_as_text() -> None:
    rows_in = [["=HYPERLINK(\"x\")", "@SUM(A1)"], ["张伟", 3]]
    content = table_workbook([Table("list", ["name", "note"], rows_in)])
    rows = read_table(content)
    assert rows == [["name", "note"], ["'=HYPERLINK(\"x\")", "'@SUM(A1)"], ["张伟", 3]]


def test_the_same_rows_give_the_same_workbook_bytes() -> None:
    table = Table("list", ["a"], [[1], [2]])
    assert table_workbook([table]) == table_workbook([table])


def test_a_chart_escapes_its_labels_and_names_each_bar_for_screen_readers() -> None:
    svg = str(bar_chart("Levels", "per unit", ["<script>x</script>", "南区"], [("1", [2, 0]), ("2", [1, 4])],
                        stacked=True))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'role="img"' in svg and "<title id=\"t\">Levels</title>" in svg
    assert "<title>南区 · 2: 4</title>" in svg
