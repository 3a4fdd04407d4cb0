"""Signs of life of the worker processes (``qualify worker``) and of the runs they execute.

A worker beats as it polls, and a thread beats every ``beat_every()`` seconds while a run executes
(the engine may hold the main thread for a while), on the worker's row and on the run. A worker
silent for ``QUALIFY_WORKER_STALE_SECONDS`` (a minute by default) is dead: ``/healthz`` says so, and
its running run is marked failed by the next worker's poll or the next look at the runs on the web.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from qualify.services import screening
from qualify.web.screening.models import ScreeningRun, WorkerHeartbeat
from qualify.web.screening.store import OrmScreeningStore

log = logging.getLogger(__name__)


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.QUALIFY_WORKER_STALE_SECONDS)


def beat_every() -> float:
    """Four beats within the silence that counts as dead."""
    return settings.QUALIFY_WORKER_STALE_SECONDS / 4


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def beat(worker: str, run_id: int | None = None) -> None:
    """Record that ``worker`` (and the run it executes) is alive now."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"seen_at": now})
    if run_id is not None:
        ScreeningRun.objects.filter(pk=run_id, status=ScreeningRun.Status.RUNNING).update(heartbeat=now)


def last_beat() -> dt.datetime | None:
    """The newest sign of life of any worker."""
    newest: dt.datetime | None = WorkerHeartbeat.objects.aggregate(newest=Max("seen_at"))["newest"]
    return newest


def fail_dead_runs() -> list[int]:
    """Mark failed the running runs of workers that died (no heartbeat for ``stale_after()``)."""
    return screening.fail_stale(OrmScreeningStore(), stale_after=stale_after())


@contextmanager
def beating(worker: str, run_id: int, every: float | None = None) -> Iterator[None]:
    """While the block runs, a thread beats for the worker and the run every ``every`` seconds."""
    stop = threading.Event()
    interval = beat_every() if every is None else every

    def loop() -> None:
        try:
            while not stop.wait(interval):
                try:
                    beat(worker, run_id)
                except Exception:  # a missed beat is logged; the run goes on
                    log.exception("screening run %s: the heartbeat could not be written", run_id)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=loop, name=f"heartbeat-{run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
