"""The upload page of the bulk import, the page of one import (progress, then result), and the
template downloads (on the ideas blueprint). The checking and the import run as a job."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ideadb.extensions import db
from ideadb.ideas import import_jobs, importer
from ideadb.ideas.forms import ImportForm

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
        )
        return redirect(url_for("ideas.import_result", import_id=job_id))
    return render_template("ideas/import.html", form=form, scope=scope)


@login_required
def import_result(import_id: int):
    status = import_jobs.import_status(db.session(), current_user, import_id)
    return render_template("ideas/import_result.html", status=status)


@login_required
def import_checked(import_id: int):
    job_id = import_jobs.import_checked(db.session(), current_user, import_id)
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
