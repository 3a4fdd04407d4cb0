"""Who gets what from the standards pages and their API (rows for ``test_access_matrix.py``).

Published standards are readable by every logged-in role; the walk uses the first shipped published
standard. Drafts (HR and admin only, 404 for everyone else) are checked in
``tests/integration/test_standards_pages.py``, which installs a draft to look at.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from qualify.core.standard import Status
from qualify.services.standards import list_standards

_spec = importlib.util.spec_from_file_location("_qualify_access_expectations_for_standards",
                                               Path(__file__).with_name("access_expectations.py"))
assert _spec is not None and _spec.loader is not None
_base = sys.modules.setdefault(_spec.name, importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(_base)
expect, api_everyone = _base.expect, _base.api_everyone


def _published(world: Any) -> dict[str, str]:
    published = [s for s in list_standards() if s.status is Status.published]
    return {"standard_id": published[0].id}


EXPECTATIONS: dict[str, Any] = {
    "standards:catalogue": expect(),
    "standards:detail": expect(kwargs=_published),
    "standards:compare": expect(kwargs=_published, query="a=1&b=2"),
    "standards:export": expect(kwargs=_published, query="lang=en"),
    "api:standard_list": api_everyone(),
    "api:standard_detail": api_everyone(kwargs=_published),
    "api:standard_compare": api_everyone(kwargs=_published, query="a=1&b=2"),
}
