"""Pages after the decision: the owner's appeal, the round's appeals and their answers, and
the round's document settings (editable after finalize)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ideadb.core.errors import Conflict, ValidationFailed
from ideadb.core.forms import choices, shown_all
from ideadb.extensions import db
from ideadb.reviews import access, appeals, forms, issuance
from ideadb.reviews.rounds import DOCUMENT_KEYS

bp = Blueprint("appeals", __name__)

APPEAL_LABELS = {
    "open": _l("Đang chờ giải quyết"),
    "upheld": _l("Được chấp nhận"),
    "rejected": _l("Không được chấp nhận"),
}
DOCUMENT_LABELS = {
    "governing_body": _l("cơ quan chủ quản"),
    "issuing_body": _l("cơ quan ban hành"),
    "number": _l("số văn bản"),
    "place": _l("địa danh"),
    "signer_name": _l("họ tên người ký"),
}


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"appeal_labels": APPEAL_LABELS, "document_missing": issuance.missing_settings}


@bp.app_template_filter("document_label")
def _document_label(key: str) -> str:
    return str(DOCUMENT_LABELS.get(key, key))


def _refused(exc: Conflict | ValidationFailed) -> None:
    messages = shown_all([exc.message] + [m for ms in exc.fields.values() for m in ms])
    flash(" ".join(dict.fromkeys(messages)), "danger")


@bp.post("/ket-qua-xet-chon/<int:idea_id>/khieu-nai")
@login_required
def file_appeal(idea_id: int):
    appeals.require_may_file(db.session(), current_user, idea_id)
    form = forms.AppealForm()
    if not form.validate_on_submit():
        flash(_("Vui lòng nêu lý do khiếu nại."), "danger")
        return redirect(url_for("reviews.idea_results", idea_id=idea_id))
    try:
        appeals.file_appeal(db.session(), current_user, idea_id, form.reason.data or "")
    except (Conflict, ValidationFailed) as exc:
        _refused(exc)
    else:
        flash(_("Đã gửi khiếu nại; thư ký hội đồng sẽ trả lời bằng văn bản."), "success")
    return redirect(url_for("reviews.idea_results", idea_id=idea_id))


@bp.get("/dot-xet-chon/<int:round_id>/khieu-nai")
@login_required
def round_appeals(round_id: int):
    data = appeals.appeals_page(db.session(), current_user, round_id)
    resolve_forms = {}
    for appeal in data["appeals"]:
        f = forms.ResolveAppealForm(prefix=f"a{appeal.id}")
        f.decision.choices = choices([("", _("Không công nhận")), *data["levels"]])
        f.decision.data = appeal.previous_level or ""
        resolve_forms[appeal.id] = f
    return render_template(
        "reviews/appeals.html",
        resolve_forms=resolve_forms,
        allowed=lambda action: access.allowed_for(current_user, data["round"], action),
        **data,
    )


@bp.post("/khieu-nai/<int:appeal_id>/giai-quyet")
@login_required
def resolve_appeal(appeal_id: int):
    appeal = appeals.get_appeal(db.session(), appeal_id)
    access.require_on_round(db.session(), current_user, appeal.round_id, "round.manage")
    form = forms.ResolveAppealForm(prefix=f"a{appeal_id}")
    back = redirect(url_for("appeals.round_appeals", round_id=appeal.round_id))
    if not form.validate_on_submit():
        flash(_("Vui lòng chọn kết quả và ghi nội dung trả lời khiếu nại."), "danger")
        return back
    try:
        appeals.resolve(
            db.session(),
            current_user,
            appeal_id,
            form.outcome.data,
            form.decision.data or None,
            form.note.data or "",
        )
    except (Conflict, ValidationFailed) as exc:
        _refused(exc)
    else:
        flash(_("Đã giải quyết khiếu nại; người khiếu nại đã được thông báo."), "success")
    return back


@bp.route("/dot-xet-chon/<int:round_id>/van-ban", methods=["GET", "POST"])
@login_required
def document_settings(round_id: int):
    rnd = access.require_on_round(db.session(), current_user, round_id, "round.manage")
    form = forms.DocumentSettingsForm()
    if form.validate_on_submit():
        data = {key: getattr(form, key).data or "" for key in DOCUMENT_KEYS if key in form}
        try:
            issuance.update_document(db.session(), current_user, round_id, data)
        except ValidationFailed as exc:
            _refused(exc)
        else:
            flash(_("Đã lưu thông tin văn bản."), "success")
            return redirect(url_for("appeals.document_settings", round_id=round_id))
    elif not form.is_submitted():
        for key, value in (rnd.document or {}).items():
            if key in form:
                getattr(form, key).data = value
    return render_template(
        "reviews/document_settings.html",
        round=rnd,
        form=form,
        missing=issuance.missing_settings(rnd),
    )
