"""The manager's opinion (主管意见) as a cycle asks for it: the rules, without a database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from qualify.core.cycle import ApplicationState, CycleState
from qualify.core.errors import ErrorCode, QualifyError
from qualify.services import certification as svc
from qualify.services.certification.opinions import require_opinion

DAY = dt.date(2026, 12, 4)
CYCLE = svc.CycleView(id=1, name="冬季认证", family="mini", standard_id="mini@1.0", standard_sha256="x",
                      state=CycleState.open, opens_on=DAY, closes_on=DAY, as_of=DAY, levels=(2,),
                      notice_days=7, manager_opinion="required")
APP = svc.ApplicationView(id=7, cycle_id=1, employee_id="E001", person_name="张伟", current_level=1,
                          target_level=2, state=ApplicationState.submitted)


def test_a_required_opinion_that_is_missing_stops_the_panel_with_a_registered_conflict() -> None:
    with pytest.raises(QualifyError) as refused:
        require_opinion(APP, CYCLE)
    assert refused.value.code == "manager-opinion-required"
    assert ErrorCode("manager-opinion-required").status == 409
    assert "7" in refused.value.message_en and "主管" in refused.value.message_zh


def test_an_opinion_given_or_not_required_lets_the_panel_through() -> None:
    require_opinion(replace(APP, manager_opinion="同意"), CYCLE)
    require_opinion(APP, replace(CYCLE, manager_opinion="optional"))
    require_opinion(APP, replace(CYCLE, manager_opinion="off"))


def test_an_application_awaits_the_opinion_only_between_submission_and_the_panel() -> None:
    assert svc.awaits_opinion(APP, CYCLE)
    assert svc.awaits_opinion(replace(APP, state=ApplicationState.awaiting_approval), CYCLE)
    assert not svc.awaits_opinion(replace(APP, state=ApplicationState.draft), CYCLE)
    assert not svc.awaits_opinion(replace(APP, state=ApplicationState.in_review), CYCLE)
    assert not svc.awaits_opinion(replace(APP, manager_opinion="同意"), CYCLE)
    assert not svc.awaits_opinion(APP, replace(CYCLE, manager_opinion="off"))
