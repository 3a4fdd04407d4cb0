"""The qualification standard as data (任职资格标准).

A standard is one job family at one version: its levels with their gate conditions, the knowledge
requirement, the behaviour modules with their elements and measurement standards, the vocabularies
that the measures use, and example cases with expected outcomes. Everything an owner could want to
change is here, never in code. The model is general: nothing in it is specific to service marketing.

The schema only checks shape; ``qualify.core.lint`` checks meaning (unknown codes, duplicates,
missing translations, levels out of range ...).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from qualify.core.text import Text

SCHEMA_ID = "qualify/standard@1"

CODE_PATTERN = r"^[a-z0-9][a-z0-9+._-]*$"
"""Stable codes: lower case, digits, ``+ . _ -``; performance ratings are upper case (see Term)."""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Status(StrEnum):
    draft = "draft"
    published = "published"


class CriterionStatus(StrEnum):
    """Whether a level has a criterion (or a measure) for an element (or a module).

    ``none``: the source says 无 or leaves the cell blank: the level has no criterion (``blank: true``
    on the criterion or measure says which: the source cell is empty rather than 无).
    ``unknown``: the known source ends before this cell; nothing may be assumed.
    """

    present = "present"
    none = "none"
    unknown = "unknown"


# --- vocabularies -------------------------------------------------------------------------------


class Term(Model):
    """One entry of a vocabulary. In an ordered vocabulary (a ladder) the list order is low → high."""

    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9+._-]*$")
    name: Text
    description: Text | None = None


class Vocabularies(Model):
    """The codes that HR data and measures may use. Ladders are ordered from lowest to highest."""

    activities: list[Term]
    roles: list[Term]
    audience_ranks: list[Term] = Field(description="ordered, lowest rank first")
    scopes: list[Term] = Field(description="ordered, narrowest scope first")
    project_kinds: list[Term]
    outcomes: list[Term]
    deliverables: list[Term]
    performance_ratings: list[Term] = Field(description="ordered, worst rating first")
    behaviour_ratings: list[Term] = Field(description="ordered, worst rating first")

    def codes(self, name: str) -> list[str]:
        terms: list[Term] = getattr(self, name)
        return [term.code for term in terms]

    def term(self, name: str, code: str) -> Term | None:
        terms: list[Term] = getattr(self, name)
        return next((term for term in terms if term.code == code), None)

    def rank(self, name: str, code: str) -> int:
        """The position of ``code`` on the ladder ``name`` (0 = lowest); -1 if unknown."""
        codes = self.codes(name)
        return codes.index(code) if code in codes else -1


# --- levels and their gate conditions -----------------------------------------------------------


class SubGrade(Model):
    code: str = Field(pattern=CODE_PATTERN)
    name: Text


class ExperienceGate(Model):
    """At least ``months`` whole months from the start date to the as-of date."""

    months: int = Field(ge=0)
    text: Text


class PerformanceGate(Model):
    """A rule over the ratings of the ``quarters`` latest calendar quarters ending by the as-of date.

    - ``forbidden``: no rating in the window may be one of these;
    - ``max_count``: at most so many of each rating (``{"C": 1}``: at most one C);
    - ``not_all``: the window may not consist only of these ratings (``["C"]``: not all C).
    """

    quarters: int = Field(ge=1, le=12)
    forbidden: list[str] = []
    max_count: dict[str, int] = {}
    not_all: list[str] = []
    text: Text


class Level(Model):
    level: int = Field(ge=1)
    name: Text
    title: Text
    description: Text
    subgrades: list[SubGrade] = []
    company_experience: ExperienceGate
    family_experience: ExperienceGate
    performance: PerformanceGate


# --- knowledge ----------------------------------------------------------------------------------


class Exam(Model):
    """One exam of the knowledge requirement. ``max_score``: the highest score it gives (a score
    above it in HR data is rejected); 100 when not given. ``owner_policy``: the maximum is the
    standard owner's choice because the source does not state one."""

    code: str = Field(pattern=CODE_PATTERN)
    name: Text
    max_score: float = Field(default=100, gt=0, allow_inf_nan=False)
    owner_policy: bool = False


class KnowledgeBand(Model):
    """Ranked within the top ``top_percent`` per cent: may apply up to ``max_levels_above`` levels above
    the current level. Top X% means rank <= ceil(X% x N)."""

    top_percent: float = Field(gt=0, le=100)
    max_levels_above: int = Field(ge=0)


