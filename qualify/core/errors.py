"""Domain errors with one shape: a stable code, a location, structured fields and a message in zh and en.

Every error code is a member of ``ErrorCode``, the one registry: its value is the ``code`` users and
scripts see (the API's ``error.code``, the CLI's line), and its ``ErrorKind`` says what sort of
refusal it is and so its HTTP status. ``QualifyError`` refuses a code that is not in the registry.
A ``Problem`` (one bad row or cell of a rejected file) carries a finer code of its own under the
error ``invalid-input``.

The CLI prints ``str(error)`` as one line and exits 2; the web app maps an error to a page or to the
API's JSON shape in one place (``qualify.web.accounts.errors``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from qualify.core.text import Lang


class ErrorKind(StrEnum):
    """What sort of refusal an error is; each kind has one HTTP status."""

    INVALID = "invalid"  # the request or input is wrong: the caller can fix it
    FORBIDDEN = "forbidden"  # the caller may not do this
    NOT_FOUND = "not-found"  # no such thing, or one the caller may not see
    CONFLICT = "conflict"  # the thing is not in a state that allows it (or changed meanwhile)
    UNAUTHENTICATED = "unauthenticated"  # who is asking is unknown
    METHOD_NOT_ALLOWED = "method-not-allowed"  # the address exists, not with this HTTP method
    TOO_LARGE = "too-large"  # the request body is over the limit
    THROTTLED = "throttled"  # too many attempts
    INTERNAL = "internal"  # the system failed, not the caller

    @property
    def status(self) -> int:
        return _STATUS[self]


_STATUS: dict[ErrorKind, int] = {
    ErrorKind.INVALID: 422,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.METHOD_NOT_ALLOWED: 405,
    ErrorKind.TOO_LARGE: 413,
    ErrorKind.THROTTLED: 429,
    ErrorKind.INTERNAL: 500,
}


class ErrorCode(StrEnum):
    """Every error code Qualify reports. The values are a contract: add codes, never rename one."""

    # --- the protocol: any request ----------------------------------------------------------------
    INVALID_REQUEST = "invalid-request"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not-found"
    METHOD_NOT_ALLOWED = "method-not-allowed"
    TOO_LARGE = "too-large"
    THROTTLED = "throttled"
    INTERNAL_ERROR = "internal-error"
    # --- inputs, standards, assessment ------------------------------------------------------------
    INVALID_INPUT = "invalid-input"
    USAGE = "usage"
    BAD_DATE = "bad-date"
    STANDARD_NOT_FOUND = "standard-not-found"
    STANDARD_REQUIRED = "standard-required"
    LEVEL_NOT_FOUND = "level-not-found"
    EMPLOYEE_NOT_FOUND = "employee-not-found"
    OTHER_FAMILY = "other-family"
    DUPLICATE_EMPLOYEE = "duplicate-employee"
    NO_BATCH = "no-batch"
    BATCH_RESULT = "batch-result"
    IMPORT_NOT_APPLICABLE = "import-not-applicable"
    # --- the certification cycle ------------------------------------------------------------------
    ACTION_NOT_ALLOWED_IN_STATE = "action-not-allowed-in-state"
    ROLE_MAY_NOT_DO_ACTION = "role-may-not-do-action"
    EDIT_CONFLICT = "edit-conflict"
    APPLICATION_ALREADY_OPEN = "application-already-open"
    APPLICATIONS_STILL_OPEN = "applications-still-open"
    OUTSIDE_WINDOW = "outside-window"
    NO_EMPLOYEE_RECORD = "no-employee-record"
    LEVEL_NOT_OFFERED = "level-not-offered"
    JUMP_NOT_ALLOWED = "jump-not-allowed"
    JUMP_REASON_REQUIRED = "jump-reason-required"
    NOT_ELIGIBLE = "not-eligible"
    REJECT_REASON_REQUIRED = "reject-reason-required"
    APPEAL_REASON_REQUIRED = "appeal-reason-required"
    APPEAL_DECISION_REASON_REQUIRED = "appeal-decision-reason-required"
    OVERRIDE_REASON_REQUIRED = "override-reason-required"
    APPEAL_OUTSIDE_NOTICE = "appeal-outside-notice"
    NOTICE_NOT_OVER = "notice-not-over"
    ASSESSOR_IS_APPLICANT = "assessor-is-applicant"
    ASSESSOR_MANAGES_APPLICANT = "assessor-manages-applicant"
    PANEL_KIND = "panel-kind"
    PANEL_CONFLICT = "panel-conflict"
    PANEL_ALREADY_SCORING = "panel-already-scoring"
    RATINGS_PENDING = "ratings-pending"
    RATINGS_INCOMPLETE = "ratings-incomplete"
    RATING_UNKNOWN = "rating-unknown"
    ELEMENT_NOT_AT_LEVEL = "element-not-at-level"
    SPREAD_NEEDS_COMMENT = "spread-needs-comment"
    CONSOLIDATION_INCOMPLETE = "consolidation-incomplete"
    NO_DECISION = "no-decision"
    NOTHING_TO_PUBLISH = "nothing-to-publish"
    PASSED = "passed"
    NOT_PASSED = "not-passed"
    FROZEN_STANDARD_ALTERED = "frozen-standard-altered"
    FILE_EMPTY = "file-empty"
    FILE_TOO_LARGE = "file-too-large"
    FILE_TYPE_REFUSED = "file-type-refused"
    TOO_MANY_FILES = "too-many-files"
    UPLOADS_TOTAL_TOO_LARGE = "uploads-total-too-large"
    # --- running the system: the command line, the server -----------------------------------------
    BAD_CONFIG = "bad-config"
    NO_SECRET = "no-secret"  # noqa: S105  (an error code, not a secret)
    WEAK_SECRET = "weak-secret"  # noqa: S105  (an error code, not a secret)
    NOT_MIGRATED = "not-migrated"
    DATABASE_UNAVAILABLE = "database-unavailable"
    PORT_IN_USE = "port-in-use"
    SERVER_FAILED = "server-failed"
    NO_WORKER = "no-worker"
    BAD_ROLE = "bad-role"
    UNKNOWN_UNIT = "unknown-unit"
    UNKNOWN_USER = "unknown-user"
    PASSWORD_MISMATCH = "password-mismatch"  # noqa: S105  (an error code, not a password)
    WEAK_PASSWORD = "weak-password"  # noqa: S105  (an error code, not a password)
    REPUBLISH_FIRST = "republish-first"
    ALREADY_APPEALED = "already-appealed"
    APPEAL_PANEL_NOT_INDEPENDENT = "appeal-panel-not-independent"
    BAD_TIME_ZONE = "bad-time-zone"
    MANAGER_OPINION_REQUIRED = "manager-opinion-required"
    MANAGER_OPINION_OFF = "manager-opinion-off"
    # HR's batch work on many applications at once
    BATCH_EMPTY = "batch-empty"
    BATCH_TOO_LARGE = "batch-too-large"
    BATCH_ACTION_UNKNOWN = "batch-action-unknown"
    BATCH_PANEL_REQUIRED = "batch-panel-required"
    # operations: the audit record's checkpoints, backup and restore
    BAD_CHECKPOINT = "bad-checkpoint"
    CANNOT_WRITE = "cannot-write"
    BAD_BACKUP = "bad-backup"
    BACKUP_ENGINE = "backup-engine"
    BACKUP_UNSUPPORTED = "backup-unsupported"
    BACKUP_TARGET_EXISTS = "backup-target-exists"
    RESTORE_TARGET_NOT_EMPTY = "restore-target-not-empty"
    BACKUP_FAILED = "backup-failed"
    TOOL_MISSING = "tool-missing"
    # operations: bounded lists, hostile input, background runs
    PAGE_OUT_OF_RANGE = "page-out-of-range"
    NUL_CHARACTER = "nul-character"
    RUN_NOT_FINISHED = "run-not-finished"
    # notifications: group robots (webhooks)
    WEBHOOK_URL_REFUSED = "webhook-url-refused"

    @property
    def kind(self) -> ErrorKind:
        return _KIND[self]

    @property
    def status(self) -> int:
        return _KIND[self].status


_KINDS: dict[ErrorKind, tuple[ErrorCode, ...]] = {
    ErrorKind.INVALID: (
        ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_INPUT, ErrorCode.USAGE, ErrorCode.BAD_DATE,
        ErrorCode.STANDARD_REQUIRED, ErrorCode.OTHER_FAMILY, ErrorCode.DUPLICATE_EMPLOYEE,
        ErrorCode.LEVEL_NOT_OFFERED, ErrorCode.JUMP_NOT_ALLOWED, ErrorCode.JUMP_REASON_REQUIRED,
        ErrorCode.NOT_ELIGIBLE, ErrorCode.REJECT_REASON_REQUIRED, ErrorCode.APPEAL_REASON_REQUIRED,
        ErrorCode.APPEAL_DECISION_REASON_REQUIRED, ErrorCode.OVERRIDE_REASON_REQUIRED,
        ErrorCode.PANEL_KIND, ErrorCode.RATING_UNKNOWN, ErrorCode.ELEMENT_NOT_AT_LEVEL,
        ErrorCode.SPREAD_NEEDS_COMMENT, ErrorCode.FILE_EMPTY, ErrorCode.FILE_TOO_LARGE,
        ErrorCode.FILE_TYPE_REFUSED, ErrorCode.TOO_MANY_FILES, ErrorCode.UPLOADS_TOTAL_TOO_LARGE,
        ErrorCode.BAD_CONFIG, ErrorCode.NO_SECRET, ErrorCode.WEAK_SECRET, ErrorCode.BAD_ROLE,
        ErrorCode.PASSWORD_MISMATCH, ErrorCode.WEAK_PASSWORD, ErrorCode.BAD_CHECKPOINT, ErrorCode.BAD_BACKUP,
        ErrorCode.BACKUP_ENGINE, ErrorCode.BACKUP_UNSUPPORTED, ErrorCode.BAD_TIME_ZONE,
        ErrorCode.WEBHOOK_URL_REFUSED, ErrorCode.NUL_CHARACTER,
        ErrorCode.BATCH_EMPTY, ErrorCode.BATCH_TOO_LARGE, ErrorCode.BATCH_ACTION_UNKNOWN,
        ErrorCode.BATCH_PANEL_REQUIRED,
    ),
    ErrorKind.FORBIDDEN: (
        ErrorCode.FORBIDDEN, ErrorCode.ROLE_MAY_NOT_DO_ACTION, ErrorCode.ASSESSOR_IS_APPLICANT,
        ErrorCode.ASSESSOR_MANAGES_APPLICANT, ErrorCode.PANEL_CONFLICT,
        ErrorCode.APPEAL_PANEL_NOT_INDEPENDENT,
    ),
    ErrorKind.NOT_FOUND: (
        ErrorCode.NOT_FOUND, ErrorCode.STANDARD_NOT_FOUND, ErrorCode.LEVEL_NOT_FOUND,
        ErrorCode.EMPLOYEE_NOT_FOUND, ErrorCode.NO_EMPLOYEE_RECORD, ErrorCode.NO_DECISION,
        ErrorCode.UNKNOWN_UNIT, ErrorCode.UNKNOWN_USER, ErrorCode.PAGE_OUT_OF_RANGE,
    ),
    ErrorKind.CONFLICT: (
        ErrorCode.ACTION_NOT_ALLOWED_IN_STATE, ErrorCode.EDIT_CONFLICT, ErrorCode.APPLICATION_ALREADY_OPEN,
        ErrorCode.APPLICATIONS_STILL_OPEN, ErrorCode.OUTSIDE_WINDOW, ErrorCode.APPEAL_OUTSIDE_NOTICE,
        ErrorCode.NOTICE_NOT_OVER, ErrorCode.PANEL_ALREADY_SCORING, ErrorCode.RATINGS_PENDING,
        ErrorCode.RATINGS_INCOMPLETE, ErrorCode.CONSOLIDATION_INCOMPLETE, ErrorCode.NOTHING_TO_PUBLISH,
        ErrorCode.PASSED, ErrorCode.NOT_PASSED, ErrorCode.FROZEN_STANDARD_ALTERED,
        ErrorCode.IMPORT_NOT_APPLICABLE, ErrorCode.PORT_IN_USE, ErrorCode.BACKUP_TARGET_EXISTS,
        ErrorCode.RESTORE_TARGET_NOT_EMPTY, ErrorCode.REPUBLISH_FIRST, ErrorCode.ALREADY_APPEALED,
        ErrorCode.MANAGER_OPINION_REQUIRED, ErrorCode.MANAGER_OPINION_OFF, ErrorCode.RUN_NOT_FINISHED,
    ),
    ErrorKind.UNAUTHENTICATED: (ErrorCode.UNAUTHENTICATED,),
    ErrorKind.METHOD_NOT_ALLOWED: (ErrorCode.METHOD_NOT_ALLOWED,),
    ErrorKind.TOO_LARGE: (ErrorCode.TOO_LARGE,),
    ErrorKind.THROTTLED: (ErrorCode.THROTTLED,),
    ErrorKind.INTERNAL: (
        ErrorCode.INTERNAL_ERROR, ErrorCode.NO_BATCH, ErrorCode.BATCH_RESULT, ErrorCode.NOT_MIGRATED,
        ErrorCode.DATABASE_UNAVAILABLE, ErrorCode.SERVER_FAILED, ErrorCode.NO_WORKER, ErrorCode.CANNOT_WRITE,
        ErrorCode.BACKUP_FAILED, ErrorCode.TOOL_MISSING,
    ),
}
_KIND: dict[ErrorCode, ErrorKind] = {code: kind for kind, codes in _KINDS.items() for code in codes}
_UNSORTED = [code.value for code in ErrorCode if code not in _KIND]
if _UNSORTED or sum(len(codes) for codes in _KINDS.values()) != len(_KIND):
    raise RuntimeError(f"every error code needs exactly one kind: {_UNSORTED or 'a code is listed twice'}")


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
    """An error a user can act on. Never shown as a traceback.

    ``code`` is an ``ErrorCode`` or its value; a value outside the registry is a programming error
    (``ValueError``), caught by the tests that raise every code.
    """

    code: str
    message_en: str
    message_zh: str = ""
    fields: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.code = ErrorCode(self.code)
        super().__init__(self.message_en)

    @property
    def error_code(self) -> ErrorCode:
        return ErrorCode(self.code)

    @property
    def kind(self) -> ErrorKind:
        return self.error_code.kind

    @property
    def status(self) -> int:
        """The HTTP status of this error: its code's kind decides."""
        return self.error_code.status

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
            code=ErrorCode.INVALID_INPUT,
            message_en=f"{source or 'input'} was rejected: {count} problem{'s' if count != 1 else ''}",
            message_zh=f"{source or '输入'}被拒绝：{count} 个问题",
            fields={"problems": [p.as_dict() for p in problems]},
        )

    def lines(self, lang: Lang = "en") -> list[str]:
        return [p.line(lang) for p in self.problems]


class Forbidden(QualifyError):
    """The caller may not do this."""
