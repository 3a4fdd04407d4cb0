"""constraints.txt pins every package that Qualify and its test tools install (scripts/setup installs
with ``-c constraints.txt``), so CI never picks up a new release by itself. A dependency added to
pyproject.toml without ``scripts/refresh-constraints`` fails here."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

CONSTRAINTS = Path(__file__).parents[2] / "constraints.txt"


def pinned() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def installed_closure() -> dict[str, str]:
    """Every distribution that ``pip install -e .[dev]`` brings in, with the version installed."""
    found: dict[str, set[str]] = {}
    versions: dict[str, str] = {}
    todo: list[tuple[str, frozenset[str]]] = [("qualify", frozenset({"dev"}))]
    while todo:
        name, extras = todo.pop()
        dist = metadata.distribution(name)
        key = canonicalize_name(dist.metadata["Name"])
        if key in found and extras <= found[key]:
            continue
        found.setdefault(key, set()).update(extras)
        versions[key] = dist.version
        for text in dist.requires or []:
            requirement = Requirement(text)
            wanted = requirement.marker is None or any(
                requirement.marker.evaluate({"extra": extra}) for extra in (extras or {""}))
            if wanted:
                todo.append((requirement.name, frozenset(requirement.extras)))
    versions.pop("qualify")
    return versions


def test_every_installed_dependency_is_pinned_at_the_version_installed() -> None:
    pins = pinned()
    unpinned = sorted(name for name in installed_closure() if name not in pins)
    assert not unpinned, f"not in constraints.txt (run scripts/refresh-constraints): {unpinned}"
    differ = {name: (version, pins[name]) for name, version in installed_closure().items()
              if pins[name] != version}
    assert not differ, f"installed (version, pinned) differ (run scripts/setup): {differ}"


def test_the_constraints_pin_exact_versions_only() -> None:
    lines = [line for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines and all("==" in line and ";" not in line and "@" not in line for line in lines)
