"""HR's view of a cycle and the lists the pages show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from qualify.core import cycle as rules
from qualify.core.cycle import Action, ApplicationState, AssignmentState, Role
from qualify.services.certification.access import not_found, roles_for_application, roles_for_cycle
from qualify.services.certification.decisions import changed_on_appeal
from qualify.services.certification.frozen import cycle_standard
from qualify.services.certification.repository import CertificationRepository
from qualify.services.certification.values import Actor, ApplicationView, AssignmentView


@dataclass(frozen=True)
class Progress:
    per_state: dict[str, int]
    workload: dict[str, dict[str, int]]  # assessor → {"pending": n, "submitted": n}
    spreads: dict[int, dict[str, int]]  # application id → flagged elements
    results: dict[int, dict[str, int]]  # level → {"passed": n, "failed": n}
    applications: list[ApplicationView] = field(default_factory=list)


def progress(repo: CertificationRepository, actor: Actor, cycle_id: int) -> Progress:
    cycle = repo.cycle(cycle_id)
    if not roles_for_cycle(actor, cycle) & {Role.hr, Role.admin}:
        raise not_found("cycle", cycle_id)
    standard = cycle_standard(repo, cycle)
    ladder = standard.vocabularies.codes("behaviour_ratings")
    apps = repo.applications(cycle_id)
    per_state = {state.value: 0 for state in ApplicationState}
    workload: dict[str, dict[str, int]] = {}
    spreads: dict[int, dict[str, int]] = {}
    results: dict[int, dict[str, int]] = {level: {"passed": 0, "failed": 0} for level in cycle.levels}
    for app in apps:
        per_state[app.state.value] += 1
        sheets = repo.assignments(app.id, "review")
        for sheet in sheets:
            load = workload.setdefault(sheet.username, {"pending": 0, "submitted": 0})
            load[sheet.state.value] += 1
        names = {a.id: a.username for a in sheets if a.state is AssignmentState.submitted}
        ratings: dict[str, dict[str, str]] = {}
        for score in repo.scores(app.id):
            if score.assignment_id in names:
                ratings.setdefault(score.element, {})[names[score.assignment_id]] = score.rating
        flagged = rules.flagged_spreads(ratings, ladder)
        if flagged:
            spreads[app.id] = flagged
        decision = repo.current_decision(app.id)
        if decision is not None:
            bucket = results.setdefault(app.target_level, {"passed": 0, "failed": 0})
            bucket["passed" if decision.passed else "failed"] += 1
    return Progress(
        per_state={k: v for k, v in per_state.items() if v},
        workload=workload,
        spreads=spreads,
        results=results,
        applications=apps,
    )


def applications_for(repo: CertificationRepository, actor: Actor, cycle_id: int) -> list[ApplicationView]:
    """The applications of a cycle that the actor has a role on (HR: all of their family)."""
    cycle = repo.cycle(cycle_id)
    return [a for a in repo.applications(cycle_id) if roles_for_application(repo, actor, a, cycle)]


def my_assignments(repo: CertificationRepository, actor: Actor) -> list[AssignmentView]:
    return repo.assignments_of_user(actor.user_id) if actor.user_id is not None else []


def allowed(repo: CertificationRepository, actor: Actor, app: ApplicationView) -> list[Action]:
    """The actions the actor may do on the application now (the page shows these buttons).

    A published result offers what fits it: a passed one only "certify", another only "close"; a
    result changed on appeal offers neither until it is published again."""
    actions = rules.allowed_actions(app.state, roles_for_application(repo, actor, app))
    if not {Action.certify, Action.close} & set(actions):
        return actions
    if app.state is ApplicationState.appeal_decided and changed_on_appeal(repo, app.id):
        return [a for a in actions if a not in {Action.certify, Action.close}]
    current = repo.current_decision(app.id)
    passed = current is not None and current.passed
    return [a for a in actions if a is not (Action.close if passed else Action.certify)]


def summarise(items: Iterable[ApplicationView]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for app in items:
        counts[app.state.value] = counts.get(app.state.value, 0) + 1
    return counts