class KnowledgePolicy(Model):
    """How the rank is used. The source leaves this to the owner ("the rules for using contest
    results"); ``owner_policy`` says so and ``note`` explains it."""

    owner_policy: bool = True
    note: Text
    bands: list[KnowledgeBand]
    otherwise_max_levels_above: int = Field(default=0, ge=0)
    at_or_below_current: Literal["sat_all_exams"] = "sat_all_exams"


class Knowledge(Model):
    text: Text
    exams: list[Exam]
    combine: Literal["sum"] = "sum"
    sitting: Literal["latest"] = "latest"
    ranking_scope: Literal["job_family"] = "job_family"
    ranking_scope_text: Text
    ties: Literal["share_best_rank"] = "share_best_rank"
    policy: KnowledgePolicy


# --- behaviour ----------------------------------------------------------------------------------


class Criterion(Model):
    """What an element asks at one level: numbered items, or explicitly nothing.

    ``blank``: with ``status: none``, the source cell is empty (not 无); the comparison table shows it
    empty. ``numbered: false``: the source gives the criterion's single item without a number
    (``1、``); the comparison table shows it without one.
    """

    level: int = Field(ge=1)
    status: CriterionStatus = CriterionStatus.present
    items: list[Text] = []
    note: Text | None = None
    blank: bool | None = None
    numbered: bool | None = None

    @property
    def applies(self) -> bool:
        return self.status is CriterionStatus.present


class Element(Model):
    code: str = Field(pattern=CODE_PATTERN)
    name: Text
    criteria: list[Criterion]

    def criterion(self, level: int) -> Criterion | None:
        return next((c for c in self.criteria if c.level == level), None)


class Requirement(Model):
    """Countable evidence: at least ``min_count`` evidence records that match every given field.

    Empty or ``None`` fields do not restrict. ``roles`` and ``project_kinds`` accept any of the
    codes; ``min_audience`` and ``min_scope`` accept that rung of the ladder or above; every code
    in ``deliverables`` must be among the record's deliverables.
    """

    code: str = Field(pattern=CODE_PATTERN)
    text: Text = Field(description="what one matching record is, e.g. 'presentation to a customer "
                       "of 省局运维副主任 rank or above'")
    activity: str
    min_count: int = Field(default=1, ge=1)
    roles: list[str] = []
    min_audience: str | None = None
    min_scope: str | None = None
    project_kinds: list[str] = []
    outcome: str | None = None
    deliverables: list[str] = []


class Measure(Model):
    """The measurement standard (衡量标准) of a module at one level: its text as the source gives it,
    and the machine requirements behind it (all must be met). ``blank``: with ``status: none``, the
    source cell is empty (not 无)."""

    level: int = Field(ge=1)
    status: CriterionStatus = CriterionStatus.present
    text: Text | None = None
    requirements: list[Requirement] = []
    note: Text | None = None
    blank: bool | None = None

    @property
    def applies(self) -> bool:
        return self.status is CriterionStatus.present


class Module(Model):
    code: str = Field(pattern=CODE_PATTERN)
    name: Text
    elements: list[Element]
    measures: list[Measure]

    def measure(self, level: int) -> Measure | None:
        return next((m for m in self.measures if m.level == level), None)


class BehaviourRule(Model):
    """How assessors' ratings of an element combine, and which ratings pass."""

    aggregate: Literal["lowest"] = "lowest"
    passing: list[str] = ["exceeds", "meets"]
    require_measures: bool = True
    text: Text


class Certificate(Model):
    validity_months: int = Field(ge=1)
    owner_policy: bool = True
    appeal_panel_may_share_members: bool = False
    """The owner's setting: an appeal panel may include members of the panel whose decision is
    appealed (HR is warned when it does); by default such a panel is refused."""
    note: Text | None = None


# --- provenance ---------------------------------------------------------------------------------


class Source(Model):
    title: Text
    publisher: Text
    version: str
    note: Text


