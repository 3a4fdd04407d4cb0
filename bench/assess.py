"""Benchmark of the assessment engine (not a test): ``python bench/assess.py --employees 200000``.

Generates a synthetic organisation (``qualify.services.generate``) into a temporary folder in a
separate process, then measures in this one:

(a) reading the inputs into Polars (the screening sheets alone, and all five sheets),
(b) batch screening, (c) batch certification (evaluation and per-level outcomes; the texts of every
    check are made during the evaluation),
(d) the reference evaluator (``qualify.core.evaluate``) on a sample of people, extrapolated to all
    (the knowledge ranking of the whole organisation counted once),

and prints each figure, the peak memory of this process and the core count. The last line is:
``assess N employees: screening X s (Y× input read), certification Z s, Wx faster than one-by-one``
where Y compares screening with reading its inputs (employees, performance, exams) and W compares
the batch certification with the reference evaluator one person at a time.

``--end-to-end`` measures instead what a user runs, each as a whole process (startup, read, validate,
evaluate, write; the median of ``--repeat`` runs, with the peak memory of the process): ``qualify
assess … --format jsonl`` at screening and at certification, ``--format xlsx`` at screening, next to a
plain Polars read of the same CSV files (in this process) and to ``bench/baseline_pandas.py`` (a plain
pandas screening of the same data; needs the ``bench`` extra). The last line is:
``assess end-to-end N employees: screening X s (Y× read, Z× faster than pandas), certification W s
(V× read), xlsx U s, peak M MB`` where Y compares with reading employees, performance and exams and V
with reading all five files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from qualify.batch.evaluate import evaluate_batch
from qualify.core.evaluate import evaluate, rank_knowledge
from qualify.core.standard import Standard
from qualify.formats.hrdata import SCREENING_SHEETS, HRFrames, read_hr_data, to_organisation
from qualify.formats.standard_yaml import load_standard
from qualify.services.generate import generate_organisation, write_hr_data
from qualify.services.standards import get_standard, shipped_files

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = "service-marketing@2.0"
FIXTURE = ROOT / "tests" / "fixtures" / "mini@1.0.yaml"


def the_standard(ref: str | None) -> Standard:
    if ref:
        return get_standard(ref)
    if any(p.stem == SHIPPED for p in shipped_files()):
        return get_standard(SHIPPED)
    return load_standard(FIXTURE)


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # KiB on Linux


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<52} {seconds:8.2f} s")
    return value, seconds


def generate_into(folder: Path, args: argparse.Namespace) -> None:
    standard = the_standard(args.standard)
    frames, _ = timed(f"generate {args.employees} employees ({standard.id})", lambda: generate_organisation(
        args.employees, args.seed, standard, args.as_of, evidence_per_person=args.evidence_per_person))
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in frames.counts().items()))
    timed("write CSV folder", lambda: write_hr_data(frames, folder / "csv"))
    if args.xlsx:
        timed("write xlsx workbook", lambda: write_hr_data(frames, folder / "hr.xlsx"))


def reference_sample(standard: Standard, frames: HRFrames, as_of: dt.date, sample: int,
                     seed: int) -> tuple[float, float, float]:
    """Seconds per person of the reference evaluator (screening, certification) on a sample, and the
    seconds of ranking the whole organisation's exams once."""
    ids = frames.employees.get_column("employee_id").to_list()
    chosen = random.Random(seed).sample(ids, min(sample, len(ids)))
    subset = pl.Series(chosen)
    org = to_organisation(HRFrames(**{
        name: frames.sheet(name).filter(pl.col("employee_id").is_in(subset.implode()))
        for name in ("employees", "performance", "exams", "evidence", "ratings")
    }))
    everyone = to_organisation(HRFrames.of(employees=frames.employees, exams=frames.exams))
    start = time.perf_counter()
    standing = rank_knowledge(standard, everyone.employees, everyone.exams)
    ranking = time.perf_counter() - start
    per_stage = []
    for stage in ("screening", "certification"):
        start = time.perf_counter()
        for employee_id in chosen:
            person = org.person(employee_id)
            if person is not None:
                evaluate(standard, person, as_of=as_of, stage=stage, knowledge=standing.get(employee_id))
        per_stage.append((time.perf_counter() - start) / max(len(chosen), 1))
    return per_stage[0], per_stage[1], ranking


