"""The background worker: a separate process (``qualify worker``) that loops, claims a queued screening
run and calls ``qualify.services.screening.execute(run_id, store)``, or an HR import waiting to be
checked or applied (``qualify.web.people.import_worker``), or a queued refresh of a job family's
stored standings (``qualify.services.standings.run_next``, queued by an import), so that no web
request ever evaluates an organisation or reads and writes HR data in bulk; between runs it sends the
notifications outbox (e-mail, group robots).

Any number of workers may run on any number of hosts: a run is claimed by exactly one of them
(``qualify.web.screening.store``). A worker beats as it polls and while it executes a run
(``qualify.web.screening.heartbeat``); a run whose worker died (no heartbeat for
``QUALIFY_WORKER_STALE_SECONDS``, a minute) is marked failed when the next run is claimed
(``qualify.services.screening.claim``) or the runs are looked at on the web.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import close_old_connections, connection

from qualify.services import screening, standings
from qualify.services.screening import STALE_AFTER
from qualify.web.notifications.delivery import deliver
from qualify.web.people import import_worker
from qualify.web.people.models import StandingRun
from qualify.web.people.standing_store import OrmStandingsStore
from qualify.web.screening import heartbeat
from qualify.web.screening.models import ScreeningRun
from qualify.web.screening.store import OrmScreeningStore

log = logging.getLogger(__name__)

__all__ = ["STALE_AFTER", "claim_next", "run_once", "run_worker"]


def claim_next() -> ScreeningRun | None:
    """Take the oldest queued run for this worker, or ``None`` when there is none (or others won)."""
    store = OrmScreeningStore()
    run_id = store.claim_next(store.now())
    return None if run_id is None else ScreeningRun.objects.get(pk=run_id)


def run_once(worker: str | None = None) -> ScreeningRun | None:
    """Claim and execute one queued run, beating for it as it goes; ``None`` when nothing was waiting."""
    store = OrmScreeningStore()
    run_id = screening.claim(store, stale_after=heartbeat.stale_after())
    if run_id is None:
        return None
    log.info("screening run %s claimed", run_id)
    with heartbeat.beating(worker or heartbeat.worker_name(), run_id):
        screening.execute(run_id, store)
    return ScreeningRun.objects.get(pk=run_id)


def send_outbox() -> int:
    """Send the notifications that are due (e-mail, group robots); a failure is logged, never fatal."""
    try:
        counts = deliver()
    except Exception:  # the screening runs must go on whatever a mail server or robot does
        log.exception("sending the outbox failed")
        return 0
    if counts["sent"] or counts["retried"] or counts["failed"]:
        log.info("outbox: %s", counts)
    return counts["sent"]


def run_worker(*, once: bool = False, poll_seconds: float = 2.0, max_runs: int | None = None,
               sleep: Callable[[float], None] = time.sleep,
               say: Callable[[str], None] | None = None) -> int:
    """Poll for queued runs and imports and execute them until stopped (Ctrl-C); returns how many it
    executed (runs and import steps).

    ``once``: execute what is queued now, then return (tests, cron). ``max_runs``: stop after so many.
    """
    executed = 0
    worker = heartbeat.worker_name()
    while True:
        if not connection.in_atomic_block:  # (inside a test's transaction the connection must stay)
            close_old_connections()  # a long-lived process drops broken or expired connections
        heartbeat.beat(worker)
        send_outbox()
        run = run_once(worker)
        if run is None:
            batch = import_worker.run_once()
            if batch is not None:
                executed += 1
                if say is not None:
                    say(f"import #{batch.pk} {batch.status}: {batch.file_name}")
                if max_runs is not None and executed >= max_runs:
                    return executed
                continue
            refreshed = standings.run_next(OrmStandingsStore())
            if refreshed is not None:
                executed += 1
                if say is not None:
                    done = StandingRun.objects.get(pk=refreshed)
                    say(f"standings #{done.pk} {done.status}: {done.people_count} people "
                        f"({done.standard_id}, as of {done.as_of})")
                if max_runs is not None and executed >= max_runs:
                    return executed
                continue
        if run is not None:
            executed += 1
            if say is not None:
                say(f"screening run #{run.pk} {run.status}: {run.people_count} people "
                    f"({run.standard_id}, as of {run.as_of})")
            if max_runs is not None and executed >= max_runs:
                return executed
            continue
        if once:
            return executed
        sleep(poll_seconds)
