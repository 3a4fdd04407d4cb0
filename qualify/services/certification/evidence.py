"""Evidence for an application: its codes in the standard's vocabulary, and uploaded files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from qualify.core.cycle import Action
from qualify.core.errors import InvalidInput, Problem, QualifyError
from qualify.core.standard import Standard
from qualify.services.certification.applications import applicant_step
from qualify.services.certification.frozen import cycle_standard
from qualify.services.certification.repository import CertificationRepository
from qualify.services.certification.values import Actor, EvidenceInput, EvidenceView, FileView


def check_evidence(standard: Standard, item: EvidenceInput, level: int) -> list[Problem]:
    """Every code in the evidence must be one the standard declares; elements and measures of the level."""
    vocab = standard.vocabularies
    problems = []

    def bad(field_name: str, value: str, vocabulary: str) -> None:
        if value and value not in vocab.codes(vocabulary):
            problems.append(
                Problem(
                    "unknown-code",
                    f"{value!r} is not a code of {vocabulary}",
                    f"{value!r} 不是标准中 {vocabulary} 的代码",
                    path=field_name,
                )
            )

    if not item.activity:
        problems.append(Problem("required", "an activity is required", "须选择活动", path="activity"))
    bad("activity", item.activity, "activities")
    bad("role", item.role, "roles")
    bad("audience", item.audience, "audience_ranks")
    bad("scope", item.scope, "scopes")
    bad("project_kind", item.project_kind, "project_kinds")
    bad("outcome", item.outcome, "outcomes")
    for deliverable in item.deliverables:
        bad("deliverables", deliverable, "deliverables")
    elements = {e.code for _, e, _ in standard.elements_at(level)}
    for code in item.elements:
        if code not in elements:
            problems.append(
                Problem(
                    "unknown-element",
                    f"{code!r} is not an element of level {level}",
                    f"{code!r} 不是 {level} 级的行为要素",
                    path="elements",
                )
            )
    modules = {m.code for m, _ in standard.measures_at(level)}
    for code in item.measures:
        if code not in modules:
            problems.append(
                Problem(
                    "unknown-measure",
                    f"{code!r} has no measurement standard at level {level}",
                    f"{code!r} 在 {level} 级没有衡量标准",
                    path="measures",
                )
            )
    return problems


def check_evidence_date(item: EvidenceInput, today: dt.date) -> list[Problem]:
    """Evidence records something that happened: a date after today (the local date) is refused."""
    if item.date > today:
        return [
            Problem(
                "future-date",
                f"the evidence is dated {item.date.isoformat()}, after today ({today.isoformat()})",
                f"举证日期 {item.date.isoformat()} 晚于今天（{today.isoformat()}）",
                path="date",
            )
        ]
    return []


@dataclass(frozen=True)
class Upload:
    """A file sent with evidence: its name, its content (or only its beginning, for a file too large
    to read) and its real size."""

    name: str
    content: bytes
    size: int


def add_evidence(
    repo: CertificationRepository,
    actor: Actor,
    application_id: int,
    item: EvidenceInput,
    upload: Upload | None = None,
    limits: UploadLimits | None = None,
) -> EvidenceView:
    """Add an evidence item, with its file if one is sent. A refused file (type, size, count, total)
    refuses the whole item: nothing is stored, neither the file nor the evidence record."""
    app, cycle = applicant_step(repo, actor, application_id, Action.add_evidence)
    problems = check_evidence(cycle_standard(repo, cycle), item, app.target_level)
    problems += check_evidence_date(item, repo.now().date())
    if problems:
        raise InvalidInput(problems, source="evidence")
    content_type = check_upload(upload.name, upload.content, upload.size) if upload is not None else ""
    with repo.atomic():
        if upload is not None:
            stored = [f for e in repo.evidence(application_id) for f in e.files]
            check_room(stored, upload.name, upload.size, limits or DEFAULT_UPLOAD_LIMITS)
        made = repo.add_evidence(actor, application_id, item)
        if upload is not None:
            repo.add_evidence_file(actor, made.id, safe_name(upload.name), content_type, upload.content)
            made = next(e for e in repo.evidence(application_id) if e.id == made.id)
        return made


def remove_evidence(repo: CertificationRepository, actor: Actor, evidence_id: int) -> None:
    item = repo.evidence_item(evidence_id)
    applicant_step(repo, actor, item.application_id, Action.add_evidence)
    with repo.atomic():
        repo.remove_evidence(actor, evidence_id)


MAX_UPLOAD_BYTES = 10 * 1024 * 1024
UPLOAD_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    # extension: (content type, accepted leading bytes; empty = any text that decodes as UTF-8)
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    ".txt": ("text/plain", ()),
}


def human_size(size: int) -> str:
    """A file size as people read it: ``812 bytes``, ``35.2 KB``, ``12.4 MB``."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def check_upload(name: str, content: bytes, size: int | None = None) -> str:
    """The content type of an accepted upload; ``QualifyError`` for a file too big or of a refused type.

    The type is decided by the extension AND the file's first bytes (a renamed executable is refused).
    ``size``: the file's real size when ``content`` is only its beginning (a file too large to read).
    """
    size = len(content) if size is None else size
    if size > MAX_UPLOAD_BYTES:
        raise QualifyError(
            code="file-too-large",
            message_en=f"{name} is not stored: it is {human_size(size)}; the limit is "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB a file",
            message_zh=f"{name} 未保存：文件大小为 {human_size(size)}，单个文件上限为 "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB",
            fields={"name": name, "size": size},
        )
    if size == 0:
        raise QualifyError(code="file-empty", message_en=f"{name} is empty", message_zh=f"{name} 是空文件")
    dot = name.rfind(".")
    ext = name[dot:].lower() if dot >= 0 else ""
    accepted = ", ".join(sorted(UPLOAD_TYPES))
    spec = UPLOAD_TYPES.get(ext)
    ok = spec is not None
    if spec is not None:
        _, magics = spec
        if magics:
            ok = any(content.startswith(m) for m in magics)
        else:
            try:
                content.decode("utf-8")
            except UnicodeDecodeError:
                ok = False
    if not ok or spec is None:
        raise QualifyError(
            code="file-type-refused",
            message_en=f"{name}: only these file types are accepted: {accepted}",
            message_zh=f"{name}：只接受以下文件类型：{accepted}",
            fields={"name": name},
        )
    return spec[0]


