"""The certification cycle's database, behind ``qualify.services.certification.CertificationRepository``.

Every write records an audit entry (``qualify.web.accounts.audit.record``) with who, before and after.
Saves that may race (scores, panel ratings, applications) use a version column: the UPDATE names the
version that was read, and if another save got there first no row matches and ``EditConflict`` is
raised: nothing is silently overwritten.

``DjangoRepository`` is made of one part per kind of record: ``people``, ``cycles``, ``applications``
(with evidence, files and the self-assessment), ``panels`` (with assignments and scores) and
``outcomes`` (decisions, publication, appeals, certificates, notifications), on ``base`` (the clock,
the audit record, rows by id, stored files). ``conversions`` turns rows into the service layer's views.
"""

from __future__ import annotations

from qualify.web.certification.repository.applications import ApplicationStore
from qualify.web.certification.repository.conversions import (
    actor_for,
    appeal_view,
    application_view,
    assignment_view,
    certificate_view,
    cycle_view,
    decision_view,
    evidence_view,
    file_view,
    panel_view,
    score_view,
)
from qualify.web.certification.repository.cycles import CycleStore, standard_id_of
from qualify.web.certification.repository.outcomes import OutcomeStore
from qualify.web.certification.repository.panels import PanelStore
from qualify.web.certification.repository.people import PeopleStore


class DjangoRepository(PeopleStore, CycleStore, ApplicationStore, PanelStore, OutcomeStore):
    """``CertificationRepository`` on the Django ORM. ``clock`` replaces the time (tests, demo data)."""


__all__ = [
    "DjangoRepository",
    "actor_for",
    "appeal_view",
    "application_view",
    "assignment_view",
    "certificate_view",
    "cycle_view",
    "decision_view",
    "evidence_view",
    "file_view",
    "panel_view",
    "score_view",
    "standard_id_of",
]
