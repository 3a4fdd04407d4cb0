"""Uploading HR data through the import page as a user does, with the background worker's turn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.test import Client

from qualify.services.hr_import import default_standard_id


def work() -> int:
    """What ``qualify worker`` does with what is waiting now (screening runs and imports)."""
    from qualify.web.screening.worker import run_worker

    return run_worker(once=True)


def upload_checked(client: Client, path: Path, *, standard: str = "", headers: dict[str, str] | None = None,
                   ) -> Any:
    """Upload ``path`` on the import page, let the worker check it, and read the import's page again
    (the page the user sees once the check is done). A refused upload returns the page it got."""
    with path.open("rb") as handle:
        page = client.post("/import/", {"file": handle, "standard": standard or default_standard_id()},
                           follow=True, headers=headers or {})
    if page.context is None or "batch" not in page.context:
        return page
    work()
    return client.get(f"/import/{page.context['batch'].pk}/", headers=headers or {})
