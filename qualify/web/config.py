"""Where Qualify's web settings come from: the environment, then a config file, then defaults.

Every variable is a field of ``QualifySettings`` (a pydantic-settings model), with its type and its
default; ``settings()`` reads and checks them all. A value that does not fit (``QUALIFY_SESSION_HOURS=abc``)
is a ``ConfigError``: one line that names the variable and where it came from, never a traceback.

A config file (``QUALIFY_CONFIG``) is either TOML (``*.toml``) or plain ``KEY=VALUE`` lines
(``#`` starts a comment). The environment always wins over the file, so a secret can live in either.
An empty value in the environment counts as not set.

Modes (``QUALIFY_MODE``): ``serve`` (production: secure cookies, a secret is required), ``demo``
(the ``qualify demo`` command), ``dev`` (tests, ``django-admin``). ``qualify.web.wsgi`` defaults to
``serve``, so an application server pointed at it directly is never left in a lax mode.
"""

from __future__ import annotations

import ipaddress
import json
import os
import tomllib
import zoneinfo
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from qualify.core.errors import QualifyError


class ConfigError(QualifyError):
    """The configuration cannot be used; the message is one line a user can act on."""

    def __init__(self, message_en: str, message_zh: str = "") -> None:
        super().__init__(code="bad-config", message_en=message_en,
                         message_zh=message_zh or f"配置有误：{message_en}")


@cache
def file_values(path: str) -> dict[str, str]:
    """The values of a config file, as strings (TOML tables are flattened with upper-case keys)."""
    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"QUALIFY_CONFIG={path}: no such file", f"QUALIFY_CONFIG={path}：文件不存在")
    text = file.read_text(encoding="utf-8")
    if file.suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: not valid TOML ({error})",
                              f"{path}：不是有效的 TOML（{error}）") from None
        return {str(k).upper(): str(v) for k, v in data.items() if not isinstance(v, dict)}
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise ConfigError(f"{path}, line {number}: expected KEY=VALUE",
                              f"{path}，第 {number} 行：应为 KEY=VALUE")
        key, _, value = line.partition("=")
        values[key.strip().upper()] = value.strip().strip('"').strip("'")
    return values


def _config_file() -> dict[str, str]:
    path = os.environ.get("QUALIFY_CONFIG", "")
    return file_values(path) if path else {}


class _ConfigFileSource(PydanticBaseSettingsSource):
    """The file named by ``QUALIFY_CONFIG``: read after the environment, before the defaults."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return _config_file().get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        values = _config_file()
        return {name: values[name] for name in self.settings_cls.model_fields if values.get(name, "") != ""}


DOTTED_PATH = r"^([A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+)?$"


class QualifySettings(BaseSettings):
    """Every setting of the web app, by its variable name (README: Configuration)."""

    model_config = SettingsConfigDict(case_sensitive=True, env_ignore_empty=True, extra="ignore")

    QUALIFY_MODE: Literal["serve", "demo", "dev"] = "dev"
    QUALIFY_HOME: Path | None = None
    DATABASE_URL: str = ""
    SECRET_KEY: str = ""
    DJANGO_SECRET_KEY: str = ""
    QUALIFY_DEBUG: bool = False
    QUALIFY_ALLOWED_HOSTS: str = "localhost,127.0.0.1,[::1]"
    QUALIFY_CSRF_TRUSTED_ORIGINS: str = ""
    QUALIFY_BEHIND_PROXY: bool = False
    QUALIFY_INSECURE_COOKIES: bool = False
    QUALIFY_HSTS_SECONDS: int = Field(default=31536000, ge=0)
    QUALIFY_HSTS_INCLUDE_SUBDOMAINS: bool = False
    QUALIFY_SSL_REDIRECT: bool = False
    QUALIFY_SESSION_HOURS: int = Field(default=8, ge=1)
    QUALIFY_LOGIN_FAILURES: int = Field(default=5, ge=1)
    QUALIFY_LOGIN_WINDOW_MINUTES: int = Field(default=15, ge=1)
    QUALIFY_TRUSTED_PROXIES: str | None = None
    QUALIFY_SESSION_IDLE_MINUTES: int = Field(default=30, ge=1)
    QUALIFY_AUDIT_KEYS: str = ""
    QUALIFY_UPLOAD_MAX_MB: int = Field(default=20, ge=1)
    QUALIFY_EVIDENCE_MAX_FILES: int = Field(default=50, ge=1)
    QUALIFY_EVIDENCE_MAX_TOTAL_MB: int = Field(default=100, ge=1)
    QUALIFY_SITE_URL: str = ""  # the site's address for links in e-mail and group-robot messages
    QUALIFY_WEBHOOK_ALLOW_PRIVATE: bool = False  # webhooks to private/loopback addresses (tests, intranets)
    TIME_ZONE: str = "Asia/Shanghai"
    QUALIFY_STATIC_ROOT: Path | None = None
    QUALIFY_MEDIA_ROOT: Path | None = None
    QUALIFY_STORAGE_BACKEND: str = "django.core.files.storage.FileSystemStorage"
    QUALIFY_STORAGE_OPTIONS: str = ""
    EMAIL_HOST: str = ""
    EMAIL_PORT: int = Field(default=25, ge=1)
    EMAIL_HOST_USER: str = ""
    EMAIL_HOST_PASSWORD: str = ""
    EMAIL_USE_TLS: bool = False
    DEFAULT_FROM_EMAIL: str = "qualify@localhost"
    QUALIFY_LOG_LEVEL: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "WARNING"
    QUALIFY_ACCESS_LOG: bool = True
    QUALIFY_LOG_FORMAT: Literal["text", "json"] = "text"
    QUALIFY_ERROR_HOOK: str = Field(default="", pattern=DOTTED_PATH)  # package.module.callable
    QUALIFY_WORKER_STALE_SECONDS: int = Field(default=60, ge=10)
    QUALIFY_FORWARDED_ALLOW_IPS: str = "127.0.0.1"

    @field_validator("QUALIFY_MODE", mode="before")
    @classmethod
    def _mode_in_any_case(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("QUALIFY_LOG_LEVEL", mode="before")
    @classmethod
    def _level_in_any_case(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("QUALIFY_STORAGE_OPTIONS")
    @classmethod
    def _options_are_a_json_object(cls, value: str) -> str:
        storage_options(value)
        return value

    @field_validator("TIME_ZONE")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError("not a known time zone") from None
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, _ConfigFileSource(settings_cls)

    @property
    def home(self) -> Path:
        """The directory for the SQLite file, collected static files and the demo's secret."""
        return self.QUALIFY_HOME or Path.cwd() / "var"

    @property
    def secret_key(self) -> str:
        return self.SECRET_KEY or self.DJANGO_SECRET_KEY


