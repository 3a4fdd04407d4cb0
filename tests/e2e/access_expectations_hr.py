"""Who gets what from HR's pages (rows for ``test_access_matrix.py``): the batch step, the register,
the overview, the exports, and the publication list that every signed-in account with a role sees.
The cycle is the one ``access_expectations_certification.py`` makes (E001's draft application)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any


def _load(stem: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"_qualify_{stem}", Path(__file__).with_name(f"{stem}.py"))
    assert spec is not None and spec.loader is not None
    if spec.name in sys.modules:
        return sys.modules[spec.name]
    module = sys.modules.setdefault(spec.name, importlib.util.module_from_spec(spec))
    spec.loader.exec_module(module)
    return module


_base = _load("access_expectations")
_cycles = _load("access_expectations_certification")
expect, hr_only = _base.expect, _base.hr_only
CYCLE = _cycles.CYCLE

EXPECTATIONS: dict[str, Any] = {
    "certification:batch": expect(kwargs=CYCLE, default=405),  # a POST (HR only: tests/integration)
    "certification:applications-xlsx": hr_only(kwargs=CYCLE),
    "certification:publication": expect(kwargs=CYCLE),
    "certification:publication-xlsx": expect(kwargs=CYCLE),
    "certification:register": hr_only(),
    "certification:register-xlsx": hr_only(),
    "certification:overview": hr_only(),
    "certification:overview-xlsx": hr_only(),
    "api:batch": expect(kwargs=CYCLE, default=405, anonymous=405),
}
