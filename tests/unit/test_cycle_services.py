"""Certification services without a database: uploads, evidence codes, and the decision from the
panel's ratings (a small fake stands in for the repository)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from qualify.core.errors import QualifyError
from qualify.core.knowledge import KnowledgeStanding, rank_knowledge
from qualify.core.records import Employee, EvidenceRecord, ExamRecord, PersonRecord, RatingRecord
from qualify.core.standard import Standard
from qualify.formats.standard_yaml import load_standard
from qualify.services import certification as svc
from qualify.services.certification import PanelRatingView

MINI = load_standard(Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml")
AS_OF = dt.date(2026, 11, 26)


def refused(call: Any) -> str:
    with pytest.raises(QualifyError) as caught:
        call()
    return caught.value.code


# --- uploads ---------------------------------------------------------------------------------------


def test_a_pdf_upload_is_accepted_with_its_content_type() -> None:
    assert svc.check_upload("plan.pdf", b"%PDF-1.7 ...") == "application/pdf"


def test_an_executable_renamed_to_pdf_is_refused() -> None:
    assert refused(lambda: svc.check_upload("plan.pdf", b"MZ\x90\x00")) == "file-type-refused"


def test_a_file_type_outside_the_list_is_refused() -> None:
    assert refused(lambda: svc.check_upload("run.exe", b"MZ")) == "file-type-refused"
    assert refused(lambda: svc.check_upload("noextension", b"%PDF-")) == "file-type-refused"


def test_a_file_over_the_size_limit_is_refused() -> None:
    big = b"%PDF-" + b"0" * svc.MAX_UPLOAD_BYTES
    assert refused(lambda: svc.check_upload("big.pdf", big)) == "file-too-large"


def test_a_text_file_must_be_utf8() -> None:
    assert svc.check_upload("note.txt", "举证说明".encode()) == "text/plain"
    assert refused(lambda: svc.check_upload("note.txt", "举证".encode("gb18030"))) == "file-type-refused"


def stored_files(*sizes: int) -> list[svc.FileView]:
    return [
        svc.FileView(id=i, name=f"f{i}.pdf", content_type="application/pdf", size=n)
        for i, n in enumerate(sizes, 1)
    ]


def test_an_upload_that_fits_the_applications_limits_is_let_through() -> None:
    limits = svc.UploadLimits(max_files=3, max_total_bytes=1000)
    svc.check_room(stored_files(400, 400), "third.pdf", 200, limits)  # three files, exactly 1000 bytes


def test_one_file_more_than_the_applications_limit_is_refused_in_both_languages() -> None:
    with pytest.raises(QualifyError) as caught:
        svc.check_room(stored_files(1, 1), "third.pdf", 1, svc.UploadLimits(max_files=2))
    body = caught.value.as_dict()  # what the API answers
    assert body["code"] == "too-many-files"
    assert "third.pdf is not stored" in body["message"] and "the limit is 2" in body["message"]
    assert "third.pdf 未保存" in body["message_zh"] and "上限为 2 个" in body["message_zh"]


def test_an_upload_that_takes_the_applications_files_past_the_total_is_refused() -> None:
    limits = svc.UploadLimits(max_files=50, max_total_bytes=100 * 1024 * 1024)
    nine = stored_files(*[10 * 1024 * 1024] * 9)
    svc.check_room(nine, "tenth.pdf", 10 * 1024 * 1024, limits)
    with pytest.raises(QualifyError) as caught:
        svc.check_room(nine, "tenth.pdf", 10 * 1024 * 1024 + 1, limits)
    assert caught.value.code == "uploads-total-too-large"
    assert "the limit is 100 MB in all" in caught.value.message_en
    assert "总量上限为 100 MB" in caught.value.message_zh


def test_the_default_limits_are_fifty_files_and_100_mb() -> None:
    assert svc.UploadLimits() == svc.UploadLimits(max_files=50, max_total_bytes=100 * 1024 * 1024)


# --- evidence in the standard's vocabulary ---------------------------------------------------------


def test_evidence_in_the_standards_vocabulary_has_no_problems() -> None:
    item = svc.EvidenceInput(
        activity="project",
        date=AS_OF,
        role="lead",
        scope="province",
        outcome="success",
        deliverables=("project-plan",),
        elements=("talk-prep",),
        measures=("talks",),
    )
    assert svc.check_evidence(MINI, item, 2) == []


def test_evidence_names_every_unknown_code_and_where() -> None:
    item = svc.EvidenceInput(
        activity="project", date=AS_OF, scope="galaxy", deliverables=("poem",), measures=("reports",)
    )
    assert [(p.code, p.path) for p in svc.check_evidence(MINI, item, 2)] == [
        ("unknown-code", "scope"),
        ("unknown-code", "deliverables"),
        ("unknown-measure", "measures"),
    ]


# --- the decision ----------------------------------------------------------------------------------


class FakeRepo:
    """Just what ``compute_decision`` reads."""

    def __init__(self, record: PersonRecord, panel: dict[str, str], evidence: list[svc.EvidenceView]) -> None:
        self.record, self.panel, self.items = record, panel, evidence
        self.cycle_view = svc.CycleView(
            id=1,
            name="c",
            family="mini",
            standard_id="mini@1.0",
            standard_sha256="x",
            state=svc.CycleState.assessing,
            opens_on=AS_OF,
            closes_on=AS_OF,
            as_of=AS_OF,
            levels=(2,),
            notice_days=7,
        )

    def cycle(self, cycle_id: int) -> svc.CycleView:
        return self.cycle_view

    def person_record(self, employee_id: str) -> PersonRecord:
        return self.record

    def evidence(self, application_id: int) -> list[svc.EvidenceView]:
        return self.items

    def panel_ratings(self, application_id: int) -> dict[str, PanelRatingView]:
        return {e: PanelRatingView(e, r, "") for e, r in self.panel.items()}

    def family_exams(self, family: str) -> tuple[list[Employee], list[ExamRecord]]:
        return [self.record.employee], list(self.record.exams)

    def knowledge_standing(self, standard: Standard, employee_id: str) -> KnowledgeStanding | None:
        return rank_knowledge(standard, [self.record.employee], self.record.exams).get(employee_id)


EMPLOYEE = Employee("E1", "张伟", "bj", "mini", 1, dt.date(2018, 3, 1), dt.date(2018, 3, 1))
RECORD = PersonRecord(
    employee=EMPLOYEE,
    exams=(ExamRecord("E1", "2026", "general", 80), ExamRecord("E1", "2026", "professional", 70)),
    ratings=(RatingRecord("E1", 2, "talk-prep", "imported", "not_met"),),  # replaced by the panel's
)
PROJECTS = [
    svc.EvidenceView(
        id=i,
        application_id=1,
        item=svc.EvidenceInput(
            activity="project",
            date=dt.date(2026, 3, i),
            role="lead",
            scope="province",
            project_kind="major",
            outcome="success",
            deliverables=("project-plan",),
        ),
    )
    for i in (1, 2)
]
SLIDES = svc.EvidenceView(
    id=3,
    application_id=1,
    item=svc.EvidenceInput(
        activity="presentation-material", date=dt.date(2026, 4, 1), deliverables=("slides",)
    ),
)
APP = svc.ApplicationView(
    id=1,
    cycle_id=1,
    employee_id="E1",
    person_name="张伟",
    current_level=1,
    target_level=2,
    state=svc.ApplicationState.consolidated,
)
ALL_MEET = {"talk-prep": "meets", "talk-delivery": "exceeds", "reporting": "meets"}


@pytest.fixture(autouse=True)
def _frozen_mini(monkeypatch: pytest.MonkeyPatch) -> None:
    # compute_decision reads the cycle's frozen standard where it is defined (the decisions module)
    monkeypatch.setattr(svc.decisions, "cycle_standard", lambda repo, cycle: MINI)


def with_performance(record: PersonRecord) -> PersonRecord:
    from qualify.core.records import PerformanceRecord

    perf = tuple(PerformanceRecord("E1", p, "B") for p in ("2026Q1", "2026Q2", "2026Q3"))
    return PersonRecord(
        employee=record.employee, performance=perf, exams=record.exams, ratings=record.ratings
    )


def test_the_panels_ratings_replace_imported_ratings_at_the_target_level() -> None:
    repo = FakeRepo(with_performance(RECORD), ALL_MEET, [*PROJECTS, SLIDES])
    passed, outcome, trace = svc.compute_decision(repo, APP)  # type: ignore[arg-type]
    assert (passed, outcome) == (True, "eligible")
    level_2 = next(lv for lv in trace["en"]["levels"] if lv["level"] == 2)
    assert {c["rule"]: c["outcome"] for c in level_2["checks"]}["behaviour:talk-prep"] == "pass"
    assert (
        trace["zh"]["levels"][1]["checks"][0]["message"] != trace["en"]["levels"][1]["checks"][0]["message"]
    )


def test_the_applications_evidence_counts_for_the_measures() -> None:
    repo = FakeRepo(with_performance(RECORD), ALL_MEET, [PROJECTS[0], SLIDES])  # one project short
    passed, outcome, trace = svc.compute_decision(repo, APP)  # type: ignore[arg-type]
    assert (passed, outcome) == (False, "not_eligible")
    level_2 = next(lv for lv in trace["en"]["levels"] if lv["level"] == 2)
    assert {c["rule"]: c["outcome"] for c in level_2["checks"]}["measure:talks"] == "fail"


def test_a_panel_rating_below_meets_fails_the_element() -> None:
    repo = FakeRepo(with_performance(RECORD), {**ALL_MEET, "reporting": "partial"}, [*PROJECTS, SLIDES])
    passed, _, trace = svc.compute_decision(repo, APP)  # type: ignore[arg-type]
    assert passed is False
    level_2 = next(lv for lv in trace["en"]["levels"] if lv["level"] == 2)
    assert [c["rule"] for c in level_2["checks"] if c["outcome"] == "fail"] == ["behaviour:reporting"]


def test_missing_performance_data_makes_the_decision_incomplete_not_passed() -> None:
    repo = FakeRepo(RECORD, ALL_MEET, [*PROJECTS, SLIDES])
    assert svc.compute_decision(repo, APP)[:2] == (False, "incomplete")  # type: ignore[arg-type]


def test_the_decision_uses_the_level_held_when_applying() -> None:
    promoted = PersonRecord(
        employee=Employee("E1", "张伟", "bj", "mini", 2, dt.date(2018, 3, 1), dt.date(2018, 3, 1)),
        exams=RECORD.exams,
    )
    record = svc.decision_record(FakeRepo(promoted, {}, []), APP, None)  # type: ignore[arg-type]
    assert record.employee.current_level == 1
    assert record.evidence == ()


def test_evidence_of_the_application_is_named_after_it() -> None:
    record = svc.decision_record(FakeRepo(RECORD, {}, [SLIDES]), APP, None)  # type: ignore[arg-type]
    assert record.evidence == (
        EvidenceRecord(
            "E1", "application-1-3", "presentation-material", dt.date(2026, 4, 1), deliverables=("slides",)
        ),
    )
