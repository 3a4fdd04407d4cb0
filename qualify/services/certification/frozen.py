"""The standard of a cycle, frozen when the cycle is created, and what the use cases read from it."""

from __future__ import annotations

import hashlib
import json

from qualify.core.errors import QualifyError
from qualify.core.knowledge import KnowledgeStanding, rank_knowledge
from qualify.core.standard import Standard
from qualify.formats.standard_yaml import standard_from_data, standard_to_data
from qualify.services.certification.repository import CertificationRepository
from qualify.services.certification.values import CycleView

_FROZEN: dict[str, Standard] = {}  # sha256 → parsed standard; immutable values, safe to share


def freeze_standard(standard: Standard) -> tuple[str, str]:
    """The standard as the canonical JSON text a cycle keeps, and its SHA-256."""
    text = json.dumps(standard_to_data(standard), ensure_ascii=False, separators=(",", ":"))
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def cycle_standard(repo: CertificationRepository, cycle: CycleView) -> Standard:
    """The standard exactly as it was when the cycle was created (whatever the file says now)."""
    found = _FROZEN.get(cycle.standard_sha256)
    if found is not None:
        return found
    text = repo.cycle_standard_text(cycle.id)
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != cycle.standard_sha256:
        raise QualifyError(
            code="frozen-standard-altered",
            message_en=f"the stored copy of {cycle.standard_id} in cycle {cycle.id} was altered",
            message_zh=f"周期 {cycle.id} 保存的标准 {cycle.standard_id} 副本被改动",
            fields={"cycle": cycle.id},
        )
    standard = standard_from_data(json.loads(text), file=cycle.standard_id)
    _FROZEN[cycle.standard_sha256] = standard
    return standard


def knowledge_standings(repo: CertificationRepository, standard: Standard) -> dict[str, KnowledgeStanding]:
    """Everyone's standing (screening a whole cycle, which reads the whole family anyway)."""
    employees, exams = repo.family_exams(standard.family)
    return rank_knowledge(standard, employees, exams)


def knowledge_standing(repo: CertificationRepository, standard: Standard,
                       employee_id: str) -> KnowledgeStanding | None:
    """One person's standing (applying, deciding): the repository's, never a ranking of the family."""
    return repo.knowledge_standing(standard, employee_id)


def require_element(standard: Standard, element: str, level: int) -> None:
    if element not in {e.code for _, e, _ in standard.elements_at(level)}:
        raise QualifyError(
            code="element-not-at-level",
            message_en=f"{element!r} has no criterion at level {level}",
            message_zh=f"{element!r} 在 {level} 级没有测评标准",
            fields={"element": element},
        )
