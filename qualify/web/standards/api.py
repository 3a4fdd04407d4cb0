"""``/api/standards/``: the JSON twins of the standards pages.

- ``GET /api/standards/``: the catalogue (paginated);
- ``GET /api/standards/{id}``: the complete standard, as ``qualify standard show ID --format json``;
- ``GET /api/standards/{id}/compare``: every level against the one below; ``?a=1&b=3``: two levels;
  ``?other=ID``: two versions (each level against the same level of ``other``, and the list of
  every difference).

The same permissions as the pages: published standards for every logged-in caller, drafts for HR
and administrators; anything else is a 404.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from qualify.core import compare
from qualify.core.compare import Change, LevelComparison
from qualify.core.errors import InvalidInput, Problem
from qualify.core.text import Text
from qualify.services.standards import standard_json
from qualify.web.api import ErrorOut
from qualify.web.pagination import Listing, paginate_api
from qualify.web.standards import presenters, tables
from qualify.web.standards.catalogue import get_visible_standard, visible_standards

router = Router(tags=["standards"])

ERRORS: dict[int | tuple[int, ...], Any] = {(400, 401, 404, 422): ErrorOut}


class StandardSummary(Schema):
    id: str
    family: str
    version: str
    status: Literal["draft", "published"]
    name: Text
    title: Text
    family_name: Text
    complete: bool
    completeness_note: Text
    levels: list[int]
    modules: int
    elements: int
    measures: int


class CompareQuery(Schema):
    a: int | None = Field(None, description="a level: the baseline")
    b: int | None = Field(None, description="a level, compared with level a")
    other: str | None = Field(None, description="another standard's id: compare two versions")


class CompareOut(Schema):
    mode: Literal["ladder", "levels", "versions"]
    standard: str
    other: str | None = None
    comparisons: list[LevelComparison]
    changes: list[Change] = []


def _summary(std: Any) -> dict[str, Any]:
    counts = presenters.counts(std)
    return {"id": std.id, "family": std.family, "version": std.version, "status": std.status.value,
            "name": std.name, "title": std.title, "family_name": std.family_name,
            "complete": std.completeness.complete, "completeness_note": std.completeness.note,
            "levels": std.level_numbers, "modules": counts["modules"], "elements": counts["elements"],
            "measures": counts["measures"]}


@router.get("/", response={200: list[StandardSummary], **ERRORS}, url_name="standard_list")
@paginate_api
def list_standards(request: HttpRequest) -> Listing:
    """The standards the caller may read."""
    return Listing(visible_standards(request.user), lambda page: [_summary(std) for std in page])


@router.get("/{standard_id}", response={200: dict[str, Any], **ERRORS}, url_name="standard_detail")
def standard_detail(request: HttpRequest, standard_id: str) -> Any:
    """The complete standard in both languages, as ``qualify standard show ID --format json``."""
    return standard_json(get_visible_standard(request.user, standard_id))


@router.get("/{standard_id}/compare", response={200: CompareOut, **ERRORS}, url_name="standard_compare")
def standard_compare(request: HttpRequest, standard_id: str, query: Query[CompareQuery]) -> Any:
    """Without parameters every level against the one below (the first against nothing);
    ``a`` and ``b`` (both): level ``b`` against level ``a``; ``other``: this standard against
    another, level by level, and every difference between the two."""
    standard = get_visible_standard(request.user, standard_id)
    if query.other:
        other = get_visible_standard(request.user, query.other)
        return {"mode": "versions", "standard": standard.id, "other": other.id,
                "comparisons": tables.version_comparisons(other, standard),
                "changes": compare.compare_standards(other, standard).changes}
    if (query.a is None) != (query.b is None):
        missing = "a" if query.a is None else "b"
        problem = Problem(code="two-levels", message_en="give both a and b, or neither",
                          message_zh="请同时给出 a 和 b，或都不给", column=missing)
        raise InvalidInput([problem], source="query")
    if query.a is not None and query.b is not None:
        return {"mode": "levels", "standard": standard.id,
                "comparisons": [compare.compare_levels(standard, query.a, query.b)]}
    return {"mode": "ladder", "standard": standard.id, "comparisons": compare.ladder(standard)}
