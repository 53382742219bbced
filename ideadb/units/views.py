"""Unit administration pages: list, add, edit, retire (never delete)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ideadb.core.errors import ValidationFailed
from ideadb.core.forms import apply_errors, choices
from ideadb.core.permissions import require
from ideadb.core.web import paginate_select
from ideadb.extensions import db
from ideadb.units import service
from ideadb.units.forms import UnitForm
from ideadb.units.labels import KIND_LABELS
from ideadb.units.models import Unit

bp = Blueprint("units", __name__, url_prefix="/quan-tri/don-vi")


def _choices(blank: str):
    rows = db.session.scalars(service.list_units(db.session()))
    return choices(
        [(0, blank)] + [(u.id, f"{u.name} ({KIND_LABELS.get(u.kind, u.kind)})") for u in rows]
    )


def _form_data(form: UnitForm) -> dict:
    return {
        "name": form.name.data,
        "kind": form.kind.data,
        "code": (form.code.data or "").strip() or None,
        "parent_id": form.parent_id.data or None,
        "valid_from": form.valid_from.data,
        "valid_to": form.valid_to.data,
        "successor_id": form.successor_id.data or None,
    }


@bp.get("/")
@login_required
def index():
    require(current_user, "unit.list")
    stmt = service.list_units(
        db.session(), kind=request.args.get("kind") or None, query=request.args.get("q")
    )
    page = paginate_select(db.session(), stmt, per_page=50)
    return render_template("units/index.html", page=page, kind_labels=KIND_LABELS)


@bp.route("/moi", methods=["GET", "POST"])
@login_required
def create():
    require(current_user, "unit.manage")
    form = UnitForm()
    form.parent_id.choices = _choices(_("— Không —"))
    form.successor_id.choices = _choices(_("— Không —"))
    if form.validate_on_submit():
        try:
            service.create_unit(db.session(), current_user, _form_data(form))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Đã thêm đơn vị."), "success")
            return redirect(url_for("units.index"))
    return render_template("units/form.html", form=form, unit=None)


@bp.route("/<int:unit_id>", methods=["GET", "POST"])
@login_required
def edit(unit_id: int):
    require(current_user, "unit.manage")
    unit: Unit = service.get_unit(db.session(), unit_id)
    form = UnitForm(obj=unit if request.method == "GET" else None)
    form.parent_id.choices = _choices(_("— Không —"))
    form.successor_id.choices = _choices(_("— Không —"))
    if request.method == "GET":
        form.parent_id.data = unit.parent_id or 0
        form.successor_id.data = unit.successor_id or 0
    if form.validate_on_submit():
        try:
            service.update_unit(db.session(), current_user, unit.id, _form_data(form))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for("units.index"))
    return render_template("units/form.html", form=form, unit=unit)
