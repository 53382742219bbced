"""Jobs as their owners and the administrators see them: list, progress, file, retry.

The queue itself (rows, claiming, the worker) is :mod:`ideadb.core.jobs`; this module adds
who may see which job and the audited retry of a failed one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.audit.service import record
from ideadb.core import jobs
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.errors import Conflict, NotFound, ValidationFailed
from ideadb.core.jobs import Job, JobFile, JobStatus
from ideadb.core.permissions import Role, can, require, roles_rule
from ideadb.core.text import N_

roles_rule("job.list", Role.ADMIN, Role.AUDITOR)
roles_rule("job.retry", Role.ADMIN)

STATUSES = tuple(str(s) for s in JobStatus)
MAX_ID = 2**31 - 1  # ids are 32-bit integers: a larger one names no job


def find(session: Session, job_id: int) -> Job | None:
    """The job with this id; None for none (an overflowing id included)."""
    return session.get(Job, job_id) if 1 <= job_id <= MAX_ID else None


@dataclass(frozen=True)
class JobView:
    """What a page or the API shows of one job."""

    id: int
    kind: str
    status: str
    attempts: int
    max_attempts: int
    progress_done: int
    progress_total: int
    percent: int | None
    last_error: str | None
    run_after: datetime
    created_at: datetime
    finished_at: datetime | None
    created_by: int | None
    file_name: str | None
    result: dict[str, Any] | None


def _view(job: Job, file_name: str | None) -> JobView:
    percent = None
    if job.status == JobStatus.DONE:
        percent = 100
    elif job.progress_total:
        percent = min(99, int(100 * job.progress_done / job.progress_total))
    return JobView(
        id=job.id,
        kind=job.kind,
        status=job.status,
        attempts=job.attempts,
        max_attempts=job.max_attempts,
        progress_done=job.progress_done,
        progress_total=job.progress_total,
        percent=percent,
        last_error=job.last_error,
        run_after=job.run_after,
        created_at=job.created_at,
        finished_at=job.finished_at,
        created_by=job.created_by,
        file_name=file_name,
        result=job.result,
    )


def _file_names(session: Session, job_ids: list[int]) -> dict[int, str]:
    if not job_ids:
        return {}
    rows = session.execute(
        sa.select(JobFile.job_id, JobFile.filename).where(JobFile.job_id.in_(job_ids))
    ).all()
    return {int(job_id): name for job_id, name in rows}


def list_jobs(
    session: Session, actor: Any, status: str | None = None, limit: int = 200
) -> list[JobView]:
    """The newest jobs (of one status), for administrators and auditors."""
    require(actor, "job.list")
    if status and status not in STATUSES:
        raise ValidationFailed(
            N_("Trạng thái không hợp lệ."), {"status": ["Một trong: " + ", ".join(STATUSES) + "."]}
        )
    stmt = sa.select(Job).order_by(Job.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(Job.status == status)
    found = list(session.scalars(stmt))
    names = _file_names(session, [j.id for j in found])
    return [_view(j, names.get(j.id)) for j in found]


def counts(session: Session, actor: Any) -> dict[str, int]:
    require(actor, "job.list")
    return jobs.counts(session)


def _load(session: Session, actor: Any, job_id: int) -> Job:
    """A job its creator or an administrator may see (404 for anyone else: no leak)."""
    job = find(session, job_id)
    if job is None or not (
        can(actor, "job.list") or (job.created_by is not None and job.created_by == actor.id)
    ):
        raise NotFound(N_("Không tìm thấy công việc."))
    return job


def get_job(session: Session, actor: Any, job_id: int) -> JobView:
    job = _load(session, actor, job_id)
    return _view(job, _file_names(session, [job.id]).get(job.id))


def job_file(session: Session, actor: Any, job_id: int) -> JobFile:
    """The file a finished job made."""
    job = _load(session, actor, job_id)
    found = session.scalar(sa.select(JobFile).where(JobFile.job_id == job.id).limit(1))
    if found is None:
        raise NotFound(N_("Công việc này chưa có tệp để tải về."))
    return found


def retry(session: Session, actor: Any, job_id: int) -> JobView:
    """Put a failed job back in the queue now (audited)."""
    require(actor, "job.retry")
    with unit_of_work(session):
        job = find(session, job_id)
        if job is None:
            raise NotFound(N_("Không tìm thấy công việc."))
        if job.status != JobStatus.FAILED:
            raise Conflict(N_("Chỉ chạy lại được công việc bị lỗi."))
        before = {"status": job.status, "attempts": job.attempts, "error": job.last_error}
        job.status, job.attempts, job.run_after = JobStatus.PENDING, 0, utcnow()
        job.finished_at = None
        record(
            session, actor, "job.retry", "job", job.id, before=before, after={"status": "pending"}
        )
        jobs.schedule(session, job)
    return get_job(session, actor, job_id)
