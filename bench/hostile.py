"""Benchmark of hostile workbooks (not a test): ``python bench/hostile.py``.

Generates each hostile file of ``tests/hostile_xlsx.py`` (zip bombs, sheets that declare or span
billions of cells, tens of thousands of parts), runs ``qualify assess`` on each in a subprocess (and
``qualify import`` into a scratch SQLite database, with ``--import``), and measures the peak resident
memory of each child (``os.wait4``). The ceiling is 500 MB per file. The last line is::

    hostile files: N refused, peak M MB
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini@1.0.yaml"
CEILING_MB = 500


def _hostile() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_qualify_hostile_xlsx", ROOT / "tests" / "hostile_xlsx.py")
    if spec is None or spec.loader is None:
        raise SystemExit("tests/hostile_xlsx.py not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(command: list[str], env: dict[str, str]) -> tuple[int, float, str]:
    """Exit code, peak RSS in MB, and the last line of stderr of one child process."""
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env)  # noqa: S603 - our own command, no shell
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    return child.returncode, peak_mb, lines[-1] if lines else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import", dest="with_import", action="store_true",
                        help="also run `qualify import` on each file (a scratch SQLite database)")
    parser.add_argument("--make-into", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    hostile = _hostile()
    if args.make_into:  # in a process of its own: a child's peak counts what its parent held at fork
        for name, make in hostile.HOSTILE.items():
            make(args.make_into / f"{name}.xlsx")
        return 0
    qualify = str(Path(sys.executable).with_name("qualify"))
    env = {**os.environ, "QUALIFY_LANG": "en"}
    refused = total = 0
    peak = 0.0
    with tempfile.TemporaryDirectory(prefix="qualify-hostile-") as folder:
        home = Path(folder) / "home"
        env_import = {**env, "QUALIFY_HOME": str(home), "DATABASE_URL": f"sqlite:///{home / 'db.sqlite3'}"}
        if args.with_import:
            home.mkdir()
            code, _, line = run([qualify, "manage", "migrate", "-v", "0"], env_import)
            if code != 0:
                raise SystemExit(f"migrate failed: {line}")
        subprocess.run([sys.executable, __file__, "--make-into", folder], check=True)  # noqa: S603 - this script
        for name in hostile.HOSTILE:
            path = Path(folder) / f"{name}.xlsx"
            commands = {"assess": [qualify, "assess", str(path), "--standard", str(MINI),
                                   "--as-of", "2026-11-26"]}
            if args.with_import:
                commands["import"] = [qualify, "import", str(path), "--standard", str(MINI)]
            for what, command in commands.items():
                code, mb, line = run(command, env_import if what == "import" else env)
                total += 1
                refused += code == 2 and "QUALIFY_XLSX_" in line
                peak = max(peak, mb)
                flag = "" if mb < CEILING_MB else f"  OVER {CEILING_MB} MB"
                print(f"{name:15} {what:7} {path.stat().st_size / 1024:8.0f} KB  exit {code}  "
                      f"peak {mb:6.0f} MB{flag}  {line[:110]}")
    print(f"hostile files: {refused} refused, peak {peak:.0f} MB")
    return 0 if refused == total and peak < CEILING_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
