"""Finding and loading standards: the ones shipped in the package, or a file given by path."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from qualify.core import compare
from qualify.core.compare import LevelComparison, StandardComparison
from qualify.core.errors import NotFound
from qualify.core.lint import Finding, duplicate_key, lint_data, lint_standard
from qualify.core.standard import Standard
from qualify.core.text import Lang
from qualify.formats.files import write_atomically as write_atomically  # the CLI writes through the service
from qualify.formats.standard_xlsx import Imported, read_workbook, workbook_bytes
from qualify.formats.standard_yaml import (
    dump_standard,
    line_of,
    load_standard,
    parse_yaml,
    read_text,
    yaml_layout,
)


def shipped_dir() -> Path:
    return Path(str(resources.files("qualify") / "standards"))


def shipped_files() -> list[Path]:
    """The shipped standard files (``FAMILY@VERSION.yaml``), sorted by name."""
    return sorted(p for p in shipped_dir().glob("*@*.yaml") if not p.name.startswith("_"))


@cache
def _load_shipped(path: Path, mtime: float) -> Standard:
    return load_standard(path)


def list_standards() -> list[Standard]:
    return [_load_shipped(p, p.stat().st_mtime) for p in shipped_files()]


def get_standard(ref: str) -> Standard:
    """A standard by id (``service-marketing@2.0``) or by path to a YAML file (the CLI's way).

    Input from users of the web app goes through ``shipped_standard``, which never reads a path.
    """
    for path in shipped_files():
        if path.stem == ref:
            return _load_shipped(path, path.stat().st_mtime)
    candidate = Path(ref)
    if candidate.suffix in {".yaml", ".yml"} or candidate.exists():
        return load_standard(candidate)
    raise _no_standard(ref)


def shipped_standard(standard_id: str) -> Standard:
    """A shipped standard by its id; anything else, a path included, is ``NotFound`` (never read)."""
    for path in shipped_files():
        if path.stem == standard_id:
            return _load_shipped(path, path.stat().st_mtime)
    raise _no_standard(standard_id)


def _no_standard(ref: str) -> NotFound:
    known = ", ".join(p.stem for p in shipped_files()) or "none"
    return NotFound(
        code="standard-not-found",
        message_en=f"no standard {ref!r}; shipped standards: {known}",
        message_zh=f"没有标准 {ref!r}；已有标准：{known}",
        fields={"ref": ref},
    )


# --- lint, compare, export, import (``qualify standard …`` and the web app) --------------------


def standard_file(ref: str) -> Path:
    """The file of a standard given by id (a shipped one) or by path."""
    for path in shipped_files():
        if path.stem == ref:
            return path
    return Path(ref)


def lint_file(path: Path) -> list[Finding]:
    """Every finding on a standard file (YAML, or a workbook written by ``export``), with its line.

    Raises ``InvalidInput`` when the file cannot be read at all (missing, not YAML, not a workbook).
    """
    file = str(path)
    if path.suffix.lower() == ".xlsx":
        return lint_standard(read_workbook(path).standard, file=file)
    text = read_text(path)
    data = parse_yaml(text, file=file)
    lines, repeated = yaml_layout(text)
    stem = path.stem if path.suffix.lower() in {".yaml", ".yml"} else ""
    found = [replace(duplicate_key(where), file=file, yaml_line=line) for where, line in repeated]
    meaning = lint_data(data, file=file, file_stem=stem)
    found += [replace(f, yaml_line=line_of(f.path, lines)) for f in meaning]
    return found


def lint(ref: str) -> list[Finding]:
    return lint_file(standard_file(ref))


def compare_levels(ref: str, before: int, after: int) -> LevelComparison:
    return compare.compare_levels(get_standard(ref), before, after)


def compare_standards(before: str, after: str) -> StandardComparison:
    return compare.compare_standards(get_standard(before), get_standard(after))


ExportFormat = Literal["xlsx", "yaml", "json"]


def export_standard(ref: str, fmt: ExportFormat, lang: Lang = "zh") -> bytes:
    """The standard as a comparison-table workbook, a YAML file or JSON (the complete standard)."""
    standard = get_standard(ref)
    if fmt == "xlsx":
        return workbook_bytes(standard, lang)
    if fmt == "yaml":
        return dump_standard(standard).encode("utf-8")
    return (json.dumps(standard_json(standard), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def standard_json(standard: Standard) -> dict[str, Any]:
    """The complete standard as JSON data: every field, defaults and empty ones included, both
    languages, every vocabulary code (what ``show --format json`` prints)."""
    data: dict[str, Any] = standard.model_dump(mode="json", by_alias=True)
    return data


def import_workbook(path: Path) -> Imported:
    """A standard from a workbook written by ``export_standard``, with the edits HR made to it."""
    return read_workbook(path)


