"""JSON API of background jobs: the list (admin, auditor), one job's progress, its file, retry."""

from __future__ import annotations

from flask import Blueprint, request, url_for
from marshmallow import Schema, fields

from ideadb.core.api import doc, signed_in_actor
from ideadb.extensions import db
from ideadb.jobs import service
from ideadb.jobs.views import send_job_file

bp = Blueprint("jobs_api", __name__)
TAGS = ["operations"]


class JobSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    status = fields.String(metadata={"description": "pending, running, done or failed"})
    attempts = fields.Integer()
    max_attempts = fields.Integer()
    progress = fields.Method("_progress")
    error = fields.String(attribute="last_error", allow_none=True)
    run_after = fields.DateTime()
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    download = fields.Method("_download", allow_none=True)

    def _progress(self, job: service.JobView) -> dict:
        return {"done": job.progress_done, "total": job.progress_total, "percent": job.percent}

    def _download(self, job: service.JobView) -> str | None:
        if job.status != "done" or not job.file_name:
            return None
        return url_for("api.jobs_api.job_file", job_id=job.id)


class JobListSchema(Schema):
    items = fields.List(fields.Nested(JobSchema))
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


@bp.get("/jobs")
@doc(
    "Background jobs, newest first (admin, auditor); ?status=pending|running|done|failed",
    response=JobListSchema,
    tags=TAGS,
    params={"status": {"type": "string", "enum": list(service.STATUSES)}},
)
def list_jobs():
    actor = signed_in_actor()
    items = service.list_jobs(db.session(), actor, request.args.get("status") or None)
    return JobListSchema().dump({"items": items, "counts": service.counts(db.session(), actor)})


@bp.get("/jobs/<int:job_id>")
@doc("One job and its progress (its creator, admin, auditor)", response=JobSchema, tags=TAGS)
def get_job(job_id: int):
    return JobSchema().dump(service.get_job(db.session(), signed_in_actor(), job_id))


@bp.get("/jobs/<int:job_id>/file")
@doc(
    "The file a finished job made (an export)",
    tags=TAGS,
    produces=["application/octet-stream"],
)
def job_file(job_id: int):
    found = service.job_file(db.session(), signed_in_actor(), job_id)
    return send_job_file(found)


@bp.post("/jobs/<int:job_id>/retry")
@doc("Put a failed job back in the queue (admin)", response=JobSchema, tags=TAGS)
def retry(job_id: int):
    return JobSchema().dump(service.retry(db.session(), signed_in_actor(), job_id))
