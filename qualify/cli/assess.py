"""``qualify assess``, ``qualify explain`` and ``qualify generate``.

Each command only parses its input, calls the service and formats the result; progress and summary
go to stderr, the decisions to stdout or to the file given with ``-o`` (written atomically, and never
when the input is rejected).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from qualify.cli.language import LangOption, resolve
from qualify.core.decision import Decision, LevelOutcome, Stage
from qualify.core.errors import ErrorCode, Problem, QualifyError
from qualify.core.text import Lang
from qualify.formats.decisions import atomic_path, label, level_outcome_text, trace_text, write_decisions
from qualify.services.assessment import (
    DEFAULT_STAGE,
    Assessment,
    Summary,
    assess,
    explain,
    resolve_standard,
    write_assessment,
)
from qualify.services.assessment import OutputFormat as WrittenFormat
from qualify.services.clock import DEFAULT_TIME_ZONE, local_today
from qualify.web import config

PROGRESS_FROM = 2_000  # people; smaller runs finish before a bar is worth drawing


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    xlsx = "xlsx"
    text = "text"
    parquet = "parquet"


FORMATS: dict[OutputFormat, WrittenFormat] = {
    OutputFormat.jsonl: "jsonl", OutputFormat.xlsx: "xlsx", OutputFormat.text: "text",
    OutputFormat.parquet: "parquet"}


class ChecksShown(StrEnum):
    all = "all"
    failing = "failing"


class ExplainFormat(StrEnum):
    text = "text"
    json = "json"


def parse_date(value: str | None, option: str) -> dt.date:
    """The date given, or today in the deployment's time zone (``TIME_ZONE``, as the web app)."""
    if not value:
        return local_today(config.settings().TIME_ZONE or DEFAULT_TIME_ZONE)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise QualifyError(code=ErrorCode.BAD_DATE,
                           message_en=f"{option} {value!r} is not a date (YYYY-MM-DD)",
                           message_zh=f"{option} {value!r} 不是日期（YYYY-MM-DD）") from None


def _format_for(output: Path | None, given: OutputFormat | None) -> OutputFormat:
    if given is not None:
        return given
    if output is not None and output.suffix.lower() == ".xlsx":
        return OutputFormat.xlsx
    if output is not None and output.suffix.lower() in {".txt", ".text"}:
        return OutputFormat.text
    if output is not None and output.suffix.lower() == ".parquet":
        return OutputFormat.parquet
    return OutputFormat.jsonl


# --- assess -------------------------------------------------------------------------------------

StandardOption = Annotated[str | None, typer.Option(
    "--standard", "-s", help="Standard id (FAMILY@VERSION) or YAML file; default: the only shipped one.")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="Assess as of this date (YYYY-MM-DD); "
                                                "default: today.")]


def assess_cmd(
    data: Annotated[Path, typer.Argument(help="HR data: an .xlsx workbook or a folder of CSV files.")],
    standard: StandardOption = None,
    as_of: AsOfOption = None,
    stage: Annotated[Stage, typer.Option("--stage", help="screening: experience, performance, knowledge; "
                                         "certification: every check.")] = DEFAULT_STAGE,
    output_format: Annotated[OutputFormat | None, typer.Option(
        "--format", "-f", help="jsonl (one decision per line), parquet (one row per check, for analysts), "
        "xlsx (for HR) or text; default from the -o suffix, else jsonl.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file "
                                                "instead of stdout.")] = None,
    lang: LangOption = None,
    all_checks: Annotated[bool, typer.Option(
        "--all-checks", help="xlsx: list the checks short of pass at every level, not only at the levels "
        "within reach (the current level plus as many as the knowledge policy allows, at least one).")]
    = False,
    checks: Annotated[ChecksShown, typer.Option(
        "--checks", help="jsonl and parquet: every check (all), or only those short of pass and those "
        "passed with a warning (failing); levels, outcomes and gaps are written either way.")]
    = ChecksShown.all,
) -> None:
    """Assess every employee of a standard's job family at every level, check by check."""
    language = resolve(lang)
    fmt = _format_for(output, output_format)
    if fmt in (OutputFormat.xlsx, OutputFormat.parquet) and output is None:
        raise QualifyError(code=ErrorCode.USAGE,
                           message_en=f"an {fmt.value} output needs -o FILE.{fmt.value}",
                           message_zh=f"{fmt.value} 输出需要 -o 文件.{fmt.value}")
    with _reading(data, language):
        assessment = assess(standard, data, parse_date(as_of, "--as-of"), stage)
    reach = None if all_checks else assessment.reach
    if fmt is OutputFormat.text:
        decisions = _with_progress(assessment, language)
        write_decisions(decisions, "text", language, assessment.standard, assessment.employees,
                        path=output, stdout=sys.stdout, reach=reach)
        sys.stdout.flush()
        size = output.stat().st_size if output is not None else None
    else:
        with _working(assessment, language):
            size = write_assessment(assessment, FORMATS[fmt], language, path=output, stdout=sys.stdout,
                                    checks=checks.value, reach=reach)
    _print_summary(assessment.summary(size), language)


@contextlib.contextmanager
def _working(assessment: Assessment, lang: Lang) -> Iterator[None]:
    """A spinner on stderr while a large organisation is assessed and written (only on a terminal)."""
    if assessment.people < PROGRESS_FROM or not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(f"评估并写入 {assessment.people} 人 …" if lang == "zh"
                                     else f"assessing and writing {assessment.people} people …"):
        yield


