"""Documents issued after a decision: the recognition decision of a round, the certificate of
an idea, the register as a spreadsheet; PDF copies through LibreOffice when it is installed."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from ideadb.core.errors import Conflict, DomainError, NotFound
from ideadb.core.fmt import LOCAL_TZ
from ideadb.core.permissions import can, has_role, is_signed_in, reads_everything, rule
from ideadb.core.permissions import require as require_rule
from ideadb.core.text import N_
from ideadb.ideas.models import Idea
from ideadb.reports.documents import AuthorShare, DocumentSettings
from ideadb.reports.service import ExportFile, document_settings
from ideadb.reports.writers.decision import (
    Certificate,
    DecisionDocument,
    RecognisedIdea,
    RegisterLine,
    write_certificate_docx,
    write_decision_docx,
    write_register_xlsx,
)
from ideadb.reviews import issuance, policy
from ideadb.reviews import register as register_service
from ideadb.reviews.labels import LEVEL_LABELS, in_documents
from ideadb.reviews.models import RegisterEntry, Round
from ideadb.units.models import Unit
from scoring.messages import Message

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
FORMATS = ("docx", "pdf")
PDF_TIMEOUT = 120


class PdfUnavailable(DomainError):
    """LibreOffice is not installed here (or failed): the docx is still there."""

    status = 503
    code = "pdf_unavailable"


rule("decision.read")(
    lambda actor, rnd: (
        is_signed_in(actor)
        and (
            has_role(actor, "secretary")
            or reads_everything(actor)
            or (rnd is not None and rnd.chair_id == actor.id)
        )
    )
)


# --- PDF ----------------------------------------------------------------------------------------


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_missing_reason() -> str | None:
    """Why a PDF cannot be made here, or None when it can."""
    if soffice() is None:
        return N_(
            "Máy chủ chưa cài LibreOffice nên chưa tạo được bản PDF; hãy tải bản Word (.docx)."
        )
    return None


def to_pdf(docx: bytes) -> bytes:
    """``soffice --headless --convert-to pdf`` in a scratch folder with its own profile."""
    binary = soffice()
    if binary is None:
        raise PdfUnavailable(pdf_missing_reason() or "")
    with tempfile.TemporaryDirectory(prefix="ideadb-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "van-ban.docx"
        source.write_bytes(docx)
        try:
            subprocess.run(  # noqa: S603 (a fixed program and our own file)
                [
                    binary,
                    f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(folder),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=PDF_TIMEOUT,
                env={**os.environ, "HOME": str(folder)},
            )
        except (OSError, subprocess.SubprocessError):
            raise PdfUnavailable(N_("LibreOffice không chuyển được văn bản sang PDF.")) from None
        target = folder / "van-ban.pdf"
        if not target.exists():
            raise PdfUnavailable(N_("LibreOffice không chuyển được văn bản sang PDF."))
        return target.read_bytes()


def _file(docx: bytes, fmt: str, stem: str) -> ExportFile:
    if fmt not in FORMATS:
        from ideadb.core.errors import ValidationFailed

        raise ValidationFailed(N_("Định dạng không hỗ trợ."), {"format": [N_("docx hoặc pdf.")]})
    if fmt == "pdf":
        return ExportFile(f"{stem}.pdf", PDF, io.BytesIO(to_pdf(docx)))
    return ExportFile(f"{stem}.docx", DOCX, io.BytesIO(docx))


# --- data ---------------------------------------------------------------------------------------


def _unit_name(session: Session, unit_id: int | None) -> str:
    unit = session.get(Unit, unit_id) if unit_id else None
    return unit.name if unit else ""


def _amendment(session: Session, entry: RegisterEntry) -> str:
    if entry.version == 1:
        return ""
    day = entry.decided_at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y")
    if entry.status == "recognized":
        return Message(N_("Sửa đổi theo kết quả giải quyết khiếu nại ngày %(day)s"), day=day)
    return Message(N_("Thu hồi công nhận theo kết quả giải quyết khiếu nại ngày %(day)s"), day=day)


def _register_note(session: Session, entry: RegisterEntry) -> str:
    """The register's note on a version: the amendment and its reason (a page translates the
    amendment; the reason stays as written)."""
    amendment = _amendment(session, entry)
    if amendment and entry.reason:
        return Message(N_("%(amendment)s: %(reason)s"), amendment=amendment, reason=entry.reason)
    return amendment + (f": {entry.reason}" if entry.reason else "")


def _recognised(session: Session, entry: RegisterEntry, idea: Idea) -> RecognisedIdea:
    return RecognisedIdea(
        number=register_service.number_text(entry),
        code=idea.code or "",
        title=idea.title,
        authors=tuple(AuthorShare(a.name, a.share, a.unit or "") for a in idea.authors),
        unit=_unit_name(session, idea.unit_id),
        scope_label=in_documents(LEVEL_LABELS, entry.scope),
        level_name=entry.level_name,
        recognised=entry.status == "recognized",
        amendment=_amendment(session, entry),
    )


def _settings(rnd: Round) -> DocumentSettings:
    return document_settings(rnd)


def decision_document(session: Session, actor: Any, round_id: int) -> DecisionDocument:
    rnd = session.get(Round, round_id) if 0 < round_id < 2**63 else None
    if rnd is None or not can(actor, "round.view", rnd):
        raise NotFound(N_("Không tìm thấy đợt xét chọn."))
    require_rule(actor, "decision.read", rnd)
    if not policy.is_finalized(rnd):
        raise Conflict(N_("Quyết định công nhận chỉ có sau khi đợt xét chọn đã công bố kết quả."))
    entries = register_service.round_entries(session, rnd.id)
    ideas = {
        i.id: i
        for i in session.scalars(
            sa.select(Idea).where(Idea.id.in_([e.idea_id for e in entries] or [0]))
        )
    }
    settings = _settings(rnd)
    return DecisionDocument(
        settings=settings,
        round_name=rnd.name,
        year=rnd.year,
        council=f"Hội đồng xét chọn — {rnd.name}",
        ideas=[_recognised(session, e, ideas[e.idea_id]) for e in entries],
        issued_on=settings.date,
    )


def decision_file(session: Session, actor: Any, round_id: int, fmt: str) -> ExportFile:
    data = decision_document(session, actor, round_id)
    buf = io.BytesIO()
    write_decision_docx(data, buf)
    return _file(buf.getvalue(), fmt, f"quyet-dinh-cong-nhan-dot-{round_id}")


def certificate(
    session: Session, actor: Any, idea_id: int, round_id: int | None = None
) -> Certificate:
    idea = session.get(Idea, idea_id) if 0 < idea_id < 2**63 else None
    if idea is None or not can(actor, "certificate.read", idea):
        raise NotFound(N_("Không tìm thấy ý tưởng."))
    stmt = sa.select(RegisterEntry).where(
        RegisterEntry.idea_id == idea.id,
        RegisterEntry.superseded_at.is_(None),
        RegisterEntry.status == "recognized",
    )
    if round_id is not None:
        stmt = stmt.where(RegisterEntry.round_id == round_id)
    entry = session.scalar(stmt.order_by(RegisterEntry.decided_at.desc(), RegisterEntry.id.desc()))
    if entry is None:
        raise Conflict(N_("Ý tưởng chưa được công nhận nên chưa có giấy chứng nhận."))
    rnd = session.get_one(Round, entry.round_id)
    settings = _settings(rnd)
    registrant = idea.registrant
    owner = _unit_name(session, idea.unit_id) or (registrant.full_name if registrant else "")
    return Certificate(
        settings=settings,
        idea=_recognised(session, entry, idea),
        owner=owner,
        round_name=rnd.name,
        decision_number=settings.number,
        decided_on=entry.decided_at.astimezone(LOCAL_TZ).date(),
    )


def certificate_file(
    session: Session, actor: Any, idea_id: int, fmt: str, round_id: int | None = None
) -> ExportFile:
    data = certificate(session, actor, idea_id, round_id)
    buf = io.BytesIO()
    write_certificate_docx(data, buf)
    return _file(buf.getvalue(), fmt, f"giay-chung-nhan-{data.idea.number.replace('/', '-')}")


def missing_settings(session: Session, actor: Any, round_id: int) -> list[str]:
    """The round's empty document settings (for the warning shown before an export)."""
    rnd = session.get(Round, round_id) if 0 < round_id < 2**63 else None
    if rnd is None or not can(actor, "round.view", rnd):
        return []
    return issuance.missing_settings(rnd)


