"""The core is pure: it imports only the standard library and pydantic."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import qualify.core

CORE = Path(qualify.core.__file__).parent
ALLOWED_THIRD_PARTY = {"pydantic", "pydantic_core", "typing_extensions", "annotated_types"}


def imported_top_level_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_only_the_standard_library_pydantic_and_itself() -> None:
    offenders = {}
    for path in sorted(CORE.rglob("*.py")):
        foreign = {
            name for name in imported_top_level_modules(path)
            if name not in sys.stdlib_module_names and name != "qualify" and name not in ALLOWED_THIRD_PARTY
        }
        if foreign:
            offenders[str(path.relative_to(CORE))] = sorted(foreign)
    assert offenders == {}, f"qualify.core must not import frameworks: {offenders}"


def test_core_imports_no_other_qualify_layer() -> None:
    offenders = {}
    for path in sorted(CORE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("qualify.")
                    and not node.module.startswith("qualify.core")):
                offenders.setdefault(str(path.relative_to(CORE)), []).append(node.module)
    assert offenders == {}


def test_the_layering_check_catches_a_framework_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import django\nfrom polars import col\n", encoding="utf-8")
    assert imported_top_level_modules(bad) == {"django", "polars"}
