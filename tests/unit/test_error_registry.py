"""The error registry: every code Qualify raises is an ``ErrorCode`` with one kind, and an error with a
code outside the registry cannot be made."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import qualify
from qualify.core.errors import ErrorCode, ErrorKind, NotFound, QualifyError

PACKAGE = Path(qualify.__file__).parent
# Calls whose ``code`` (keyword, or first argument) is an error code rather than a Problem's code.
RAISERS = {"QualifyError", "NotFound", "Forbidden", "refuse", "require_text", "NotApplicable"}


def literal_error_codes() -> dict[str, list[str]]:
    """Every string literal given as an error code in the package, and where."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in RAISERS:
                continue
            candidates = [kw.value for kw in node.keywords if kw.arg == "code"]
            if name != "require_text" and node.args:
                candidates.append(node.args[0])
            for value in candidates:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.setdefault(value.value, []).append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return found


def test_every_error_code_raised_in_the_package_is_in_the_registry() -> None:
    found = literal_error_codes()
    assert len(found) > 30  # the scan sees the package's raise sites
    unknown = {code: where for code, where in found.items() if code not in ErrorCode.__members__.values()}
    assert unknown == {}


def test_an_error_with_a_code_outside_the_registry_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="no-such-code"):
        QualifyError(code="no-such-code", message_en="x")


def test_an_error_knows_its_kind_and_status_from_its_code() -> None:
    error = NotFound(code="level-not-found", message_en="no level 9", message_zh="没有 9 级")
    assert error.code == "level-not-found" and error.code is ErrorCode.LEVEL_NOT_FOUND
    assert (error.kind, error.status) == (ErrorKind.NOT_FOUND, 404)
    assert QualifyError(code="edit-conflict", message_en="changed meanwhile").status == 409
    assert QualifyError(code="role-may-not-do-action", message_en="no").status == 403
    assert QualifyError(code="not-eligible", message_en="no").status == 422


def test_every_code_has_exactly_one_kind_and_the_merged_synonyms_are_gone() -> None:
    assert all(isinstance(code.kind, ErrorKind) for code in ErrorCode)
    values = {code.value for code in ErrorCode}
    assert not values & {"no-standard", "output-required", "unknown-employee", "bad-request"}


def test_an_error_prints_one_line_in_the_asked_language() -> None:
    error = QualifyError(code=ErrorCode.USAGE, message_en="give -o FILE", message_zh="请给出 -o 文件")
    assert str(error) == "usage give -o FILE"
    assert error.message("zh") == "请给出 -o 文件" and error.message("en") == "give -o FILE"
