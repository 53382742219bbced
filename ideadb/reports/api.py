"""JSON API of reports: the yearly summary and the open data set."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, send_file

from ideadb.core.api import api_actor, doc
from ideadb.core.errors import ValidationFailed
from ideadb.core.text import N_
from ideadb.extensions import db
from ideadb.ideas import adoption
from ideadb.reports import service

bp = Blueprint("reports_api", __name__)
TAGS = ["reports"]


def _send(export: service.ExportFile):
    return send_file(
        export.content,
        mimetype=export.mimetype,
        as_attachment=True,
        download_name=export.filename,
        max_age=0,
    )


def _year() -> int:
    raw = request.args.get("year")
    if raw in (None, ""):
        return service.today().year
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(
            N_("Tham số báo cáo không hợp lệ."), {"year": ["Phải là số nguyên."]}
        ) from None


@bp.get("/reports/summary")
@doc(
    "Yearly summary per district, unit, member_org or area "
    "(?year=&group_by=&format=json|xlsx|csv|docx): rows and a total row",
    tags=TAGS,
)
def summary():
    fmt = request.args.get("format", "json")
    year, group_by = _year(), request.args.get("group_by", "district")
    if fmt == "json":
        return jsonify(service.summary(db.session(), api_actor(), year, group_by).as_dict())
    return _send(service.summary_file(db.session(), api_actor(), year, group_by, fmt))


@bp.get("/reports/adoption")
@doc(
    "Adoption of a year (?year=): interests by status and by area, applied count and total "
    "benefit in đồng (aggregates only)",
    auth=False,
    tags=TAGS,
)
def adoption_report():
    year = _year() if request.args.get("year") not in (None, "") else None
    return jsonify(adoption.adoption_report(db.session(), year).as_dict())


@bp.get("/open-data/ideas")
@doc(
    "Published recognised ideas as open data (?format=json|csv), with licence and fields",
    auth=False,
    tags=TAGS,
)
def open_data():
    fmt = request.args.get("format", "json")
    return _send(service.open_data_file(db.session(), fmt, request.url_root.rstrip("/")))


@bp.get("/rounds/<int:round_id>/export")
@doc(
    "The round's ranked list as a file (?format=xlsx|csv|docx, or sheets: a zip of one "
    "score-sheet document per reviewer); secretary and chair, from deliberation on",
    tags=TAGS,
)
def round_export(round_id: int):
    from ideadb.core.api import signed_in_actor

    actor = signed_in_actor()
    return _send(
        service.round_file(db.session(), actor, round_id, request.args.get("format", "xlsx"))
    )
