"""Bilingual text: every text a user reads exists in simplified Chinese and in English."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


class Text(BaseModel):
    """A text in both languages. Empty strings are allowed by the schema and reported by lint."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh: str = ""
    en: str = ""

    def get(self, lang: Lang) -> str:
        """The text in ``lang``, falling back to the other language when it is missing."""
        primary = self.zh if lang == "zh" else self.en
        return primary or (self.en if lang == "zh" else self.zh)

    def missing(self) -> list[Lang]:
        """The languages that have no text."""
        return [lang for lang in LANGS if not getattr(self, lang).strip()]

    def __str__(self) -> str:
        return self.zh or self.en


def t(zh: str, en: str) -> Text:
    """Shorthand for a bilingual text."""
    return Text(zh=zh, en=en)
