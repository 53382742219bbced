"""The bulk import from the web as a background job.

The request keeps the uploaded file in the instance's upload folder (``UPLOAD_DIR/imports``,
never under static) and records a job in its own transaction; the worker checks the rows (a
dry run) or imports them — all rows in one transaction with its audit event, or nothing — and
the job's page shows how many rows are done, then the result: ideas created, or every row
error. A file that passed a dry run can be imported from its result without uploading it again.

Work and result commit together (``JobContext.finish``): a worker that dies after the import
committed leaves a finished job, never one that imports the same rows a second time.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from ideadb.accounts.models import User
from ideadb.core import jobs
from ideadb.core.db import after_commit, after_rollback, app_engine, unit_of_work
from ideadb.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from ideadb.core.jobs import Job, JobStatus
from ideadb.core.permissions import require
from ideadb.core.text import N_
from ideadb.ideas import importer
from ideadb.ideas.import_columns import FILE_COLUMN, FILE_FIELD
from ideadb.ideas.import_rows import RowError
from ideadb.jobs import service as jobs_service
from scoring.messages import Message

KIND = "idea.import"
PROGRESS_EVERY = 0.5  # seconds between two progress writes
EXTENSIONS = (".xlsx", ".csv")
KEEP_CHECKED_DAYS = 7  # a checked file not imported is removed after this long


def imports_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "imports"


def _stored_path(name: str) -> Path:
    # Names are made here (a token and an extension); refuse anything else from a payload.
    if "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"bad stored import name {name!r}")
    return imports_dir() / name


def _remove(name: str) -> None:
    _stored_path(name).unlink(missing_ok=True)


def _store(session: Session, filename: str, data: bytes) -> str:
    """Keep the upload under the instance folder; it goes away if the request rolls back."""
    suffix = Path(filename).suffix.lower()
    name = secrets.token_hex(16) + (suffix if suffix in EXTENSIONS else ".bin")
    folder = imports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    _stored_path(name).write_bytes(data)
    after_rollback(session, lambda: _remove(name))
    return name


def request_import(
    session: Session,
    actor: Any,
    filename: str,
    data: bytes,
    *,
    dry_run: bool,
    allow_duplicates: bool = False,
) -> int:
    """Keep the file and record a job that checks (``dry_run``) or imports it; its id.
    Rows repeating an idea already registered hold the import unless ``allow_duplicates``."""
    require(actor, "idea.import")
    if not data:
        raise ValidationFailed(N_("Tệp rỗng."), {"file": ["Tệp rỗng."]})
    with unit_of_work(session):
        stored = _store(session, filename, data)
        payload = {
            "file": stored,
            "filename": filename,
            "sha256": hashlib.sha256(data).hexdigest(),
            "dry_run": dry_run,
            "allow_duplicates": allow_duplicates,
        }
        job = jobs.enqueue(session, KIND, payload, created_by=actor.id)
        session.flush()
        return job.id


def _own_import(session: Session, actor: Any, job_id: int) -> Job:
    job = jobs_service.find(session, job_id)
    if job is None or job.kind != KIND or job.created_by != getattr(actor, "id", None):
        raise NotFound(N_("Không tìm thấy lượt nhập này."))
    return job


def import_checked(
    session: Session, actor: Any, job_id: int, *, allow_duplicates: bool = False
) -> int:
    """Import the file that a dry run found without errors; the new job's id. Rows that
    repeat existing ideas are imported only with ``allow_duplicates`` (the officer confirmed)."""
    require(actor, "idea.import")
    with unit_of_work(session):
        checked = _own_import(session, actor, job_id)
        payload = dict(checked.payload or {})
        result = dict(checked.result or {})
        checked_ok = bool(payload.get("dry_run")) and bool(result.get("created"))
        held = not payload.get("dry_run") and bool(result.get("held"))
        if checked.status != JobStatus.DONE or result.get("errors") or not (checked_ok or held):
            raise Conflict(N_("Chỉ nhập được tệp đã kiểm tra xong và không có lỗi."))
        if result.get("imported_by"):
            raise Conflict(
                Message(
                    N_("Tệp này đã được đưa vào nhập (lượt #%(job)s)."), job=result["imported_by"]
                )
            )
        if not _stored_path(payload["file"]).exists():
            raise Conflict(N_("Tệp đã kiểm tra không còn trên máy chủ; vui lòng tải lên lại."))
        job = jobs.enqueue(
            session,
            KIND,
            {
                **payload,
                "dry_run": False,
                "checked_by": checked.id,
                "allow_duplicates": allow_duplicates or bool(payload.get("allow_duplicates")),
            },
            created_by=actor.id,
        )
        session.flush()
        checked.result = {**result, "imported_by": job.id}
        return job.id


@dataclass(frozen=True)
class ImportStatus:
    """What the page of one import shows."""

    job: jobs_service.JobView
    filename: str
    dry_run: bool
    created: int
    errors: list[RowError]
    imported_by: int | None
    warnings: list[RowError]
    held: bool

    @property
    def waiting(self) -> bool:
        return self.job.status in (JobStatus.PENDING, JobStatus.RUNNING)

    @property
    def ok(self) -> bool:
        return self.job.status == JobStatus.DONE and not self.errors


def import_status(session: Session, actor: Any, job_id: int) -> ImportStatus:
    """One import as the person who asked for it sees it (404 for anyone else)."""
    _own_import(session, actor, job_id)
    view = jobs_service.get_job(session, actor, job_id)
    job = session.get(Job, job_id)
    assert job is not None
    payload, result = dict(job.payload or {}), dict(view.result or {})
    return ImportStatus(
        job=view,
        filename=str(payload.get("filename") or ""),
        dry_run=bool(payload.get("dry_run")),
        created=int(result.get("created") or 0),
        errors=[RowError.from_stored(e) for e in result.get("errors") or []],
        imported_by=result.get("imported_by"),
        warnings=[RowError.from_stored(w) for w in result.get("warnings") or []],
        held=bool(result.get("held")),
    )


# --- the worker's side ---------------------------------------------------------------------


def _progress(context: jobs.JobContext) -> Any:
    """Rows checked so far; the short write that follows keeps the bar at its end."""
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == importer.STAGE_CHECK and (done >= total or now - last[0] >= PROGRESS_EVERY):
            last[0] = now
            context.progress(done, total)

    return progress


def run_import(context: jobs.JobContext) -> dict[str, Any]:
    """Check or import the stored file as the person who asked; result and work commit
    together. Row errors are the job's result (done), not a failure to retry."""
    p = context.payload
    session = context.session
    path = _stored_path(p["file"])
    if not path.exists():
        # Another host without the shared upload folder, or a file removed by hand.
        raise FileNotFoundError(f"tệp tải lên không còn: {path}")
    data = path.read_bytes()
    actor = session.get(User, context.created_by) if context.created_by else None
    context.progress(0, 0)
    with unit_of_work(session):
        try:
            if actor is None or not actor.active:
                raise NotFound(N_("Người yêu cầu không còn hoạt động."))
            result = importer.import_ideas(
                session,
                actor,
                p.get("filename") or path.name,
                data,
                dry_run=bool(p.get("dry_run")),
                allow_duplicates=bool(p.get("allow_duplicates")),
                progress=_progress(context),
                audit_extra={"job_id": context.job_id},
            )
            body: dict[str, Any] = {
                "created": result.created,
                "errors": [e.stored() for e in result.errors],
                "idea_ids": result.idea_ids,
                "warnings": [w.stored() for w in result.warnings],
                "held": result.held,
            }
        except DomainError as exc:
            # Permission or account problems: retrying would not help; say so on the page.
            session.rollback()
            session.info.pop("after_commit", None)
            body = {
                "created": 0,
                "errors": [RowError(None, FILE_FIELD, FILE_COLUMN, exc.message).stored()],
                "idea_ids": [],
            }
        context.finish(body)
        if (not p.get("dry_run") and not body.get("held")) or body["errors"]:
            after_commit(session, lambda: _remove(p["file"]))  # done with this file
    return body


def prune_stored(app: Any) -> int:
    """Remove stored files no job waits for that are older than ``IMPORT_KEEP_DAYS`` (checked
    files never imported); returns how many."""
    folder = Path(app.config["UPLOAD_DIR"]) / "imports"
    if not folder.exists():
        return 0
    days = float(app.config.get("IMPORT_KEEP_DAYS", KEEP_CHECKED_DAYS))
    horizon = time.time() - days * 86400
    old = [p for p in folder.iterdir() if p.is_file() and p.stat().st_mtime < horizon]
    if not old:
        return 0
    with Session(app_engine()) as session:
        waiting = {
            (payload or {}).get("file")
            for payload in session.scalars(
                sa.select(Job.payload).where(
                    Job.kind == KIND, Job.status.in_([JobStatus.PENDING, JobStatus.RUNNING])
                )
            )
        }
    removed = 0
    for path in old:
        if path.name not in waiting:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def register(app: Any) -> None:
    jobs.register(app, KIND, run_import)
    jobs.on_tick(app, "imports.prune", prune_stored, every=3600)
