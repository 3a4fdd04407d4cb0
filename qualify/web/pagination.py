"""Every list the API answers is a page: ``@paginate_api`` on the view, ``response=list[ItemOut]``.

The one shape: ``?page=&page_size=`` → ``{"items": [...], "count": N, "page": p, "page_size": s}``.
``page_size`` is at most ``MAX_PAGE_SIZE`` and ``page`` at most ``MAX_PAGE`` (a larger one is a 422,
``invalid-request``); a page past the last one is a 404 (``page-out-of-range``), the first page of an
empty list is an empty page. Built on django-ninja's ``PaginationBase``, so the OpenAPI schema shows
the parameters and the page's schema (``PagedItemOut``); a contract test fails on any list endpoint
without it (``tests/contract/test_pagination.py``).

A view returns a ``QuerySet`` or a sequence, or a ``Listing`` when each page's items need work done
once per page (serialising, or computing something for the page's rows in one batch)::

    @router.get("/", response=list[RunOut])
    @paginate_api
    def runs(request: HttpRequest) -> Listing:
        return Listing(ScreeningRun.objects.all(), lambda page: [run_out(r) for r in page])

Only the page's slice of a ``QuerySet`` is read (plus one ``COUNT``). A view may still answer with
an ``HttpResponse`` (an error) instead of a list.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema
from ninja.pagination import PaginationBase, paginate

from qualify.core.errors import ErrorCode, QualifyError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_PAGE = 1_000_000  # 500 million rows at the largest page size: past any list here, inside any integer


@dataclass(frozen=True)
class Listing:
    """What a paginated view returns when the page's items need work: ``render`` gets the page's items."""

    items: QuerySet[Any] | Sequence[Any]
    render: Callable[[list[Any]], list[Any]]


class EarlyResponse(Exception):
    """A paginated view answered with a response (an error) instead of a list: sent as it is."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def page_out_of_range(page: int, last: int) -> QualifyError:
    return QualifyError(
        ErrorCode.PAGE_OUT_OF_RANGE,
        f"There is no page {page}: the last page is {last}.",
        f"没有第 {page} 页：最后一页是第 {last} 页。",
        fields={"page": page, "last_page": last},
    )


class QualifyPagination(PaginationBase):
    """Page number and page size, bounded; the answer says which page and how large."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="the page, from 1")
        page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="items per page")

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest,
                          **params: Any) -> dict[str, Any]:
        listing = queryset if isinstance(queryset, Listing) else Listing(queryset, list)
        page, size = int(pagination.page), int(pagination.page_size)
        count = self._items_count(listing.items)  # type: ignore[arg-type]  # a QuerySet or a sequence
        last = max(1, -(-count // size))
        if page > last:
            raise page_out_of_range(page, last)
        start = (page - 1) * size
        chunk = list(listing.items[start:start + size])
        return {"items": listing.render(chunk), "count": count, "page": page, "page_size": size}


def paginate_api(view: Callable[..., Any]) -> Callable[..., Any]:
    """Under ``@router.get(..., response=list[ItemOut])``: the view's list becomes one bounded page."""

    @functools.wraps(view)
    def listing(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        answer = view(request, *args, **kwargs)
        if isinstance(answer, HttpResponse):
            raise EarlyResponse(answer)
        return answer

    # django-ninja reads the view's annotations in the outermost function's module: resolve them here,
    # in the view's own module (``from __future__ import annotations`` makes them strings).
    listing.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]  # read by inspect
    return paginate(QualifyPagination)(listing)
