"""Standards as YAML files: read with a clear report of every problem, write in a stable layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from qualify.core.errors import InvalidInput, Problem
from qualify.core.standard import Standard


def yaml_path(loc: tuple[int | str, ...]) -> str:
    """``("modules", 2, "elements", 0, "code")`` → ``modules[2].elements[0].code``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def validation_problems(error: ValidationError, *, file: str) -> list[Problem]:
    problems = []
    for item in error.errors():
        path = yaml_path(tuple(p for p in item["loc"] if not str(p).startswith("function-")))
        problems.append(Problem(
            code="schema",
            message_en=item["msg"],
            message_zh=f"不符合标准文件格式：{item['msg']}",
            file=file,
            path=path,
        ))
    return problems


SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML has it (several times faster), the same results."""


def parse_yaml(text: str, *, file: str) -> Any:
    try:
        return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InvalidInput([Problem(
            code="yaml-syntax",
            message_en=f"not valid YAML: {reason}",
            message_zh=f"不是有效的 YAML：{reason}",
            file=file,
            path=where,
        )], source=file) from None


def standard_from_data(data: Any, *, file: str) -> Standard:
    if not isinstance(data, dict):
        raise InvalidInput([Problem(code="schema", message_en="a standard file must be a YAML mapping",
                                    message_zh="标准文件必须是 YAML 映射", file=file)], source=file)
    try:
        return Standard.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(validation_problems(exc, file=file), source=file) from None


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput([Problem(code="not-found", message_en="no such file",
                                    message_zh="文件不存在", file=str(path))], source=str(path)) from None
    except (UnicodeDecodeError, IsADirectoryError, PermissionError) as exc:
        raise InvalidInput([Problem(code="unreadable", message_en=f"cannot read the file: {exc}",
                                    message_zh=f"无法读取文件：{exc}", file=str(path))],
                           source=str(path)) from None


def load_standard(path: Path) -> Standard:
    """Read and validate a standard file. Raises ``InvalidInput`` with every problem found."""
    file = str(path)
    return standard_from_data(parse_yaml(read_text(path), file=file), file=file)


def standard_to_data(standard: Standard) -> dict[str, Any]:
    """The standard as plain data, in schema order, without defaults that say nothing."""
    data: dict[str, Any] = standard.model_dump(mode="json", by_alias=True, exclude_none=True)
    return data


def dump_standard(standard: Standard) -> str:
    return yaml.safe_dump(standard_to_data(standard), allow_unicode=True, sort_keys=False, width=100)


# --- where things are in the file (for lint) ----------------------------------------------------


def _walk(node: yaml.Node, path: str, lines: dict[str, int], duplicates: list[tuple[str, int]]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            child = f"{path}.{name}" if path else name
            if name in seen:
                duplicates.append((child, key.start_mark.line + 1))
            seen.add(name)
            lines.setdefault(child, key.start_mark.line + 1)
            _walk(value, child, lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, f"{path}[{i}]", lines, duplicates)


def yaml_layout(text: str) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """The line (1-based) of every YAML path in ``text``, and the keys repeated within one mapping
    (YAML keeps only the last of them, silently). Both empty if the text is not valid YAML."""
    try:
        root = yaml.compose(text, Loader=SafeLoader)
    except yaml.YAMLError:
        return {}, []
    lines: dict[str, int] = {}
    duplicates: list[tuple[str, int]] = []
    if root is not None:
        _walk(root, "", lines, duplicates)
    return lines, duplicates


def line_of(path: str, lines: dict[str, int]) -> int | None:
    """The line of ``path``, or of its nearest ancestor present in the file (defaults are not)."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return lines.get("")
