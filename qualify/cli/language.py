"""The language of the command line's output: ``--lang``, else ``QUALIFY_LANG``, else Chinese.

One option for every command, so that a command's output and its error lines always agree.
"""

from __future__ import annotations

import os
from enum import StrEnum
from typing import Annotated

import typer

from qualify.core.text import Lang


class Language(StrEnum):
    zh = "zh"
    en = "en"


LangOption = Annotated[Language | None, typer.Option(
    "--lang", show_default=False,
    help="输出语言 / language of the output: zh, en (default: QUALIFY_LANG, else zh).")]


def default_language() -> Lang:
    """``QUALIFY_LANG`` (``en``, ``en_US`` … for English), else Chinese."""
    return "en" if os.environ.get("QUALIFY_LANG", "zh").lower().startswith("en") else "zh"


def resolve(language: Language | None) -> Lang:
    """The language a command speaks: the one given with ``--lang``, else the default."""
    if language is None:
        return default_language()
    return "zh" if language is Language.zh else "en"