# --- the register ---------------------------------------------------------------------------------

STATUS_TEXT = {"recognized": _l("Công nhận"), "revoked": _l("Thu hồi")}


def register_lines(
    session: Session,
    actor: Any,
    year: int | None,
    scope: str | None,
    history: bool = False,
    *,
    page: bool = False,
) -> list[RegisterLine]:
    """The register's lines; their labels in Vietnamese as documents print them, or for a
    ``page`` in the reader's language."""

    def label(table: Any, code: str) -> str:
        if page:
            return str(table.get(code, code))
        return in_documents(table, code)

    entries = register_service.register(session, actor, year=year, scope=scope, history=history)
    ideas = {
        i.id: i
        for i in session.scalars(
            sa.select(Idea).where(Idea.id.in_({e.idea_id for e in entries} or {0}))
        )
    }
    rounds = {
        r.id: r
        for r in session.scalars(
            sa.select(Round).where(Round.id.in_({e.round_id for e in entries} or {0}))
        )
    }
    lines = []
    for e in entries:
        idea = ideas[e.idea_id]
        lines.append(
            RegisterLine(
                number=register_service.number_text(e),
                version=e.version,
                status=label(STATUS_TEXT, e.status),
                code=idea.code or "",
                title=idea.title,
                authors=tuple(AuthorShare(a.name, a.share, a.unit or "") for a in idea.authors),
                unit=_unit_name(session, idea.unit_id),
                scope_label=label(LEVEL_LABELS, e.scope),
                level_name=e.level_name,
                round_name=rounds[e.round_id].name,
                decided_on=e.decided_at.astimezone(LOCAL_TZ).date(),
                note=_register_note(session, e),
            )
        )
    return lines


def register_file(session: Session, actor: Any, year: int | None, scope: str | None) -> ExportFile:
    lines = register_lines(session, actor, year, scope, history=True)
    subtitle = f"Năm {year}" if year else "Tất cả các năm"
    if scope:
        subtitle += f" — {in_documents(LEVEL_LABELS, scope)}"
    buf = io.BytesIO()
    write_register_xlsx("SỔ THEO DÕI CÔNG NHẬN SÁNG KIẾN", subtitle, lines, buf)
    buf.seek(0)
    return ExportFile(f"so-cong-nhan-{year or 'tat-ca'}.xlsx", XLSX, buf)
