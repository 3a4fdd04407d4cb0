"""The certification cycle's table, tested exhaustively: every state × every action × every role.

``EXPECTED`` below is written out by hand, independently of ``qualify.core.cycle.TABLE``: a change
to who may do what shows up here as a failing case that names the state, the action and the role.
"""

from __future__ import annotations

import itertools

import pytest

from qualify.core.cycle import (
    TABLE,
    Action,
    ApplicationState,
    AssignmentState,
    CycleState,
    Role,
    State,
    allowed_actions,
    machine_of,
    transition,
)
from qualify.core.errors import QualifyError

EXPECTED_TEXT = """
cycle draft edit hr,admin -> draft
cycle draft open hr,admin -> open
cycle draft cancel hr,admin -> cancelled
cycle open screen hr,admin -> open
cycle open apply applicant -> open
cycle open nominate manager,hr,admin -> open
cycle open form_panel hr,admin -> open
cycle open close_applications hr,admin -> assessing
cycle open cancel hr,admin -> cancelled
cycle assessing form_panel hr,admin -> assessing
cycle assessing publish hr,admin -> notice
cycle notice form_panel hr,admin -> notice
cycle notice publish hr,admin -> notice
cycle notice close hr,admin -> closed
application draft edit applicant -> draft
application draft add_evidence applicant -> draft
application draft self_assess applicant -> draft
application draft submit applicant -> submitted
application draft submit_jump applicant -> awaiting_approval
application draft withdraw applicant,manager,hr,admin -> withdrawn
application awaiting_approval approve_jump hr,admin -> submitted
application awaiting_approval reject_jump hr,admin -> draft
application awaiting_approval withdraw applicant -> withdrawn
application submitted assign_panel hr,admin -> in_review
application submitted reject hr,admin -> rejected
application submitted withdraw applicant -> withdrawn
application in_review assign_panel hr,admin -> in_review
application in_review consolidate lead -> consolidated
application consolidated decide hr,admin -> decided
application decided override hr,admin -> decided
application decided publish hr,admin -> published
application published appeal applicant -> appealed
application published certify hr,admin -> certified
application published close hr,admin -> closed
application appealed assign_appeal_panel hr,admin -> appealed
application appealed decide_appeal hr,admin,lead -> appeal_decided
application appeal_decided publish hr,admin -> published
application appeal_decided certify hr,admin -> certified
application appeal_decided close hr,admin -> closed
assignment pending rate assessor,lead -> pending
assignment pending submit_rating assessor,lead -> submitted
assignment submitted reopen_rating lead -> pending
"""

STATE_TYPES: dict[str, type[State]] = {
    "cycle": CycleState, "application": ApplicationState, "assignment": AssignmentState,  # type: ignore[dict-item]
}


def _expected() -> dict[tuple[str, str, str], tuple[set[str], str]]:
    rows = {}
    for line in EXPECTED_TEXT.strip().splitlines():
        machine, state, action, roles, _arrow, nxt = line.split()
        rows[(machine, state, action)] = (set(roles.split(",")), nxt)
    return rows


EXPECTED = _expected()
ALL_STATES: list[State] = [*CycleState, *ApplicationState, *AssignmentState]
CASES = list(itertools.product(ALL_STATES, list(Action), list(Role)))


def test_the_exhaustive_cases_cover_every_state_action_and_role() -> None:
    assert len(CASES) == len(ALL_STATES) * len(Action) * len(Role)
    assert len(TABLE) == len(EXPECTED)


@pytest.mark.parametrize(("state", "action", "role"), CASES,
                         ids=[f"{machine_of(s)}.{s.value}-{a.value}-{r.value}" for s, a, r in CASES])
def test_every_state_action_and_role_gives_the_expected_next_state_or_the_error(
        state: State, action: Action, role: Role) -> None:
    key = (machine_of(state), state.value, action.value)
    if key in EXPECTED:
        roles, nxt = EXPECTED[key]
        if role.value in roles:
            result = transition(state, action, role)
            assert type(result) is type(state)
            assert result.value == nxt
        else:
            with pytest.raises(QualifyError) as caught:
                transition(state, action, role)
            assert caught.value.code == "role-may-not-do-action"
            assert caught.value.message_zh and caught.value.message_en
    else:
        with pytest.raises(QualifyError) as caught:
            transition(state, action, role)
        assert caught.value.code == "action-not-allowed-in-state"
        assert caught.value.fields == {"machine": machine_of(state), "state": state.value,
                                       "action": action.value}
        assert caught.value.message_zh and caught.value.message_en


def test_a_submitted_application_cannot_be_edited_by_the_applicant() -> None:
    for action in (Action.edit, Action.add_evidence, Action.self_assess):
        with pytest.raises(QualifyError, match="submitted"):
            transition(ApplicationState.submitted, action, Role.applicant)


def test_only_the_lead_assessor_consolidates_a_panel() -> None:
    result = transition(ApplicationState.in_review, Action.consolidate, Role.lead)
    assert result is ApplicationState.consolidated
    for role in (Role.assessor, Role.hr, Role.applicant):
        with pytest.raises(QualifyError) as caught:
            transition(ApplicationState.in_review, Action.consolidate, role)
        assert caught.value.code == "role-may-not-do-action"


def test_a_jump_goes_through_an_extra_approval_before_a_panel_sees_it() -> None:
    state = transition(ApplicationState.draft, Action.submit_jump, Role.applicant)
    assert state is ApplicationState.awaiting_approval
    with pytest.raises(QualifyError):
        transition(state, Action.assign_panel, Role.hr)
    assert transition(state, Action.approve_jump, Role.hr) is ApplicationState.submitted


def test_an_employee_cannot_appeal_before_the_result_is_published() -> None:
    for state in (ApplicationState.decided, ApplicationState.consolidated, ApplicationState.in_review):
        with pytest.raises(QualifyError) as caught:
            transition(state, Action.appeal, Role.applicant)
        assert caught.value.code == "action-not-allowed-in-state"


def test_a_decision_is_appealed_once_then_only_certified_or_closed() -> None:
    assert allowed_actions(ApplicationState.appeal_decided, [Role.hr]) == [
        Action.publish,
        Action.certify,
        Action.close,
    ]
    assert allowed_actions(ApplicationState.appeal_decided, [Role.applicant]) == []


def test_a_person_holding_several_roles_may_do_what_any_of_them_may() -> None:
    assert transition(AssignmentState.submitted, Action.reopen_rating, [Role.assessor, Role.lead]) \
        is AssignmentState.pending


def test_the_error_speaks_both_languages_and_names_the_state() -> None:
    with pytest.raises(QualifyError) as caught:
        transition(CycleState.closed, Action.apply, Role.applicant)
    error = caught.value
    assert error.message("en") == "cannot apply to a cycle that is closed"
    assert "已结束" in error.message("zh")


def test_terminal_states_allow_nothing() -> None:
    for state in (ApplicationState.certified, ApplicationState.closed, ApplicationState.withdrawn,
                  ApplicationState.rejected, CycleState.closed, CycleState.cancelled):
        assert allowed_actions(state, list(Role)) == []