def _texts(error: dict[str, Any]) -> tuple[str, str]:
    """What is wrong with one value, in English and Chinese."""
    kind, context = error.get("type", ""), error.get("ctx") or {}
    if kind == "int_parsing":
        return "not a whole number", "不是整数"
    if kind == "bool_parsing":
        return ("not a yes/no value (1/0, true/false, yes/no, on/off)",
                "不是开关值（1/0、true/false、yes/no、on/off）")
    if kind == "greater_than_equal":
        return f"must be at least {context.get('ge')}", f"至少为 {context.get('ge')}"
    if kind == "literal_error":
        return f"must be one of {context.get('expected')}", f"应为 {context.get('expected')} 之一"
    if kind == "value_error" and "JSON object" in str(context.get("error", "")):
        return ('not a JSON object (e.g. {"bucket_name": "qualify"})',
                '不是 JSON 对象（如 {"bucket_name": "qualify"}）')
    if kind == "value_error" and "time zone" in str(context.get("error", "")):
        return "not a known time zone (e.g. Asia/Shanghai, UTC)", "不是已知的时区（如 Asia/Shanghai、UTC）"
    message = str(error.get("msg", "not valid"))
    return message, message


def _problem(error: dict[str, Any]) -> tuple[str, str]:
    name = str(error["loc"][0]) if error.get("loc") else "?"
    value = error.get("input")
    shown = f"{name}={value}" if isinstance(value, str) else name
    in_env = bool(os.environ.get(name))
    where_en = "the environment" if in_env else os.environ.get("QUALIFY_CONFIG", "the config file")
    where_zh = "环境变量" if in_env else os.environ.get("QUALIFY_CONFIG", "配置文件")
    en, zh = _texts(error)
    return f"{shown} (in {where_en}): {en}", f"{shown}（{where_zh}）：{zh}"


def settings() -> QualifySettings:
    """The settings as they are now (the environment may change between calls, e.g. in ``qualify demo``)."""
    try:
        return QualifySettings()
    except ValidationError as error:
        problems = [_problem(dict(e)) for e in error.errors()]
        raise ConfigError("; ".join(en for en, _ in problems), "；".join(zh for _, zh in problems)) from None


def mode() -> str:
    return settings().QUALIFY_MODE


def home() -> Path:
    """The directory for the SQLite file, collected static files and the demo's secret."""
    return settings().home


def storage_options(value: str) -> dict[str, Any]:
    """``QUALIFY_STORAGE_OPTIONS``: a JSON object, the storage backend's options (empty: none)."""
    if not value.strip():
        return {}
    try:
        options = json.loads(value)
    except json.JSONDecodeError:
        raise ValueError("not a JSON object") from None
    if not isinstance(options, dict):
        raise ValueError("not a JSON object")
    return options


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
                              "at least 16 characters",
                              f"QUALIFY_AUDIT_KEYS 第 {number} 项：应为 ID:SECRET，密钥至少 16 个字符")
        if any(key_id == known for known, _ in pairs):
            raise ConfigError(f"QUALIFY_AUDIT_KEYS, item {number}: the key id {key_id} is listed twice",
                              f"QUALIFY_AUDIT_KEYS 第 {number} 项：密钥编号 {key_id} 重复")
        pairs.append((key_id, secret))
    return pairs


def networks(name: str, value: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """A comma-separated list of addresses or networks (``10.0.0.0/8``); one bad item is one line."""
    found = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(f"{name}: {item!r} is not an IP address or network",
                              f"{name}：{item!r} 不是 IP 地址或网段") from None
    return found
