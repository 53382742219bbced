"""Pages of the council secretary for criteria sets: list, editor, preview, versions."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ideadb.core.errors import Conflict, ValidationFailed
from ideadb.core.forms import shown, shown_all
from ideadb.core.permissions import require
from ideadb.core.web import paginate_select
from ideadb.criteria import alignment, guidelines, service
from ideadb.criteria.forms import (
    EMPTY_CRITERION,
    MAX_FILE_BYTES,
    CriteriaSetForm,
    ImportForm,
    IssueTemplateForm,
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
    report = guidelines.alignment_of(db.session(), info.criteria_set)
    return render_template(
        "criteria/show.html", info=info, criteria_set=info.criteria_set, report=report
    )


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
        flash(shown(exc.message), "danger")
        return redirect(url_for("criteria.show", set_id=set_id))
    flash(done, "success")
    return result


@bp.post("/<int:set_id>/kich-hoat")
@login_required
def activate(set_id: int):
    require(current_user, "criteria.manage")
    justification = request.form.get("justification", "")
    _transition(
        set_id,
        lambda session, actor, sid: guidelines.activate(session, actor, sid, justification),
        _("Bộ tiêu chí đã được đưa vào áp dụng."),
    )
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


# -- central templates and alignment ---------------------------------------------------------
@bp.app_template_global("criteria_alignment")
def criteria_alignment(criteria_set: Any) -> guidelines.Alignment | None:
    """Where a set stands against its template (for the badge on a round's page)."""
    if criteria_set is None:
        return None
    return guidelines.alignment_of(db.session(), criteria_set)


@bp.app_template_filter("departure")
def departure(difference: alignment.Difference) -> str:
    """One departure from the template in the reader's language."""
    return shown(guidelines.describe(difference))


@bp.get("/huong-dan")
@login_required
def templates():
    held = guidelines.templates_held(db.session(), current_user)
    return render_template("criteria/templates.html", held=held)


@bp.get("/<int:set_id>/xuat")
@login_required
def export(set_id: int):
    require(current_user, "criteria.browse")
    criteria_set = service.view_set(db.session(), current_user, set_id)
    text = json.dumps(guidelines.export_body(criteria_set), ensure_ascii=False, indent=2)
    name = guidelines.export_filename(criteria_set)
    return Response(
        text,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/<int:set_id>/tao-tu-huong-dan")
@login_required
def derive(set_id: int):
    require(current_user, "criteria.manage")
    result = _transition(
        set_id,
        guidelines.derive,
        _("Đã tạo bản nháp theo hướng dẫn; hãy điều chỉnh rồi đưa vào áp dụng."),
    )
    if not hasattr(result, "id"):
        return result
    return redirect(url_for("criteria.show", set_id=result.id))


def _issue_rows(criteria_set: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The criteria and levels of the issue form, with the values typed or the defaults."""
    defaults = alignment.default_constraints(guidelines.content(criteria_set))
    posted = request.method == "POST"
    criteria = []
    for c in criteria_set.criteria:
        rng = defaults["weights"][c.code]
        criteria.append(
            {
                "code": c.code,
                "name": c.name,
                "weight": c.weight,
                "required": bool(request.form.get(f"req-{c.code}")) if posted else True,
                "min": request.form.get(f"wmin-{c.code}", "") if posted else points(rng["min"]),
                "max": request.form.get(f"wmax-{c.code}", "") if posted else points(rng["max"]),
            }
        )
    levels = []
    for lv in criteria_set.recognition_levels:
        rng = defaults["min_score"][lv.code]
        levels.append(
            {
                "code": lv.code,
                "name": lv.name,
                "min_score": lv.min_score,
                "min": request.form.get(f"smin-{lv.code}", "") if posted else points(rng["min"]),
                "max": request.form.get(f"smax-{lv.code}", "") if posted else points(rng["max"]),
            }
        )
    return criteria, levels


def _typed(value: Any) -> Any:
    text = str(value).strip().replace(",", ".")
    return text or None


@bp.route("/<int:set_id>/ban-hanh", methods=["GET", "POST"])
@login_required
def issue(set_id: int):
    require(current_user, "criteria.manage")
    criteria_set = service.view_set(db.session(), current_user, set_id)
    form = IssueTemplateForm()
    if request.method == "GET":
        form.code.data = f"HD-{criteria_set.id}"
    criteria, levels = _issue_rows(criteria_set)
    problems: dict[str, list[str]] = {}
    if form.validate_on_submit():
        constraints = {
            "required": [c["code"] for c in criteria if c["required"]],
            "weights": {
                c["code"]: {"min": _typed(c["min"]), "max": _typed(c["max"])} for c in criteria
            },
            "min_score": {
                lv["code"]: {"min": _typed(lv["min"]), "max": _typed(lv["max"])} for lv in levels
            },
        }
        try:
            guidelines.issue_template(
                db.session(),
                current_user,
                set_id,
                issuer=form.issuer.data or "",
                code=(form.code.data or "").strip(),
                version=form.version.data or 0,
                constraints=constraints,
            )
        except (Conflict, ValidationFailed) as exc:
            flash(shown(exc.message), "danger")
            problems = {k: shown_all(v) for k, v in exc.fields.items()}
        else:
            flash(_("Đã ban hành hướng dẫn; hãy tải tệp về để gửi cho cấp dưới."), "success")
            return redirect(url_for("criteria.show", set_id=set_id))
    return render_template(
        "criteria/issue.html",
        form=form,
        criteria_set=criteria_set,
        criteria=criteria,
        levels=levels,
        problems=problems,
    )


@bp.route("/nhap", methods=["GET", "POST"])
@login_required
def import_file():
    require(current_user, "criteria.manage")
    form = ImportForm()
    problems: dict[str, list[str]] = {}
    if form.validate_on_submit():
        try:
            raw = form.file.data.read(MAX_FILE_BYTES + 1)
        finally:
            form.file.data.close()  # a large upload is spooled to a temporary file
        data: Any = None
        if len(raw) > MAX_FILE_BYTES:
            form.file.errors.append(_("Tệp lớn quá 1 MB."))
        else:
            try:
                data = json.loads(raw.decode("utf-8-sig"))
            except (UnicodeDecodeError, ValueError):
                form.file.errors.append(_("Tệp không phải JSON hợp lệ (UTF-8)."))
        if not form.file.errors:
            try:
                created = guidelines.import_set(db.session(), current_user, data)
            except (Conflict, ValidationFailed) as exc:
                form.file.errors.append(shown(exc.message))
                problems = {k: shown_all(v) for k, v in exc.fields.items()}
            else:
                flash(_("Đã nhập bộ tiêu chí thành bản nháp."), "success")
                return redirect(url_for("criteria.show", set_id=created.id))
    return render_template("criteria/import.html", form=form, problems=problems)