def batch(standard: Standard, frames: HRFrames, as_of: dt.date, stage: str, label: str) -> float:
    """Seconds of the batch evaluation of ``stage`` (with everybody's per-level outcomes and highest
    eligible level); prints what follows from it."""

    def run():  # type: ignore[no-untyped-def]
        result = evaluate_batch(standard, frames, as_of, stage)
        _ = result.summary  # per-level outcomes and the highest eligible level of everybody
        return result

    result, seconds = timed(f"{label} batch {stage}", run)
    timed("    texts of every check (made lazily, on first use)", lambda: result.texts.rows)
    timed("    gaps of everybody (frame)", lambda: result.gaps)
    counts = result.counts()
    print(f"    {result.outcomes.shape[1]} checks per person, {len(result.texts):,} distinct texts; "
          f"eligible for a level: {counts['eligible']:,}, for none: {counts['none']:,}")
    return seconds


def run_process(command: list[str]) -> tuple[float, float]:
    """Seconds and peak memory (MB) of ``command`` run as a whole process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"failed ({child.returncode}): {' '.join(command)}")
    return seconds, usage.ru_maxrss / 1024


def median_run(label: str, command: list[str], repeat: int,
               output: Path | None = None) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        runs.append(run_process(command))
        size = output.stat().st_size if output is not None and output.exists() else None
        if output is not None:
            output.unlink(missing_ok=True)
    seconds = statistics.median(s for s, _ in runs)
    peak = max(m for _, m in runs)
    written = f", {size / 1e6:,.0f} MB written" if size is not None else ""
    print(f"{label:<52} {seconds:8.2f} s   peak {peak:,.0f} MB{written}", flush=True)
    return seconds, peak


def polars_read(folder: Path, names: tuple[str, ...], repeat: int) -> float:
    def read() -> None:
        for name in names:
            pl.read_csv(folder / f"{name}.csv", try_parse_dates=True, infer_schema_length=10_000,
                        schema_overrides={"employee_id": pl.String})

    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        read()
        runs.append(time.perf_counter() - start)
        gc.collect()
    seconds = statistics.median(runs)
    print(f"Polars read of {', '.join(names):<37} {seconds:8.2f} s", flush=True)
    return seconds


def end_to_end(args: argparse.Namespace, standard: Standard, folder: Path) -> None:
    csv = folder / "csv"
    read_screening = polars_read(csv, ("employees", "performance", "exams"), args.repeat)
    read_all = polars_read(csv, ("employees", "performance", "exams", "evidence", "ratings"), args.repeat)
    ref = standard.id if args.standard is None and standard.id == SHIPPED else (args.standard or str(FIXTURE))
    qualify = [sys.executable, "-m", "qualify.cli.main", "assess", str(csv), "--standard", ref,
               "--as-of", args.as_of.isoformat()]
    out = folder / "out"
    screening, peak_s = median_run("qualify assess --stage screening --format jsonl", [
        *qualify, "--stage", "screening", "--format", "jsonl", "-o", f"{out}.jsonl"], args.repeat,
        Path(f"{out}.jsonl"))
    certification, peak_c = median_run("qualify assess --stage certification --format jsonl", [
        *qualify, "--stage", "certification", "--format", "jsonl", "-o", f"{out}.jsonl"], args.repeat,
        Path(f"{out}.jsonl"))
    xlsx, peak_x = median_run("qualify assess --stage screening --format xlsx", [
        *qualify, "--stage", "screening", "--format", "xlsx", "-o", f"{out}.xlsx"], args.repeat,
        Path(f"{out}.xlsx"))
    pandas, _ = median_run("bench/baseline_pandas.py (screening)", [
        sys.executable, str(ROOT / "bench" / "baseline_pandas.py"), str(csv),
        "--as-of", args.as_of.isoformat(), "-o", f"{out}.pandas.jsonl"], args.repeat,
        Path(f"{out}.pandas.jsonl"))
    peak = max(peak_s, peak_c, peak_x)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (the machine is shared)")
    print(f"assess end-to-end {args.employees} employees: screening {screening:.2f} s "
          f"({screening / read_screening:.1f}× read, {pandas / screening:.1f}× faster than pandas), "
          f"certification {certification:.2f} s ({certification / read_all:.1f}× read), xlsx {xlsx:.2f} s, "
          f"peak {peak:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=200_000)
    parser.add_argument("--evidence-per-person", type=float, default=25.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 11, 26))
    parser.add_argument("--standard", help=f"standard id or YAML path (default {SHIPPED}, else the fixture)")
    parser.add_argument("--sample", type=int, default=2000, help="people evaluated one by one")
    parser.add_argument("--xlsx", action="store_true", help="also write and read an .xlsx workbook")
    parser.add_argument("--end-to-end", action="store_true",
                        help="time the real command as whole processes next to a Polars read and pandas")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure with --end-to-end (median)")
    parser.add_argument("--generate-into", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.xlsx:  # a whole organisation's workbook is far above the upload limits; this one is ours
        os.environ.setdefault("QUALIFY_XLSX_MAX_UNCOMPRESSED_MB", "100000")
        os.environ.setdefault("QUALIFY_XLSX_MAX_CELLS", "20000000")

    if args.generate_into:
        generate_into(args.generate_into, args)
        return

    standard = the_standard(args.standard)
    print(f"cores {os.cpu_count()}, Polars threads {pl.thread_pool_size()}, standard {standard.id}, "
          f"as of {args.as_of}")
    with tempfile.TemporaryDirectory(prefix="qualify-bench-") as tmp:
        folder = Path(tmp)
        # generated in another process, so that the peak memory below is the assessment's own
        command = [sys.executable, __file__, *sys.argv[1:], "--generate-into", str(folder)]
        subprocess.run(command, check=True)  # noqa: S603 - this very script, with our own arguments
        if args.end_to_end:
            end_to_end(args, standard, folder)
            return

        if args.xlsx:
            timed("(a) read xlsx workbook, all sheets", lambda: read_hr_data(folder / "hr.xlsx", standard))
            gc.collect()
        screening_frames, read_screening = timed("(a) read CSV: employees, performance, exams",
                                                 lambda: read_hr_data(folder / "csv", standard,
                                                                      sheets=SCREENING_SHEETS))
        frames, read_all = timed("(a) read CSV: all five sheets",
                                 lambda: read_hr_data(folder / "csv", standard))
        del screening_frames
        gc.collect()

        screening_s = batch(standard, frames, args.as_of, "screening", "(b)")
        gc.collect()
        certification_s = batch(standard, frames, args.as_of, "certification", "(c)")
        gc.collect()

        (per_screening, per_certification, ranking), _ = timed(
            f"(d) reference evaluator on {min(args.sample, args.employees)} people",
            lambda: reference_sample(standard, frames, args.as_of, args.sample, args.seed))
        n = frames.employees.height
        one_by_one_screening = ranking + per_screening * n
        one_by_one_certification = ranking + per_certification * n
        print(f"    extrapolated to {n:,}: screening {one_by_one_screening:.1f} s, "
              f"certification {one_by_one_certification:.1f} s (ranking {ranking:.2f} s once)")

    print(f"peak memory {peak_gb():.2f} GB (this process; generation ran in another)")
    print(f"screening vs one-by-one {one_by_one_screening / screening_s:.0f}x, "
          f"certification vs one-by-one {one_by_one_certification / certification_s:.0f}x, "
          f"all sheets read {read_all:.2f} s")
    print(f"assess {args.employees} employees: screening {screening_s:.2f} s "
          f"({screening_s / read_screening:.2f}× input read), certification {certification_s:.2f} s, "
          f"{one_by_one_certification / certification_s:.0f}x faster than one-by-one")


if __name__ == "__main__":
    main()
