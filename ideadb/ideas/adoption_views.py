"""Pages of adoption followed through: moving an interest on, following an idea
(on the ideas blueprint)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ideadb.core.errors import BadRequest, Conflict, ValidationFailed
from ideadb.core.forms import shown_all
from ideadb.extensions import db
from ideadb.ideas import adoption
from ideadb.ideas.forms import ActionForm, AdoptionUpdateForm


def register(bp: Blueprint) -> None:
    bp.add_url_rule(
        "/ap-dung/<int:interest_id>", "update_interest", update_interest, methods=["POST"]
    )
    bp.add_url_rule("/sang-kien/<int:idea_id>/theo-doi", "follow", follow, methods=["POST"])
    bp.add_url_rule("/sang-kien/<int:idea_id>/bo-theo-doi", "unfollow", unfollow, methods=["POST"])


@login_required
def update_interest(interest_id: int):
    interest = adoption.get_interest(db.session(), current_user, interest_id)
    idea_id = interest.idea_id
    form = AdoptionUpdateForm()
    form.status.choices = [(s, s) for s in adoption.STATUSES]
    back = redirect(url_for("ideas.detail", idea_id=idea_id, _anchor=f"interest-{interest_id}"))
    if not form.validate_on_submit():
        messages = [m for ms in form.errors.values() for m in ms]
        flash(_("Chưa lưu được: ") + " ".join(str(m) for m in messages), "danger")
        return back
    outcome = None
    if form.status.data == "applied":
        outcome = {
            "applied_at": form.applied_at.data,
            "benefit_vnd": form.benefit_vnd.data,
            "description": form.description.data,
        }
    try:
        adoption.update_interest(
            db.session(),
            current_user,
            interest_id,
            {"status": form.status.data, "note": form.note.data, "outcome": outcome},
        )
    except (ValidationFailed, Conflict) as exc:  # a refusal (NotAllowed) answers 403
        details = [m for ms in exc.fields.values() for m in ms]
        flash(_("Chưa lưu được: ") + " ".join(shown_all([exc.message, *details])), "danger")
        return back
    flash(_("Đã cập nhật đăng ký áp dụng."), "success")
    return back


@login_required
def follow(idea_id: int):
    if not ActionForm().validate_on_submit():
        raise BadRequest(_("Biểu mẫu không hợp lệ."))
    adoption.follow(db.session(), current_user, idea_id)
    flash(
        _("Bạn sẽ nhận thông báo khi sáng kiến được công nhận hoặc áp dụng ở nơi khác."), "success"
    )
    return redirect(url_for("ideas.public", idea_id=idea_id))


@login_required
def unfollow(idea_id: int):
    if not ActionForm().validate_on_submit():
        raise BadRequest(_("Biểu mẫu không hợp lệ."))
    adoption.unfollow(db.session(), current_user, idea_id)
    flash(_("Đã thôi theo dõi sáng kiến."), "info")
    return redirect(url_for("ideas.public", idea_id=idea_id))
