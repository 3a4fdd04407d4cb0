"""People and accounts, as the certification cycle reads them."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from qualify.core.knowledge import KnowledgeStanding, rank_knowledge
from qualify.core.records import Employee, ExamRecord, PersonRecord
from qualify.core.standard import Standard
from qualify.services.certification import AccountView, Actor, PersonView
from qualify.services.certification.access import not_found
from qualify.web.accounts import access
from qualify.web.certification.repository.base import RepositoryBase
from qualify.web.people.decisions import family_standings, standard_for
from qualify.web.people.models import ExamResult, Person
from qualify.web.people.records import employee_of, person_record


class PeopleStore(RepositoryBase):
    """People and accounts: records, families, who manages whom, the current level."""

    def person(self, employee_id: str) -> PersonView:
        p = self._person(employee_id)
        return PersonView(
            employee_id=p.employee_id, name=p.name, job_family=p.job_family, current_level=p.current_level
        )

    def person_record(self, employee_id: str) -> PersonRecord:
        return person_record(self._person(employee_id))

    def family_people(self, family: str) -> list[PersonRecord]:
        from qualify.web.people.records import organisation_for

        org = organisation_for(Person.objects.filter(job_family=family))
        found = (org.person(e.employee_id) for e in org.employees)
        return [r for r in found if r is not None]

    def family_exams(self, family: str) -> tuple[list[Employee], list[ExamRecord]]:
        people = list(Person.objects.filter(job_family=family).select_related("org_unit"))
        employees = [employee_of(p) for p in people]
        exams = [
            ExamRecord(employee_id=eid, sitting=sitting, exam=exam, score=score)
            for eid, sitting, exam, score in ExamResult.objects.filter(person__job_family=family).values_list(
                "person__employee_id", "sitting", "exam", "score"
            )
        ]
        return employees, exams

    def knowledge_standing(self, standard: Standard, employee_id: str) -> KnowledgeStanding | None:
        """From the family's stored standings when the cycle's standard ranks the same exams as the
        current one (the ranking reads nothing else); else the family ranked by the cycle's standard."""
        current = standard_for(standard.family)
        codes = [e.code for e in standard.knowledge.exams]
        if current is not None and [e.code for e in current.knowledge.exams] == codes:
            return family_standings(current, [employee_id]).get(employee_id)
        employees, exams = self.family_exams(standard.family)
        return rank_knowledge(standard, employees, exams).get(employee_id)

    def manages(self, user_id: int, employee_id: str) -> bool:
        user = get_user_model().objects.filter(pk=user_id).first()
        if user is None or not access.is_manager(user):
            return False
        profile = access.profile_of(user)
        if profile is None or profile.managed_unit_id is None:
            return False
        return Person.objects.filter(
            employee_id=employee_id, org_unit__path__startswith=profile.managed_unit.path
        ).exists()

    def account(self, user_id: int) -> AccountView:
        user = get_user_model().objects.filter(pk=user_id).first()
        if user is None:
            raise not_found("account", user_id)
        person = access.own_person(user)
        return AccountView(
            user_id=user.pk,
            username=user.get_username(),
            employee_id=person.employee_id if person else None,
            roles=frozenset(access.roles_of(user)),
        )

    def set_current_level(self, actor: Actor, employee_id: str, level: int) -> None:
        person = self._person(employee_id)
        before = person.current_level
        person.current_level = level
        person.save(update_fields=["current_level", "updated_at"])
        self._audit(
            actor, "certify", "person", employee_id, {"current_level": before}, {"current_level": level}
        )
