"""The parts of a level's standard that its source does not give (DESIGN.md: "An unknown part of a
standard is never met silently").

At the certification stage, a level with unknown parts gets one check ``standard.unknown`` after its
behaviour and measure checks: ``missing`` (the level is ``incomplete``), or ``pass`` with a warning
when the standard's owner sets ``completeness.unknown_requirements: accept``. A level's unknown parts,
module by module in the standard's order:

- ``criterion``: an element whose criterion at the level has ``status: unknown``;
- ``cut_off``: the element (at the level) where the known source ends (``completeness.ends_at_module``,
  ``ends_at_element``, ``ends_at_level``) when its criterion is given: its text is cut off;
- ``measure``: a module whose measurement standard at the level has ``status: unknown`` while the
  module asks something at the level (an element with a criterion there, given or unknown), and
  measures count (``behaviour_rule.require_measures``). A module that asks nothing at a level (its
  criteria there are ``none``) has no measurement standard to miss there.
"""

from __future__ import annotations

from qualify.core.facts import UnknownFacts, UnknownPart
from qualify.core.standard import CriterionStatus, Standard
from qualify.core.text import Text


def unknown_parts(standard: Standard, level: int) -> tuple[UnknownPart, ...]:
    ends = standard.completeness
    end = (ends.ends_at_module, ends.ends_at_element, ends.ends_at_level)
    parts: list[UnknownPart] = []
    for module in standard.modules:
        asks = False
        for element in module.elements:
            criterion = element.criterion(level)
            if criterion is None or criterion.status is CriterionStatus.none:
                continue
            asks = True
            if criterion.status is CriterionStatus.unknown:
                parts.append(UnknownPart("criterion", module.code, element.code))
            elif end == (module.code, element.code, level):
                parts.append(UnknownPart("cut_off", module.code, element.code))
        measure = module.measure(level)
        if (asks and standard.behaviour_rule.require_measures and measure is not None
                and measure.status is CriterionStatus.unknown):
            parts.append(UnknownPart("measure", module.code))
    return tuple(parts)


def unknown_facts(standard: Standard, level: int) -> UnknownFacts | None:
    """The facts of the ``standard.unknown`` check at ``level`` (``None``: nothing is unknown)."""
    parts = unknown_parts(standard, level)
    if not parts:
        return None
    return UnknownFacts(parts, standard.completeness.unknown_requirements == "accept")


def part_name(standard: Standard, part: UnknownPart) -> Text:
    """The element's name for a criterion, the module's for a measure."""
    if part.element is not None:
        found = standard.element(part.element)
        if found is not None:
            return found[1].name
    module = standard.module(part.module)
    return module.name if module is not None else Text(zh=part.module, en=part.module)
