"""Settings from the environment and the QUALIFY_CONFIG file: typed, with the README's defaults, and
a bad value is one line that names the variable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qualify.web import config

README_DEFAULTS = {
    "QUALIFY_SESSION_HOURS": 8,
    "QUALIFY_UPLOAD_MAX_MB": 20,
    "QUALIFY_HSTS_SECONDS": 31536000,
    "QUALIFY_BEHIND_PROXY": False,
    "QUALIFY_INSECURE_COOKIES": False,
    "DATABASE_URL": "",
    "SECRET_KEY": "",
    "QUALIFY_CSRF_TRUSTED_ORIGINS": "",
}


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No setting from the machine running the tests."""
    for name in list(os.environ):
        if name.startswith(("QUALIFY_", "DJANGO_")) or name in {"SECRET_KEY", "DATABASE_URL", "TIME_ZONE",
                                                                 "EMAIL_HOST", "DEFAULT_FROM_EMAIL"}:
            monkeypatch.delenv(name)
    config.file_values.cache_clear()
    return monkeypatch


def test_without_any_setting_the_defaults_are_the_readmes(clean_env: pytest.MonkeyPatch) -> None:
    env = config.settings()
    for name, default in README_DEFAULTS.items():
        assert getattr(env, name) == default, name
    assert env.QUALIFY_MODE == "dev"
    assert env.home == Path.cwd() / "var"
    assert set(env.QUALIFY_ALLOWED_HOSTS.split(",")) >= {"localhost", "127.0.0.1"}


def test_a_value_that_is_not_a_number_is_one_error_naming_the_variable(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("QUALIFY_SESSION_HOURS", "abc")
    with pytest.raises(config.ConfigError) as raised:
        config.settings()
    assert raised.value.code == "bad-config"
    assert raised.value.message("en") == "QUALIFY_SESSION_HOURS=abc (in the environment): not a whole number"
    assert raised.value.message("zh") == "QUALIFY_SESSION_HOURS=abc（环境变量）：不是整数"


def test_every_bad_value_is_named_not_only_the_first(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("QUALIFY_UPLOAD_MAX_MB", "0")
    clean_env.setenv("QUALIFY_BEHIND_PROXY", "perhaps")
    clean_env.setenv("TIME_ZONE", "Mars/Olympus")
    with pytest.raises(config.ConfigError) as raised:
        config.settings()
    message = raised.value.message("en")
    assert "\n" not in message
    assert "QUALIFY_UPLOAD_MAX_MB=0 (in the environment): must be at least 1" in message
    assert "QUALIFY_BEHIND_PROXY=perhaps" in message
    assert "TIME_ZONE=Mars/Olympus (in the environment): not a known time zone" in message


def test_a_bad_value_in_the_config_file_names_the_file(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    file = tmp_path / "qualify.toml"
    file.write_text('QUALIFY_MODE = "production"\n', encoding="utf-8")
    clean_env.setenv("QUALIFY_CONFIG", str(file))
    with pytest.raises(config.ConfigError) as raised:
        config.settings()
    assert raised.value.message("en").startswith(f"QUALIFY_MODE=production (in {file}): must be one of")


def test_the_environment_wins_over_the_key_value_file_which_wins_over_the_defaults(
        clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    file = tmp_path / "qualify.conf"
    file.write_text("# a comment\nQUALIFY_SESSION_HOURS=12\nSECRET_KEY='from-the-file'\n"
                    "QUALIFY_BEHIND_PROXY=1\n", encoding="utf-8")
    clean_env.setenv("QUALIFY_CONFIG", str(file))
    clean_env.setenv("QUALIFY_SESSION_HOURS", "3")
    env = config.settings()
    assert env.QUALIFY_SESSION_HOURS == 3
    assert env.secret_key == "from-the-file"
    assert env.QUALIFY_BEHIND_PROXY is True
    assert env.QUALIFY_UPLOAD_MAX_MB == 20


def test_a_toml_file_gives_typed_values(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    file = tmp_path / "qualify.toml"
    file.write_text("qualify_hsts_seconds = 0\nQUALIFY_INSECURE_COOKIES = true\n"
                    'DATABASE_URL = "postgres://q:q@db:5432/q"\n', encoding="utf-8")
    clean_env.setenv("QUALIFY_CONFIG", str(file))
    env = config.settings()
    assert env.QUALIFY_HSTS_SECONDS == 0
    assert env.QUALIFY_INSECURE_COOKIES is True
    assert env.DATABASE_URL == "postgres://q:q@db:5432/q"


def test_an_empty_variable_counts_as_not_set(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("QUALIFY_SESSION_HOURS", "")
    clean_env.setenv("QUALIFY_MODE", "")
    env = config.settings()
    assert env.QUALIFY_SESSION_HOURS == 8
    assert env.QUALIFY_MODE == "dev"


def test_a_missing_config_file_is_named(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("QUALIFY_CONFIG", str(tmp_path / "nope.conf"))
    with pytest.raises(config.ConfigError, match=r"nope\.conf: no such file"):
        config.settings()
