"""HR's batch work: one step (assign a panel, decide, publish, certify) on many applications of a
cycle at once, first as a dry run that says who is affected, then for real.

The dry run does exactly what the real run does, inside a transaction that it then rolls back: the
lines it returns are the ones the real run would give (nothing is written, no notice is sent: the
repository sends notices only when a transaction commits). Each application is its own step: one
refused (with the refusal's code and message) does not stop the others. Publishing is one step for
all the selected applications that may be published, so they share one notice period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from qualify.core.cycle import Action, ApplicationState, Role, transition
from qualify.core.errors import QualifyError
from qualify.services.certification.access import (
    not_found,
    roles_for_application,
    roles_for_cycle,
    visible_cycle,
)
from qualify.services.certification.certificates import certify
from qualify.services.certification.decisions import changed_on_appeal, decide, publish
from qualify.services.certification.panels import assign_panel
from qualify.services.certification.repository import CertificationRepository
from qualify.services.certification.values import Actor, ApplicationView

MAX_BATCH = 1000
"""Applications one batch may name (a request stays short; a larger cycle is done in parts)."""


class BatchAction(StrEnum):
    assign_panel = "assign_panel"
    decide = "decide"
    publish = "publish"
    certify = "certify"


@dataclass(frozen=True)
class BatchLine:
    """One application of a batch: who, its state before, and the refusal (``None``: done, or would be)."""

    application: ApplicationView
    refusal: QualifyError | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True)
class BatchResult:
    action: BatchAction
    dry_run: bool
    lines: list[BatchLine]

    @property
    def done(self) -> list[BatchLine]:
        return [line for line in self.lines if line.ok]

    @property
    def refused(self) -> list[BatchLine]:
        return [line for line in self.lines if not line.ok]


class _RollBack(Exception):
    """Raised at the end of a dry run so that the transaction is rolled back."""


def _error(code: str, en: str, zh: str, **fields: object) -> QualifyError:
    return QualifyError(code=code, message_en=en, message_zh=zh, fields=dict(fields))


def parse_action(value: str) -> BatchAction:
    try:
        return BatchAction(value)
    except ValueError:
        raise _error(
            "batch-action-unknown",
            f"unknown batch action {value!r} (one of: {', '.join(a.value for a in BatchAction)})",
            f"未知的批量操作 {value!r}（可选：{'、'.join(a.value for a in BatchAction)}）",
            action=value,
        ) from None


def _selected(
    repo: CertificationRepository, actor: Actor, cycle_id: int, application_ids: Sequence[int]
) -> list[ApplicationView]:
    """The cycle's applications named by ``application_ids``, in that order; HR of the cycle only."""
    cycle = visible_cycle(repo, actor, cycle_id)
    if not roles_for_cycle(actor, cycle) & {Role.hr, Role.admin}:
        raise not_found("cycle", cycle_id)
    ids = list(dict.fromkeys(application_ids))
    if not ids:
        raise _error("batch-empty", "select at least one application", "请至少选择一份申请")
    if len(ids) > MAX_BATCH:
        raise _error(
            "batch-too-large",
            f"{len(ids)} applications selected; a batch takes at most {MAX_BATCH}",
            f"选择了 {len(ids)} 份申请；一次批量操作最多 {MAX_BATCH} 份",
            selected=len(ids),
            limit=MAX_BATCH,
        )
    of_cycle = {a.id: a for a in repo.applications(cycle_id)}
    missing = [
        i for i in ids if i not in of_cycle or not roles_for_application(repo, actor, of_cycle[i], cycle)
    ]
    if missing:
        raise not_found("application", missing[0])
    return [of_cycle[i] for i in ids]


def _publishable(repo: CertificationRepository, actor: Actor, app: ApplicationView) -> QualifyError | None:
    try:
        transition(app.state, Action.publish, roles_for_application(repo, actor, app))
    except QualifyError as refusal:
        return refusal
    if app.state is ApplicationState.appeal_decided and not changed_on_appeal(repo, app.id):
        return _error(
            "nothing-to-publish",
            "the appeal did not change the published result: there is nothing to publish again",
            "申诉未改变已公示的结果，无需再次公示",
        )
    return None


def _run(
    repo: CertificationRepository,
    actor: Actor,
    cycle_id: int,
    action: BatchAction,
    apps: list[ApplicationView],
    panel_id: int | None,
) -> list[BatchLine]:
    if action is BatchAction.publish:
        refusals = {a.id: _publishable(repo, actor, a) for a in apps}
        ready = [a.id for a in apps if refusals[a.id] is None]
        if ready:
            try:
                with repo.atomic():
                    publish(repo, actor, cycle_id, ready)
            except QualifyError as refusal:  # the cycle's own state refuses it: every line says so
                refusals = {a.id: refusals[a.id] or refusal for a in apps}
        return [BatchLine(a, refusals[a.id]) for a in apps]
    lines = []
    for app in apps:
        try:
            with repo.atomic():
                if action is BatchAction.assign_panel:
                    assign_panel(repo, actor, app.id, panel_id or 0)
                elif action is BatchAction.decide:
                    decide(repo, actor, app.id)
                else:
                    certify(repo, actor, app.id)
        except QualifyError as refusal:
            lines.append(BatchLine(app, refusal))
        else:
            lines.append(BatchLine(app))
    return lines


def run_batch(
    repo: CertificationRepository,
    actor: Actor,
    cycle_id: int,
    action: BatchAction | str,
    application_ids: Sequence[int],
    *,
    panel_id: int | None = None,
    dry_run: bool = True,
) -> BatchResult:
    """Do ``action`` on the selected applications of a cycle (HR of the cycle's family).

    With ``dry_run`` (the default) nothing changes: the result lists each application with what would
    happen to it. An application not of the cycle, or one the actor may not see, makes the whole batch
    ``NotFound``; an empty or oversized selection, or an assignment without a panel, is refused whole."""
    action = parse_action(action) if isinstance(action, str) else action
    if action is BatchAction.assign_panel and panel_id is None:
        raise _error("batch-panel-required", "choose the panel to assign", "请选择要分配的评委组")
    apps = _selected(repo, actor, cycle_id, application_ids)
    if not dry_run:
        return BatchResult(action, False, _run(repo, actor, cycle_id, action, apps, panel_id))
    lines: list[BatchLine] = []
    try:
        with repo.atomic():
            lines = _run(repo, actor, cycle_id, action, apps, panel_id)
            raise _RollBack
    except _RollBack:
        pass
    return BatchResult(action, True, lines)
