"""JSON API of the documents issued after a decision (API.md: After the decision): the
recognition decision, the certificate, and the register."""

from __future__ import annotations

from flask import Blueprint, request, send_file

from ideadb.core.api import doc, signed_in_actor
from ideadb.core.errors import ValidationFailed
from ideadb.core.text import N_
from ideadb.extensions import db
from ideadb.reports import decisions
from ideadb.reports.service import ExportFile

bp = Blueprint("decisions_api", __name__)
TAGS = ["after the decision"]


def _send(export: ExportFile):
    return send_file(
        export.content,
        mimetype=export.mimetype,
        as_attachment=True,
        download_name=export.filename,
        max_age=0,
    )


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValidationFailed(
            N_("Tham số không hợp lệ."), {name: ["Phải là số nguyên."]}
        ) from None
    if not 0 < value < 2**63:
        raise ValidationFailed(N_("Tham số không hợp lệ."), {name: ["Ngoài phạm vi."]})
    return value


@bp.get("/rounds/<int:round_id>/decision")
@doc(
    "The recognition decision with its annex (?format=docx|pdf); secretary, chair, admin, "
    "auditor, once finalized",
    produces=[
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/pdf",
    ],
    tags=TAGS,
)
def decision(round_id: int):
    actor = signed_in_actor()
    fmt = request.args.get("format", "docx")
    return _send(decisions.decision_file(db.session(), actor, round_id, fmt))


@bp.get("/ideas/<int:idea_id>/certificate")
@doc(
    "The certificate of a recognised idea (?format=docx|pdf, optional round_id); owner, "
    "co-authors, staff",
    produces=[
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/pdf",
    ],
    tags=TAGS,
)
def certificate(idea_id: int):
    actor = signed_in_actor()
    fmt = request.args.get("format", "docx")
    round_id = _int_arg("round_id")
    return _send(decisions.certificate_file(db.session(), actor, idea_id, fmt, round_id))


@bp.get("/recognition-register")
@doc(
    "The province's recognition register (?year=&scope=&history=1&format=json|xlsx); staff",
    tags=TAGS,
)
def register():
    actor = signed_in_actor()
    year, scope = _int_arg("year"), request.args.get("scope") or None
    if request.args.get("format", "json") == "xlsx":
        return _send(decisions.register_file(db.session(), actor, year, scope))
    history = request.args.get("history") in ("1", "true")
    lines = decisions.register_lines(db.session(), actor, year, scope, history)
    items = [
        {
            "number": line.number,
            "version": line.version,
            "status": line.status,
            "code": line.code,
            "title": line.title,
            "scope": line.scope_label,
            "level_name": line.level_name,
            "round": line.round_name,
            "decided_on": line.decided_on.isoformat() if line.decided_on else None,
            "note": line.note,
        }
        for line in lines
    ]
    return {"items": items, "total": len(items), "page": 1, "per_page": max(len(items), 1)}
