"""The certification cycle (认证周期) as data: states, actions, who may do what, and what comes next.

Three small machines share ONE table, ``TABLE``:

- the cycle: draft → open (applications accepted) → assessing (panels score) → notice (公示) → closed;
- an application: draft → (awaiting_approval →) submitted → in_review → consolidated → decided →
  published → (appealed → appeal_decided (→ published again when the appeal changed the result) →)
  certified | closed; withdrawn and rejected end it early;
- an assignment (one assessor's score sheet for one application): pending → submitted.

A row says: in this state, this action may be done by these roles, and leads to that state.
``transition(state, action, role)`` reads the table and raises a ``QualifyError`` with a stable code
when the row does not exist. Roles are relative to the object: ``applicant`` is the employee the
application is about, ``manager`` their line manager, ``assessor``/``lead`` a member/the lead of the
panel assigned to it, ``hr`` the certification admin of the job family, ``admin`` everything HR may.

The other rules of the cycle are pure functions below: one open application per person, level
jumps, conflicts of interest, the spread between assessors, consolidation, overrides, the notice
period, and certificate validity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar, cast

from qualify.core.errors import QualifyError
from qualify.core.periods import add_months
from qualify.core.text import Lang, Text, t


class ManagerOpinion(StrEnum):
    """Whether a cycle asks the applicant's manager for an opinion (主管意见) before the panel."""

    required = "required"  # no panel until the manager has given it
    optional = "optional"
    off = "off"


class CycleState(StrEnum):
    draft = "draft"
    open = "open"
    assessing = "assessing"
    notice = "notice"
    closed = "closed"
    cancelled = "cancelled"


class ApplicationState(StrEnum):
    draft = "draft"
    awaiting_approval = "awaiting_approval"
    submitted = "submitted"
    in_review = "in_review"
    consolidated = "consolidated"
    decided = "decided"
    published = "published"
    appealed = "appealed"
    appeal_decided = "appeal_decided"
    certified = "certified"
    closed = "closed"
    withdrawn = "withdrawn"
    rejected = "rejected"


class AssignmentState(StrEnum):
    pending = "pending"
    submitted = "submitted"


State = CycleState | ApplicationState | AssignmentState


class Action(StrEnum):
    # cycle
    edit = "edit"
    open = "open"
    cancel = "cancel"
    screen = "screen"
    apply = "apply"
    nominate = "nominate"
    form_panel = "form_panel"
    close_applications = "close_applications"
    publish = "publish"
    close = "close"
    # application
    add_evidence = "add_evidence"
    self_assess = "self_assess"
    submit = "submit"
    submit_jump = "submit_jump"
    approve_jump = "approve_jump"
    reject_jump = "reject_jump"
    withdraw = "withdraw"
    reject = "reject"
    assign_panel = "assign_panel"
    consolidate = "consolidate"
    decide = "decide"
    override = "override"
    appeal = "appeal"
    assign_appeal_panel = "assign_appeal_panel"
    decide_appeal = "decide_appeal"
    certify = "certify"
    # assignment
    rate = "rate"
    submit_rating = "submit_rating"
    reopen_rating = "reopen_rating"


class Role(StrEnum):
    applicant = "applicant"
    manager = "manager"
    assessor = "assessor"
    lead = "lead"
    hr = "hr"
    admin = "admin"


MACHINES: dict[type[StrEnum], str] = {
    CycleState: "cycle",
    ApplicationState: "application",
    AssignmentState: "assignment",
}


@dataclass(frozen=True, slots=True)
class Row:
    state: State
    action: Action
    roles: frozenset[Role]
    next: State

    @property
    def machine(self) -> str:
        return MACHINES[type(self.state)]


