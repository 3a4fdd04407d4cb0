"""Domain errors with one shape: a stable code, a location, structured fields and a message in zh and en.

The CLI prints ``str(error)`` as one line and exits 2; the API returns ``error.as_dict()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qualify.core.text import Lang


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, and where it is.

    ``where`` is a human-readable location: ``file``, then ``sheet``/``row``/``column`` for a
    workbook or a CSV, or a YAML path such as ``modules[2].elements[0].code``.
    """

    code: str
    message_en: str
    message_zh: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    path: str = ""

    def where(self, lang: Lang = "en") -> str:
        zh = lang == "zh"
        parts = [self.file] if self.file else []
        if self.sheet:
            parts.append(f"工作表 {self.sheet}" if zh else f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"第 {self.row} 行" if zh else f"row {self.row}")
        if self.column:
            parts.append(f"列 {self.column}" if zh else f"column {self.column}")
        if self.path:
            parts.append(self.path)
        return ("，" if zh else ", ").join(parts)

    def message(self, lang: Lang = "en") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def line(self, lang: Lang = "en") -> str:
        """One line for a terminal: ``where: CODE message``."""
        where = self.where(lang)
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.code} {self.message(lang)}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message_en,
            "message_zh": self.message_zh,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "path": self.path,
        }


@dataclass
class QualifyError(Exception):
    """An error a user can act on. Never shown as a traceback."""

    code: str
    message_en: str
    message_zh: str = ""
    fields: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message_en)

    def __str__(self) -> str:
        return f"{self.code} {self.message_en}"

    def message(self, lang: Lang = "en") -> str:
        return (self.message_zh or self.message_en) if lang == "zh" else self.message_en

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message_en, "message_zh": self.message_zh,
                "fields": self.fields}


class NotFound(QualifyError):
    """The thing asked for does not exist (or the caller may not know that it does)."""


class InvalidInput(QualifyError):
    """An input file or request was rejected; ``problems`` says every reason and where."""

    def __init__(self, problems: list[Problem], *, source: str = "") -> None:
        self.problems = problems
        count = len(problems)
        super().__init__(
            code="invalid-input",
            message_en=f"{source or 'input'} was rejected: {count} problem{'s' if count != 1 else ''}",
            message_zh=f"{source or '输入'}被拒绝：{count} 个问题",
            fields={"problems": [p.as_dict() for p in problems]},
        )

    def lines(self, lang: Lang = "en") -> list[str]:
        return [p.line(lang) for p in self.problems]


class Forbidden(QualifyError):
    """The caller may not do this."""
