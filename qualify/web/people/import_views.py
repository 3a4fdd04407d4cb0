"""Import pages (being written)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from qualify.web.accounts import access


def _hr_only(request: HttpRequest) -> None:
    if not access.can_import(request.user):
        raise Http404


def upload(request: HttpRequest) -> HttpResponse:
    _hr_only(request)
    return render(request, "accounts/home.html")


def detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    _hr_only(request)
    raise Http404


def apply(request: HttpRequest, batch_id: int) -> HttpResponse:
    _hr_only(request)
    raise Http404