def _roles(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


HR = _roles(Role.hr, Role.admin)
APPLICANT = _roles(Role.applicant)
C, A, S = CycleState, ApplicationState, AssignmentState

TABLE: tuple[Row, ...] = (
    # --- the cycle ------------------------------------------------------------------------------
    Row(C.draft, Action.edit, HR, C.draft),
    Row(C.draft, Action.open, HR, C.open),
    Row(C.draft, Action.cancel, HR, C.cancelled),
    Row(C.open, Action.screen, HR, C.open),
    Row(C.open, Action.apply, APPLICANT, C.open),
    Row(C.open, Action.nominate, _roles(Role.manager, Role.hr, Role.admin), C.open),
    Row(C.open, Action.form_panel, HR, C.open),
    Row(C.open, Action.close_applications, HR, C.assessing),
    Row(C.open, Action.cancel, HR, C.cancelled),
    Row(C.assessing, Action.form_panel, HR, C.assessing),
    Row(C.assessing, Action.publish, HR, C.notice),
    Row(C.notice, Action.form_panel, HR, C.notice),  # appeal panels
    Row(C.notice, Action.publish, HR, C.notice),  # a late result (e.g. after a re-review) joins the notice
    Row(C.notice, Action.close, HR, C.closed),
    # --- an application -------------------------------------------------------------------------
    Row(A.draft, Action.edit, APPLICANT, A.draft),
    Row(A.draft, Action.add_evidence, APPLICANT, A.draft),
    Row(A.draft, Action.self_assess, APPLICANT, A.draft),
    Row(A.draft, Action.submit, APPLICANT, A.submitted),
    Row(A.draft, Action.submit_jump, APPLICANT, A.awaiting_approval),
    Row(A.draft, Action.withdraw, _roles(Role.applicant, Role.manager, Role.hr, Role.admin), A.withdrawn),
    Row(A.awaiting_approval, Action.approve_jump, HR, A.submitted),
    Row(A.awaiting_approval, Action.reject_jump, HR, A.draft),
    Row(A.awaiting_approval, Action.withdraw, APPLICANT, A.withdrawn),
    Row(A.submitted, Action.assign_panel, HR, A.in_review),
    Row(A.submitted, Action.reject, HR, A.rejected),
    Row(A.submitted, Action.withdraw, APPLICANT, A.withdrawn),
    Row(A.in_review, Action.assign_panel, HR, A.in_review),  # change the panel before it has finished
    Row(A.in_review, Action.consolidate, _roles(Role.lead), A.consolidated),
    Row(A.consolidated, Action.decide, HR, A.decided),
    Row(A.decided, Action.override, HR, A.decided),
    Row(A.decided, Action.publish, HR, A.published),
    Row(A.published, Action.appeal, APPLICANT, A.appealed),
    Row(A.published, Action.certify, HR, A.certified),
    Row(A.published, Action.close, HR, A.closed),
    Row(A.appealed, Action.assign_appeal_panel, HR, A.appealed),
    Row(A.appealed, Action.decide_appeal, _roles(Role.hr, Role.admin, Role.lead), A.appeal_decided),
    Row(A.appeal_decided, Action.publish, HR, A.published),  # a result changed on appeal: a new notice
    Row(A.appeal_decided, Action.certify, HR, A.certified),
    Row(A.appeal_decided, Action.close, HR, A.closed),
    # --- an assessor's score sheet --------------------------------------------------------------
    Row(S.pending, Action.rate, _roles(Role.assessor, Role.lead), S.pending),
    Row(S.pending, Action.submit_rating, _roles(Role.assessor, Role.lead), S.submitted),
    Row(S.submitted, Action.reopen_rating, _roles(Role.lead), S.pending),
)

_INDEX: dict[tuple[str, str, Action], Row] = {
    (row.machine, row.state.value, row.action): row for row in TABLE
}

TERMINAL_APPLICATION_STATES = frozenset({A.certified, A.closed, A.withdrawn, A.rejected})
"""An application in one of these states is over; any other state is an open application."""


def machine_of(state: State) -> str:
    return MACHINES[type(state)]


def row_for(state: State, action: Action) -> Row | None:
    return _INDEX.get((machine_of(state), state.value, action))


def actions_in(state: State) -> list[Action]:
    """Every action that somebody may do in ``state``, in table order."""
    machine = machine_of(state)
    return [row.action for row in TABLE if row.machine == machine and row.state == state]


def allowed_actions(state: State, roles: Iterable[Role]) -> list[Action]:
    """The actions that a holder of any of ``roles`` may do in ``state`` (for showing buttons)."""
    held = set(roles)
    machine = machine_of(state)
    return [row.action for row in TABLE if row.machine == machine and row.state == state and row.roles & held]


StateT = TypeVar("StateT", CycleState, ApplicationState, AssignmentState)


def transition(state: StateT, action: Action, role: Role | Iterable[Role]) -> StateT:
    """The state after ``role`` does ``action`` in ``state``.

    Raises ``QualifyError`` ``action-not-allowed-in-state`` when nobody may do the action in that
    state, and ``role-may-not-do-action`` when somebody may but not this role.
    """
    roles = {role} if isinstance(role, Role) else set(role)
    row = row_for(state, action)
    machine = machine_of(state)
    if row is None:
        raise QualifyError(
            code="action-not-allowed-in-state",
            message_en=f"cannot {ACTION_LABELS[action].en} {ARTICLED[machine]} that is "
                       f"{STATE_LABELS[state].en}",
            message_zh=f"{MACHINE_LABELS[machine].zh}处于“{STATE_LABELS[state].zh}”状态，"
                       f"不能{ACTION_LABELS[action].zh}",
            fields={"machine": machine, "state": state.value, "action": action.value},
        )
    if not row.roles & roles:
        names_en = ", ".join(sorted(ROLE_LABELS[r].en for r in roles)) or "nobody"
        names_zh = "、".join(sorted(ROLE_LABELS[r].zh for r in roles)) or "无角色"
        raise QualifyError(
            code="role-may-not-do-action",
            message_en=f"a {names_en} may not {ACTION_LABELS[action].en} {ARTICLED[machine]} that is "
                       f"{STATE_LABELS[state].en}",
            message_zh=f"{names_zh}不能对处于“{STATE_LABELS[state].zh}”状态的"
                       f"{MACHINE_LABELS[machine].zh}{ACTION_LABELS[action].zh}",
            fields={"machine": machine, "state": state.value, "action": action.value,
                    "roles": sorted(r.value for r in roles)},
        )
    return cast(StateT, row.next)


def may(state: State, action: Action, roles: Iterable[Role]) -> bool:
    row = row_for(state, action)
    return row is not None and bool(row.roles & set(roles))


# --- labels (the web app shows these; Django i18n is for page text, these are domain words) -------

MACHINE_LABELS: dict[str, Text] = {
    "cycle": t("认证周期", "cycle"),
    "application": t("申请", "application"),
    "assignment": t("评分表", "score sheet"),
}

ARTICLED = {"cycle": "a cycle", "application": "an application", "assignment": "a score sheet"}

STATE_LABELS: dict[State, Text] = {
    C.draft: t("草稿", "draft"),
    C.open: t("开放申请", "open"),
    C.assessing: t("评审中", "assessing"),
    C.notice: t("公示中", "in notice"),
    C.closed: t("已结束", "closed"),
    C.cancelled: t("已取消", "cancelled"),
    A.draft: t("草稿", "draft"),
    A.awaiting_approval: t("待审批越级", "awaiting approval"),
    A.submitted: t("已提交", "submitted"),
    A.in_review: t("评审中", "in review"),
    A.consolidated: t("已合议", "consolidated"),
    A.decided: t("已决定", "decided"),
    A.published: t("已公示", "published"),
    A.appealed: t("申诉中", "appealed"),
    A.appeal_decided: t("申诉已决", "appeal decided"),
    A.certified: t("已认证", "certified"),
    A.closed: t("已结束", "closed"),
    A.withdrawn: t("已撤回", "withdrawn"),
    A.rejected: t("已拒绝", "rejected"),
    S.pending: t("待提交", "pending"),
    S.submitted: t("已提交", "submitted"),
}

ACTION_LABELS: dict[Action, Text] = {
    Action.edit: t("修改", "edit"),
    Action.open: t("开放", "open"),
    Action.cancel: t("取消", "cancel"),
    Action.screen: t("资格审查", "screen"),
    Action.apply: t("申请", "apply to"),
    Action.nominate: t("提名", "nominate for"),
    Action.form_panel: t("组建评委组", "form a panel for"),
    Action.close_applications: t("截止申请", "close applications of"),
    Action.publish: t("公示", "publish"),
    Action.close: t("结束", "close"),
    Action.add_evidence: t("添加举证", "add evidence to"),
    Action.self_assess: t("自评", "self-assess"),
    Action.submit: t("提交", "submit"),
    Action.submit_jump: t("提交越级申请", "submit for a jump"),
    Action.approve_jump: t("批准越级", "approve the jump of"),
    Action.reject_jump: t("驳回越级", "send back the jump of"),
    Action.withdraw: t("撤回", "withdraw"),
    Action.reject: t("拒绝", "reject"),
    Action.assign_panel: t("指派评委组", "assign a panel to"),
    Action.consolidate: t("合议", "consolidate"),
    Action.decide: t("决定", "decide"),
    Action.override: t("改判", "override"),
    Action.appeal: t("申诉", "appeal"),
    Action.assign_appeal_panel: t("指派申诉评委组", "assign an appeal panel to"),
    Action.decide_appeal: t("裁决申诉", "decide the appeal of"),
    Action.certify: t("颁发证书", "certify"),
    Action.rate: t("评分", "rate"),
    Action.submit_rating: t("提交评分", "submit"),
    Action.reopen_rating: t("退回评分", "reopen"),
}

ROLE_LABELS: dict[Role, Text] = {
    Role.applicant: t("申请人", "applicant"),
    Role.manager: t("主管", "manager"),
    Role.assessor: t("评委", "assessor"),
    Role.lead: t("主评委", "lead assessor"),
    Role.hr: t("人力资源", "HR"),
    Role.admin: t("管理员", "administrator"),
}


def state_label(state: State, lang: Lang = "en") -> str:
    return STATE_LABELS[state].get(lang)


# --- rules ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reason:
    """Why something is refused: a stable code and a message in both languages."""

    code: str
    message_zh: str
    message_en: str

    def message(self, lang: Lang = "en") -> str:
        return self.message_zh if lang == "zh" else self.message_en


def refuse(code: str, zh: str, en: str, **fields: object) -> QualifyError:
    return QualifyError(code=code, message_en=en, message_zh=zh, fields=dict(fields))


def require_no_open_application(states: Iterable[ApplicationState]) -> None:
    """One open application per person per cycle: refuse a new one while another is not over."""
    open_ones = [s for s in states if s not in TERMINAL_APPLICATION_STATES]
    if open_ones:
        raise refuse("application-already-open",
                     "本周期内已有一份未结束的申请",
                     "there is already an open application for this person in this cycle",
                     state=open_ones[0].value)


def require_text(value: str | None, *, code: str, what_zh: str, what_en: str) -> str:
    """A written reason: refuse a missing or blank one."""
    text = (value or "").strip()
    if not text:
        raise refuse(code, f"须填写{what_zh}", f"a written {what_en} is required")
    return text


@dataclass(frozen=True, slots=True)
class LevelRequest:
    """What the target level asks of the application: how many levels it jumps and whether the jump
    needs an extra approval (``submit_jump`` instead of ``submit``)."""

    target_level: int
    levels_above: int
    needs_approval: bool

    @property
    def submit_action(self) -> Action:
        return Action.submit_jump if self.needs_approval else Action.submit


def default_target_level(current_level: int, offered: Sequence[int]) -> int | None:
    """The next level above the current one if the cycle offers it, else the lowest offered level
    above the current one, else ``None``."""
    above = sorted(level for level in offered if level > current_level)
    return above[0] if above else None


def check_target_level(*, current_level: int, target_level: int, offered: Sequence[int],
                       knowledge_allows: int | None, reason: str | None) -> LevelRequest:
    """Check a target level against the levels the cycle offers and the knowledge policy.

    ``knowledge_allows`` is how many levels above the current level the person's exam rank allows
    (``qualify.core.knowledge.allowed_levels_above``), or ``None`` when the person has no rank.
    One level up (or a renewal at or below the current level) needs nothing more; a jump of more
    than one level needs the policy to allow it, a written reason, and then an extra approval.
    """
    if target_level not in offered:
        raise refuse("level-not-offered",
                     f"本周期不开放 {target_level} 级的认证（开放：{_join(offered)}）",
                     f"this cycle does not offer level {target_level} (offered: {_join(offered)})",
                     target_level=target_level, offered=list(offered))
    above = target_level - current_level
    if above <= 1:
        return LevelRequest(target_level, above, needs_approval=False)
    if knowledge_allows is None or knowledge_allows < above:
        allowed = 0 if knowledge_allows is None else knowledge_allows
        raise refuse("jump-not-allowed",
                     f"知识要求政策只允许比当前等级高 {allowed} 级申请，不能越 {above} 级",
                     f"the knowledge policy allows applying {allowed} level(s) above the current "
                     f"level, not {above}",
                     levels_above=above, allowed=allowed)
    require_text(reason, code="jump-reason-required", what_zh="越级申请理由", what_en="reason for the jump")
    return LevelRequest(target_level, above, needs_approval=True)


def _join(levels: Iterable[int]) -> str:
    return ", ".join(str(level) for level in sorted(levels)) or "-"


def assignment_conflicts(assessor: str, applicant: str, managed_ids: Iterable[str]) -> list[Reason]:
    """Why ``assessor`` may not assess ``applicant`` (employee ids); empty when they may.

    ``managed_ids`` are the employees the assessor manages (their unit and below).
    """
    reasons = []
    if assessor == applicant:
        reasons.append(Reason("assessor-is-applicant", "评委不能评审自己的申请",
                              "an assessor may not assess their own application"))
    if applicant in set(managed_ids) and assessor != applicant:
        reasons.append(Reason("assessor-manages-applicant", "评委不能评审自己管理的员工",
                              "an assessor may not assess someone they manage"))
    return reasons


def require_no_conflicts(assessor: str, applicant: str, managed_ids: Iterable[str]) -> None:
    reasons = assignment_conflicts(assessor, applicant, managed_ids)
    if reasons:
        raise QualifyError(
            code=reasons[0].code,
            message_en=f"{assessor}: " + "; ".join(r.message_en for r in reasons),
            message_zh=f"{assessor}：" + "；".join(r.message_zh for r in reasons),
            fields={"assessor": assessor, "applicant": applicant, "reasons": [r.code for r in reasons]},
        )


def rating_spread(ratings: Iterable[str], ladder: Sequence[str]) -> int:
    """The number of steps between the lowest and the highest rating on the ladder (worst first)."""
    positions = [ladder.index(r) for r in ratings if r in ladder]
    return max(positions) - min(positions) if positions else 0


SPREAD_FLAG_STEPS = 2
"""Ratings of one element this many steps apart or more are flagged for the lead."""


def flagged_spreads(ratings: Mapping[str, Mapping[str, str]], ladder: Sequence[str]) -> dict[str, int]:
    """The elements whose assessors' ratings are ``SPREAD_FLAG_STEPS`` or more apart, with the spread.

    ``ratings`` maps element → assessor → rating.
    """
    flagged = {}
    for element, by_assessor in ratings.items():
        spread = rating_spread(by_assessor.values(), ladder)
        if spread >= SPREAD_FLAG_STEPS:
            flagged[element] = spread
    return flagged


def lowest_rating(ratings: Iterable[str], ladder: Sequence[str]) -> str | None:
    known = [r for r in ratings if r in ladder]
    return min(known, key=ladder.index) if known else None


@dataclass(frozen=True, slots=True)
class PanelChoice:
    rating: str
    comment: str = ""


def check_consolidation(*, elements: Sequence[str], ladder: Sequence[str],
                        ratings: Mapping[str, Mapping[str, str]],
                        pending_assessors: Sequence[str],
                        choices: Mapping[str, PanelChoice],
                        names: Mapping[str, Text] | None = None) -> dict[str, PanelChoice]:
    """The lead's consolidated rating for every element, checked.

    Every assessor must have submitted; the lead records a rating on the ladder for every element that
    has a criterion at the target level; where the assessors' spread is flagged the lead writes why.
    ``names``: the elements' names, for the messages (the fields keep the codes).
    """

    def zh(codes: Iterable[str]) -> str:
        return "、".join(names[c].zh if names and c in names else c for c in codes)

    def en(codes: Iterable[str]) -> str:
        return ", ".join(names[c].en if names and c in names else c for c in codes)

    if pending_assessors:
        raise refuse("ratings-pending",
                     f"尚有评委未提交评分：{'、'.join(pending_assessors)}",
                     f"not every assessor has submitted: {', '.join(pending_assessors)} pending",
                     pending=list(pending_assessors))
    missing = [e for e in elements if e not in choices]
    if missing:
        raise refuse("consolidation-incomplete",
                     f"以下要素未给出评委组评分：{zh(missing)}",
                     f"no panel rating for: {en(missing)}", elements=missing)
    unknown = [e for e in choices if e not in elements]
    if unknown:
        raise refuse("element-not-at-level", f"要素不在该等级：{zh(unknown)}",
                     f"not an element of the target level: {en(unknown)}", elements=unknown)
    bad = [e for e, c in choices.items() if c.rating not in ladder]
    if bad:
        raise refuse("rating-unknown", f"评分不在标准的评分等级中：{zh(bad)}",
                     f"a rating that is not on the standard's ladder for: {en(bad)}", elements=bad)
    spreads = flagged_spreads(ratings, ladder)
    unexplained = [e for e in spreads if e in choices and not choices[e].comment.strip()]
    if unexplained:
        raise refuse("spread-needs-comment",
                     f"评委评分差距较大的要素须说明合议理由：{zh(unexplained)}",
                     f"write the panel's reason where the assessors' ratings are far apart: "
                     f"{en(unexplained)}", elements=unexplained)
    return {e: choices[e] for e in elements}


def check_rating(rating: str, ladder: Sequence[str]) -> None:
    if rating not in ladder:
        raise refuse("rating-unknown", f"评分 {rating!r} 不在标准的评分等级中（{'、'.join(ladder)}）",
                     f"rating {rating!r} is not on the standard's ladder ({', '.join(ladder)})",
                     rating=rating, ladder=list(ladder))


# --- notice period, appeals, certificates ---------------------------------------------------------


def notice_ends(published_at: dt.datetime, notice_days: int) -> dt.datetime:
    """When a notice period of ``notice_days`` whole days ends: at midnight after the local day that is
    ``notice_days`` days after the day of publication.

    ``published_at`` is aware and in the deployment's time zone, so its date is the local date: a
    result published at 00:30 or at 23:30 China time has its notice running to the end of the same
    local day ``notice_days`` later, never one day short because the UTC date was still yesterday.
    """
    last_day = published_at.date() + dt.timedelta(days=notice_days)
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=published_at.tzinfo)


