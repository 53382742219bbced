"""The audit log page for administrators and auditors: filters, CSV export, chain check."""

from datetime import UTC, datetime

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_login import current_user, login_required

from ideadb.audit import service
from ideadb.core.errors import ValidationFailed
from ideadb.core.permissions import require
from ideadb.core.text import N_
from ideadb.core.web import paginate_select
from ideadb.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/quan-tri/nhat-ky")

FILTER_NAMES = ("action", "entity", "entity_id", "actor_id", "since", "until")


def _filters() -> tuple[service.Filters, dict[str, list[str]]]:
    try:
        return service.parse_filters(request.args), {}
    except ValidationFailed as exc:
        return service.Filters(), exc.fields


@bp.get("/")
@login_required
def index():
    require(current_user, "audit.view")
    filters, errors = _filters()
    stmt = service.list_events(db.session(), current_user, filters, newest_first=True)
    page = paginate_select(db.session(), stmt, per_page=50)
    verification = None
    if request.args.get("verify") == "1":
        verification = service.verify(db.session(), current_user)
    export_args = {k: request.args[k] for k in FILTER_NAMES if request.args.get(k) and not errors}
    return render_template(
        "audit/index.html",
        page=page,
        args=request.args,
        errors=errors,
        verification=verification,
        export_args=export_args,
    )


@bp.get("/xuat.csv")
@login_required
def export_csv():
    require(current_user, "audit.view")
    filters, errors = _filters()
    if errors:
        raise ValidationFailed(N_("Điều kiện lọc không hợp lệ."), errors)
    chunks = service.export_csv(db.session(), current_user, filters)
    name = f"nhat-ky-{datetime.now(UTC):%Y%m%d-%H%M%S}.csv"
    return Response(
        stream_with_context(chunk.encode("utf-8") for chunk in chunks),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.app_template_filter("audit_json")
def audit_json(value) -> str:
    """Before/after as readable JSON: Vietnamese letters as they are, not \\u escapes."""
    import json

    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
