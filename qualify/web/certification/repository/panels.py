"""Panels, assignments, the assessors' scores and the panel's ratings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from qualify.core.cycle import AssignmentState, PanelChoice
from qualify.services.certification import (
    Actor,
    AssignmentView,
    PanelRatingView,
    PanelView,
    ScoreView,
    edit_conflict,
)
from qualify.services.certification.access import not_found
from qualify.web.certification import models as m
from qualify.web.certification.repository.base import RepositoryBase, plain
from qualify.web.certification.repository.conversions import assignment_view, panel_view, score_view


class PanelStore(RepositoryBase):
    """Panels, assignments, scores (with a version column), and the panel's ratings."""

    def add_panel(
        self,
        actor: Actor,
        cycle_id: int,
        name: str,
        kind: str,
        lead_user_id: int,
        member_user_ids: Sequence[int],
    ) -> PanelView:
        p = m.Panel.objects.create(cycle_id=cycle_id, name=name, kind=kind, lead_id=lead_user_id)
        p.members.set(member_user_ids)
        view = panel_view(p)
        self._audit(
            actor,
            "form_panel",
            "panel",
            p.pk,
            None,
            {"name": name, "kind": kind, "lead": lead_user_id, "members": list(view.member_user_ids)},
        )
        return view

    def panel(self, panel_id: int) -> PanelView:
        try:
            return panel_view(m.Panel.objects.get(pk=panel_id))
        except m.Panel.DoesNotExist:
            raise not_found("panel", panel_id) from None

    def panels(self, cycle_id: int) -> list[PanelView]:
        return [panel_view(p) for p in m.Panel.objects.filter(cycle_id=cycle_id).prefetch_related("members")]

    def _assignments(self) -> Any:
        return m.Assignment.objects.filter(active=True).select_related("assessor__profile__person")

    def assignments(self, application_id: int, kind: str | None = None) -> list[AssignmentView]:
        qs = self._assignments().filter(application_id=application_id)
        if kind is not None:
            qs = qs.filter(kind=kind)
        return [assignment_view(a) for a in qs]

    def assignments_of_user(self, user_id: int) -> list[AssignmentView]:
        return [assignment_view(a) for a in self._assignments().filter(assessor_id=user_id).order_by("-id")]

    def assignment(self, assignment_id: int) -> AssignmentView:
        found = self._assignments().filter(pk=assignment_id).first()
        if found is None:
            raise not_found("assignment", assignment_id)
        return assignment_view(found)

    def replace_assignments(self, actor: Actor, application_id: int, panel: PanelView, kind: str) -> None:
        old = list(
            m.Assignment.objects.filter(application_id=application_id, kind=kind, active=True).values_list(
                "assessor_id", flat=True
            )
        )
        m.Assignment.objects.filter(application_id=application_id, kind=kind, active=True).update(
            active=False
        )
        for user_id in (panel.lead_user_id, *panel.member_user_ids):
            m.Assignment.objects.create(
                application_id=application_id,
                panel_id=panel.id,
                assessor_id=user_id,
                is_lead=user_id == panel.lead_user_id,
                kind=kind,
            )
        self._audit(
            actor,
            "assign_panel" if kind == "review" else "assign_appeal_panel",
            "application",
            application_id,
            {"assessors": old},
            {"panel": panel.id, "assessors": [panel.lead_user_id, *panel.member_user_ids]},
        )

    def set_assignment_state(
        self, actor: Actor, assignment_id: int, action: str, state: AssignmentState
    ) -> None:
        a = m.Assignment.objects.get(pk=assignment_id)
        before = a.state
        a.state = state.value
        a.save(update_fields=["state"])
        self._audit(actor, action, "assignment", a.pk, {"state": before}, {"state": a.state})

    def scores(self, application_id: int) -> list[ScoreView]:
        return [
            score_view(s)
            for s in m.ElementScore.objects.filter(
                assignment__application_id=application_id, assignment__active=True
            ).order_by("id")
        ]

    def save_score(
        self,
        actor: Actor,
        assignment_id: int,
        element: str,
        rating: str,
        comment: str,
        expected_version: int | None,
    ) -> ScoreView:
        found = m.ElementScore.objects.filter(assignment_id=assignment_id, element=element).first()
        if found is None:
            if expected_version not in (None, 0):
                raise edit_conflict("rating", element=element)
            try:
                with transaction.atomic():
                    row = m.ElementScore.objects.create(
                        assignment_id=assignment_id, element=element, rating=rating, comment=comment
                    )
            except IntegrityError:  # someone created it at the same moment
                raise edit_conflict("rating", element=element) from None
            self._audit(actor, "rate", "element_score", row.pk, None, plain(row))
            return score_view(row)
        if expected_version is None or expected_version != found.version:
            raise edit_conflict("rating", element=element, version=found.version)
        before = plain(found)
        updated = m.ElementScore.objects.filter(pk=found.pk, version=expected_version).update(
            rating=rating, comment=comment, version=F("version") + 1, updated_at=timezone.now()
        )
        if not updated:
            raise edit_conflict("rating", element=element)
        row = m.ElementScore.objects.get(pk=found.pk)
        self._audit(actor, "rate", "element_score", row.pk, before, plain(row))
        return score_view(row)

    def save_panel_ratings(
        self, actor: Actor, application_id: int, ratings: Mapping[str, PanelChoice]
    ) -> None:
        before = {
            p.element: [p.rating, p.comment]
            for p in m.PanelRating.objects.filter(application_id=application_id)
        }
        m.PanelRating.objects.filter(application_id=application_id).delete()
        m.PanelRating.objects.bulk_create(
            [
                m.PanelRating(application_id=application_id, element=e, rating=c.rating, comment=c.comment)
                for e, c in ratings.items()
            ]
        )
        self._audit(
            actor,
            "consolidate",
            "application",
            application_id,
            before or None,
            {e: [c.rating, c.comment] for e, c in ratings.items()},
        )

    def panel_ratings(self, application_id: int) -> dict[str, PanelRatingView]:
        return {
            p.element: PanelRatingView(p.element, p.rating, p.comment)
            for p in m.PanelRating.objects.filter(application_id=application_id)
        }
