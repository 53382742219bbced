"""Writing many ideas at once: the rows ``service.create_idea`` and the transitions would write.

For the bulk import and large demo loads, where the ORM's per-object bookkeeping costs more
than the work itself. An idea is held as a plain row dict (``new_row``) and written with its
authors, its creation revision, its audit events and notifications by ``insert`` in the
caller's transaction. Tests compare what this writes with what the service calls write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.accounts.models import Notification
from ideadb.audit.models import AuditEvent
from ideadb.audit.service import _remote_addr
from ideadb.core.changes import record_idea_change
from ideadb.ideas import service
from ideadb.ideas.models import Author, Idea, IdeaRevision, IdeaStatus

# Columns a new idea has that registration does not fill.
IDEA_DEFAULTS: dict[str, Any] = {
    "code": None,
    "submitted_at": None,
    "public_override": False,
    "screening_note": None,
    "screened_at": None,
    "screened_by_id": None,
    "recognized_level": None,
    "recognized_scope": None,
    "recognized_round_id": None,
    "recognized_at": None,
}


@dataclass
class NewIdea:
    """One idea to write: its row, authors, and what its history should record."""

    row: dict[str, Any]
    authors: list[dict[str, Any]]
    revision: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    notices: list[tuple[int, str]] = field(default_factory=list)  # (user id, text)


def snapshot(row: dict[str, Any], authors: list[dict[str, Any]]) -> dict[str, Any]:
    """``service.snapshot`` of an idea held as a row dict."""
    data = {f: service._jsonable(row[f]) for f in service.CONTENT_FIELDS}
    data["authors"] = [
        {"name": a["name"], "unit": a["unit"], "share": a["share"], "user_id": a["user_id"]}
        for a in authors
    ]
    data["status"] = row["status"]
    data["code"] = row["code"]
    return data


def audit_row(actor: Any, action: str, before: dict | None, after: dict | None) -> dict[str, Any]:
    """What ``audit.service.record`` adds for an idea (its id is filled in by ``insert``)."""
    return {
        "actor_id": getattr(actor, "id", None),
        "action": action,
        "object_type": "idea",
        "before": before,
        "after": after,
        "remote_addr": _remote_addr(),
    }


def new_idea(
    actor: Any, values: dict[str, Any], authors: list[dict[str, Any]], now: datetime
) -> NewIdea:
    """A draft registered by ``actor`` from values and authors checked by ``service._clean``."""
    row = {
        **IDEA_DEFAULTS,
        **values,
        "status": IdeaStatus.DRAFT.value,
        "registrant_id": getattr(actor, "id", None),
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    created = snapshot(row, authors)
    return NewIdea(
        row=row,
        authors=authors,
        revision={"version": 1, "actor_id": getattr(actor, "id", None), "snapshot": created},
        events=[audit_row(actor, "idea.create", None, created)],
    )


def reserve_ids(session: Session, n: int) -> list[int]:
    """Ids for ``n`` new ideas (the sequence advanced on PostgreSQL, max + 1 on SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        return sorted(
            session.scalars(
                sa.text(
                    "SELECT nextval(pg_get_serial_sequence('ideas', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": n},
            )
        )
    start = (session.scalar(sa.select(sa.func.max(Idea.id))) or 0) + 1
    return list(range(start, start + n))


def insert(session: Session, ideas: list[NewIdea], now: datetime) -> list[int]:
    """Write the ideas with their authors, revisions, audit events and notifications."""
    if not ideas:
        return []
    ids = reserve_ids(session, len(ideas))
    idea_rows, author_rows, revision_rows, event_rows, notice_rows = [], [], [], [], []
    for idea_id, idea in zip(ids, ideas, strict=True):
        idea_rows.append({**idea.row, "id": idea_id})
        author_rows.extend(
            {"idea_id": idea_id, "position": i, **a} for i, a in enumerate(idea.authors)
        )
        revision_rows.append(
            {**idea.revision, "idea_id": idea_id, "action": "create", "created_at": now}
        )
        event_rows.extend({**e, "object_id": str(idea_id), "created_at": now} for e in idea.events)
        link = service.idea_link(idea_id)
        notice_rows.extend(
            {"user_id": user_id, "text": text, "link": link, "created_at": now}
            for user_id, text in idea.notices
        )
    session.execute(sa.insert(Idea.__table__), idea_rows)
    session.execute(sa.insert(Author.__table__), author_rows)
    session.execute(sa.insert(IdeaRevision.__table__), revision_rows)
    session.execute(sa.insert(AuditEvent.__table__), event_rows)
    if notice_rows:
        session.execute(sa.insert(Notification.__table__), notice_rows)
    for idea_id in ids:
        record_idea_change(session, idea_id)
    return ids
