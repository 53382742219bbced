"""Files of a dossier: checked by content, staged in the transaction, moved into place on commit.

A file is written beside its place (``.part``) while the transaction runs and renamed only
once the transaction has committed; a rollback deletes the staged file, so a failed change
never leaves a file behind, and a committed attachment row always has its file.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import Session

from ideadb.audit.service import record
from ideadb.core.changes import record_idea_change
from ideadb.core.db import after_commit, after_rollback, unit_of_work, utcnow
from ideadb.core.errors import InvalidTransition, NotFound, TooLarge, ValidationFailed
from ideadb.core.permissions import can, require
from ideadb.core.text import N_
from ideadb.ideas import files
from ideadb.ideas.access import get_idea
from ideadb.ideas.lifecycle import is_editable
from ideadb.ideas.models import Attachment, Idea
from scoring.messages import Message

STAGED_SUFFIX = ".part"  # a file of a transaction not yet committed


def _config(key: str, default: Any) -> Any:
    try:
        from flask import current_app

        return current_app.config.get(key, default)
    except RuntimeError:
        return default


def upload_dir() -> Path:
    return Path(_config("UPLOAD_DIR", "instance/uploads"))


def attachment_path(attachment: Attachment) -> Path:
    name = attachment.stored_name
    return upload_dir() / name[:2] / name


@dataclass(frozen=True)
class CheckedFile:
    """An uploaded file that passed the checks: safe name, type judged from the content."""

    name: str
    kind: str
    content_type: str
    data: bytes


def read_upload(stream: IO[bytes] | bytes) -> bytes:
    """The bytes of an upload, read up to one byte past the limit (enough to refuse it)."""
    max_bytes = int(_config("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
    return stream if isinstance(stream, bytes) else stream.read(max_bytes + 1)


def check_file(filename: str | None, data: bytes) -> CheckedFile:
    """Size, emptiness, type by content, and an extension that matches it."""
    max_bytes = int(_config("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
    if len(data) > max_bytes:
        message = Message(
            N_("Tệp vượt quá dung lượng cho phép (%(mb)s MB)."), mb=max_bytes // (1024 * 1024)
        )
        raise TooLarge(message, {"file": [message]})
    if not data:
        raise ValidationFailed(N_("Tệp rỗng."), {"file": ["Tệp rỗng."]})
    name = files.sanitize_filename(filename)
    kind = files.detect_kind(data)
    if kind is None:
        raise ValidationFailed(
            N_("Loại tệp không được chấp nhận."),
            {"file": [N_("Chỉ nhận tệp PDF, DOC, DOCX, XLS, XLSX, JPG hoặc PNG.")]},
        )
    content_type, extensions = files.ALLOWED_TYPES[kind]
    ext = files.extension_of(name)
    if ext not in extensions:
        message = (
            Message(
                N_("Nội dung tệp là %(kind)s, không khớp với phần mở rộng “.%(ext)s”."),
                kind=kind.upper(),
                ext=ext,
            )
            if ext
            else Message(N_("Tên tệp cần có phần mở rộng .%(ext)s."), ext=extensions[0])
        )
        raise ValidationFailed(N_("Loại tệp không khớp với tên tệp."), {"file": [message]})
    return CheckedFile(name, kind, content_type, data)


def _check_editable(idea: Idea, message: str) -> None:
    if not is_editable(idea.status):
        raise InvalidTransition(message)


def _check_room(actor: Any, idea: Idea) -> None:
    require(actor, "idea.edit", idea)
    _check_editable(idea, N_("Chỉ thêm tệp khi hồ sơ ở trạng thái bản nháp hoặc bổ sung."))
    limit = int(_config("ATTACHMENTS_PER_IDEA", 5))
    if len(idea.live_attachments) >= limit:
        raise ValidationFailed(
            N_("Đã đủ số tệp đính kèm."),
            {"file": [Message(N_("Mỗi hồ sơ có tối đa %(max)s tệp đính kèm."), max=limit)]},
        )


def _stage(session: Session, final: Path, data: bytes) -> None:
    """Write the file beside its place now (a full disk fails the change); rename it on commit."""
    staged = final.with_name(final.name + STAGED_SUFFIX)
    staged.parent.mkdir(parents=True, exist_ok=True)
    with open(staged, "wb") as fh:
        fh.write(data)
    after_commit(session, lambda: os.replace(staged, final))
    after_rollback(session, lambda: staged.unlink(missing_ok=True))


def attach(session: Session, actor: Any, idea: Idea, checked: CheckedFile) -> Attachment:
    """Add a checked file to an editable idea, inside the caller's unit of work."""
    _check_room(actor, idea)
    digest = hashlib.sha256(checked.data).hexdigest()
    with unit_of_work(session):
        attachment = Attachment(
            idea=idea,
            original_name=checked.name,
            stored_name=secrets.token_hex(16) + "." + checked.kind,
            sha256=digest,
            size=len(checked.data),
            content_type=checked.content_type,
            uploaded_by_id=actor.id,
        )
        session.add(attachment)
        session.flush()
        _stage(session, attachment_path(attachment), checked.data)
        idea.touch()
        record(
            session,
            actor,
            "idea.attachment_add",
            "idea",
            idea.id,
            None,
            {
                "attachment_id": attachment.id,
                "name": checked.name,
                "sha256": digest,
                "size": len(checked.data),
            },
        )
        record_idea_change(session, idea.id)
    return attachment


def add_attachment(
    session: Session, actor: Any, idea_id: int, filename: str | None, stream: IO[bytes] | bytes
) -> Attachment:
    """Store a file of the dossier (owner, while editable); type judged from the content."""
    idea = get_idea(session, actor, idea_id)
    _check_room(actor, idea)
    checked = check_file(filename, read_upload(stream))
    return attach(session, actor, idea, checked)


def remove_attachment(session: Session, actor: Any, idea_id: int, attachment_id: int) -> None:
    """Take a file out of the dossier; the file and its row are kept."""
    idea = get_idea(session, actor, idea_id)
    require(actor, "idea.edit", idea)
    attachment = session.get(Attachment, attachment_id) if isinstance(attachment_id, int) else None
    if attachment is None or attachment.idea_id != idea.id or attachment.removed_at is not None:
        raise NotFound(N_("Không tìm thấy tệp đính kèm."))
    _check_editable(idea, N_("Chỉ gỡ tệp khi hồ sơ ở trạng thái bản nháp hoặc bổ sung."))
    with unit_of_work(session):
        attachment.removed_at = utcnow()
        attachment.removed_by_id = actor.id
        idea.touch()
        record(
            session,
            actor,
            "idea.attachment_remove",
            "idea",
            idea.id,
            {"attachment_id": attachment.id, "name": attachment.original_name},
            None,
        )
        record_idea_change(session, idea.id)


def attachment_for_download(
    session: Session, actor: Any, attachment_id: int
) -> tuple[Attachment, Path]:
    """The attachment and its file, for those who may see the idea in full; else NotFound."""
    attachment = session.get(Attachment, attachment_id) if isinstance(attachment_id, int) else None
    if attachment is None or attachment.removed_at is not None:
        raise NotFound(N_("Không tìm thấy tệp đính kèm."))
    idea = attachment.idea
    if not can(actor, "attachment.download", idea):
        raise NotFound(N_("Không tìm thấy tệp đính kèm."))
    path = attachment_path(attachment)
    if not path.is_file():
        raise NotFound(N_("Tệp đính kèm không còn trên máy chủ."))
    return attachment, path
