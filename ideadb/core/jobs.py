"""Work that can wait: job rows written in the transaction that causes them, and the worker.

``enqueue(session, kind, payload)`` adds a row to the caller's transaction, so nothing runs
for a change that rolls back. ``ideadb worker`` (or the worker thread that ``ideadb
quickstart`` starts inside its own process) claims pending rows — ``SELECT … FOR UPDATE SKIP
LOCKED`` on PostgreSQL, a compare-and-set update on SQLite — runs the handler registered for
the kind, and on an error puts the job back with a growing delay until ``max_attempts`` is
reached, when it stays ``failed`` with its error for an administrator to retry. A job whose
worker died is taken again once its claim is older than ``JOB_CLAIM_TIMEOUT``.

A worker also runs *ticks*: work per host rather than per job (this host's search index
follows the shared change log; the log is pruned now and then).

With ``JOBS_INLINE`` (tests, one-off scripts) a job runs right after its transaction commits,
in the committing thread.

No PostgreSQL-backed queue library fits here: those on PyPI (procrastinate, pgqueuer, pq,
dramatiq-pg) run on PostgreSQL only, while the embedded default runs on SQLite and a job must
be a row of the causing SQLAlchemy transaction.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Mapped, Session, mapped_column

from ideadb.core.changes import CHANNEL, wake_listeners
from ideadb.core.db import Base, UTCDateTime, after_commit, app_engine, rowcount, utcnow

log = logging.getLogger(__name__)

_HANDLERS = "ideadb.job_handlers"
_TICKS = "ideadb.worker_ticks"
_WAKE = "ideadb.worker_wake"
BACKOFF_SECONDS = (10, 60, 300, 1800, 3600, 6 * 3600, 12 * 3600)
DEFAULT_ATTEMPTS = 8


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    """One piece of work that can wait."""

    __tablename__ = "jobs"
    __table_args__ = (sa.Index("ix_jobs_status_run_after", "status", "run_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(20), default=JobStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=DEFAULT_ATTEMPTS)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, nullable=True)
    created_by: Mapped[int | None] = mapped_column(sa.Integer, nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class JobFile(Base):
    """A file a job made (an export): kept in the database, so any host can hand it out."""

    __tablename__ = "job_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(sa.ForeignKey("jobs.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(120))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@dataclass
class JobContext:
    """What a handler gets: the job's payload, a session of its own, progress and files."""

    app: Flask
    session: Session
    job_id: int
    payload: dict[str, Any]
    created_by: int | None = None

    def progress(self, done: int, total: int) -> None:
        """Record how far the job is (committed at once, in a session of its own)."""
        with Session(self.session.get_bind()) as other:
            other.execute(
                sa.update(Job)
                .where(Job.id == self.job_id)
                .values(progress_done=done, progress_total=total)
            )
            other.commit()

    def finish(self, result: dict[str, Any] | None) -> None:
        """Mark the job done inside the handler's own transaction, so that its work and the
        mark commit together: a worker that dies right after that commit leaves a finished
        job, never one that is taken again and does the work twice (imports)."""
        self.session.execute(
            sa.update(Job)
            .where(Job.id == self.job_id)
            .values(status=JobStatus.DONE, finished_at=utcnow(), result=result, last_error=None)
        )

    def attach(self, filename: str, content_type: str, content: bytes) -> None:
        """Keep a file made by the job (committed with the job's result)."""
        self.session.add(
            JobFile(
                job_id=self.job_id, filename=filename, content_type=content_type, content=content
            )
        )


Handler = Callable[[JobContext], dict[str, Any] | None]


@dataclass
class Tick:
    name: str
    run: Callable[[Flask], Any]
    every: float
    last: float = field(default=0.0)


# --- registration ------------------------------------------------------------------------


def register(app: Flask, kind: str, handler: Handler) -> None:
    """Run ``handler(context)`` for jobs of ``kind`` (its return value is the job's result)."""
    app.extensions.setdefault(_HANDLERS, {})[kind] = handler


