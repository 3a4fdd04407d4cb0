"""The assessors' ratings, the score sheet, and the panel's consolidated rating (step 6)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from qualify.core import cycle as rules
from qualify.core.cycle import Action, ApplicationState, AssignmentState, PanelChoice, Role, transition
from qualify.core.errors import QualifyError
from qualify.services.certification.access import not_found, roles_for_application, visible_application
from qualify.services.certification.frozen import cycle_standard, require_element
from qualify.services.certification.repository import CertificationRepository
from qualify.services.certification.values import Actor, ApplicationView, AssignmentView, ScoreView


def _own_assignment(repo: CertificationRepository, actor: Actor, assignment_id: int) -> AssignmentView:
    assignment = repo.assignment(assignment_id)
    if actor.user_id is None or assignment.user_id != actor.user_id:
        raise not_found("assignment", assignment_id)
    return assignment


def _sheet_role(assignment: AssignmentView) -> set[Role]:
    return {Role.lead} if assignment.is_lead else {Role.assessor}


def rate(
    repo: CertificationRepository,
    actor: Actor,
    assignment_id: int,
    element: str,
    rating: str,
    comment: str = "",
    *,
    expected_version: int | None = None,
) -> ScoreView:
    """An assessor's rating of one element with a comment. ``expected_version`` is the version the
    assessor's page showed (``None`` for a first rating): if someone saved it in between, the save is
    refused with ``edit-conflict`` and nothing is overwritten."""
    assignment = _own_assignment(repo, actor, assignment_id)
    app = repo.application(assignment.application_id)
    if assignment.kind != "review" or app.state is not ApplicationState.in_review:
        raise QualifyError(
            code="action-not-allowed-in-state",
            message_en="ratings can only be given while the application is in review",
            message_zh="只有评审中的申请可以评分",
        )
    transition(assignment.state, Action.rate, _sheet_role(assignment))
    standard = cycle_standard(repo, repo.cycle(app.cycle_id))
    require_element(standard, element, app.target_level)
    rules.check_rating(rating, standard.vocabularies.codes("behaviour_ratings"))
    with repo.atomic():
        return repo.save_score(actor, assignment_id, element, rating, comment.strip(), expected_version)


def submit_rating(repo: CertificationRepository, actor: Actor, assignment_id: int) -> None:
    """Submit a score sheet: every element of the target level must be rated."""
    with repo.atomic():
        assignment = _own_assignment(repo, actor, assignment_id)
        state = transition(assignment.state, Action.submit_rating, _sheet_role(assignment))
        app = repo.application(assignment.application_id)
        standard = cycle_standard(repo, repo.cycle(app.cycle_id))
        rated = {s.element for s in repo.scores(app.id) if s.assignment_id == assignment_id}
        missing = [e for _, e, _ in standard.elements_at(app.target_level) if e.code not in rated]
        if missing:
            raise QualifyError(
                code="ratings-incomplete",
                message_en=f"rate every element before submitting: "
                f"{', '.join(e.name.en for e in missing)} missing",
                message_zh=f"请先为每个要素评分后再提交，缺少：{'、'.join(e.name.zh for e in missing)}",
                fields={"elements": [e.code for e in missing]},
            )
        repo.set_assignment_state(actor, assignment_id, Action.submit_rating.value, state)


def reopen_rating(repo: CertificationRepository, actor: Actor, assignment_id: int) -> None:
    """The lead sends a submitted sheet back to its assessor (e.g. after discussing a spread)."""
    with repo.atomic():
        sheet = repo.assignment(assignment_id)
        app = repo.application(sheet.application_id)
        roles = roles_for_application(repo, actor, app)
        if not roles:
            raise not_found("assignment", assignment_id)
        if app.state is not ApplicationState.in_review:
            raise QualifyError(
                code="action-not-allowed-in-state",
                message_en="the panel has already consolidated",
                message_zh="评委组已合议",
            )
        state = transition(sheet.state, Action.reopen_rating, roles & {Role.lead})
        repo.set_assignment_state(actor, assignment_id, Action.reopen_rating.value, state)


@dataclass(frozen=True)
class ScoreSheet:
    """What one viewer may see of an application's ratings: their own, and the others' once their
    own sheet is submitted (the lead, HR and admins see every submitted sheet after submitting or
    without a sheet)."""

    elements: list[str]
    mine: AssignmentView | None
    my_scores: dict[str, ScoreView]
    others: dict[str, dict[str, str]]  # element → assessor → rating (submitted sheets only)
    others_comments: dict[str, dict[str, str]]
    spreads: dict[str, int]
    pending: list[str]
    hidden: bool = False


def score_sheet(repo: CertificationRepository, actor: Actor, application_id: int) -> ScoreSheet:
    app = visible_application(repo, actor, application_id)
    roles = roles_for_application(repo, actor, app)
    standard = cycle_standard(repo, repo.cycle(app.cycle_id))
    ladder = standard.vocabularies.codes("behaviour_ratings")
    elements = [e.code for _, e, _ in standard.elements_at(app.target_level)]
    sheets = repo.assignments(app.id, "review")
    mine = next((a for a in sheets if a.user_id == actor.user_id), None)
    scores = repo.scores(app.id)
    my_scores = {s.element: s for s in scores if mine is not None and s.assignment_id == mine.id}
    may_see = (mine is not None and mine.state is AssignmentState.submitted) or (
        mine is None and bool(roles & {Role.hr, Role.admin})
    )
    submitted = {a.id: a.username for a in sheets if a.state is AssignmentState.submitted}
    others: dict[str, dict[str, str]] = {}
    comments: dict[str, dict[str, str]] = {}
    all_submitted: dict[str, dict[str, str]] = {}
    for s in scores:
        if s.assignment_id in submitted:
            all_submitted.setdefault(s.element, {})[submitted[s.assignment_id]] = s.rating
            if may_see:
                others.setdefault(s.element, {})[submitted[s.assignment_id]] = s.rating
                comments.setdefault(s.element, {})[submitted[s.assignment_id]] = s.comment
    return ScoreSheet(
        elements=elements,
        mine=mine,
        my_scores=my_scores,
        others=others,
        others_comments=comments,
        spreads=rules.flagged_spreads(all_submitted, ladder) if may_see else {},
        pending=[a.username for a in sheets if a.state is AssignmentState.pending],
        hidden=not may_see,
    )


def consolidate(
    repo: CertificationRepository, actor: Actor, application_id: int, choices: Mapping[str, PanelChoice]
) -> ApplicationView:
    """The lead records the panel's rating of every element (with a reason where the spread is flagged)."""
    with repo.atomic():
        app = visible_application(repo, actor, application_id)
        state = transition(app.state, Action.consolidate, roles_for_application(repo, actor, app))
        standard = cycle_standard(repo, repo.cycle(app.cycle_id))
        sheets = repo.assignments(app.id, "review")
        names = {a.id: a.username for a in sheets}
        ratings: dict[str, dict[str, str]] = {}
        for s in repo.scores(app.id):
            if s.assignment_id in names:
                ratings.setdefault(s.element, {})[names[s.assignment_id]] = s.rating
        checked = rules.check_consolidation(
            elements=[e.code for _, e, _ in standard.elements_at(app.target_level)],
            ladder=standard.vocabularies.codes("behaviour_ratings"),
            ratings=ratings,
            pending_assessors=[a.username for a in sheets if a.state is AssignmentState.pending],
            choices={k: PanelChoice(v.rating, v.comment.strip()) for k, v in choices.items()},
            names={e.code: e.name for _, e, _ in standard.elements_at(app.target_level)},
        )
        repo.save_panel_ratings(actor, app.id, checked)
        return repo.update_application(
            actor, app.id, Action.consolidate.value, state=state, expected_version=app.version
        )
