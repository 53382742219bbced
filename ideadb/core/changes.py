"""Changes of ideas, recorded in the changing transaction for whatever is derived from ideas.

A feature that changes an idea calls :func:`record_idea_change`; a derived copy (the search
index) subscribes in ``create_app`` and consumes the rows. The recording side never imports
the consuming side, so dependencies point one way: search → ideas → core.

An idea's derived copies also hold values of other rows (its unit's name). A feature that
changes such a row calls :func:`record_unit_change`; the subscribers of unit changes (search)
record, in the same transaction, a change of every idea whose copy holds that unit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Mapped, Session, mapped_column

from ideadb.core.db import Base, UTCDateTime, utcnow

Subscriber = Callable[[Session], None]
UnitSubscriber = Callable[[Session, int], None]
_EXTENSION = "ideadb.change_subscribers"
_UNIT_EXTENSION = "ideadb.unit_change_subscribers"


class IdeaChange(Base):
    """An idea whose derived copies must be refreshed; removed once they have it."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def subscribe(app: Flask, subscriber: Subscriber) -> None:
    """Call ``subscriber(session)`` whenever a change is recorded in that session."""
    app.extensions.setdefault(_EXTENSION, []).append(subscriber)


def record_idea_change(session: Session, idea_id: int) -> None:
    """Record, inside the caller's transaction, that an idea changed."""
    session.add(IdeaChange(idea_id=idea_id, created_at=utcnow()))
    if not has_app_context():
        return
    for subscriber in current_app.extensions.get(_EXTENSION, ()):
        subscriber(session)


def record_idea_changes(session: Session, idea_ids: Iterable[int]) -> None:
    """Record, inside the caller's transaction, that each of these ideas changed."""
    now = utcnow()
    rows = [{"idea_id": idea_id, "created_at": now} for idea_id in idea_ids]
    if not rows:
        return
    session.execute(sa.insert(IdeaChange), rows)
    if not has_app_context():
        return
    for subscriber in current_app.extensions.get(_EXTENSION, ()):
        subscriber(session)


def subscribe_units(app: Flask, subscriber: UnitSubscriber) -> None:
    """Call ``subscriber(session, unit_id)`` when a unit's change is recorded in that session.

    The subscriber runs inside the changing transaction, so what it records commits or rolls
    back with the change.
    """
    app.extensions.setdefault(_UNIT_EXTENSION, []).append(subscriber)


def record_unit_change(session: Session, unit_id: int) -> None:
    """Record, inside the caller's transaction, that a unit changed (its name, its place)."""
    if not has_app_context():
        return
    for subscriber in current_app.extensions.get(_UNIT_EXTENSION, ()):
        subscriber(session, unit_id)
