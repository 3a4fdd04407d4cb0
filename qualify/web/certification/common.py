"""What every certification page and endpoint shares: the repository, the actor, the language, and
how a refusal from the services becomes a message on the next page (the API's error shape and
statuses come from ``qualify.web.accounts.errors``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest

from qualify.core.cycle import STATE_LABELS, State
from qualify.core.errors import NotFound, QualifyError
from qualify.core.standard import Standard
from qualify.services import certification as svc
from qualify.web.accounts.errors import message_of as error_text
from qualify.web.certification.models import Decision
from qualify.web.certification.repository import DjangoRepository, actor_for
from qualify.web.language import lang


def repo() -> DjangoRepository:
    return DjangoRepository()


def actor(request: HttpRequest) -> svc.Actor:
    return actor_for(request.user)


def upload_limits() -> svc.UploadLimits:
    """The files one application may hold (settings ``QUALIFY_EVIDENCE_MAX_FILES`` / ``…_TOTAL_MB``)."""
    return svc.UploadLimits(
        max_files=settings.QUALIFY_EVIDENCE_MAX_FILES,
        max_total_bytes=settings.QUALIFY_EVIDENCE_MAX_TOTAL_BYTES,
    )


def attempt(request: HttpRequest, step: Any, *args: Any, done: str = "", **kwargs: Any) -> Any:
    """Run a service step for a page: ``NotFound`` → 404; any other refusal → an error message on the
    next page (returns ``None``); success → ``done`` as a success message, and the step's result."""
    try:
        result = step(*args, **kwargs)
    except NotFound:
        raise Http404("not found") from None
    except QualifyError as error:
        messages.error(request, error_text(error))
        return None
    if done:
        messages.success(request, done)
    return result if result is not None else True


def visible_application(request: HttpRequest, application_id: int) -> svc.ApplicationView:
    try:
        return svc.visible_application(repo(), actor(request), application_id)
    except NotFound:
        raise Http404("no such application") from None


def decision_kind_name(kind: str) -> str:
    """A decision's kind (``computed``, ``override``, ``appeal``) in the reader's language."""
    return str(Decision.Kind(kind).label) if kind in Decision.Kind.values else kind


def state_name(state: State) -> str:
    return STATE_LABELS[state].get(lang())


STATE_CSS = {
    "draft": "",
    "awaiting_approval": "warn",
    "submitted": "info",
    "in_review": "info",
    "consolidated": "info",
    "decided": "info",
    "published": "warn",
    "appealed": "warn",
    "appeal_decided": "warn",
    "certified": "ok",
    "closed": "",
    "withdrawn": "",
    "rejected": "bad",
    "open": "ok",
    "assessing": "info",
    "notice": "warn",
    "cancelled": "",
}


def element_names(standard: Standard, level: int) -> dict[str, str]:
    return {e.code: e.name.get(lang()) for _, e, _ in standard.elements_at(level)}


def rating_names(standard: Standard) -> dict[str, str]:
    return {t.code: t.name.get(lang()) for t in standard.vocabularies.behaviour_ratings}


def term_name(standard: Standard, vocabulary: str, code: str) -> str:
    if not code:
        return ""
    term = standard.vocabularies.term(vocabulary, code)
    return term.name.get(lang()) if term is not None else code