def on_tick(app: Flask, name: str, run: Callable[[Flask], Any], every: float = 0.0) -> None:
    """Run ``run(app)`` in every worker loop, at most once per ``every`` seconds."""
    app.extensions.setdefault(_TICKS, []).append((name, run, every))


# --- enqueueing --------------------------------------------------------------------------


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    created_by: int | None = None,
    max_attempts: int = DEFAULT_ATTEMPTS,
) -> Job:
    """Add a job to the caller's transaction; it runs once the transaction commits."""
    job = Job(
        kind=kind,
        payload=payload or {},
        status=JobStatus.PENDING,
        max_attempts=max_attempts,
        run_after=utcnow(),
        created_by=created_by,
        created_at=utcnow(),
    )
    session.add(job)
    wake_listeners(session)
    schedule(session, job)
    return job


def schedule(session: Session, job: Job) -> None:
    """Once the caller's transaction commits, run ``job`` (inline) or wake this process's
    worker; other workers find it when they next look."""
    if not has_app_context():
        return
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("JOBS_INLINE"):
        session.flush()
        job_id = job.id

        def run_now() -> None:
            run_job(app, job_id, worker_id="inline")

        after_commit(session, run_now)
    else:
        after_commit(session, lambda: wake(app))


def wake(app: Flask) -> None:
    """Wake the worker running inside this process, if there is one (no-op otherwise)."""
    event = app.extensions.get(_WAKE)
    if event is not None:
        event.set()


def counts(session: Session) -> dict[str, int]:
    """Jobs waiting (pending or running) and jobs that failed for good."""
    rows: dict[str, int] = {
        str(status): int(n)
        for status, n in session.execute(
            sa.select(Job.status, sa.func.count()).group_by(Job.status)
        ).all()
    }
    waiting = rows.get(JobStatus.PENDING, 0) + rows.get(JobStatus.RUNNING, 0)
    return {"pending": int(waiting), "failed": int(rows.get(JobStatus.FAILED, 0))}


# --- claiming and running ----------------------------------------------------------------


def _claimable(now: datetime, timeout: timedelta) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(Job.status == JobStatus.PENDING, Job.run_after <= now),
        sa.and_(Job.status == JobStatus.RUNNING, Job.claimed_at < now - timeout),
    )


def claim(app: Flask, worker_id: str) -> int | None:
    """Take the oldest runnable job for ``worker_id``; None when there is none."""
    timeout = timedelta(seconds=float(app.config.get("JOB_CLAIM_TIMEOUT", 900)))
    with Session(app_engine()) as session:
        now = utcnow()
        stmt = sa.select(Job.id).where(_claimable(now, timeout)).order_by(Job.id).limit(1)
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        job_id = session.scalar(stmt)
        if job_id is None:
            return None
        taken = rowcount(
            session.execute(
                sa.update(Job)
                .where(Job.id == job_id, _claimable(now, timeout))
                .values(
                    status=JobStatus.RUNNING,
                    claimed_by=worker_id,
                    claimed_at=now,
                    attempts=Job.attempts + 1,
                )
            )
        )
        session.commit()
        return job_id if taken else None


def backoff(attempts: int) -> timedelta:
    """How long a job waits after its ``attempts``-th failure."""
    return timedelta(seconds=BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1])


