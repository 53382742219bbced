"""The upload page of the bulk import, the page of one import (progress, then result), and the
template downloads (on the ideas blueprint). The checking and the import run as a job."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ideadb.core.errors import ValidationFailed
from ideadb.core.forms import shown_all
from ideadb.extensions import db
from ideadb.ideas import bulk_submit, import_jobs, importer
from ideadb.ideas.forms import ActionForm, ImportForm

TEMPLATE_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/y-tuong/nhap-tu-tep", "import_page", import_page, methods=["GET", "POST"])
    bp.add_url_rule("/y-tuong/nhap-tu-tep/mau.<fmt>", "import_template", import_template)
    bp.add_url_rule("/y-tuong/nhap-tu-tep/<int:import_id>", "import_result", import_result)
    bp.add_url_rule(
        "/y-tuong/nhap-tu-tep/<int:import_id>/nhap",
        "import_checked",
        import_checked,
        methods=["POST"],
    )
    bp.add_url_rule(
        "/y-tuong/nop-hang-loat", "bulk_submit", bulk_submit_page, methods=["GET", "POST"]
    )


@login_required
def import_page():
    scope = importer.import_scope(db.session(), current_user)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        job_id = import_jobs.request_import(
            db.session(),
            current_user,
            upload.filename or "",
            upload.read(),
            dry_run=bool(form.dry_run.data),
            allow_duplicates=bool(form.allow_duplicates.data),
        )
        return redirect(url_for("ideas.import_result", import_id=job_id))
    return render_template("ideas/import.html", form=form, scope=scope)


@login_required
def import_result(import_id: int):
    status = import_jobs.import_status(db.session(), current_user, import_id)
    return render_template("ideas/import_result.html", status=status)


@login_required
def import_checked(import_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn. Vui lòng thử lại."), "warning")
        return redirect(url_for("ideas.import_result", import_id=import_id))
    job_id = import_jobs.import_checked(
        db.session(),
        current_user,
        import_id,
        allow_duplicates=request.form.get("allow_duplicates") == "1",
    )
    flash(_("Đã đưa tệp vào hàng đợi để nhập."), "info")
    return redirect(url_for("ideas.import_result", import_id=job_id))


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
            errors = shown_all([exc.message, *exc.fields.get("idea_ids", [])])
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
