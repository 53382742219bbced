"""Exports as background jobs: the request records a job, the worker writes the file, and the
job's page shows a progress bar and then the download.

The files are the same as the direct downloads (``service.round_file``/``summary_file``); the
job runs them as the person who asked, so the permission checks are the same too.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ideadb.accounts.models import User
from ideadb.core import jobs
from ideadb.core.db import unit_of_work
from ideadb.core.errors import NotAllowed
from ideadb.reports import service
from ideadb.reports.documents import DocumentSettings
from ideadb.reviews.access import load_round
from ideadb.reviews.results import check_ranking

ROUND = "export.round"
SUMMARY = "export.summary"
PROGRESS_EVERY = 0.5  # seconds between two progress writes


def request_round_export(session: Session, actor: Any, round_id: int, fmt: str) -> int:
    """Record a job that writes a round's ranked list (or its score sheets); returns its id."""
    service.check_round_format(fmt)
    check_ranking(session, actor, load_round(session, round_id))
    with unit_of_work(session):
        job = jobs.enqueue(
            session, ROUND, {"round_id": round_id, "format": fmt}, created_by=actor.id
        )
        session.flush()
        return job.id


def request_summary_export(
    session: Session,
    actor: Any,
    year: int,
    group_by: str,
    fmt: str,
    document: DocumentSettings,
) -> int:
    """Record a job that writes the yearly summary; returns its id."""
    service.summary(session, actor, year, group_by)  # the same checks as the page
    service.check_summary_format(fmt)
    settings = dataclasses.asdict(document)
    settings["date"] = document.date.isoformat() if document.date else None
    settings["recipients"] = list(document.recipients)
    payload = {"year": year, "group_by": group_by, "format": fmt, "document": settings}
    with unit_of_work(session):
        job = jobs.enqueue(session, SUMMARY, payload, created_by=actor.id)
        session.flush()
        return job.id


def _actor(context: jobs.JobContext) -> User:
    user = context.session.get(User, context.created_by) if context.created_by else None
    if user is None or not user.active:
        raise NotAllowed("Người yêu cầu không còn hoạt động.")
    return user


def _throttled(context: jobs.JobContext) -> Any:
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            context.progress(done, total)

    return progress


def _keep(context: jobs.JobContext, export: service.ExportFile) -> dict[str, Any]:
    content = export.content.read()
    context.attach(export.filename, export.mimetype, content)
    return {"filename": export.filename, "bytes": len(content)}


def run_round_export(context: jobs.JobContext) -> dict[str, Any]:
    p = context.payload
    export = service.round_file(
        context.session, _actor(context), int(p["round_id"]), p["format"], _throttled(context)
    )
    return _keep(context, export)


def run_summary_export(context: jobs.JobContext) -> dict[str, Any]:
    p = context.payload
    settings = dict(p.get("document") or {})
    settings["date"] = date.fromisoformat(settings["date"]) if settings.get("date") else None
    settings["recipients"] = tuple(settings.get("recipients") or ())
    export = service.summary_file(
        context.session,
        _actor(context),
        int(p["year"]),
        p["group_by"],
        p["format"],
        DocumentSettings(**settings),
    )
    return _keep(context, export)


def register(app: Any) -> None:
    jobs.register(app, ROUND, run_round_export)
    jobs.register(app, SUMMARY, run_summary_export)
