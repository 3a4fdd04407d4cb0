"""The knowledge cohort: a person's knowledge standing is their rank within their whole job family.

The cohort is everyone of the family who sat the family's latest sitting, whoever asks and whatever
part of the organisation they may see. The store gives the family's exam results of that sitting
(``latest_sitting`` picks it, as the engine does: the highest sitting compared as text); the engine
(``qualify.core.knowledge.rank_knowledge``) ranks them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from qualify.core.knowledge import KnowledgeStanding, rank_knowledge
from qualify.core.records import Employee, ExamRecord
from qualify.core.standard import Standard


def latest_sitting(sittings: Iterable[str]) -> str | None:
    """The family's latest sitting, compared as Python text (not by a database's collation)."""
    return max(sittings, default=None)


def family_standings(standard: Standard, employee_ids: Iterable[str],
                     exams: Iterable[ExamRecord]) -> dict[str, KnowledgeStanding]:
    """The knowledge standing of ``employee_ids`` (people of the standard's family), ranked among
    everyone of the family in ``exams`` (the family's results of its latest sitting). The cohort
    members are given to the engine as employees carrying their id and family, which is all a
    ranking reads."""
    wanted = list(dict.fromkeys(employee_ids))
    exams = list(exams)
    members = list(dict.fromkeys([*wanted, *(x.employee_id for x in exams)]))
    cohort = [Employee(employee_id=i, name="", org_unit="", job_family=standard.family, current_level=0,
                       hire_date=dt.date.min, family_start_date=dt.date.min) for i in members]
    standings = rank_knowledge(standard, cohort, exams)
    return {i: standings[i] for i in wanted if i in standings}
