"""The synthetic organisation: realistic, deterministic, in the contract, for any standard."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from qualify.core.standard import Standard
from qualify.formats.hrdata import read_hr_data
from qualify.formats.standard_yaml import load_standard
from qualify.services.generate import generate_organisation, write_hr_data
from qualify.services.standards import get_standard

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
AS_OF = dt.date(2026, 11, 26)
SHEETS = ("employees", "performance", "exams", "evidence", "ratings")


@pytest.fixture(scope="module")
def mini() -> Standard:
    return load_standard(FIXTURES / "mini@1.0.yaml")


@pytest.fixture(scope="module")
def shipped() -> Standard:
    return get_standard("service-marketing@2.0")


@pytest.fixture(scope="module")
def thousands(shipped: Standard):  # type: ignore[no-untyped-def]
    return generate_organisation(5000, 7, shipped, AS_OF)


def test_the_same_seed_gives_the_same_organisation(mini: Standard) -> None:
    one = generate_organisation(300, 42, mini, AS_OF)
    two = generate_organisation(300, 42, mini, AS_OF)
    other = generate_organisation(300, 43, mini, AS_OF)

    for name in SHEETS:
        assert one.sheet(name).equals(two.sheet(name)), name
    assert not one.evidence.equals(other.evidence)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_what_is_written_reads_back_unchanged(fmt: str, tmp_path: Path, mini: Standard) -> None:
    frames = generate_organisation(200, 1, mini, AS_OF, evidence_per_person=5)
    path = write_hr_data(frames, tmp_path / ("hr" if fmt == "csv" else "hr.xlsx"))

    back = read_hr_data(path, mini)

    for name in SHEETS:
        assert back.sheet(name).equals(frames.sheet(name)), name


def test_ids_keep_their_leading_zeros_in_a_workbook(tmp_path: Path, mini: Standard) -> None:
    frames = generate_organisation(20, 1, mini, AS_OF, evidence_per_person=1)
    back = read_hr_data(write_hr_data(frames, tmp_path / "hr.xlsx"), mini)

    assert back.employees.get_column("employee_id")[0] == "00000001"


def test_ratings_follow_the_usual_distribution(thousands) -> None:  # type: ignore[no-untyped-def]
    share = dict(thousands.performance.get_column("rating").value_counts(normalize=True).iter_rows())

    assert 0.10 <= share["A"] <= 0.15
    assert 0.17 <= share["B+"] <= 0.23
    assert 0.45 <= share["B"] <= 0.55
    assert 0.10 <= share["C"] <= 0.15
    assert 0.03 <= share["D"] <= 0.07


def test_most_people_are_at_levels_0_to_3_with_tenure_growing_with_the_level(thousands) -> None:  # type: ignore[no-untyped-def]
    employees = thousands.employees
    low = employees.filter(pl.col("current_level") <= 3).height / employees.height
    tenure = employees.group_by("current_level").agg(pl.col("hire_date").median()).sort("current_level")

    assert low > 0.8
    hired = tenure.get_column("hire_date").to_list()
    assert hired == sorted(hired, reverse=True)  # the higher the level, the earlier the hire
    assert (employees.get_column("family_start_date") >= employees.get_column("hire_date")).all()


def test_some_quarters_are_missing_and_the_window_is_the_last_eight(thousands) -> None:  # type: ignore[no-untyped-def]
    periods = sorted(thousands.performance.get_column("period").unique().to_list())

    assert periods == ["2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    assert thousands.performance.height < 8 * thousands.employees.height


def test_most_people_sit_both_exams_of_two_years_and_some_miss_one(thousands, shipped) -> None:  # type: ignore[no-untyped-def]
    exams = thousands.exams
    per_person = exams.filter(pl.col("sitting") == "2026").group_by("employee_id").len()

    assert set(exams.get_column("sitting").unique().to_list()) == {"2025", "2026"}
    assert set(exams.get_column("exam").unique().to_list()) == {e.code for e in shipped.knowledge.exams}
    assert per_person.filter(pl.col("len") == 2).height > 0.7 * per_person.height
    assert per_person.filter(pl.col("len") == 1).height > 0


def test_evidence_averages_the_parameter_and_grows_with_the_level(shipped: Standard) -> None:
    frames = generate_organisation(3000, 3, shipped, AS_OF, evidence_per_person=25)
    per_level = (frames.evidence.join(frames.employees, on="employee_id").group_by("current_level").len()
                 .join(frames.employees.group_by("current_level").len(), on="current_level")
                 .with_columns((pl.col("len") / pl.col("len_right")).alias("mean")).sort("current_level"))

    assert 23 <= frames.evidence.height / 3000 <= 28
    means = per_level.get_column("mean").to_list()
    assert means[0] < means[2] < means[-1]


def test_applicants_are_rated_on_every_element_of_their_next_level(thousands, shipped) -> None:  # type: ignore[no-untyped-def]
    rated = thousands.ratings.join(thousands.employees, on="employee_id")

    assert 0 < rated.get_column("employee_id").n_unique() < thousands.employees.height / 4
    assert (rated.get_column("level") == rated.get_column("current_level") + 1).all()
    one = rated.filter(pl.col("employee_id") == rated.get_column("employee_id")[0])
    level = one.get_column("level")[0]
    assert set(one.get_column("element").to_list()) == {e.code for _, e, _ in shipped.elements_at(level)}


def test_org_units_form_a_tree_under_headquarters(thousands) -> None:  # type: ignore[no-untyped-def]
    units = thousands.employees.get_column("org_unit").unique().to_list()

    assert all(unit.startswith("总部/") for unit in units)
    assert any(unit.count("/") == 2 for unit in units)


def test_any_standard_can_be_used(mini: Standard, shipped: Standard) -> None:
    for standard in (mini, shipped):
        frames = generate_organisation(100, 1, standard, AS_OF)
        assert set(frames.employees.get_column("job_family").unique().to_list()) == {standard.family}
        codes = {element.code for level in standard.level_numbers
                 for _, element, _ in standard.elements_at(level)}
        assert set(frames.ratings.get_column("element").unique().to_list()) <= codes
