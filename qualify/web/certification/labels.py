"""Names instead of codes: a job family's name and a state's name in the reader's language (pages,
admin lists, messages)."""

from __future__ import annotations

from typing import cast

from qualify.core.cycle import STATE_LABELS, ApplicationState, AssignmentState, CycleState, State
from qualify.core.text import Lang
from qualify.services.standards import list_standards
from qualify.web.language import lang


def reader_lang() -> Lang:
    return lang()


def family_name(code: str) -> str:
    """The job family's name from the shipped standards (``服务营销 (service-marketing)`` → its name);
    the code itself when no standard names it."""
    for standard in list_standards():
        if standard.family == code:
            return standard.family_name.get(reader_lang())
    return code


def state_name(machine: str, code: str) -> str:
    """The name of a cycle, application or score sheet state in the reader's language."""
    enum = {"cycle": CycleState, "application": ApplicationState, "assignment": AssignmentState}[machine]
    try:
        state = cast("State", enum(code))
    except ValueError:
        return code
    return STATE_LABELS[state].get(reader_lang())
