"""Benchmark of ``qualify import`` at company scale (not a test): ``python bench/import.py --employees N``.

Generates an organisation of N people with all five sheets (``qualify generate``, a CSV folder, not
timed), creates a fresh PostgreSQL database of its own, migrates it, runs ``qualify import`` on the
folder in a child process (the same plan and bulk writes the worker uses for an upload: the frames
are read and checked by Polars, new people written with ``COPY``), and drops the database again. It
measures the child's wall time and peak resident memory (``os.wait4``). The last line is::

    import N people: X s, peak Y MB

The goal on a 2-core machine: 200,000 people in at most 120 s. ``--postgres`` is the server to use
(default: ``QUALIFY_TEST_POSTGRES_URL`` or ``postgres://qualify:qualify@127.0.0.1:5432/postgres``);
its role needs CREATEDB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg


def _url_for(base: str, database: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


def _admin(base: str) -> psycopg.Connection:
    return psycopg.connect(_url_for(base, "postgres"), autocommit=True)


def run(command: list[str], env: dict[str, str]) -> tuple[int, float, float, str]:
    """Exit code, wall seconds, peak RSS in MB, and the output's last lines of one child process."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)  # noqa: S603 - our own command, no shell
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode("utf-8", "replace").strip()
    last = "\n".join(text.splitlines()[-3:])
    return os.waitstatus_to_exitcode(status), seconds, usage.ru_maxrss / 1024, last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", default=os.environ.get("QUALIFY_TEST_POSTGRES_URL")
                        or "postgres://qualify:qualify@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    qualify = str(Path(sys.executable).with_name("qualify"))
    database = f"qualify_bench_import_{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="qualify-bench-import-") as folder:
        data = Path(folder) / "org"
        env = {**os.environ, "QUALIFY_LANG": "en", "QUALIFY_HOME": str(Path(folder) / "home"),
               "DATABASE_URL": _url_for(args.postgres, database), "SECRET_KEY": "bench-only-not-a-secret"}
        generated = subprocess.run([qualify, "generate", "--employees", str(args.employees),  # noqa: S603 - our own command
                                    "--seed", str(args.seed), "-o", str(data)],
                                   env=env, capture_output=True, text=True, check=False)
        if generated.returncode != 0:
            print(generated.stderr.strip(), file=sys.stderr)
            return 2
        print((generated.stderr.strip() or generated.stdout.strip()).splitlines()[-1])
        with _admin(args.postgres) as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
        try:
            migrated = subprocess.run([qualify, "manage", "migrate", "-v", "0"], env=env,  # noqa: S603 - our own command
                                      capture_output=True, text=True, check=False)
            if migrated.returncode != 0:
                print(migrated.stderr.strip(), file=sys.stderr)
                return 2
            code, seconds, peak, tail = run([qualify, "import", str(data)], env)
            print(tail)
            if code != 0:
                print(f"qualify import exited {code}", file=sys.stderr)
                return 2
        finally:
            with _admin(args.postgres) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    print(f"import {args.employees} people: {seconds:.1f} s, peak {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
