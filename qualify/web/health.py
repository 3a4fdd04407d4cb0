"""``GET /healthz``: is this web process fit to serve? For load balancers and monitors; no login.

``{"status": "ok" | "unhealthy", "database": ..., "migrations": ..., "worker": {...}}`` with 200 when
everything is fit, 503 otherwise:

- ``database``: ``ok`` or ``unreachable``;
- ``migrations``: ``ok`` or ``N not applied``;
- ``worker``: the age in seconds of the newest heartbeat of any ``qualify worker`` and ``ok``,
  ``stale`` (silent for longer than ``QUALIFY_WORKER_STALE_SECONDS``) or ``none`` (never seen).

``?scope=web`` leaves the worker out of the verdict (it is still reported): a load balancer that
should keep a web process in service while the worker is down asks that. No names, hosts, versions
or errors are in the answer.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from qualify.web.screening import heartbeat

log = logging.getLogger(__name__)

_migrated = False  # once every migration is applied in this process, it stays so until a new release


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        log.exception("healthz: the database is unreachable")
        return False
    return True


def _unapplied() -> int:
    global _migrated
    if _migrated:
        return 0
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    _migrated = not plan
    return len(plan)


def _worker() -> dict[str, Any]:
    seen = heartbeat.last_beat()
    if seen is None:
        return {"status": "none", "heartbeat_age_seconds": None}
    age = max(0.0, (timezone.now() - seen).total_seconds())
    fresh = age <= heartbeat.stale_after().total_seconds()
    return {"status": "ok" if fresh else "stale", "heartbeat_age_seconds": round(age, 1)}


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    answer: dict[str, Any] = {"status": "ok", "database": "ok", "migrations": "ok", "worker": None}
    fit = _database()
    if not fit:
        answer["database"] = "unreachable"
        answer["migrations"] = "unknown"
    else:
        try:
            missing = _unapplied()
            worker = _worker()
        except DatabaseError:  # e.g. the tables are not there yet
            log.exception("healthz: the database could not be read")
            missing, worker = -1, {"status": "unknown", "heartbeat_age_seconds": None}
        if missing:
            answer["migrations"] = f"{missing} not applied" if missing > 0 else "unknown"
            fit = False
        answer["worker"] = worker
        if request.GET.get("scope") != "web" and worker["status"] != "ok":
            fit = False
    if not fit:
        answer["status"] = "unhealthy"
    response = JsonResponse(answer, status=200 if fit else 503)
    response["Cache-Control"] = "no-store"
    return response
