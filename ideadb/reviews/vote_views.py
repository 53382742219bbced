"""Pages of the public vote, on the public catalogue: the open votes, a round's vote page
(works without JavaScript; every button is a POST form with its CSRF token), and the
secretary's open/close buttons."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ideadb.core.errors import Conflict
from ideadb.core.forms import shown
from ideadb.core.permissions import can
from ideadb.extensions import db, limiter
from ideadb.reviews import votes
from ideadb.reviews.forms import ActionForm

bp = Blueprint("votes", __name__)
MAX_ID = 2**31 - 1


@bp.before_request
def _ids_in_range() -> None:
    """<int:...> matches any run of digits; an id wider than the columns names nothing."""
    if any(isinstance(v, int) and v > MAX_ID for v in (request.view_args or {}).values()):
        abort(404)


def _vote_limit() -> str:
    return current_app.config.get("VOTE_RATE_LIMIT", "30 per minute")


def _voter_key() -> str:
    return "vote:" + str(getattr(current_user, "id", None) or request.remote_addr or "?")


@bp.get("/binh-chon")
def index():
    return render_template("reviews/votes_index.html", rounds=votes.open_rounds(db.session()))


@bp.get("/binh-chon/<int:round_id>")
def round_page(round_id: int):
    actor = current_user._get_current_object()
    data = votes.tally(db.session(), actor, round_id)
    rnd = data["round"]
    return render_template(
        "reviews/votes_round.html",
        round=rnd,
        items=data["items"],
        ideas=data["ideas"],
        is_open=votes.is_open(rnd),
        voted=votes.voted_ideas(db.session(), actor, rnd.id),
        can_manage=can(actor, "round.manage", rnd),
        action=ActionForm(),
    )


@bp.post("/binh-chon/<int:round_id>/y-tuong/<int:idea_id>")
@login_required
@limiter.limit(_vote_limit, key_func=_voter_key)
def vote(round_id: int, idea_id: int):
    if not ActionForm().validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn. Vui lòng thử lại."), "warning")
        return redirect(url_for("votes.round_page", round_id=round_id))
    try:
        n = votes.cast_vote(db.session(), current_user._get_current_object(), round_id, idea_id)
    except Conflict as exc:  # not open, or a second vote; a refused voter is answered 403
        flash(shown(exc.message), "warning")
    else:
        flash(_("Cảm ơn bạn đã bình chọn! Ý tưởng hiện có %(n)s lượt bình chọn.", n=n), "success")
    return redirect(url_for("votes.round_page", round_id=round_id) + f"#idea-{idea_id}")


@bp.post("/binh-chon/<int:round_id>/<any(mo, dong):what>")
@login_required
def open_or_close(round_id: int, what: str):
    if ActionForm().validate_on_submit():
        actor = current_user._get_current_object()
        try:
            if what == "mo":
                votes.open_vote(db.session(), actor, round_id)
                flash(_("Đã mở bình chọn công khai."), "success")
            else:
                votes.close_vote(db.session(), actor, round_id)
                flash(_("Đã kết thúc bình chọn công khai."), "success")
        except Conflict as exc:  # only the secretary gets here: others are refused (403)
            flash(shown(exc.message), "warning")
    return redirect(url_for("votes.round_page", round_id=round_id))
