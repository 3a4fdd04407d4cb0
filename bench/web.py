"""Benchmark of the web app at company scale (not a test): ``python bench/web.py --employees 200000``.

1. creates its own PostgreSQL database (dropped at the end, whatever happens), from
   ``QUALIFY_BENCH_POSTGRES_URL`` (default ``postgres://qualify:qualify@127.0.0.1:5432/postgres``: a
   role that may create databases), and migrates it;
2. generates an organisation (``qualify generate``, CSV files) and imports it (``qualify import``),
   timed: the ``import`` figure;
3. starts ``qualify worker`` (it refreshes the family's stored standings, queued by the import:
   timed too) and ``qualify serve`` (gunicorn, ``--workers`` processes);
4. logs in ``--users`` clients (HR of the family, a manager of a unit, employees with their own
   records) and drives them for ``--seconds`` over a mix of ``/me/``, ``/people/`` (first page,
   search, filter by unit and by eligible level), a person's page, the standard's page, the comparison
   page and their API twins, each client waiting for its answer before the next request;
5. prints p50/p95/p99 per page, requests per second, errors, the peak RSS of each web process (sampled
   every 0.2 s) and of the worker, and last:
   ``web N people, U users: p95 X ms, Y req/s, E errors, peak worker Z MB, import W s``
   (``peak worker``: the largest peak of the web worker processes).

Goals on a 2-core machine (issue 9): p95 <= 150 ms, 0 errors, peak web worker < 600 MB, import <= 120 s.
The clients run in this process (threads): on a 2-core machine they take CPU from the server, so the
figures are a floor of what the server does alone.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
STANDARD = "service-marketing@2.0"
PASSWORD = "bench-" + secrets.token_urlsafe(12)


def say(line: str) -> None:
    print(line, flush=True)


# --- the database ----------------------------------------------------------------------------------------


@contextmanager
def own_database(admin_url: str) -> Iterator[str]:
    name = f"qualify_bench_web_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(admin_url)
    url = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        say(f"database {name} dropped")


def qualify(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "qualify", *args]
    done = subprocess.run(command, env=env, input=stdin, text=True,  # noqa: S603 - our own command, no shell
                          capture_output=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"qualify {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done


ACCOUNTS = """
from qualify.services.accounts import AccountInput, set_account
from qualify.web.accounts.repository import OrmAccountStore
import json
store = OrmAccountStore()
for a in json.loads({spec!r}):
    set_account(store, None, AccountInput(username=a["username"], roles=tuple(a["roles"]),
                hr_families=tuple(a.get("families", [])), managed_unit=a.get("unit"),
                employee_id=a.get("employee_id")), {password!r}, via="cli")
