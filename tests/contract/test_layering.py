"""The core is pure: it imports only the standard library and pydantic; and the layers of
pyproject.toml hold (cli > web > services > batch > formats > core; no Django below web; the web apps
certification > screening > people > accounts)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
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


# --- the layer contracts of pyproject.toml ([tool.importlinter]), checked by import-linter -----------

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = ["cli", "web", "services", "batch", "formats", "core",
            "web/accounts", "web/people", "web/screening", "web/standards", "web/certification",
            "web/notifications"]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", "pyproject.toml"], cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(cwd)}, capture_output=True, text=True,
                          check=False, timeout=300)


def test_the_package_keeps_every_layer_contract() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_the_layer_contracts_catch_imports_that_run_the_wrong_way(tmp_path: Path) -> None:
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    for package in ["", *PACKAGES]:
        (tmp_path / "qualify" / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / "qualify" / package / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "qualify/web/people/models.py").write_text("", encoding="utf-8")
    (tmp_path / "qualify/web/accounts/access.py").write_text(
        "from qualify.web.people import models\n", encoding="utf-8")
    (tmp_path / "qualify/services/cases.py").write_text("import django\n", encoding="utf-8")
    (tmp_path / "qualify/core/model.py").write_text("from qualify.formats import files\n", encoding="utf-8")
    (tmp_path / "qualify/formats/files.py").write_text("", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert "qualify.web.accounts is not allowed to import qualify.web.people" in result.stdout
    assert "qualify.core is not allowed to import qualify.formats" in result.stdout
    assert "qualify.services.cases -> django" in result.stdout
