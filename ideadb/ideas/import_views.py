"""The upload page of the bulk import, and the template downloads (on the ideas blueprint)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ideadb.core.errors import ValidationFailed
from ideadb.extensions import db
from ideadb.ideas import bulk_submit, importer
from ideadb.ideas.forms import ActionForm, ImportForm

TEMPLATE_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/y-tuong/nhap-tu-tep", "import_page", import_page, methods=["GET", "POST"])
    bp.add_url_rule("/y-tuong/nhap-tu-tep/mau.<fmt>", "import_template", import_template)
    bp.add_url_rule(
        "/y-tuong/nop-hang-loat", "bulk_submit", bulk_submit_page, methods=["GET", "POST"]
    )


@login_required
def import_page():
    scope = importer.import_scope(db.session(), current_user)
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        result = importer.import_ideas(
            db.session(),
            current_user,
            upload.filename or "",
            upload.read(),
            dry_run=bool(form.dry_run.data),
            allow_duplicates=bool(form.allow_duplicates.data),
        )
        if result.ok and not result.dry_run:
            flash(
                _(
                    "Đã nhập %(n)s ý tưởng từ tệp (bản nháp, chờ nộp). Kiểm tra lại rồi nộp "
                    "nhiều hồ sơ một lần ở trang “Nộp hàng loạt”.",
                    n=result.created,
                ),
                "success",
            )
            return redirect(url_for("ideas.mine", status="draft"))
    status = 422 if result is not None and result.errors else 409 if result and result.held else 200
    return render_template("ideas/import.html", form=form, result=result, scope=scope), status


@login_required
def import_template(fmt: str):
    importer.import_scope(db.session(), current_user)
    if fmt == "xlsx":
        data = importer.template_xlsx(db.session())
    elif fmt == "csv":
        data = importer.template_csv()
    else:
        abort(404)
    return Response(
        data,
        mimetype=TEMPLATE_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{importer.TEMPLATE_NAME}.{fmt}"',
            "Cache-Control": "no-store",
        },
    )


def _chosen_ids() -> list[int]:
    ids = []
    for value in request.form.getlist("idea_ids"):
        if value.isdigit() and len(value) < 12:
            ids.append(int(value))
    return ids


@login_required
def bulk_submit_page():
    """Tick the drafts to submit (imported ones, typically) and submit them in one go."""
    form = ActionForm()
    errors: list[str] = []
    chosen: set[int] = set()
    status = 200
    if form.validate_on_submit():
        chosen = set(_chosen_ids())
        try:
            done = bulk_submit.submit_drafts(db.session(), current_user, chosen)
        except ValidationFailed as exc:
            errors = [exc.message, *exc.fields.get("idea_ids", [])]
            status = 422
        else:
            flash(_("Đã nộp %(n)s hồ sơ.", n=len(done)), "success")
            return redirect(url_for("ideas.bulk_submit"))
    elif request.method == "POST":
        errors = [_("Phiên làm việc đã hết hạn. Vui lòng thử lại.")]
        status = 400
    drafts = bulk_submit.submittable_drafts(db.session(), current_user)
    return render_template(
        "ideas/bulk_submit.html", form=form, drafts=drafts, errors=errors, chosen=chosen
    ), status
