"""``qualify standard list|show|compare|lint|export|import``.

Each command parses its arguments, calls ``qualify.services.standards`` and renders the result
(``qualify.cli.render``). Exit codes: 0 done, 1 lint findings, 2 an error (one line per problem).
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from qualify.cli import render
from qualify.cli.language import LangOption, resolve
from qualify.core.errors import ErrorCode, InvalidInput, Problem, QualifyError
from qualify.core.lint import lint_standard
from qualify.core.text import Lang
from qualify.formats.standard_yaml import dump_standard
from qualify.services import standards as service

standard_app = typer.Typer(help="查看、比较、检查、导出和导入任职资格标准。"
                           "Read, compare, lint, export and import qualification standards.",
                           no_args_is_help=True)


class ShowFormat(StrEnum):
    text = "text"
    json = "json"


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    yaml = "yaml"
    json = "json"


class ImportFormat(StrEnum):
    yaml = "yaml"
    json = "json"


FormatOpt = Annotated[ShowFormat, typer.Option("--format", help="text 供人阅读 / for people; json 供程序 / "
                                                                "for programs.")]


def _exit(code: int) -> NoReturn:
    # ``main()`` runs the app with standalone_mode=False, which returns (and so loses) a typer.Exit
    # code; SystemExit reaches the process (and tests) intact.
    raise SystemExit(code)


def _say(lang: Lang, zh: str, en: str, *, err: bool = False) -> None:
    typer.echo(zh if lang == "zh" else en, err=err)


def _dump_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@standard_app.command("list")
def list_cmd(lang: LangOption = None, fmt: FormatOpt = ShowFormat.text) -> None:
    """随附的标准及其状态。
    The standards shipped with Qualify and their status."""
    rows = []
    for std in service.list_standards():
        rows.append({"id": std.id, "status": std.status.value, "complete": std.completeness.complete,
                     "levels": len(std.levels), "modules": len(std.modules),
                     "elements": sum(len(m.elements) for m in std.modules),
                     "name": std.name.model_dump()})
    if fmt is ShowFormat.json:
        _dump_json(rows)
        return
    language = resolve(lang)
    for row in rows:
        state = render.tr(str(row["status"]), language)
        complete = render.tr("complete" if row["complete"] else "incomplete", language)
        name = row["name"]["zh" if language == "zh" else "en"]  # type: ignore[index]  # a Text dumped to a dict
        counts = (f"{row['levels']} 级，{row['modules']} 个模块，{row['elements']} 个要素" if language == "zh"
                  else f"{row['levels']} levels, {row['modules']} modules, {row['elements']} elements")
        typer.echo(f"{row['id']}\t{state}\t{complete}\t{counts}\t{name}")


@standard_app.command("show")
def show_cmd(
    ref: Annotated[str, typer.Argument(help="标准编号或 YAML 文件 / a standard id (service-marketing@2.0) "
                                            "or a YAML file.")],
    level: Annotated[int | None, typer.Option("--level", help="只看此等级 / only this level.")] = None,
    lang: LangOption = None,
    fmt: FormatOpt = ShowFormat.text,
) -> None:
    """整个标准或一个等级；--format json 输出全部字段（中英文）。
    The whole standard, or one level; --format json gives every field in both languages."""
    standard = service.get_standard(ref)
    if level is not None and standard.level(level) is None:
        raise QualifyError(ErrorCode.LEVEL_NOT_FOUND, f"{standard.id} has no level {level}; levels: "
                           f"{standard.level_numbers}", f"{standard.id} 没有 {level} 级；已有等级："
                           f"{standard.level_numbers}")
    if fmt is ShowFormat.json:
        if level is None:
            _dump_json(service.standard_json(standard))
        else:
            _dump_json(render.level_view(standard, level))
        return
    render.show_standard(render.console(), standard, resolve(lang), level)


@standard_app.command("compare")
def compare_cmd(
    refs: Annotated[list[str], typer.Argument(
        help="ID A B：同一标准的 A 级与 B 级 / level A against level B; ID1 ID2 或 FILE1 FILE2：两个标准 / "
             "two standards.",
        show_default=False)],
    lang: LangOption = None,
    fmt: FormatOpt = ShowFormat.text,
) -> None:
    """A 级到 B 级有何变化，或两个版本（文件）之间的差异。
    What changes from level A to level B, or between two versions (files) of a standard."""
    language = resolve(lang)
    if len(refs) == 3:
        ref, *levels = refs
        if not all(value.isdigit() for value in levels):
            raise QualifyError(ErrorCode.USAGE,
                               f"levels must be whole numbers, got {levels[0]!r} and {levels[1]!r}",
                               f"等级须为整数，实际为 {levels[0]!r} 和 {levels[1]!r}")
        result = service.compare_levels(ref, int(levels[0]), int(levels[1]))
        if fmt is ShowFormat.json:
            typer.echo(result.model_dump_json(indent=2))
        else:
            render.show_level_comparison(render.console(), result, language)
        return
    if len(refs) != 2:
        raise QualifyError(ErrorCode.USAGE,
                           "give ID A B (two levels of one standard) or two standards to compare",
                           "请给出 ID A B（同一标准的两个等级）或两个标准")
    compared = service.compare_standards(refs[0], refs[1])
    if fmt is ShowFormat.json:
        typer.echo(compared.model_dump_json(indent=2))
    else:
        render.show_standard_comparison(render.console(), compared, language)


@standard_app.command("lint")
def lint_cmd(
    ref: Annotated[str, typer.Argument(help="标准文件（YAML 或导出的工作簿）或编号 / a standard file (YAML, "
                                            "or a workbook from export) or an id.")],
    lang: LangOption = None,
    fmt: FormatOpt = ShowFormat.text,
) -> None:
    """检查标准的格式与含义；退出码 0 无问题，1 有问题，2 无法读取。
    Check a standard's schema and meaning; exit 0 clean, 1 findings, 2 unreadable."""
    language = resolve(lang)
    findings = service.lint(ref)
    if fmt is ShowFormat.json:
        _dump_json([f.as_dict() for f in findings])
    else:
        for finding in findings:
            typer.echo(finding.line(language))
        count = len(findings)
        if count:
            _say(language, f"{count} 个问题", f"{count} finding{'s' if count != 1 else ''}")
        else:
            _say(language, f"{ref}：没有发现问题", f"{ref}: no findings")
    if findings:
        _exit(1)