class Completeness(Model):
    """Whether the standard transcribes its whole source, and where the known text ends.

    ``unknown_requirements`` is the owner's policy for the parts the source does not give (a
    ``status: unknown`` criterion or measure, the criterion the source's end cuts off): ``incomplete``
    (the default) makes a level with such a part ``incomplete`` (check ``standard.unknown``,
    ``missing``); ``accept`` lets it pass with a visible warning."""

    complete: bool
    note: Text
    ends_at_module: str | None = None
    ends_at_element: str | None = None
    ends_at_level: int | None = None
    unknown_requirements: Literal["incomplete", "accept"] = "incomplete"


class Reading(Model):
    """A modelling decision where the source is uncertain, and the reading chosen."""

    code: str = Field(pattern=CODE_PATTERN)
    at: str = Field(description="the module/element/measure code it concerns")
    note: Text


# --- example cases ------------------------------------------------------------------------------


class ExamplePerformance(Model):
    period: str = Field(pattern=r"^\d{4}Q[1-4]$")
    rating: str


class ExampleExam(Model):
    sitting: str
    exam: str
    score: float = Field(ge=0)


class ExampleEvidence(Model):
    evidence_id: str
    activity: str
    date: dt.date
    role: str | None = None
    audience: str | None = None
    scope: str | None = None
    project_kind: str | None = None
    outcome: str | None = None
    deliverables: list[str] = []
    note: str = ""


class ExampleRating(Model):
    level: int
    element: str
    assessor: str
    rating: str
    comment: str = ""


class ExamplePerson(Model):
    """One person of an example organisation, in the vocabulary of the HR data contract."""

    employee_id: str
    name: str = ""
    org_unit: str = "example"
    job_family: str
    current_level: int = Field(default=0, ge=0)
    hire_date: dt.date
    family_start_date: dt.date
    performance: list[ExamplePerformance] = []
    exams: list[ExampleExam] = []
    evidence: list[ExampleEvidence] = []
    ratings: list[ExampleRating] = []


class ExpectedCheck(Model):
    level: int
    rule: str
    outcome: Literal["pass", "fail", "missing"]


class Expectation(Model):
    employee_id: str
    highest_eligible_level: int | None = None
    levels: dict[int, Literal["eligible", "not_eligible", "incomplete"]] = {}
    checks: list[ExpectedCheck] = []


class Example(Model):
    """A worked case: an organisation (the first person is usually the subject, the others the
    cohort their exam rank is computed in), an as-of date, a stage, and the outcomes expected."""

    code: str = Field(pattern=CODE_PATTERN)
    description: Text
    as_of: dt.date
    stage: Literal["screening", "certification"] = "screening"
    people: list[ExamplePerson]
    expect: list[Expectation]


# --- the standard -------------------------------------------------------------------------------


class Standard(Model):
    schema_: str = Field(default=SCHEMA_ID, alias="schema")
    family: str = Field(pattern=CODE_PATTERN)
    version: str = Field(pattern=r"^[0-9A-Za-z.+-]+$")
    status: Status
    name: Text
    title: Text
    family_name: Text
    source: Source
    completeness: Completeness
    readings: list[Reading] = []
    vocabularies: Vocabularies
    levels: list[Level]
    knowledge: Knowledge
    modules: list[Module]
    behaviour_rule: BehaviourRule
    certificate: Certificate
    examples: list[Example] = []

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        # YAML reads 2.0 as a float; a version is a label.
        return str(value) if isinstance(value, int | float) else value

    @property
    def id(self) -> str:
        return f"{self.family}@{self.version}"

    @property
    def level_numbers(self) -> list[int]:
        return [level.level for level in self.levels]

    def level(self, number: int) -> Level | None:
        return next((level for level in self.levels if level.level == number), None)

    def module(self, code: str) -> Module | None:
        return next((module for module in self.modules if module.code == code), None)

    def element(self, code: str) -> tuple[Module, Element] | None:
        for module in self.modules:
            for element in module.elements:
                if element.code == code:
                    return module, element
        return None

    def elements_at(self, level: int) -> list[tuple[Module, Element, Criterion]]:
        """Every element that has a criterion at ``level``, with its module and criterion."""
        found = []
        for module in self.modules:
            for element in module.elements:
                criterion = element.criterion(level)
                if criterion is not None and criterion.applies:
                    found.append((module, element, criterion))
        return found

    def measures_at(self, level: int) -> list[tuple[Module, Measure]]:
        """Every module that has a measurement standard at ``level``."""
        found = []
        for module in self.modules:
            measure = module.measure(level)
            if measure is not None and measure.applies:
                found.append((module, measure))
        return found
