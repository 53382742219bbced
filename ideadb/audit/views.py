"""The audit log page for administrators."""

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ideadb.audit import service
from ideadb.core.fmt import parse_date
from ideadb.core.web import paginate_select
from ideadb.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/quan-tri/nhat-ky")


def _date_arg(name: str):
    try:
        return parse_date(request.args[name]) if request.args.get(name) else None
    except ValueError:
        return None


@bp.get("/")
@login_required
def index():
    stmt = service.list_events(
        db.session,
        current_user,
        action=request.args.get("action") or None,
        object_type=request.args.get("object_type") or None,
        object_id=request.args.get("object_id") or None,
        actor_id=request.args.get("actor_id", type=int),
        since=_date_arg("since"),
        until=_date_arg("until"),
    )
    page = paginate_select(db.session, stmt, per_page=50)
    return render_template("audit/index.html", page=page, args=request.args)
