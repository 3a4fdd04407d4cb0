"""The events Qualify tells people about: for each, its name, its title and text (with named values),
and the page it links to. The words are translated from the one catalog; a message is rendered when
it is shown (the bell: in the reader's language) or sent (e-mail and robots: Chinese, then English)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Event:
    code: str
    label: Promise  # in the preferences and the robots' settings
    title: Promise
    text: Promise  # %-placeholders by name: cycle, app, level, date, number, count
    link: str  # "application", "score", "cycle", "certificate" or ""
    for_groups: bool = True  # offered to group robots (messages without a person's result)


EVENTS: dict[str, Event] = {e.code: e for e in [
    Event("application-received", _("Your application was submitted"), _("Application received"),
          _("Your application #%(app)s for level %(level)s in “%(cycle)s” was submitted."), "application",
          for_groups=False),
    Event("application-submitted", _("An application waits for a panel"), _("New application"),
          _("Application #%(app)s for level %(level)s in “%(cycle)s” was submitted and waits for a panel."),
          "application"),
    Event("assigned-to-panel", _("An application is assigned to my panel"),
          _("Application assigned to your panel"),
          _("Application #%(app)s (level %(level)s) in “%(cycle)s” is assigned to your panel; "
            "please score it."),
          "score"),
    Event("sheet-due", _("A score sheet is due"), _("Score sheet due"),
          _("Your score sheet for application #%(app)s (level %(level)s) in “%(cycle)s” is not submitted "
            "yet; applications closed on %(date)s."), "score"),
    Event("decision-made", _("A decision is made"), _("Decision made"),
          _("Application #%(app)s (level %(level)s) in “%(cycle)s” has a decision; it is shown to the "
            "applicant when the results are published."), "application"),
    Event("result-published", _("My result is published"), _("Result published"),
          _("The result of your application for level %(level)s in “%(cycle)s” is published; you may "
            "appeal until %(date)s."), "application", for_groups=False),
    Event("publication-started", _("Results are published (公示)"), _("Results published"),
          _("%(count)s results of “%(cycle)s” are published; the notice period runs until %(date)s."),
          "cycle"),
    Event("publication-ending", _("A notice period ends soon"), _("Notice period ends soon"),
          _("The notice period of results in “%(cycle)s” ends on %(date)s; appeals are accepted until then."),
          "cycle"),
    Event("appeal-filed", _("An appeal is filed"), _("Appeal filed"),
          _("An appeal was filed on application #%(app)s (level %(level)s) in “%(cycle)s”."), "application"),
    Event("appeal-decided", _("My appeal is decided"), _("Appeal decided"),
          _("Your appeal on application #%(app)s in “%(cycle)s” has been decided."), "application",
          for_groups=False),
    Event("certificate-issued", _("My certificate is issued"), _("Certificate issued"),
          _("Your certificate %(number)s for level %(level)s is issued, valid until %(date)s."),
          "certificate", for_groups=False),
    Event("certificate-expiring", _("A certificate expires soon"), _("Certificate expiring"),
          _("Certificate %(number)s (level %(level)s) expires on %(date)s; plan the re-certification."),
          "certificate"),
]}
CHANNELS = {"app": _("In the app"), "email": _("E-mail")}
GROUP_EVENTS = [code for code, e in EVENTS.items() if e.for_groups]
DEFAULT_GROUP_EVENTS = ["publication-started", "publication-ending", "appeal-filed", "certificate-expiring"]


def link_for(event: str, values: dict[str, Any]) -> str:
    """The path of the page the message points to ("" when there is none)."""
    kind = EVENTS[event].link
    try:
        if kind == "application" and values.get("app"):
            return reverse("certification:application", args=[values["app"]])
        if kind == "score" and values.get("app"):
            return reverse("certification:score", args=[values["app"]])
        if kind == "cycle" and values.get("cycle_id"):
            return reverse("certification:cycle", args=[values["cycle_id"]])
        if kind == "certificate" and values.get("number"):
            return reverse("certification:certificate", args=[values["number"]])
    except Exception:  # NoReverseMatch: a page that moved; the message still says what happened
        return ""
    return ""


def _filled(text: str, values: dict[str, Any]) -> str:
    shown = {k: ("—" if v is None else v) for k, v in values.items()}
    for key in ("cycle", "app", "level", "date", "number", "count"):
        shown.setdefault(key, "—")
    return text % shown


def render(event: str, values: dict[str, Any]) -> tuple[str, str]:
    """The title and text in the active language."""
    found = EVENTS.get(event)
    if found is None:
        return event, ""
    return str(found.title), _filled(str(found.text), values)


def render_both(event: str, values: dict[str, Any]) -> tuple[tuple[str, str], tuple[str, str]]:
    """(Chinese title, text), (English title, text): for e-mail and group robots."""
    with translation.override("zh-hans"):
        zh = render(event, values)
    with translation.override("en"):
        en = render(event, values)
    return zh, en