@contextlib.contextmanager
def _reading(data: Path, lang: Lang) -> Iterator[None]:
    """A spinner on stderr while the HR data is read and checked (only on a terminal)."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(f"读取 {data} …" if lang == "zh" else f"reading {data} …"):
        yield


def _with_progress(assessment: Assessment, lang: Lang) -> Iterator[Decision]:
    decisions = assessment.decisions()
    if assessment.people < PROGRESS_FROM or not sys.stderr.isatty():
        return decisions
    return _progress(decisions, assessment.people, lang)


def _progress(decisions: Iterator[Decision], total: int, lang: Lang) -> Iterator[Decision]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    description = "评估中" if lang == "zh" else "assessing"
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        for count, decision in enumerate(decisions, start=1):
            yield decision
            if count % 500 == 0 or count == total:
                bar.update(task, completed=count)


def summary_lines(summary: Summary, lang: Lang) -> list[str]:
    zh = lang == "zh"
    stage = label(summary.stage.value, lang)
    head = (f"已评估 {summary.assessed} 人（{summary.standard}，{stage}，评估日 {summary.as_of.isoformat()}）"
            if zh else f"assessed {summary.assessed} employees ({summary.standard}, {stage}, "
                       f"as of {summary.as_of.isoformat()})")
    if summary.skipped:
        head += (f"；跳过其他职位族 {summary.skipped} 人" if zh
                 else f"; skipped {summary.skipped} of other job families")
    lines = [head]
    highest = " · ".join(f"{level}: {count}" for level, count in summary.by_highest.items())
    lines.append(f"{label('highest_eligible_level', lang)}{'：' if zh else ': '}{highest}")
    for level, counts in summary.by_level.items():
        parts = " · ".join(f"{level_outcome_text(LevelOutcome(k), lang)} {v}" for k, v in counts.items())
        lines.append(f"{level} 级：{parts}" if zh else f"level {level}: {parts}")
    if summary.output_bytes is not None:
        size = summary.output_bytes
        lines.append(f"输出 {size_text(size)}（{size} 字节）" if zh
                     else f"output {size_text(size)} ({size} bytes)")
    return lines + note_lines(summary.notes, lang)


def size_text(size: int) -> str:
    """A size in bytes as people read it (1000-based, as file managers show it)."""
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} B"


def note_lines(notes: Iterable[Problem], lang: Lang) -> list[str]:
    """What reading the HR data did (tables joined from several sheets, sheets ignored, the CSV
    encoding, title rows skipped, ratings superseded): one line each."""
    label, colon = ("说明", "：") if lang == "zh" else ("note", ": ")
    lines = []
    for note in notes:
        where = note.where(lang)
        lines.append(f"{label}{colon}{where + colon if where else ''}{note.message(lang)}")
    return lines


def _print_summary(summary: Summary, lang: Lang) -> None:
    for line in summary_lines(summary, lang):
        typer.echo(line, err=True)


# --- explain ------------------------------------------------------------------------------------


def explain_cmd(
    data: Annotated[Path, typer.Argument(help="HR data: an .xlsx workbook or a folder of CSV files.")],
    employee: Annotated[str, typer.Option("--employee", "-e", help="The employee id.")],
    level: Annotated[int | None, typer.Option("--level", "-l", help="Only this level.")] = None,
    standard: StandardOption = None,
    as_of: AsOfOption = None,
    stage: Annotated[Stage, typer.Option("--stage", help="screening (default, as assess) or certification "
                                         "(every check).")] = DEFAULT_STAGE,
    lang: LangOption = None,
    fail: Annotated[bool, typer.Option(
        "--fail", help="Exit 1 when not eligible for --level (default: the next level).")] = False,
    fmt: Annotated[ExplainFormat, typer.Option(
        "--format", help="text, or json: the decision JSON with every check's facts.")] = ExplainFormat.text,
) -> None:
    """Explain one person's decision: every check, the value seen, the threshold, what to do."""
    language = resolve(lang)
    result = explain(standard, data, employee, level, parse_date(as_of, "--as-of"), stage)
    if fmt is ExplainFormat.json:
        shown = result.decision.as_json(language)
        if level is not None:
            shown["levels"] = [lv for lv in shown["levels"] if lv["level"] == level]
        typer.echo(json.dumps(shown, ensure_ascii=False, indent=2))
    else:
        typer.echo(trace_text(result.standard, result.employee, result.decision, language, level), nl=False)
    if fail:
        target = level if level is not None else result.decision.current_level + 1
        decided = result.decision.level(target)
        if decided is None or decided.outcome is not LevelOutcome.eligible:
            raise typer.Exit(1)


# --- generate -----------------------------------------------------------------------------------


def generate_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="A folder for CSV files, or FILE.xlsx.")],
    employees: Annotated[int, typer.Option("--employees", "-n", min=1, help="How many people.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="The same seed gives the same organisation.")] = 1,
    as_of: AsOfOption = None,
    standard: StandardOption = None,
) -> None:
    """Generate a realistic synthetic organisation in the HR data format."""
    from qualify.services.generate import generate_organisation, write_hr_data

    std = resolve_standard(standard)
    frames = generate_organisation(employees, seed, std, parse_date(as_of, "--as-of"))
    if output.suffix.lower() == ".xlsx":
        with atomic_path(output) as temporary:
            workbook = temporary.with_name(temporary.name + ".xlsx")
            try:
                write_hr_data(frames, workbook)
                workbook.replace(temporary)
            finally:
                workbook.unlink(missing_ok=True)
    else:
        write_hr_data(frames, output)
    counts = frames.counts()
    typer.echo(" · ".join(f"{name} {count}" for name, count in counts.items()) + f" → {output}", err=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("assess")(assess_cmd)
    app.command("explain")(explain_cmd)
    app.command("generate")(generate_cmd)
