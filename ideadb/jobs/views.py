"""Pages of background jobs: the administrators' list with retry, a job's progress page."""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ideadb.core.errors import ValidationFailed
from ideadb.core.permissions import can
from ideadb.extensions import db
from ideadb.jobs import service
from ideadb.jobs.labels import KIND_LABELS, STATUS_LABELS

bp = Blueprint("jobs", __name__)


@bp.get("/quan-tri/cong-viec")
@login_required
def index():
    status = request.args.get("status") or None
    try:
        items = service.list_jobs(db.session(), current_user, status)
    except ValidationFailed:
        status, items = None, service.list_jobs(db.session(), current_user)
    return render_template(
        "jobs/index.html",
        items=items,
        status=status,
        counts=service.counts(db.session(), current_user),
        statuses=service.STATUSES,
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        can_retry=can(current_user, "job.retry"),
    )


@bp.post("/quan-tri/cong-viec/<int:job_id>/chay-lai")
@login_required
def retry(job_id: int):
    service.retry(db.session(), current_user, job_id)
    flash(_("Đã đưa công việc #%(id)s vào hàng đợi lại.", id=job_id), "success")
    return redirect(url_for("jobs.index", status="failed"))


@bp.get("/cong-viec/<int:job_id>")
@login_required
def detail(job_id: int):
    job = service.get_job(db.session(), current_user, job_id)
    return render_template(
        "jobs/detail.html",
        job=job,
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        waiting=job.status in ("pending", "running"),
    )


@bp.get("/cong-viec/<int:job_id>/tai-ve")
@login_required
def download(job_id: int):
    return send_job_file(service.job_file(db.session(), current_user, job_id))


def send_job_file(found):
    """A job's file as a download (the page and the API hand it out alike)."""
    return send_file(
        io.BytesIO(found.content),
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.filename,
        max_age=0,
    )
