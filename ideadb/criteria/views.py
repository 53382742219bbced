"""Pages of the council secretary for criteria sets: list, editor, preview, versions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ideadb.core.errors import Conflict, ValidationFailed
from ideadb.core.permissions import require
from ideadb.core.web import paginate_select
from ideadb.criteria import service
from ideadb.criteria.forms import (
    EMPTY_CRITERION,
    CriteriaSetForm,
    apply_action,
    body_of,
    form_data,
    place_errors,
    weight_total,
)
from ideadb.criteria.labels import STATUS_LABELS
from ideadb.extensions import db

bp = Blueprint("criteria", __name__, url_prefix="/bo-tieu-chi")


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"criteria_status_labels": {k.value: str(v) for k, v in STATUS_LABELS.items()}}


@bp.app_template_filter("points")
def points(value: Any) -> str:
    """Points, weights and scores as councils write them: 30, 7,5, 12,25."""
    if value is None:
        return ""
    return format_decimal(Decimal(str(value)), format="#,##0.##", locale=str(get_locale()))


@bp.get("/")
@login_required
def index():
    require(current_user, "criteria.browse")
    stmt = service.list_sets(db.session(), current_user, status=request.args.get("status") or None)
    page = paginate_select(db.session(), stmt, per_page=30)
    return render_template("criteria/index.html", page=page)


def _editor(form: CriteriaSetForm, save) -> tuple[Any, CriteriaSetForm, list]:
    """Handle one submit of the editor: a row action re-renders, "save" calls ``save``.

    Returns (what ``save`` returned or None, the form to show, the error summary).
    """
    if not form.validate_on_submit():
        return None, form, []
    body = body_of(form)
    action = request.form.get("action", "save")
    if action != "save":
        apply_action(body, action)
        return None, CriteriaSetForm(formdata=None, data=form_data(body)), []
    try:
        return save(body), form, []
    except ValidationFailed as exc:
        return None, form, place_errors(form, exc)


@bp.route("/moi", methods=["GET", "POST"])
@login_required
def create():
    require(current_user, "criteria.manage")
    form = CriteriaSetForm()
    if request.method == "GET":
        blank = {"name": "", "basis": "", "criteria": [dict(EMPTY_CRITERION, levels=[])]}
        form = CriteriaSetForm(formdata=None, data=form_data(blank))
    created, form, errors = _editor(
        form, lambda body: service.create_set(db.session(), current_user, body)
    )
    if created is not None:
        flash(_("Đã lưu bản nháp bộ tiêu chí."), "success")
        return redirect(url_for("criteria.show", set_id=created.id))
    return render_template(
        "criteria/edit.html",
        form=form,
        criteria_set=None,
        weight_total=weight_total(form),
        errors=errors,
    )


@bp.get("/<int:set_id>")
@login_required
def show(set_id: int):
    require(current_user, "criteria.browse")
    info = service.details(db.session(), current_user, set_id)
    return render_template("criteria/show.html", info=info, criteria_set=info.criteria_set)


@bp.route("/<int:set_id>/sua", methods=["GET", "POST"])
@login_required
def edit(set_id: int):
    require(current_user, "criteria.manage")
    info = service.details(db.session(), current_user, set_id)
    if not info.editable:
        flash(_("Phiên bản này không sửa được nữa; hãy tạo phiên bản mới để thay đổi."), "warning")
        return redirect(url_for("criteria.show", set_id=set_id))
    form = CriteriaSetForm()
    if request.method == "GET":
        form = CriteriaSetForm(formdata=None, data=form_data(service.snapshot(info.criteria_set)))
    saved, form, errors = _editor(
        form, lambda body: service.update_draft(db.session(), current_user, set_id, body)
    )
    if saved is not None:
        flash(_("Đã lưu bản nháp bộ tiêu chí."), "success")
        return redirect(url_for("criteria.show", set_id=set_id))
    return render_template(
        "criteria/edit.html",
        form=form,
        criteria_set=info.criteria_set,
        weight_total=weight_total(form),
        errors=errors,
    )


@bp.get("/<int:set_id>/phieu-cham")
@login_required
def preview(set_id: int):
    values = {k.removeprefix("diem-"): v for k, v in request.args.items() if k.startswith("diem-")}
    sheet = service.preview_sheet(db.session(), current_user, set_id, values)
    return render_template(
        "criteria/preview.html", sheet=sheet, criteria_set=sheet.details.criteria_set
    )


def _transition(set_id: int, change, done: str):
    try:
        result = change(db.session(), current_user, set_id)
    except (Conflict, ValidationFailed) as exc:
        flash(exc.message, "danger")
        return redirect(url_for("criteria.show", set_id=set_id))
    flash(done, "success")
    return result


@bp.post("/<int:set_id>/kich-hoat")
@login_required
def activate(set_id: int):
    require(current_user, "criteria.manage")
    _transition(set_id, service.activate, _("Bộ tiêu chí đã được đưa vào áp dụng."))
    return redirect(url_for("criteria.show", set_id=set_id))


@bp.post("/<int:set_id>/phien-ban-moi")
@login_required
def revise(set_id: int):
    require(current_user, "criteria.manage")
    result = _transition(
        set_id, service.revise, _("Đã tạo bản nháp phiên bản mới; hãy sửa rồi đưa vào áp dụng.")
    )
    if not hasattr(result, "id"):
        return result
    return redirect(url_for("criteria.edit", set_id=result.id))


@bp.post("/<int:set_id>/ngung")
@login_required
def retire(set_id: int):
    require(current_user, "criteria.manage")
    _transition(set_id, service.retire, _("Bộ tiêu chí đã ngừng áp dụng."))
    return redirect(url_for("criteria.show", set_id=set_id))