def in_notice_period(published_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> bool:
    return published_at <= now < ends_at


def require_appeal_window(published_at: dt.datetime | None, ends_at: dt.datetime | None,
                          now: dt.datetime) -> None:
    """Appeals only during the notice period."""
    if published_at is None or ends_at is None or not in_notice_period(published_at, ends_at, now):
        raise refuse("appeal-outside-notice",
                     "只能在公示期内申诉", "an appeal can only be made during the notice period",
                     ends_at=ends_at.isoformat() if ends_at else None)


def _local(moment: dt.datetime, now: dt.datetime) -> str:
    """``moment`` as the reader's clock shows it (``now`` is in the deployment's time zone)."""
    return f"{moment.astimezone(now.tzinfo):%Y-%m-%d %H:%M}"


def require_notice_over(ends_at: dt.datetime | None, now: dt.datetime) -> None:
    """A result becomes final (certificate, close) only when its notice period is over."""
    if ends_at is None:
        raise refuse("notice-not-over", "结果尚未公示", "the result is not published yet", ends_at=None)
    if now < ends_at:
        when = _local(ends_at, now)
        raise refuse("notice-not-over", f"公示期尚未结束，至 {when} 结束",
                     f"the notice period is not over yet: it ends {when}", ends_at=ends_at.isoformat())


def require_application_window(opens_on: dt.date, closes_on: dt.date, today: dt.date) -> None:
    """Applications from ``opens_on`` to ``closes_on``, both included; ``today`` is the local date."""
    if not opens_on <= today <= closes_on:
        raise refuse("outside-window", f"申请时间为 {opens_on} 至 {closes_on}",
                     f"applications are accepted from {opens_on} to {closes_on}",
                     opens_on=opens_on.isoformat(), closes_on=closes_on.isoformat())


def require_no_earlier_appeal(appealed_before: bool) -> None:
    """One appeal per application: a result published again after its appeal is not appealed again."""
    if appealed_before:
        raise refuse("already-appealed", "此申请已申诉过一次，申诉裁决为最终结果",
                     "this application has been appealed once; the appeal's decision is final")


def require_republished(changed_on_appeal: bool) -> None:
    """A result that the appeal changed is published again, with its own notice period, before a
    certificate is issued or the application is closed."""
    if changed_on_appeal:
        raise refuse("republish-first", "申诉改变了结果：须重新公示，公示期结束后才能颁发证书或结束申请",
                     "the appeal changed the result: publish it again and let its notice period end "
                     "before certifying or closing")


MemberT = TypeVar("MemberT", int, str)


def appeal_panel_overlap(
    review_members: Iterable[MemberT], appeal_members: Iterable[MemberT]
) -> list[MemberT]:
    """The members (in the appeal panel's order) who also sat on the panel whose decision is appealed."""
    reviewed = set(review_members)
    return [member for member in dict.fromkeys(appeal_members) if member in reviewed]


def require_independent_appeal_panel(overlap: Sequence[str], *, allowed: bool) -> None:
    """An appeal panel shares no member with the panel whose decision is appealed, unless the
    standard's owner allows it (``certificate.appeal_panel_may_share_members``; then it warns)."""
    if overlap and not allowed:
        raise refuse("appeal-panel-not-independent",
                     f"申诉评委组不能包含原评委组成员：{'、'.join(overlap)}",
                     f"an appeal panel may not include members of the panel whose decision is appealed: "
                     f"{', '.join(overlap)}", members=list(overlap))


def certificate_validity(issued_on: dt.date, validity_months: int) -> tuple[dt.date, dt.date]:
    """(valid from, valid until): valid until the day before the same date ``validity_months`` later."""
    return issued_on, add_months(issued_on, validity_months) - dt.timedelta(days=1)


class Expiry(StrEnum):
    valid = "valid"
    expiring = "expiring"
    expired = "expired"


EXPIRY_WARNING_DAYS = 90
"""A certificate is "expiring" this many days before its last valid day, so re-certification can be
planned."""


def expiry(valid_until: dt.date, today: dt.date, warning_days: int = EXPIRY_WARNING_DAYS) -> Expiry:
    if today > valid_until:
        return Expiry.expired
    if today >= valid_until - dt.timedelta(days=warning_days):
        return Expiry.expiring
    return Expiry.valid


def certificate_number(family: str, level: int, issued_on: dt.date, sequence: int) -> str:
    """A unique, readable certificate number: ``FAMILY-L3-2026-00017`` (sequence per family and year)."""
    return f"{family.upper()}-L{level}-{issued_on.year}-{sequence:05d}"
