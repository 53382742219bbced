"""The upload page of the bulk import, and the template downloads (on the ideas blueprint)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ideadb.extensions import db
from ideadb.ideas import importer
from ideadb.ideas.forms import ImportForm

TEMPLATE_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/y-tuong/nhap-tu-tep", "import_page", import_page, methods=["GET", "POST"])
    bp.add_url_rule("/y-tuong/nhap-tu-tep/mau.<fmt>", "import_template", import_template)


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
                _("Đã nhập %(n)s ý tưởng từ tệp (bản nháp, chờ nộp).", n=result.created),
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
