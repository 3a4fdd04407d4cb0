"""A standard's page as data for its template: each module's elements with a criterion per level,
the measurement standards with the evidence they count, the readings and the vocabularies."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualify.core.standard import Criterion, Element, Measure, Module, Standard, Term
from qualify.core.text import Lang
from qualify.web.standards.tables import requirement_detail, requirement_summary

VOCABULARY_LABELS = {
    "activities": gettext_lazy("Activities"),
    "roles": gettext_lazy("Roles"),
    "audience_ranks": gettext_lazy("Audience ranks (lowest first)"),
    "scopes": gettext_lazy("Scopes (narrowest first)"),
    "project_kinds": gettext_lazy("Project kinds"),
    "outcomes": gettext_lazy("Outcomes"),
    "deliverables": gettext_lazy("Deliverables"),
    "performance_ratings": gettext_lazy("Performance ratings (worst first)"),
    "behaviour_ratings": gettext_lazy("Behaviour ratings (worst first)"),
}


@dataclass(frozen=True)
class LevelCriterion:
    level: int
    criterion: Criterion | None

    @property
    def state(self) -> str:
        return "absent" if self.criterion is None else self.criterion.status.value


@dataclass(frozen=True)
class ElementView:
    element: Element
    levels: list[LevelCriterion]
    source_ends_here: bool


@dataclass(frozen=True)
class RequirementLine:
    summary: str
    detail: list[tuple[str, str]]


@dataclass(frozen=True)
class MeasureView:
    level: int
    measure: Measure | None
    requirements: list[RequirementLine]

    @property
    def state(self) -> str:
        return "absent" if self.measure is None else self.measure.status.value


@dataclass(frozen=True)
class ModuleView:
    module: Module
    elements: list[ElementView]
    measures: list[MeasureView]
    source_ends_here: bool


@dataclass(frozen=True)
class ReadingView:
    code: str
    at: str
    note: str


@dataclass(frozen=True)
class VocabularyView:
    key: str
    label: str
    terms: list[Term]


def module_views(standard: Standard, lang: Lang) -> list[ModuleView]:
    ends = standard.completeness
    out = []
    for module in standard.modules:
        elements = [ElementView(element=e,
                                levels=[LevelCriterion(n, e.criterion(n)) for n in standard.level_numbers],
                                source_ends_here=not ends.complete and ends.ends_at_element == e.code)
                    for e in module.elements]
        measures = []
        for n in standard.level_numbers:
            measure = module.measure(n)
            lines = [RequirementLine(requirement_summary(r, lang), requirement_detail(standard, r, lang))
                     for r in (measure.requirements if measure is not None and measure.applies else [])]
            measures.append(MeasureView(n, measure, lines))
        out.append(ModuleView(module=module, elements=elements, measures=measures,
                              source_ends_here=not ends.complete and ends.ends_at_module == module.code))
    return out


def where_source_ends(standard: Standard, lang: Lang) -> str:
    """``module › element › level N`` where the known source stops, in words; "" if complete."""
    ends = standard.completeness
    if ends.complete:
        return ""
    parts = []
    if ends.ends_at_module and (module := standard.module(ends.ends_at_module)) is not None:
        parts.append(module.name.get(lang))
    if ends.ends_at_element and (found := standard.element(ends.ends_at_element)) is not None:
        parts.append(found[1].name.get(lang))
    if ends.ends_at_level is not None:
        parts.append(_("level %(level)s") % {"level": ends.ends_at_level})
    return " › ".join(parts)


def reading_views(standard: Standard, lang: Lang) -> list[ReadingView]:
    out = []
    for reading in standard.readings:
        at = reading.at
        if (module := standard.module(reading.at)) is not None:
            at = module.name.get(lang)
        elif (found := standard.element(reading.at)) is not None:
            at = f"{found[0].name.get(lang)} › {found[1].name.get(lang)}"
        elif reading.at.startswith("vocabularies.") and reading.at[13:] in VOCABULARY_LABELS:
            at = str(VOCABULARY_LABELS[reading.at[13:]])
        elif reading.at.split(".")[0] == "knowledge":
            at = _("Knowledge requirement")
        elif reading.at == "levels.performance":
            at = _("Performance")
        out.append(ReadingView(code=reading.code, at=at, note=reading.note.get(lang)))
    return out


def vocabulary_views(standard: Standard) -> list[VocabularyView]:
    return [VocabularyView(key=key, label=str(label), terms=getattr(standard.vocabularies, key))
            for key, label in VOCABULARY_LABELS.items()]


def counts(standard: Standard) -> dict[str, int]:
    return {"levels": len(standard.levels), "modules": len(standard.modules),
            "elements": sum(len(m.elements) for m in standard.modules),
            "measures": sum(1 for m in standard.modules for x in m.measures if x.applies)}