"""


# --- the clients ------------------------------------------------------------------------------------------


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float, ok: bool, note: str = "") -> None:
        with self.lock:
            self.times[page].append(seconds)
            if not ok:
                self.errors[page] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{page}: {note}")


class Client:
    """One logged-in user on one keep-alive connection, with its cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, str]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text

    def login(self, username: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and token, f"login page: {status}"
        body = urllib.parse.urlencode({"username": username, "password": PASSWORD,
                                       "csrfmiddlewaretoken": token.group(1)})
        status, _ = self.request("POST", "/accounts/login/", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}/"})
        assert status == 302 and "sessionid" in self.cookies, f"login of {username} refused ({status})"


def mixes(people: list[dict[str, str]], unit: str) -> dict[str, list[tuple[str, str]]]:
    """Per role, the (page, path) pairs a client of that role picks from at random."""
    return {"hr": staff_mix([p["employee_id"] for p in people], unit),
            "manager": staff_mix([p["employee_id"] for p in people
                                  if p["org_unit"] == unit or p["org_unit"].startswith(unit + "/")], unit),
            "employee": [("me", "/me/"), ("api me", "/api/me/"), ("standard page", f"/standards/{STANDARD}/"),
                         ("compare page", f"/standards/{STANDARD}/compare/"),
                         ("api standard", f"/api/standards/{STANDARD}")]}


def staff_mix(ids: list[str], unit: str) -> list[tuple[str, str]]:
    """What HR or a manager asks for: the lists, the people they may see, the standard."""
    q = urllib.parse.quote
    search = q(some_prefix(ids))
    some = random.Random(3).choices(ids, k=10)
    return [
        ("people list", "/people/"), ("people search", f"/people/?q={search}"),
        ("people by unit", f"/people/?unit={q(unit)}"), ("people eligible", "/people/?eligible=2"),
        *[("person page", f"/people/{q(i)}/") for i in some[:5]],
        ("standard page", f"/standards/{STANDARD}/"), ("compare page", f"/standards/{STANDARD}/compare/"),
        ("api people", "/api/people/"), ("api people search", f"/api/people/?q={search}"),
        ("api people by unit", f"/api/people/?unit={q(unit)}"),
        ("api people eligible", "/api/people/?eligible=2"),
        *[("api gaps", f"/api/people/{q(i)}/gaps") for i in some[5:]],
        ("api standard", f"/api/standards/{STANDARD}"), ("api compare", f"/api/standards/{STANDARD}/compare"),
    ]


def some_prefix(ids: list[str]) -> str:
    """A search that matches a few people: the first characters of an employee id."""
    return ids[len(ids) // 2][:-2] if len(ids[len(ids) // 2]) > 3 else ids[0]


def drive(port: int, users: list[tuple[str, str]], mix: dict[str, list[tuple[str, str]]], seconds: float,
          stats: Stats) -> float:
    clients = []
    for username, role in users:
        client = Client(port)
        client.login(username)
        clients.append((client, role))
    say(f"{len(clients)} clients logged in")
    stop = time.monotonic() + seconds

    def run(client: Client, role: str, seed: int) -> None:
        rng = random.Random(seed)
        choices = mix[role]
        while time.monotonic() < stop:
            page, path = rng.choice(choices)
            start = time.perf_counter()
            try:
                status, _ = client.request("GET", path, headers={"Accept-Language": "zh-hans"})
                stats.add(page, time.perf_counter() - start, status == 200, f"HTTP {status} {path}")
            except Exception as error:  # a timeout or a dropped connection is an error, counted
                stats.add(page, time.perf_counter() - start, False, f"{type(error).__name__} {path}")

    threads = [threading.Thread(target=run, args=(c, role, k), daemon=True)
               for k, (c, role) in enumerate(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - began


# --- memory ------------------------------------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    with suppress(OSError), Path(f"/proc/{pid}/status").open() as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    with suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


class Sampler(threading.Thread):
    def __init__(self, serve_pid: int, worker_pid: int) -> None:
        super().__init__(daemon=True)
        self.serve_pid, self.worker_pid = serve_pid, worker_pid
        self.peaks: dict[str, float] = defaultdict(float)
        self.running = True

    def run(self) -> None:
        while self.running:
            named = {"web master": self.serve_pid, "qualify worker": self.worker_pid}
            for child in children(self.serve_pid):
                named[f"web worker {child}"] = child
            for name, pid in named.items():
                self.peaks[name] = max(self.peaks[name], rss_mb(pid))
            time.sleep(0.2)


# --- main --------------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def wait_for(port: int, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("qualify serve stopped")
        with suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                return
        time.sleep(0.5)
    raise SystemExit("qualify serve did not answer")


def wait_for_standings(url: str, seconds: float = 1800) -> float:
    start = time.monotonic()
    last = ""
    while time.monotonic() - start < seconds:
        with psycopg.connect(url) as conn:
            rows = conn.execute("SELECT status, progress FROM people_standingrun ORDER BY id").fetchall()
        state = ", ".join(f"{s} {p}%" for s, p in rows)
        if state != last:
            say(f"  standings: {state}")
            last = state
        if rows and all(s == "done" for s, _ in rows):
            return time.monotonic() - start
        if any(s == "failed" for s, _ in rows):
            raise SystemExit("the standings refresh failed")
        time.sleep(1)
    raise SystemExit("the standings refresh did not finish")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=2000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2, help="web worker processes")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    admin_url = os.environ.get("QUALIFY_BENCH_POSTGRES_URL",
                               "postgres://qualify:qualify@127.0.0.1:5432/postgres")
    say(f"bench/web.py: {args.employees} people, {args.users} users, {args.seconds:g} s, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    with own_database(admin_url) as url, tempfile.TemporaryDirectory(prefix="qualify-bench-web-") as tmp:
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_urlsafe(40),
               "QUALIFY_HOME": tmp, "QUALIFY_INSECURE_COOKIES": "1", "QUALIFY_ALLOWED_HOSTS": "127.0.0.1",
               "QUALIFY_LOGIN_FAILURES": "1000"}
        qualify(env, "manage", "migrate", "-v", "0")
        data = Path(tmp) / "hr"
        start = time.perf_counter()
        qualify(env, "generate", "--employees", str(args.employees), "--seed", str(args.seed),
                "-o", str(data), "--standard", STANDARD)
        say(f"generated in {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        qualify(env, "import", str(data), "--standard", STANDARD)
        import_seconds = time.perf_counter() - start
        say(f"imported in {import_seconds:.1f} s")

        with (data / "employees.csv").open(encoding="utf-8") as f:
            people = list(csv.DictReader(f))
        family = people[0]["job_family"]
        units = sorted({p["org_unit"] for p in people})
        unit = max(units, key=lambda u: (u.count("/"), -len(u)))  # a leaf: a manager's unit
        unit = unit.rsplit("/", 1)[0] if "/" in unit else unit  # its parent: a few hundred people
        chosen = random.Random(5).sample(people, 20)
        spec = [{"username": "bench-hr", "roles": ["hr"], "families": [family]},
                {"username": "bench-manager", "roles": ["employee", "manager"], "unit": unit}]
        spec += [{"username": f"bench-e{k}", "roles": ["employee"], "employee_id": p["employee_id"]}
                 for k, p in enumerate(chosen)]
        qualify(env, "manage", "shell", "-c", ACCOUNTS.format(spec=json.dumps(spec), password=PASSWORD))

        log = (Path(tmp) / "server.log").open("wb")  # open for the servers' lifetime
        worker = subprocess.Popen([sys.executable, "-m", "qualify", "worker"],
                                  env=env, stdout=log, stderr=log)
        serve = subprocess.Popen([sys.executable, "-m", "qualify", "serve", "--port", str(args.port),  # noqa: S603
                                  "--workers", str(args.workers)], env=env, stdout=log, stderr=log)
        sampler = Sampler(serve.pid, worker.pid)
        sampler.start()
        try:
            refresh = wait_for_standings(url)
            say(f"stored standings refreshed by the worker in {refresh:.1f} s (after the import)")
            wait_for(args.port, serve)
            users = [("bench-hr", "hr") if k % 5 == 0 else ("bench-manager", "manager") if k % 5 == 1
                     else (f"bench-e{k % 20}", "employee") for k in range(args.users)]
            stats = Stats()
            mix = mixes(people, unit)
            say(f"load average before driving: {os.getloadavg()[0]:.1f}")
            elapsed = drive(args.port, users, mix, args.seconds, stats)
        finally:
            sampler.running = False
            for process in (serve, worker):
                process.send_signal(signal.SIGTERM)
            for process in (serve, worker):
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
            log.close()

    everything = [t for times in stats.times.values() for t in times]
    errors = sum(stats.errors.values())
    say(f"{'page':<22}{'requests':>9}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for page in sorted(stats.times):
        times = stats.times[page]
        say(f"{page:<22}{len(times):>9}{stats.errors[page]:>7}{percentile(times, 50):>9.0f}"
            f"{percentile(times, 95):>9.0f}{percentile(times, 99):>9.0f}")
    for sample in stats.samples:
        say(f"  error: {sample}")
    web = {k: v for k, v in sampler.peaks.items() if k.startswith("web worker")}
    for name, peak in sorted(sampler.peaks.items()):
        say(f"peak RSS {name}: {peak:.0f} MB")
    median = statistics.median(everything) * 1000
    say(f"all pages: {len(everything)} requests in {elapsed:.1f} s, median {median:.0f} ms, "
        f"load average after: {os.getloadavg()[0]:.1f}")
    peak = max(web.values(), default=0)
    say(f"web {args.employees} people, {args.users} users: p95 {percentile(everything, 95):.0f} ms, "
        f"{len(everything) / elapsed:.1f} req/s, {errors} errors, peak worker {peak:.0f} MB, "
        f"import {import_seconds:.0f} s")


if __name__ == "__main__":
    main()
