"""Where Qualify's web settings come from: the environment, then a config file, then defaults.

A config file (``QUALIFY_CONFIG``) is either TOML (``*.toml``) or plain ``KEY=VALUE`` lines
(``#`` starts a comment). The environment always wins over the file, so a secret can live in either.

Modes (``QUALIFY_MODE``): ``serve`` (production: secure cookies, a secret is required), ``demo``
(the ``qualify demo`` command), ``dev`` (tests, ``django-admin``). ``qualify.web.wsgi`` defaults to
``serve``, so an application server pointed at it directly is never left in a lax mode.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path


class ConfigError(Exception):
    """The configuration cannot be used; the message is one line a user can act on."""


@cache
def file_values(path: str) -> dict[str, str]:
    """The values of a config file, as strings (TOML tables are flattened with upper-case keys)."""
    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"QUALIFY_CONFIG={path}: no such file")
    text = file.read_text(encoding="utf-8")
    if file.suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: not valid TOML ({error})") from None
        return {str(k).upper(): str(v) for k, v in data.items() if not isinstance(v, dict)}
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise ConfigError(f"{path}, line {number}: expected KEY=VALUE")
        key, _, value = line.partition("=")
        values[key.strip().upper()] = value.strip().strip('"').strip("'")
    return values


def get(key: str, default: str = "") -> str:
    """A setting from the environment, else from the config file, else ``default``."""
    if key in os.environ:
        return os.environ[key]
    path = os.environ.get("QUALIFY_CONFIG", "")
    if path:
        return file_values(path).get(key, default)
    return default


def flag(key: str, default: bool = False) -> bool:
    value = get(key, "1" if default else "0").strip().lower()
    return value in {"1", "true", "yes", "on"}


def mode() -> str:
    return get("QUALIFY_MODE", "dev").strip().lower() or "dev"


def home() -> Path:
    """The directory for the SQLite file, collected static files and the demo's secret."""
    return Path(get("QUALIFY_HOME", "") or Path.cwd() / "var")


def audit_keys(value: str) -> list[tuple[str, str]]:
    """``QUALIFY_AUDIT_KEYS``: ``id:secret`` pairs separated by commas, newest first."""
    pairs: list[tuple[str, str]] = []
    for number, item in enumerate((part.strip() for part in value.split(",")), start=1):
        if not item:
            continue
        key_id, sep, secret = item.partition(":")
        key_id, secret = key_id.strip(), secret.strip()
        if not sep or not key_id or len(secret) < 16:
            raise ConfigError(f"QUALIFY_AUDIT_KEYS, item {number}: expected ID:SECRET with a secret of "
                              "at least 16 characters")
        if any(key_id == known for known, _ in pairs):
            raise ConfigError(f"QUALIFY_AUDIT_KEYS, item {number}: the key id {key_id} is listed twice")
        pairs.append((key_id, secret))
    return pairs
