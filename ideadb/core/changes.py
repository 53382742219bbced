"""The change log of ideas: one append-only row per change, written in the changing transaction.

A feature that changes an idea calls :func:`record_idea_change`. Every derived copy (each
host's search index) remembers the last log id it applied and catches up from there, so any
number of processes and hosts converge on the same data; nothing is removed when one copy has
applied a row. Rows older than the retention period are pruned (:func:`prune`), and the
pruned horizon is kept so that a copy which fell behind it knows to rebuild itself.

Ids are monotonic (AUTOINCREMENT on SQLite, a sequence on PostgreSQL), but on PostgreSQL a
transaction may commit after another one that took a higher id: readers treat ids missing
from a range they have read as holes to look at again for a while (see ``search/follow.py``).

An idea's derived copies also hold values of other rows (its unit's name). A feature that
changes such a row calls :func:`record_unit_change`; the subscribers of unit changes (search)
record, in the same transaction, a change of every idea whose copy holds that unit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Mapped, Session, mapped_column

from ideadb.core.db import Base, UTCDateTime, rowcount, utcnow

Subscriber = Callable[[Session], None]
UnitSubscriber = Callable[[Session, int], None]
_EXTENSION = "ideadb.change_subscribers"
_UNIT_EXTENSION = "ideadb.unit_change_subscribers"
LogId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class IdeaChange(Base):
    """One change of an idea, in commit order of its id (append-only; pruned when old)."""

    __tablename__ = "idea_change_log"
    __table_args__ = (
        sa.Index("ix_idea_change_log_created_at", "created_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(LogId, primary_key=True, autoincrement=True)
    idea_id: Mapped[int] = mapped_column(sa.Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChangeLogHorizon(Base):
    """The one row that says up to which id the log has been pruned."""

    __tablename__ = "idea_change_log_horizon"

    id: Mapped[int] = mapped_column(primary_key=True)
    pruned_through: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    pruned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def subscribe(app: Flask, subscriber: Subscriber) -> None:
    """Call ``subscriber(session)`` whenever a change is recorded in that session."""
    app.extensions.setdefault(_EXTENSION, []).append(subscriber)


CHANNEL = "ideadb"  # PostgreSQL NOTIFY channel: wakes the workers of every host at commit


def wake_listeners(session: Session) -> None:
    """On PostgreSQL, have the commit of this transaction wake every listening worker (a
    NOTIFY is delivered only if the transaction commits, and once however often it is sent)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_notify(CHANNEL, "")))


def _notify(session: Session) -> None:
    wake_listeners(session)
    if not has_app_context():
        return
    for subscriber in current_app.extensions.get(_EXTENSION, ()):
        subscriber(session)


def record_idea_change(session: Session, idea_id: int) -> None:
    """Record, inside the caller's transaction, that an idea changed."""
    session.add(IdeaChange(idea_id=idea_id, created_at=utcnow()))
    _notify(session)


def record_idea_changes(session: Session, idea_ids: Iterable[int]) -> None:
    """Record, inside the caller's transaction, that each of these ideas changed."""
    now = utcnow()
    rows = [{"idea_id": idea_id, "created_at": now} for idea_id in idea_ids]
    if not rows:
        return
    session.execute(sa.insert(IdeaChange), rows)
    _notify(session)


def latest_id(session: Session) -> int:
    """The highest id in the log (0 for an empty log that was never pruned)."""
    top = session.scalar(sa.select(sa.func.max(IdeaChange.id)))
    return max(int(top or 0), pruned_through(session))


def pruned_through(session: Session) -> int:
    """Every id up to this one may have been pruned."""
    return int(session.scalar(sa.select(ChangeLogHorizon.pruned_through)) or 0)


def changes_after(
    session: Session, after: int, also: Sequence[int] = (), limit: int = 500
) -> list[tuple[int, int]]:
    """(id, idea id) of the log rows after ``after`` (oldest first, at most ``limit``), plus
    those of ``also`` (ids looked at again) that are now visible."""
    rows = session.execute(
        sa.select(IdeaChange.id, IdeaChange.idea_id)
        .where(IdeaChange.id > after)
        .order_by(IdeaChange.id)
        .limit(limit)
    ).all()
    found = [(int(r[0]), int(r[1])) for r in rows]
    if also:
        again = session.execute(
            sa.select(IdeaChange.id, IdeaChange.idea_id).where(IdeaChange.id.in_(list(also)))
        ).all()
        found += [(int(r[0]), int(r[1])) for r in again]
    return found


def settled_id(session: Session, window: timedelta) -> int:
    """An id before which every change has certainly committed: the newest row older than
    ``window`` (a transaction lasting longer than that is repaired by ``reindex --check``).

    SQLite runs one writing transaction at a time, so no lower id can commit later there:
    every row already committed is settled.
    """
    if session.get_bind().dialect.name == "sqlite":
        window = timedelta(0)
    top = session.scalar(
        sa.select(sa.func.max(IdeaChange.id)).where(IdeaChange.created_at < utcnow() - window)
    )
    return max(int(top or 0), pruned_through(session))


def prune(session: Session, older_than: timedelta) -> int:
    """Remove rows older than ``older_than`` (keeping the newest row); returns how many.

    The caller commits. The horizon moves to the highest id removed.
    """
    newest = session.scalar(sa.select(sa.func.max(IdeaChange.id)))
    if newest is None:
        return 0
    through = session.scalar(
        sa.select(sa.func.max(IdeaChange.id)).where(
            IdeaChange.created_at < utcnow() - older_than, IdeaChange.id < newest
        )
    )
    if through is None:
        return 0
    removed = rowcount(session.execute(sa.delete(IdeaChange).where(IdeaChange.id <= through)))
    horizon = session.get(ChangeLogHorizon, 1)
    if horizon is None:
        session.add(ChangeLogHorizon(id=1, pruned_through=int(through), pruned_at=utcnow()))
    else:
        horizon.pruned_through = max(horizon.pruned_through, int(through))
        horizon.pruned_at = utcnow()
    return int(removed or 0)


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
