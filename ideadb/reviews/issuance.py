"""The texts of a round's official documents after finalize: presentation only, so they stay
editable (audited) once the results are published, and exports warn when they are empty."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ideadb.audit.service import record
from ideadb.core.db import unit_of_work
from ideadb.core.errors import ValidationFailed
from ideadb.core.permissions import require as require_rule
from ideadb.core.text import N_
from ideadb.reviews.access import load_round, nfc
from ideadb.reviews.models import Round
from ideadb.reviews.rounds import DOCUMENT_KEYS
from scoring.messages import Message

# The settings an official document cannot do without (NĐ 30/2020: header, number, signature).
REQUIRED_KEYS = ("issuing_body", "number", "place", "signer_name")
MAX_LENGTH = 2000


def missing_settings(rnd: Round) -> list[str]:
    """The required document settings of the round that are empty."""
    doc = rnd.document or {}
    return [key for key in REQUIRED_KEYS if not str(doc.get(key) or "").strip()]


def update_document(session: Session, actor: Any, round_id: int, data: Any) -> Round:
    """Change the document texts of a round in any phase (secretary), audited."""
    rnd = load_round(session, round_id, lock=True)
    require_rule(actor, "round.manage", rnd)
    if not isinstance(data, dict):
        raise ValidationFailed(
            N_("Thông tin văn bản phải là một đối tượng."), {"document": [N_("Sai kiểu dữ liệu.")]}
        )
    errors: dict[str, list[str]] = {}
    values = dict(rnd.document or {})
    for key, value in data.items():
        if key not in DOCUMENT_KEYS:
            errors[key] = [N_("Không phải thông tin văn bản.")]
            continue
        text = nfc(value) if isinstance(value, str) else ("" if value is None else None)
        if text is None:
            errors[key] = [N_("Phải là chuỗi ký tự.")]
        elif len(text) > MAX_LENGTH:
            errors[key] = [Message(N_("Tối đa %(n)s ký tự."), n=str(MAX_LENGTH))]
        elif text:
            values[key] = text
        else:
            values.pop(key, None)
    if errors:
        raise ValidationFailed(N_("Thông tin văn bản chưa hợp lệ."), errors)
    with unit_of_work(session):
        before = dict(rnd.document or {})
        rnd.document = values
        if before != values:
            record(
                session,
                actor,
                "round.document",
                "round",
                rnd.id,
                {"document": before},
                {"document": values},
            )
    return rnd
