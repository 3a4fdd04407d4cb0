"""Cycles, their frozen standard and their screening."""

from __future__ import annotations

import json

from qualify.core.cycle import CycleState
from qualify.services.certification import Actor, CycleView, NewCycle
from qualify.web.certification import models as m
from qualify.web.certification.repository.base import RepositoryBase, django_user, plain
from qualify.web.certification.repository.conversions import cycle_view
from qualify.web.people.models import Person


class CycleStore(RepositoryBase):
    """Cycles: the frozen standard, states, and the screening's results."""

    def add_cycle(
        self, actor: Actor, new: NewCycle, family: str, standard_text: str, sha256: str
    ) -> CycleView:
        c = m.Cycle.objects.create(
            name=new.name,
            family=family,
            standard_id=standard_id_of(standard_text),
            standard_text=standard_text,
            standard_sha256=sha256,
            opens_on=new.opens_on,
            closes_on=new.closes_on,
            as_of=new.as_of,
            levels=list(new.levels),
            notice_days=new.notice_days,
            manager_opinion=new.manager_opinion,
            created_by=django_user(actor),
        )
        self._audit(actor, "create", "cycle", c.pk, None, plain(c, exclude=["standard_text"]))
        return cycle_view(c)

    def cycle(self, cycle_id: int) -> CycleView:
        return cycle_view(self._cycle(cycle_id))

    def cycle_standard_text(self, cycle_id: int) -> str:
        return self._cycle(cycle_id).standard_text

    def cycles(self) -> list[CycleView]:
        return [cycle_view(c) for c in m.Cycle.objects.all()]

    def set_cycle_state(self, actor: Actor, cycle_id: int, action: str, state: CycleState) -> CycleView:
        c = self._cycle(cycle_id)
        before = c.state
        c.state = state.value
        c.save(update_fields=["state"])
        self._audit(actor, action, "cycle", c.pk, {"state": before}, {"state": c.state})
        return cycle_view(c)

    def save_screening(self, actor: Actor, cycle_id: int, rows: list[tuple[str, int, list[int]]]) -> None:
        ids = dict(
            Person.objects.filter(employee_id__in=[r[0] for r in rows]).values_list("employee_id", "pk")
        )
        m.ScreeningEntry.objects.filter(cycle_id=cycle_id).delete()
        m.ScreeningEntry.objects.bulk_create(
            [
                m.ScreeningEntry(
                    cycle_id=cycle_id, person_id=ids[eid], highest_eligible_level=high, eligible_levels=levels
                )
                for eid, high, levels in rows
                if eid in ids
            ],
            batch_size=1000,
        )
        counts: dict[str, int] = {}
        for _, _, levels in rows:
            for level in levels:
                counts[str(level)] = counts.get(str(level), 0) + 1
        self._audit(actor, "screen", "cycle", cycle_id, None, {"screened": len(rows), "eligible": counts})


def standard_id_of(standard_text: str) -> str:
    """The id ``FAMILY@VERSION`` of the frozen standard (what was asked for may have been a path)."""
    data = json.loads(standard_text)
    return f"{data['family']}@{data['version']}"