def _refuse(output: Path | None, lang: Lang, what_zh: str, what_en: str) -> None:
    if output is None:
        raise QualifyError(ErrorCode.USAGE, f"{what_en}: give the output file with -o FILE",
                           f"{what_zh}：请用 -o FILE 指定输出文件")
    if output.is_dir():
        raise InvalidInput([Problem("not-a-file", "is a directory, not a file", "是目录而不是文件",
                                    file=str(output))], source=str(output))
    if not output.parent.exists():
        raise InvalidInput([Problem("not-found", "the folder does not exist", "文件夹不存在",
                                    file=str(output.parent))], source=str(output))


@standard_app.command("export")
def export_cmd(
    ref: Annotated[str, typer.Argument(help="标准编号或 YAML 文件 / a standard id or a YAML file.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="xlsx 比较表 / the comparison table; yaml; "
                                                               "json.")
                   ] = ExportFormat.xlsx,
    lang: LangOption = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="输出文件 / output file.")] = None,
) -> None:
    """把标准导出为比较表（xlsx）、YAML 或 JSON；要么完整写出，要么不写。
    Write a standard as the comparison table (xlsx), YAML or JSON: all or nothing."""
    language = resolve(lang)
    if fmt is ExportFormat.xlsx or output is not None:
        _refuse(output, language, "导出 xlsx", "exporting xlsx")
    data = service.export_standard(ref, fmt.value, language)
    if output is None:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return
    service.write_atomically(output, data)
    _say(language, f"已写入 {output}（{len(data)} 字节）", f"wrote {output} ({len(data)} bytes)")


@standard_app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="由 qualify standard export 导出的工作簿 / a workbook "
                                              "written by `qualify standard export`.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="输出的 YAML（或 JSON）文件 / the "
                                                "YAML (or JSON) file to write.")] = None,
    fmt: Annotated[ImportFormat, typer.Option("--format", help="yaml 或 / or json.")] = ImportFormat.yaml,
    lang: LangOption = None,
) -> None:
    """把比较表工作簿读回为标准，并采用表中所做的修改。
    Read a comparison-table workbook back into a standard, taking the edits made to its table."""
    language = resolve(lang)
    if output is not None:
        _refuse(output, language, "导入", "importing")
    imported = service.import_workbook(file)
    standard = imported.standard
    text = dump_standard(standard) if fmt is ImportFormat.yaml else json.dumps(
        service.standard_json(standard), ensure_ascii=False, indent=2) + "\n"
    to_stdout = output is None
    for edit in imported.edits:
        typer.echo(edit.line(language), err=to_stdout)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        service.write_atomically(output, text.encode("utf-8"))
        _say(language, f"已写入 {output}（{standard.id}，采用了 {len(imported.edits)} 处修改）",
             f"wrote {output} ({standard.id}, {len(imported.edits)} edit(s) taken)")
    findings = lint_standard(standard)
    if findings:
        _say(language, f"注意：导入的标准有 {len(findings)} 个问题（qualify standard lint 可查看），例如：",
             f"note: the imported standard has {len(findings)} lint finding(s) (see qualify standard lint), "
             "for example:", err=True)
        for finding in findings[:5]:
            typer.echo(f"  {finding.line(language)}", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(standard_app, name="standard")
