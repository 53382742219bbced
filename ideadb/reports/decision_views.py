"""Pages and downloads of the documents issued after a decision: the register (staff), the
decision of a round (staff) and the certificate (owner, co-authors, staff)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ideadb.core.errors import ValidationFailed
from ideadb.core.forms import shown
from ideadb.extensions import db
from ideadb.reports import decisions
from ideadb.reports.service import ExportFile
from ideadb.reviews import register as register_service
from ideadb.reviews.labels import LEVEL_CHOICES

bp = Blueprint("decisions", __name__)


@bp.app_context_processor
def _pdf() -> dict[str, Any]:
    return {"pdf_missing_reason": decisions.pdf_missing_reason}


def _send(export: ExportFile):
    return send_file(
        export.content,
        mimetype=export.mimetype,
        as_attachment=True,
        download_name=export.filename,
        max_age=0,
    )


def _filters() -> tuple[int | None, str | None]:
    raw = request.args.get("year") or ""
    try:
        year = int(raw) if raw else None
    except ValueError:
        year = -1
    if year is not None and not 1900 <= year <= 2200:
        raise ValidationFailed(_("Năm không hợp lệ."), {"year": [_("Năm không hợp lệ.")]})
    return year, request.args.get("scope") or None


@bp.get("/so-cong-nhan")
@login_required
def register_page():
    year, scope = _filters()
    lines = decisions.register_lines(
        db.session(), current_user, year, scope, history=True, page=True
    )
    return render_template(
        "reports/register.html",
        lines=lines,
        year=year,
        scope=scope,
        years=register_service.register_years(db.session()),
        scopes=LEVEL_CHOICES,
    )


@bp.get("/so-cong-nhan.xlsx")
@login_required
def register_xlsx():
    year, scope = _filters()
    return _send(decisions.register_file(db.session(), current_user, year, scope))


def _document(make, back: str):
    """A download; a PDF that cannot be made sends the reader back with the reason."""
    try:
        return _send(make())
    except decisions.PdfUnavailable as exc:
        flash(shown(exc.message), "warning")
        return redirect(back)


@bp.get("/dot-xet-chon/<int:round_id>/quyet-dinh-cong-nhan.<fmt>")
@login_required
def decision(round_id: int, fmt: str):
    return _document(
        lambda: decisions.decision_file(db.session(), current_user, round_id, fmt),
        url_for("reviews.ranking", round_id=round_id),
    )


@bp.get("/ket-qua-xet-chon/<int:idea_id>/giay-chung-nhan.<fmt>")
@login_required
def certificate(idea_id: int, fmt: str):
    raw = request.args.get("round_id") or ""
    round_id = int(raw) if raw.isdigit() and 0 < int(raw) < 2**63 else None
    return _document(
        lambda: decisions.certificate_file(db.session(), current_user, idea_id, fmt, round_id),
        url_for("reviews.idea_results", idea_id=idea_id),
    )
