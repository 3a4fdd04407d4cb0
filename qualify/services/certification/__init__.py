"""The certification cycle's use cases: one function per step, called by the pages, the API and the CLI.

Each function takes a ``CertificationRepository`` (the database behind a Protocol: the Django one is
``qualify.web.certification.repository.DjangoRepository``), the ``Actor`` doing it, and the step's
input; it checks who may do what with the table in ``qualify.core.cycle``, applies the cycle's rules,
and writes through the repository in one transaction. The repository records every change in the
audit record (who, when, before, after).

Refusals are ``QualifyError`` with a stable code. An object the actor may not see is ``NotFound``
(a 404 in the web app), never a hint that it exists.

One module per part of the cycle; this package exports every use case and value by name:

- ``values``: the actor and the views that cross the repository boundary;
- ``repository``: the ``CertificationRepository`` Protocol and ``EditConflict``;
- ``frozen``: the cycle's frozen standard; ``access``: who the actor is to a cycle or an application;
- ``cycles``: open, screen, close; ``applications``: apply, nominate, self-assess, submit, jump approval;
- ``evidence``: evidence and uploads; ``panels``: panels and their assignment, conflicts of interest;
- ``scoring``: ratings, score sheets, consolidation; ``decisions``: decide, override, publish;
- ``appeals``; ``certificates``: certify, close, expiry; ``overview``: HR's view and the pages' lists;
- ``notifications``: the notices sent to an applicant; ``batch``: HR's steps on many applications at once.
"""

from __future__ import annotations

from qualify.core import cycle as rules
from qualify.core.cycle import ApplicationState, CycleState, Role
from qualify.services.certification.access import (
    roles_for_application,
    roles_for_cycle,
    visible_application,
    visible_cycle,
)
from qualify.services.certification.appeals import (
    add_appeal_file,
    appeal,
    assign_appeal_panel,
    decide_appeal,
    shared_members,
)
from qualify.services.certification.applications import (
    apply,
    approve_jump,
    reject,
    reject_jump,
    self_assess,
    submit,
    withdraw,
)
from qualify.services.certification.batch import (
    MAX_BATCH,
    BatchAction,
    BatchLine,
    BatchResult,
    run_batch,
)
from qualify.services.certification.certificates import (
    certify,
    close_application,
    expiring_certificates,
    finish,
    notice_ends,
)
from qualify.services.certification.cycles import (
    Screening,
    cancel_cycle,
    close_applications,
    close_cycle,
    create_cycle,
    open_cycle,
    screen_cycle,
    screening_decision,
)
from qualify.services.certification.decisions import (
    changed_on_appeal,
    compute_decision,
    decide,
    decision_record,
    override,
    publish,
)
from qualify.services.certification.evidence import (
    MAX_UPLOAD_BYTES,
    UPLOAD_TYPES,
    Upload,
    UploadLimits,
    add_evidence,
    add_evidence_file,
    check_evidence,
    check_room,
    check_upload,
    remove_evidence,
)
from qualify.services.certification.frozen import (
    cycle_standard,
    freeze_standard,
)
from qualify.services.certification.opinions import (
    awaits_opinion,
    give_opinion,
    may_give_opinion,
    opinion_wanted,
)
from qualify.services.certification.overview import (
    Progress,
    allowed,
    applications_for,
    my_assignments,
    progress,
    summarise,
)
from qualify.services.certification.panels import (
    assign_panel,
    form_panel,
    panel_conflicts,
)
from qualify.services.certification.repository import (
    CertificationRepository,
    EditConflict,
    edit_conflict,
)
from qualify.services.certification.scoring import (
    ScoreSheet,
    consolidate,
    rate,
    reopen_rating,
    score_sheet,
    submit_rating,
)
from qualify.services.certification.values import (
    HR_ROLES,
    SYSTEM,
    AccountView,
    Actor,
    AppealView,
    ApplicationView,
    AssignmentView,
    CertificateView,
    CycleView,
    DecisionView,
    EvidenceInput,
    EvidenceView,
    FileView,
    NewCycle,
    Notice,
    PanelRatingView,
    PanelView,
    PersonView,
    ScoreView,
)

__all__ = [
    "HR_ROLES",
    "MAX_BATCH",
    "MAX_UPLOAD_BYTES",
    "SYSTEM",
    "UPLOAD_TYPES",
    "AccountView",
    "Actor",
    "AppealView",
    "ApplicationState",
    "ApplicationView",
    "AssignmentView",
    "BatchAction",
    "BatchLine",
    "BatchResult",
    "CertificateView",
    "CertificationRepository",
    "CycleState",
    "CycleView",
    "DecisionView",
    "EditConflict",
    "EvidenceInput",
    "EvidenceView",
    "FileView",
    "NewCycle",
    "Notice",
    "PanelRatingView",
    "PanelView",
    "PersonView",
    "Progress",
    "Role",
    "ScoreSheet",
    "ScoreView",
    "Screening",
    "Upload",
    "UploadLimits",
    "add_appeal_file",
    "add_evidence",
    "add_evidence_file",
    "allowed",
    "appeal",
    "applications_for",
    "apply",
    "approve_jump",
    "assign_appeal_panel",
    "assign_panel",
    "awaits_opinion",
    "cancel_cycle",
    "certify",
    "changed_on_appeal",
    "check_evidence",
    "check_room",
    "check_upload",
    "close_application",
    "close_applications",
    "close_cycle",
    "compute_decision",
    "consolidate",
    "create_cycle",
    "cycle_standard",
    "decide",
    "decide_appeal",
    "decision_record",
    "edit_conflict",
    "expiring_certificates",
    "finish",
    "form_panel",
    "freeze_standard",
    "give_opinion",
    "may_give_opinion",
    "my_assignments",
    "notice_ends",
    "open_cycle",
    "opinion_wanted",
    "override",
    "panel_conflicts",
    "progress",
    "publish",
    "rate",
    "reject",
    "reject_jump",
    "remove_evidence",
    "reopen_rating",
    "roles_for_application",
    "roles_for_cycle",
    "rules",
    "run_batch",
    "score_sheet",
    "screen_cycle",
    "screening_decision",
    "self_assess",
    "shared_members",
    "submit",
    "submit_rating",
    "summarise",
    "visible_application",
    "visible_cycle",
    "withdraw",
]
