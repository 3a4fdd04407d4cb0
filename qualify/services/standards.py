"""Finding and loading standards: the ones shipped in the package, or a file given by path."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from qualify.core.errors import NotFound
from qualify.core.standard import Standard
from qualify.formats.standard_yaml import load_standard


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
    """A standard by id (``service-marketing@2.0``) or by path to a YAML file."""
    for path in shipped_files():
        if path.stem == ref:
            return _load_shipped(path, path.stat().st_mtime)
    candidate = Path(ref)
    if candidate.suffix in {".yaml", ".yml"} or candidate.exists():
        return load_standard(candidate)
    known = ", ".join(p.stem for p in shipped_files()) or "none"
    raise NotFound(
        code="standard-not-found",
        message_en=f"no standard {ref!r}; shipped standards: {known}",
        message_zh=f"没有标准 {ref!r}；已有标准：{known}",
        fields={"ref": ref},
    )
