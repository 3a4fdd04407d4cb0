"""Who gets what from the workbench and the manager's opinion (rows for ``test_access_matrix.py``).

The workbench is every role's home: each account sees its own to-dos (200), anonymous goes to log
in (the API: 401). Giving an opinion is a POST: a GET gets 405 after the login check.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

_spec = importlib.util.spec_from_file_location(
    "_qualify_access_expectations_for_workbench", Path(__file__).with_name("access_expectations.py")
)
assert _spec is not None and _spec.loader is not None
_base = sys.modules.setdefault(_spec.name, importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(_base)
expect, api_everyone = _base.expect, _base.api_everyone


def _application(world: Any) -> dict[str, Any]:
    """An application of E001 (the one the certification rows make, when they ran first)."""
    done = getattr(world, "certification", None)
    if done:
        return {"application_id": done["application_id"]}
    return {"application_id": 999_999}  # none yet: the POST-only answer comes before any lookup


EXPECTATIONS: dict[str, Any] = {
    "certification:workbench": expect(),
    "certification:opinion": expect(kwargs=_application, default=405),
    "api:workbench_api": api_everyone(),
    "api:give_opinion": expect(kwargs=_application, default=405, anonymous=405),  # a POST
}
