"""``qualify.services.knowledge``: a person's knowledge standing is their rank within the whole job family,
whoever asks and whoever else is asked about."""

from __future__ import annotations

from pathlib import Path

from qualify.core.records import ExamRecord
from qualify.formats.standard_yaml import load_standard
from qualify.services.knowledge import family_standings, latest_sitting

MINI = load_standard(Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml")


def sat(employee_id: str, general: float, professional: float, sitting: str = "2026") -> list[ExamRecord]:
    return [ExamRecord(employee_id, sitting, "general", general),
            ExamRecord(employee_id, sitting, "professional", professional)]


FAMILY = [*sat("A", 90, 90), *sat("B", 80, 80), *sat("C", 70, 70), *sat("D", 60, 60)]


def test_one_persons_rank_counts_everyone_of_the_family_not_only_those_asked_about() -> None:
    standing = family_standings(MINI, ["C"], FAMILY)
    assert list(standing) == ["C"]
    assert (standing["C"].rank, standing["C"].cohort) == (3, 4)


def test_someone_asked_about_who_did_not_sit_the_latest_sitting_is_missing_its_exams() -> None:
    standing = family_standings(MINI, ["A", "Z"], FAMILY)
    assert standing["Z"].rank is None and set(standing["Z"].missing) == {"general", "professional"}
    assert standing["A"].rank == 1 and standing["A"].cohort == 4


def test_the_latest_sitting_is_compared_as_text_and_none_without_results() -> None:
    assert latest_sitting(["2025", "2026", "2026-2"]) == "2026-2"
    assert latest_sitting([]) is None