@dataclass(frozen=True)
class UploadLimits:
    """How many files, and how many bytes in all, one application may hold: its evidence files
    together; its appeal's attachments together (a budget of their own)."""

    max_files: int = 50
    max_total_bytes: int = 100 * 1024 * 1024


DEFAULT_UPLOAD_LIMITS = UploadLimits()


def check_room(stored: Sequence[FileView], name: str, size: int, limits: UploadLimits) -> None:
    """``QualifyError`` when one more file of ``size`` bytes would pass the limits of the files stored."""
    if len(stored) >= limits.max_files:
        raise QualifyError(
            code="too-many-files",
            message_en=f"{name} is not stored: this application already holds {len(stored)} files; "
            f"the limit is {limits.max_files}",
            message_zh=f"{name} 未保存：此申请已有 {len(stored)} 个文件，上限为 {limits.max_files} 个",
            fields={"name": name, "files": len(stored), "max_files": limits.max_files},
        )
    total = sum(f.size for f in stored) + size
    if total > limits.max_total_bytes:
        limit_mb = limits.max_total_bytes / 1024 / 1024
        total_mb = total / 1024 / 1024
        raise QualifyError(
            code="uploads-total-too-large",
            message_en=f"{name} is not stored: it would bring this application's files to {total_mb:.1f} MB; "
            f"the limit is {limit_mb:g} MB in all",
            message_zh=f"{name} 未保存：加上此文件，此申请的文件合计 {total_mb:.1f} MB，"
            f"总量上限为 {limit_mb:g} MB",
            fields={"name": name, "total": total, "max_total_bytes": limits.max_total_bytes},
        )


def add_evidence_file(
    repo: CertificationRepository,
    actor: Actor,
    evidence_id: int,
    name: str,
    content: bytes,
    limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
) -> FileView:
    item = repo.evidence_item(evidence_id)
    applicant_step(repo, actor, item.application_id, Action.add_evidence)
    content_type = check_upload(name, content)
    with repo.atomic():
        stored = [f for e in repo.evidence(item.application_id) for f in e.files]
        check_room(stored, name, len(content), limits)
        return repo.add_evidence_file(actor, evidence_id, safe_name(name), content_type, content)


def safe_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "file"
    return "".join(ch for ch in base if ch.isprintable())[:200]
