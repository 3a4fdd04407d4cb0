"""Every web app has the same shape, checked by generic tests (netbox's way): the same modules, every
model with ``__str__`` and translated verbose names, every admin class registered, every model either
in the admin or on the short list of rows that are shown elsewhere, every URL in the access table."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.utils.functional import Promise

import qualify.web

WEB = Path(qualify.web.__file__).parent
APPS = ["accounts", "people", "screening", "standards", "certification", "notifications"]
# Modules every app has; an app with models also has models.py, admin.py and migrations/.
EVERY_APP = ["apps.py", "forms.py", "views.py", "urls.py", "api.py"]
WITH_MODELS = ["models.py", "admin.py", "migrations"]
# A second module of a kind is named for its topic: ``import_views.py``, ``import_api.py``.
KINDS = ["models", "admin", "forms", "views", "urls", "api", "presenters", "repository"]
# Rows that are not in the admin, and why: each is shown inside its parent's page, or is bookkeeping.
NOT_IN_ADMIN = {
    "accounts.Profile": "edited inline on the user",
    "accounts.AuditHead": "the chain's bookkeeping row",
    "people.PerformanceRating": "part of a person's imported record",
    "people.ExamResult": "part of a person's imported record",
    "people.Evidence": "part of a person's imported record",
    "people.ElementRating": "part of a person's imported record",
    "screening.ScreeningResult": "read on the screening run's page",
    "people.PersonStanding": "read on the person's page (the run is in the admin)",
    "people.StandingText": "part of a standings run",
    "screening.WorkerHeartbeat": "read by /healthz; the worker keeps it",
    "certification.ScreeningEntry": "part of a cycle",
    "certification.Publication": "part of a cycle",
    "certification.EvidenceItem": "part of an application",
    "certification.StoredFile": "an application's files",
    "certification.SelfAssessment": "part of an application",
    "certification.Assignment": "part of a panel",
    "certification.ElementScore": "part of a panel's scoring",
    "certification.PanelRating": "part of a panel's scoring",
    "certification.Appeal": "part of an application",
    "notifications.Preference": "each user's own, on the notification preferences page",
    "notifications.SentKey": "the reminders' bookkeeping row",
}


def qualify_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("qualify.web.")]


@pytest.mark.parametrize("app", APPS)
def test_every_app_has_the_modules_of_the_shape(app: str) -> None:
    folder = WEB / app
    has_models = apps.get_app_config(app).get_models
    needed = EVERY_APP + (WITH_MODELS if list(has_models()) else [])
    missing = [name for name in needed if not (folder / name).exists()]
    assert missing == [], f"qualify/web/{app} lacks {missing}"
    assert (folder / "templates" / app).is_dir(), f"qualify/web/{app} keeps its templates in templates/{app}/"


@pytest.mark.parametrize("app", APPS)
def test_a_second_module_of_a_kind_is_named_topic_then_kind(app: str) -> None:
    kinds = "|".join(KINDS)
    misnamed = [p.name for p in (WEB / app).glob("*.py") if re.fullmatch(rf"({kinds})_\w+\.py", p.name)]
    assert misnamed == [], f"name them TOPIC_KIND.py (import_views.py), not {misnamed}"


def test_the_shape_check_sees_a_misnamed_module() -> None:
    kinds = "|".join(KINDS)
    assert re.fullmatch(rf"({kinds})_\w+\.py", "views_people.py")
    assert not re.fullmatch(rf"({kinds})_\w+\.py", "import_views.py")


@pytest.mark.parametrize("model", qualify_models(), ids=lambda m: m._meta.label)
def test_every_model_has_its_own_str_and_translated_verbose_names(model: type[models.Model]) -> None:
    own_str = next((klass for klass in model.__mro__ if "__str__" in vars(klass)), object)
    assert own_str is not models.Model and own_str.__module__.startswith("qualify."), \
        f"{model._meta.label} has no __str__ of its own"
    options = model._meta.original_attrs
    for name in ("verbose_name", "verbose_name_plural"):
        assert isinstance(options.get(name), Promise), f"{model._meta.label}.Meta.{name} needs gettext_lazy"


def test_every_model_is_in_the_admin_or_on_the_list_of_rows_shown_elsewhere() -> None:
    importlib.import_module("qualify.web.urls")  # registers the admins
    labels = {m._meta.label for m in qualify_models()}
    missing = sorted(label for label in labels - set(NOT_IN_ADMIN)
                     if not admin.site.is_registered(apps.get_model(label)))
    assert missing == [], f"register an admin for {missing}, or say why not in NOT_IN_ADMIN"
    stale = sorted(label for label in NOT_IN_ADMIN
                   if label not in labels or admin.site.is_registered(apps.get_model(label)))
    assert stale == [], f"NOT_IN_ADMIN names rows that are gone or registered: {stale}"


@pytest.mark.parametrize("app", [a for a in APPS if (WEB / a / "admin.py").exists()])
def test_every_admin_class_of_an_app_is_registered(app: str) -> None:
    importlib.import_module("qualify.web.urls")
    module = importlib.import_module(f"qualify.web.{app}.admin")
    registered = {type(model_admin) for model_admin in admin.site._registry.values()}
    defined = [klass for _, klass in inspect.getmembers(module, inspect.isclass)
               if issubclass(klass, admin.ModelAdmin) and klass.__module__ == module.__name__]
    assert defined, f"qualify/web/{app}/admin.py defines no admin"
    unregistered = [klass.__name__ for klass in defined if klass not in registered]
    assert unregistered == [], f"admin classes never registered: {unregistered}"


def test_every_read_only_admin_uses_the_one_read_only_base() -> None:
    from qualify.web.accounts.base_admin import ReadOnlyAdmin

    importlib.import_module("qualify.web.urls")
    own = [a for a in admin.site._registry.values() if type(a).__module__.startswith("qualify.web.")]
    hand_made = [type(a).__name__ for a in own
                 if not isinstance(a, ReadOnlyAdmin) and "has_change_permission" in vars(type(a))]
    assert hand_made == [], f"read-only admins that do not derive from ReadOnlyAdmin: {hand_made}"


def test_every_url_has_a_row_in_the_access_table() -> None:
    from tests.e2e.test_access_matrix import TABLE, _is_admin, site_routes

    names = {r.name for r in site_routes() if r.name and not _is_admin(r)}
    assert sorted(names - set(TABLE)) == []


def modules_using(name: str) -> list[str]:
    """The modules of qualify/web that name ``name`` (an import or a call)."""
    users = []
    for path in sorted(WEB.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        names |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                  for alias in node.names}
        if name in names:
            users.append(str(path.relative_to(WEB)))
    return users


def test_one_language_helper_reads_the_requests_language() -> None:
    assert modules_using("get_language") == ["language.py"]


def test_one_snapshot_helper_turns_rows_into_audit_json() -> None:
    assert modules_using("model_to_dict") == []
    defining = [str(path.relative_to(WEB)) for path in sorted(WEB.rglob("*.py"))
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.FunctionDef) and node.name == "snapshot"]
    assert defining == ["accounts/audit.py"]
