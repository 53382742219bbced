"""Registering many ideas in one unit of work: the bulk import and large demo loads.

The same steps as a person registering through the site: values and authors come from
``service.prepare_registration`` (the one validation), state changes are ``lifecycle`` plans,
codes come from ``service.next_codes``, audit events go through ``audit.service.record``, notices
through ``notices.send`` and every idea's change through ``record_idea_change``. Only the idea,
author and revision rows are written with multi-row inserts instead of one ORM object each,
and the transition permissions are not asked again (the caller chose the actors). Tests compare
what this writes with what the service calls write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.audit.service import record
from ideadb.core.changes import record_idea_change
from ideadb.ideas import notices
from ideadb.ideas.lifecycle import IdeaState, Notice, plan_transition, snapshot_values
from ideadb.ideas.models import Author, Idea, IdeaRevision, IdeaStatus
from ideadb.units.models import Unit

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
    """One idea to write: its row, authors, and the audit events and notices of its history."""

    registrant: Any
    row: dict[str, Any]
    authors: list[dict[str, Any]]
    snapshot: dict[str, Any]
    events: list[tuple[Any, str, dict[str, Any] | None, dict[str, Any]]] = field(
        default_factory=list
    )  # (actor, action, before, after)
    notices: list[tuple[Any, tuple[Notice, ...]]] = field(default_factory=list)

    def state(self) -> IdeaState:
        row = self.row
        return IdeaState(row["status"], row["code"], row["title"], row["version"])


def new_idea(
    actor: Any, values: dict[str, Any], authors: list[dict[str, Any]], now: datetime
) -> NewIdea:
    """A draft registered by ``actor`` (values and authors from ``prepare_registration``)."""
    row = {
        **IDEA_DEFAULTS,
        **values,
        "status": IdeaStatus.DRAFT.value,
        "registrant_id": getattr(actor, "id", None),
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    row["publish_consent_at"] = now if row.get("publish_consent") else None
    created = snapshot_values(row, authors, row["status"], row["code"])
    return NewIdea(
        registrant=actor,
        row=row,
        authors=authors,
        snapshot=created,
        events=[(actor, "idea.create", None, created)],
    )


def apply(idea: NewIdea, actor: Any, action: str, *, now: datetime, **options: Any) -> None:
    """Plan one transition of the table and apply it to the row (see ``plan_transition``)."""
    plan = plan_transition(
        idea.state(), action, now=now, actor_id=getattr(actor, "id", None), **options
    )
    idea.row.update(plan.changes)
    idea.events.append((actor, plan.audit_action, plan.before, plan.after))
    if plan.notices:
        idea.notices.append((actor, plan.notices))


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


def officers_by_unit(session: Session) -> Callable[[int | None], list[int]]:
    """``notices.officers_to_notify`` by unit id, asked once per unit during one load."""
    found: dict[int | None, list[int]] = {}

    def officers(unit_id: int | None) -> list[int]:
        if unit_id not in found:
            unit = session.get(Unit, unit_id) if unit_id is not None else None
            found[unit_id] = notices.officers_to_notify(session, unit)
        return found[unit_id]

    return officers


def insert(
    session: Session,
    ideas: list[NewIdea],
    now: datetime,
    officers: Callable[[int | None], list[int]] | None = None,
) -> list[int]:
    """Write the ideas with their authors, revisions, audit events and notifications."""
    if not ideas:
        return []
    officers = officers or officers_by_unit(session)
    ids = reserve_ids(session, len(ideas))
    idea_rows: list[dict[str, Any]] = []
    author_rows: list[dict[str, Any]] = []
    revision_rows: list[dict[str, Any]] = []
    for idea_id, idea in zip(ids, ideas, strict=True):
        idea_rows.append({**idea.row, "id": idea_id})
        author_rows.extend(
            {"idea_id": idea_id, "position": i, **a} for i, a in enumerate(idea.authors)
        )
        revision_rows.append(
            {
                "idea_id": idea_id,
                "version": 1,
                "actor_id": getattr(idea.registrant, "id", None),
                "action": "create",
                "snapshot": idea.snapshot,
                "created_at": now,
            }
        )
    for model, rows in ((Idea, idea_rows), (Author, author_rows), (IdeaRevision, revision_rows)):
        session.execute(sa.insert(cast(sa.Table, model.__table__)), rows)
    for idea_id, idea in zip(ids, ideas, strict=True):
        for actor, action, before, after in idea.events:
            record(session, actor, action, "idea", idea_id, before, after)
        people = notices.people(idea.row["registrant_id"], (a["user_id"] for a in idea.authors))
        unit_id = idea.row["unit_id"]
        for actor, planned in idea.notices:
            notices.send(
                session,
                planned,
                idea_id=idea_id,
                actor=actor,
                people_ids=people,
                officers=partial(officers, unit_id),
            )
        record_idea_change(session, idea_id)
    return ids