def run_job(app: Flask, job_id: int, worker_id: str) -> str:
    """Run one job (claiming it when it is pending); returns its status afterwards."""
    with app.app_context(), Session(app_engine()) as session:
        job = session.get(Job, job_id)
        if job is None:
            return "missing"
        if job.status == JobStatus.PENDING and worker_id == "inline":
            job.status, job.claimed_by, job.claimed_at = JobStatus.RUNNING, worker_id, utcnow()
            job.attempts += 1
            session.commit()
        if job.status != JobStatus.RUNNING or job.claimed_by != worker_id:
            return str(job.status)
        handler = app.extensions.get(_HANDLERS, {}).get(job.kind)
        context = JobContext(app, session, job.id, dict(job.payload or {}), job.created_by)
        try:
            if handler is None:
                raise LookupError(f"no handler for jobs of kind {job.kind!r}")
            result = handler(context)
        except Exception as exc:
            session.rollback()
            job = session.get(Job, job_id)
            assert job is not None
            job.last_error = "".join(traceback.format_exception_only(exc)).strip()[:4000]
            if job.attempts >= job.max_attempts:
                job.status, job.finished_at = JobStatus.FAILED, utcnow()
                log.error("job %s (%s) failed for good: %s", job.id, job.kind, job.last_error)
            else:
                job.status, job.run_after = JobStatus.PENDING, utcnow() + backoff(job.attempts)
                log.warning("job %s (%s) failed, retried later: %s", job.id, job.kind, exc)
            job.claimed_by = job.claimed_at = None
            session.commit()
            return str(job.status)
        job.status, job.finished_at, job.result = JobStatus.DONE, utcnow(), result
        job.last_error = None
        session.commit()
        return str(job.status)


# --- the worker --------------------------------------------------------------------------


class Worker:
    """Runs ticks and jobs until stopped: ``ideadb worker``, or a thread of quickstart."""

    def __init__(self, app: Flask, poll: float | None = None, name: str | None = None) -> None:
        self.app = app
        self.poll = float(poll if poll is not None else app.config.get("WORKER_POLL_SECONDS", 0.5))
        self.id = name or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self.ticks = [Tick(n, run, every) for n, run, every in app.extensions.get(_TICKS, [])]
        self.stop_event = threading.Event()
        self.wake_event = threading.Event()
        self.jobs_run = 0

    def step(self, max_jobs: int = 50) -> int:
        """Run the ticks that are due, then runnable jobs (at most ``max_jobs``)."""
        for tick in self.ticks:
            now = time.monotonic()
            if tick.every and now - tick.last < tick.every:
                continue
            tick.last = now
            try:
                with self.app.app_context():
                    tick.run(self.app)
            except Exception:
                log.exception("worker tick %s failed", tick.name)
        ran = 0
        while ran < max_jobs and not self.stop_event.is_set():
            with self.app.app_context():
                job_id = claim(self.app, self.id)
            if job_id is None:
                break
            run_job(self.app, job_id, self.id)
            ran += 1
        self.jobs_run += ran
        return ran

    def _listen(self) -> None:
        """On PostgreSQL, wake on the NOTIFY of any host's commit instead of the next poll."""
        import psycopg

        with self.app.app_context():
            url = app_engine().url
        if url.get_backend_name() != "postgresql":
            return
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self.stop_event.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    while not self.stop_event.is_set():
                        for _ in conn.notifies(timeout=1.0, stop_after=1):
                            self.wake_event.set()
            except psycopg.Error:
                log.warning("worker: no NOTIFY listener (polling only); retrying", exc_info=True)
                self.stop_event.wait(5.0)

    def run(self) -> None:
        """Loop until :meth:`stop`; a commit in this process — or, on PostgreSQL, on any host —
        wakes it at once; otherwise it looks every ``poll`` seconds."""
        self.app.extensions[_WAKE] = self.wake_event
        listener = threading.Thread(target=self._listen, name="ideadb-worker-listen", daemon=True)
        listener.start()
        try:
            while not self.stop_event.is_set():
                try:
                    ran = self.step()
                except Exception:  # the database is away: keep going, it comes back
                    log.exception("worker step failed")
                    ran = 0
                if ran == 0:
                    self.wake_event.wait(self.poll)
                    self.wake_event.clear()
        finally:
            if self.app.extensions.get(_WAKE) is self.wake_event:
                del self.app.extensions[_WAKE]
            listener.join(timeout=5)  # it looks at the stop flag every second

    def stop(self) -> None:
        self.stop_event.set()
        self.wake_event.set()

    def start_thread(self) -> threading.Thread:
        """Run in a daemon thread of this process (the embedded default's one command)."""
        thread = threading.Thread(target=self.run, name="ideadb-worker", daemon=True)
        thread.start()
        return thread
