"""The values that cross the repository boundary: who acts, and the views of the cycle's records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qualify.core.cycle import ApplicationState, AssignmentState, CycleState

HR_ROLES = frozenset({"hr", "admin"})


@dataclass(frozen=True)
class Actor:
    """Who is acting: an account's id and name, its employee record, its roles and HR scope.

    ``hr_families`` is ``None`` for "every family" (admin). ``handle`` is the web app's user object,
    passed back to the repository for the audit record.
    """

    user_id: int | None
    username: str
    employee_id: str | None = None
    roles: frozenset[str] = frozenset()
    hr_families: tuple[str, ...] | None = ()
    handle: object = None

    def administers(self, family: str) -> bool:
        if "admin" in self.roles:
            return True
        return "hr" in self.roles and (self.hr_families is None or family in self.hr_families)


SYSTEM = Actor(user_id=None, username="system", roles=frozenset({"admin"}), hr_families=None)


@dataclass(frozen=True)
class NewCycle:
    name: str
    standard_id: str
    opens_on: dt.date
    closes_on: dt.date
    as_of: dt.date
    levels: tuple[int, ...]
    notice_days: int = 7
    manager_opinion: str = "off"  # required | optional | off (``qualify.core.cycle.ManagerOpinion``)


@dataclass(frozen=True)
class CycleView:
    id: int
    name: str
    family: str
    standard_id: str
    standard_sha256: str
    state: CycleState
    opens_on: dt.date
    closes_on: dt.date
    as_of: dt.date
    levels: tuple[int, ...]
    notice_days: int
    manager_opinion: str = "off"  # required | optional | off


@dataclass(frozen=True)
class PersonView:
    employee_id: str
    name: str
    job_family: str
    current_level: int


@dataclass(frozen=True)
class ApplicationView:
    id: int
    cycle_id: int
    employee_id: str
    person_name: str
    current_level: int
    target_level: int
    state: ApplicationState
    jump_reason: str = ""
    nominated_by: str = ""
    submitted_at: dt.datetime | None = None
    published_at: dt.datetime | None = None
    notice_ends_at: dt.datetime | None = None
    version: int = 1
    manager_opinion: str = ""  # the applicant's manager's opinion (主管意见), "" while none
    manager_opinion_by: str = ""
    manager_opinion_at: dt.datetime | None = None


@dataclass(frozen=True)
class EvidenceInput:
    activity: str
    date: dt.date
    role: str = ""
    audience: str = ""
    scope: str = ""
    project_kind: str = ""
    outcome: str = ""
    deliverables: tuple[str, ...] = ()
    note: str = ""
    elements: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvidenceView:
    id: int
    application_id: int
    item: EvidenceInput
    files: tuple[FileView, ...] = ()
    record_id: str = ""  # the person's evidence record it is (its evidence_id), "" when not kept apart


@dataclass(frozen=True)
class FileView:
    id: int
    name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class PanelView:
    id: int
    cycle_id: int
    name: str
    kind: str  # "review" | "appeal"
    lead_user_id: int
    member_user_ids: tuple[int, ...]


@dataclass(frozen=True)
class AccountView:
    """An account as a panel sees it: id, name, employee record, roles."""

    user_id: int
    username: str
    employee_id: str | None
    roles: frozenset[str]


@dataclass(frozen=True)
class AssignmentView:
    id: int
    application_id: int
    panel_id: int
    user_id: int
    username: str
    employee_id: str | None
    is_lead: bool
    kind: str  # "review" | "appeal"
    state: AssignmentState


@dataclass(frozen=True)
class ScoreView:
    assignment_id: int
    element: str
    rating: str
    comment: str
    version: int


@dataclass(frozen=True)
class PanelRatingView:
    element: str
    rating: str
    comment: str


@dataclass(frozen=True)
class DecisionView:
    id: int
    application_id: int
    kind: str  # "computed" | "override" | "appeal"
    passed: bool
    level: int
    outcome: str  # the level outcome computed from the standard (eligible, not_eligible, incomplete)
    trace: Mapping[str, Any]
    reason: str
    decided_by: str
    decided_at: dt.datetime
    supersedes_id: int | None


@dataclass(frozen=True)
class AppealView:
    id: int
    application_id: int
    reason: str
    filed_at: dt.datetime
    outcome: str  # "" while open, "upheld" or "dismissed"
    decision_reason: str = ""
    files: tuple[FileView, ...] = ()


@dataclass(frozen=True)
class CertificateView:
    id: int
    number: str
    employee_id: str
    person_name: str
    level: int
    standard_id: str
    valid_from: dt.date
    valid_until: dt.date
    application_id: int | None
    # stored at issue and never changed, with the holder's name and employee id above
    unit: str = ""
    family: str = ""
    standard_version: str = ""


@dataclass(frozen=True)
class Notice:
    """A notification: the event, whom it is for (employee ids and account ids), and what it is about."""

    event: str  # one of qualify.web.notifications.events.EVENTS: application-received, assigned-to-panel …
    employee_ids: tuple[str, ...] = ()
    user_ids: tuple[int, ...] = ()
    cycle_name: str = ""
    application_id: int | None = None
    level: int | None = None
    family: str = ""  # the job family: its HR (``to_hr``) and its group robots hear of it
    to_hr: bool = False
    cycle_id: int | None = None
    on: dt.date | None = None  # the date the message names (notice end, validity, deadline)
    number: str = ""  # a certificate's number
    count: int | None = None
    skip_user_id: int | None = None  # the account that took the step is not told about it
