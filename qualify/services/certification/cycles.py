"""Open, run and close a cycle (steps 1 and 2: open a cycle, screen who may apply)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from qualify.core import cycle as rules
from qualify.core.cycle import Action, ManagerOpinion, transition
from qualify.core.decision import Decision, LevelOutcome, Stage
from qualify.core.errors import InvalidInput, Problem, QualifyError
from qualify.core.evaluate import evaluate
from qualify.services.certification.access import roles_for_cycle, visible_cycle
from qualify.services.certification.frozen import (
    cycle_standard,
    freeze_standard,
    knowledge_standing,
    knowledge_standings,
)
from qualify.services.certification.repository import CertificationRepository
from qualify.services.certification.values import Actor, CycleView, NewCycle
from qualify.services.standards import get_standard

# --- 1. open a cycle --------------------------------------------------------------------------------


def create_cycle(repo: CertificationRepository, actor: Actor, new: NewCycle) -> CycleView:
    """A cycle in draft on a frozen copy of the standard (HR of the standard's family)."""
    standard = get_standard(new.standard_id)
    if not actor.administers(standard.family):
        raise QualifyError(
            code="role-may-not-do-action",
            message_en=f"only HR of the job family {standard.family} may open a cycle on it",
            message_zh=f"只有职位族 {standard.family} 的人力资源可以开启该认证周期",
            fields={"family": standard.family},
        )
    problems = []
    if not new.name.strip():
        problems.append(Problem("required", "a name is required", "须填写名称", path="name"))
    if new.closes_on < new.opens_on:
        problems.append(
            Problem(
                "window", "the window closes before it opens", "申请截止日期早于开始日期", path="closes_on"
            )
        )
    unknown = [level for level in new.levels if level not in standard.level_numbers]
    if not new.levels or unknown:
        problems.append(
            Problem(
                "levels",
                f"levels offered must be among {standard.level_numbers}",
                f"开放的等级须在 {standard.level_numbers} 之中",
                path="levels",
            )
        )
    if not 1 <= new.notice_days <= 60:
        problems.append(
            Problem("notice", "the notice period is 1 to 60 days", "公示期为 1 至 60 天", path="notice_days")
        )
    if new.manager_opinion not in {o.value for o in ManagerOpinion}:
        problems.append(
            Problem(
                "manager-opinion",
                "the manager's opinion is required, optional or off",
                "主管意见须为必填、选填或不需要",
                path="manager_opinion",
            )
        )
    if problems:
        raise InvalidInput(problems, source="cycle")
    text, sha = freeze_standard(standard)
    with repo.atomic():
        return repo.add_cycle(
            actor,
            replace(new, levels=tuple(sorted(set(new.levels))), name=new.name.strip()),
            standard.family,
            text,
            sha,
        )


def _cycle_step(repo: CertificationRepository, actor: Actor, cycle_id: int, action: Action) -> CycleView:
    with repo.atomic():
        cycle = visible_cycle(repo, actor, cycle_id)
        state = transition(cycle.state, action, roles_for_cycle(actor, cycle))
        return repo.set_cycle_state(actor, cycle_id, action.value, state)


def open_cycle(repo: CertificationRepository, actor: Actor, cycle_id: int) -> CycleView:
    return _cycle_step(repo, actor, cycle_id, Action.open)


def close_applications(repo: CertificationRepository, actor: Actor, cycle_id: int) -> CycleView:
    return _cycle_step(repo, actor, cycle_id, Action.close_applications)


def cancel_cycle(repo: CertificationRepository, actor: Actor, cycle_id: int) -> CycleView:
    return _cycle_step(repo, actor, cycle_id, Action.cancel)


def close_cycle(repo: CertificationRepository, actor: Actor, cycle_id: int) -> CycleView:
    """Close a cycle whose every application is over (certified, closed, withdrawn or rejected)."""
    with repo.atomic():
        cycle = visible_cycle(repo, actor, cycle_id)
        transition(cycle.state, Action.close, roles_for_cycle(actor, cycle))
        still_open = [
            a.id for a in repo.applications(cycle_id) if a.state not in rules.TERMINAL_APPLICATION_STATES
        ]
        if still_open:
            raise QualifyError(
                code="applications-still-open",
                message_en=f"{len(still_open)} application(s) are not finished yet",
                message_zh=f"尚有 {len(still_open)} 份申请未结束",
                fields={"applications": still_open},
            )
        return _cycle_step(repo, actor, cycle_id, Action.close)


# --- 2. screen ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Screening:
    employee_id: str
    highest_eligible_level: int
    eligible_levels: list[int]


def screen_cycle(repo: CertificationRepository, actor: Actor, cycle_id: int) -> list[Screening]:
    """Who may apply for which of the levels offered, on the cycle's as-of date (HR)."""
    cycle = visible_cycle(repo, actor, cycle_id)
    transition(cycle.state, Action.screen, roles_for_cycle(actor, cycle))
    standard = cycle_standard(repo, cycle)
    standings = knowledge_standings(repo, standard)
    results = []
    for person in repo.family_people(cycle.family):
        decision = evaluate(
            standard,
            person,
            as_of=cycle.as_of,
            stage=Stage.screening,
            knowledge=standings.get(person.employee.employee_id),
        )
        eligible = [
            ld.level
            for ld in decision.levels
            if ld.level in cycle.levels and ld.outcome is LevelOutcome.eligible
        ]
        results.append(Screening(person.employee.employee_id, decision.highest_eligible_level, eligible))
    with repo.atomic():
        repo.save_screening(
            actor, cycle_id, [(s.employee_id, s.highest_eligible_level, s.eligible_levels) for s in results]
        )
    return results


def screening_decision(repo: CertificationRepository, cycle: CycleView, employee_id: str) -> Decision:
    standard = cycle_standard(repo, cycle)
    return evaluate(
        standard,
        repo.person_record(employee_id),
        as_of=cycle.as_of,
        stage=Stage.screening,
        knowledge=knowledge_standing(repo, standard, employee_id),
    )
