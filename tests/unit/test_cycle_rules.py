"""The rules of the cycle besides the table: levels, conflicts, spreads, notice, certificates."""

from __future__ import annotations

import datetime as dt

import pytest

from qualify.core.cycle import (
    Action,
    ApplicationState,
    Expiry,
    PanelChoice,
    assignment_conflicts,
    certificate_number,
    certificate_validity,
    check_consolidation,
    check_target_level,
    default_target_level,
    expiry,
    flagged_spreads,
    lowest_rating,
    rating_spread,
    require_appeal_window,
    require_no_conflicts,
    require_no_open_application,
    require_notice_over,
    require_text,
)
from qualify.core.errors import QualifyError

LADDER = ["not_met", "partial", "meets", "exceeds"]
UTC = dt.UTC


def code_of(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(QualifyError) as caught:
        call()
    return caught.value.code


# --- one open application ---------------------------------------------------------------------


def test_a_person_with_a_draft_application_cannot_open_a_second_one() -> None:
    assert code_of(lambda: require_no_open_application([ApplicationState.draft])) \
        == "application-already-open"


def test_a_person_whose_application_was_withdrawn_may_apply_again() -> None:
    require_no_open_application([ApplicationState.withdrawn, ApplicationState.rejected])


# --- target level ------------------------------------------------------------------------------


def test_the_default_target_is_the_next_level_offered() -> None:
    assert default_target_level(2, [1, 2, 3, 4]) == 3
    assert default_target_level(2, [4, 5]) == 4
    assert default_target_level(5, [1, 2, 3, 4, 5]) is None


def test_one_level_up_needs_no_approval_and_no_reason() -> None:
    request = check_target_level(current_level=2, target_level=3, offered=[3, 4], knowledge_allows=None,
                                 reason=None)
    assert request.needs_approval is False
    assert request.submit_action is Action.submit


def test_a_renewal_at_the_current_level_is_not_a_jump() -> None:
    assert check_target_level(current_level=3, target_level=3, offered=[3], knowledge_allows=0,
                              reason="").levels_above == 0


def test_a_two_level_jump_is_refused_when_the_knowledge_policy_allows_one() -> None:
    assert code_of(lambda: check_target_level(current_level=1, target_level=3, offered=[2, 3],
                                              knowledge_allows=1, reason="top of the class")) \
        == "jump-not-allowed"


def test_a_two_level_jump_is_refused_for_someone_without_an_exam_rank() -> None:
    assert code_of(lambda: check_target_level(current_level=1, target_level=3, offered=[3],
                                              knowledge_allows=None, reason="x")) == "jump-not-allowed"


def test_a_two_level_jump_allowed_by_the_policy_still_needs_a_written_reason() -> None:
    assert code_of(lambda: check_target_level(current_level=1, target_level=3, offered=[3],
                                              knowledge_allows=2, reason="   ")) == "jump-reason-required"


def test_a_two_level_jump_with_policy_and_reason_goes_to_an_extra_approval() -> None:
    request = check_target_level(current_level=1, target_level=3, offered=[3], knowledge_allows=2,
                                 reason="ranked 2nd of 40")
    assert request.needs_approval is True
    assert request.submit_action is Action.submit_jump


def test_a_level_the_cycle_does_not_offer_is_refused() -> None:
    assert code_of(lambda: check_target_level(current_level=1, target_level=2, offered=[3, 4],
                                              knowledge_allows=None, reason=None)) == "level-not-offered"


# --- conflicts of interest ---------------------------------------------------------------------


def test_nobody_assesses_themselves() -> None:
    assert [r.code for r in assignment_conflicts("E1", "E1", [])] == ["assessor-is-applicant"]


def test_nobody_assesses_someone_they_manage() -> None:
    reasons = assignment_conflicts("M1", "E7", ["E6", "E7"])
    assert [r.code for r in reasons] == ["assessor-manages-applicant"]
    assert reasons[0].message("zh") == "评委不能评审自己管理的员工"


def test_an_assessor_from_elsewhere_has_no_conflict() -> None:
    assert assignment_conflicts("A9", "E7", ["E6"]) == []


def test_a_refused_assignment_names_the_assessor_and_says_why() -> None:
    with pytest.raises(QualifyError) as caught:
        require_no_conflicts("M1", "E7", ["E7"])
    assert caught.value.message("en") == "M1: an assessor may not assess someone they manage"


# --- spreads and consolidation -----------------------------------------------------------------


def test_ratings_two_steps_apart_are_flagged_for_the_lead() -> None:
    ratings = {"talk-prep": {"A": "meets", "B": "not_met"}, "reporting": {"A": "meets", "B": "partial"}}
    assert flagged_spreads(ratings, LADDER) == {"talk-prep": 2}


def test_the_spread_uses_the_ladder_of_the_standard_not_a_fixed_one() -> None:
    ladder = ["poor", "good"]
    assert rating_spread(["poor", "good"], ladder) == 1
    assert flagged_spreads({"x": {"A": "poor", "B": "good"}}, ladder) == {}


def test_a_lone_assessor_has_no_spread() -> None:
    assert rating_spread(["exceeds"], LADDER) == 0


def test_the_lowest_rating_follows_the_ladder() -> None:
    assert lowest_rating(["exceeds", "partial", "meets"], LADDER) == "partial"


def test_the_lead_cannot_consolidate_while_an_assessor_has_not_submitted() -> None:
    assert code_of(lambda: check_consolidation(elements=["e"], ladder=LADDER, ratings={},
                                               pending_assessors=["A2"], choices={})) == "ratings-pending"


def test_the_lead_must_rate_every_element_of_the_level() -> None:
    assert code_of(lambda: check_consolidation(
        elements=["e1", "e2"], ladder=LADDER, ratings={}, pending_assessors=[],
        choices={"e1": PanelChoice("meets")})) == "consolidation-incomplete"


def test_a_flagged_spread_needs_the_leads_written_reason() -> None:
    ratings = {"e1": {"A": "exceeds", "B": "partial"}}
    assert code_of(lambda: check_consolidation(
        elements=["e1"], ladder=LADDER, ratings=ratings, pending_assessors=[],
        choices={"e1": PanelChoice("meets")})) == "spread-needs-comment"
    done = check_consolidation(elements=["e1"], ladder=LADDER, ratings=ratings, pending_assessors=[],
                               choices={"e1": PanelChoice("meets", "evidence of two talks is strong")})
    assert done["e1"].rating == "meets"


def test_a_consolidated_rating_off_the_ladder_is_refused() -> None:
    assert code_of(lambda: check_consolidation(
        elements=["e1"], ladder=LADDER, ratings={}, pending_assessors=[],
        choices={"e1": PanelChoice("brilliant")})) == "rating-unknown"


# --- written reasons -----------------------------------------------------------------------------


def test_an_override_without_a_written_reason_is_refused() -> None:
    assert code_of(lambda: require_text("  ", code="override-reason-required", what_zh="改判理由",
                                        what_en="reason for the override")) == "override-reason-required"


# --- notice period and appeals ---------------------------------------------------------------------


PUBLISHED = dt.datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ENDS = dt.datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


def test_an_appeal_during_the_notice_period_is_accepted() -> None:
    require_appeal_window(PUBLISHED, ENDS, dt.datetime(2026, 12, 8, 8, 59, tzinfo=UTC))


def test_an_appeal_after_the_notice_period_is_refused() -> None:
    assert code_of(lambda: require_appeal_window(PUBLISHED, ENDS, ENDS)) == "appeal-outside-notice"


def test_an_appeal_before_publication_is_refused() -> None:
    assert code_of(lambda: require_appeal_window(None, None, PUBLISHED)) == "appeal-outside-notice"


def test_a_certificate_waits_for_the_end_of_the_notice_period() -> None:
    assert code_of(lambda: require_notice_over(ENDS, PUBLISHED)) == "notice-not-over"
    require_notice_over(ENDS, ENDS)


# --- certificates ---------------------------------------------------------------------------------


def test_a_two_year_certificate_is_valid_until_the_day_before_its_second_anniversary() -> None:
    assert certificate_validity(dt.date(2026, 12, 10), 24) == (dt.date(2026, 12, 10), dt.date(2028, 12, 9))


def test_a_certificate_issued_on_the_31st_ends_within_a_shorter_month() -> None:
    assert certificate_validity(dt.date(2026, 8, 31), 6)[1] == dt.date(2027, 2, 27)


def test_a_certificate_is_flagged_as_expiring_ninety_days_ahead() -> None:
    until = dt.date(2028, 12, 9)
    assert expiry(until, dt.date(2028, 9, 10)) is Expiry.expiring
    assert expiry(until, dt.date(2028, 9, 9)) is Expiry.valid
    assert expiry(until, until) is Expiry.expiring
    assert expiry(until, dt.date(2028, 12, 10)) is Expiry.expired


def test_certificate_numbers_name_the_family_level_year_and_sequence() -> None:
    assert certificate_number("service-marketing", 3, dt.date(2026, 12, 10), 17) == \
        "SERVICE-MARKETING-L3-2026-00017"
