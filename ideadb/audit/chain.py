"""The hash chain of the audit trail.

Every event stores ``prev_hash`` and ``hash = sha256(prev_hash + canonical JSON of the event)``.
The canonical JSON has sorted keys, no whitespace, UTF-8 (not ASCII escapes) and NFC text; it
covers the id, the time (UTC, ISO 8601 with microseconds), the actor, the action, the object
type and id, before, after and the remote address. The first event follows ``GENESIS``.

How every row gets chained, whoever writes it:
- ORM objects (``record()`` or any ``session.add(AuditEvent(...))``): a ``before_flush`` hook on
  every Session gives the new events their id, prev_hash and hash before they are inserted.
- Core bulk inserts (``session.execute(sa.insert(AuditEvent.__table__), rows)``): a
  ``before_execute`` hook on every Engine chains the parameter rows the same way.
- Anything else (raw SQL, ``insert().values(...)``) is refused by the database: ``hash`` and
  ``prev_hash`` are NOT NULL, and ``prev_hash`` is UNIQUE, so no two events can follow the same
  predecessor even if serialisation failed.
- The ORM refuses to update or delete an event (``AppendOnly``).

Serialisation: the one-row table ``audit_chain_head`` (id 1: last_id, hash, events) is
written *first* (``UPDATE ... RETURNING``) and only then read. On PostgreSQL the UPDATE takes
the row lock, so a concurrent writer waits until this transaction ends and then sees the new
head; on SQLite the UPDATE takes the database write lock before the head is read. The ids of
events are head.last_id + 1, + 2, ... given under that lock, so ids follow the chain order.
The head is updated in the same statement batch, so it always names the last event: verify
compares the chain's end with it to notice a deleted last event.
"""

from __future__ import annotations

import enum
import hashlib
import itertools
import json
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.audit.models import AuditChainHead, AuditEvent
from ideadb.core.db import utcnow

GENESIS = "0" * 64
HEAD_ID = 1

_EVENTS = cast(sa.Table, AuditEvent.__table__)
_HEAD = cast(sa.Table, AuditChainHead.__table__)


class AppendOnly(RuntimeError):
    """Audit events are never updated or deleted by the application."""


# --- canonical form and hash -----------------------------------------------------------


def jsonable(value: Any) -> Any:
    """A JSON value with NFC strings: what is stored in before/after and what is hashed."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {unicodedata.normalize("NFC", str(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((jsonable(v) for v in value), key=str)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    return value


def utc_iso(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds") + "Z"


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


_encode = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
).encode


def canonical(
    *,
    id: int,
    created_at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str | None,
    before: Any,
    after: Any,
    remote_addr: str | None,
) -> bytes:
    """Sorted keys, no whitespace, UTF-8, NFC.

    The JSON text is normalised as a whole: its delimiters are ASCII starters that compose with
    nothing, so this equals normalising every string inside, at a fraction of the cost.
    """
    text = _encode(
        {
            "id": id,
            "at": utc_iso(created_at),
            "actor_id": actor_id,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "before": before,
            "after": after,
            "remote_addr": remote_addr,
        }
    )
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text.encode("utf-8")


def event_hash(prev_hash: str, **fields: Any) -> str:
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(canonical(**fields))
    return digest.hexdigest()


def row_hash(prev_hash: str, row: Any) -> str:
    """The hash of a stored event (an AuditEvent or a row with the same attribute names)."""
    return event_hash(
        prev_hash,
        id=row.id,
        created_at=row.created_at,
        actor_id=row.actor_id,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        before=row.before,
        after=row.after,
        remote_addr=row.remote_addr,
    )


# --- the head: lock first, then read ---------------------------------------------------


def lock_head(conn: sa.Connection) -> tuple[int, str, int]:
    """Take the chain's write lock and return (last_id, hash, events) of the committed head."""
    stmt = (
        sa.update(_HEAD)
        .where(_HEAD.c.id == HEAD_ID)
        .values(last_id=_HEAD.c.last_id)
        .returning(_HEAD.c.last_id, _HEAD.c.hash, _HEAD.c.events)
    )
    row = conn.execute(stmt).first()
    if row is None:
        _create_head(conn)
        row = conn.execute(stmt).one()
    return int(row.last_id), row.hash, int(row.events)


def _create_head(conn: sa.Connection) -> None:
    """A database built with create_all (tests) has no head yet: start it from the events."""
    last = conn.execute(
        sa.select(_EVENTS.c.id, _EVENTS.c.hash).order_by(_EVENTS.c.id.desc()).limit(1)
    ).first()
    count = conn.scalar(sa.select(sa.func.count()).select_from(_EVENTS)) or 0
    values = {
        "id": HEAD_ID,
        "last_id": last.id if last else 0,
        "hash": last.hash if last else GENESIS,
        "events": count,
    }
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(_HEAD).values(values).on_conflict_do_nothing())


def _store_head(conn: sa.Connection, last_id: int, hash_: str, events: int) -> None:
    conn.execute(
        sa.update(_HEAD)
        .where(_HEAD.c.id == HEAD_ID)
        .values(last_id=last_id, hash=hash_, events=events)
    )


def read_head(conn: sa.Connection) -> tuple[int, str, int] | None:
    row = conn.execute(
        sa.select(_HEAD.c.last_id, _HEAD.c.hash, _HEAD.c.events).where(_HEAD.c.id == HEAD_ID)
    ).first()
    return None if row is None else (int(row.last_id), row.hash, int(row.events))


# --- ORM objects: before_flush ---------------------------------------------------------

_created = itertools.count()


@sa.event.listens_for(AuditEvent, "init")
def _remember_order(target: AuditEvent, args: Any, kwargs: Any) -> None:
    target._audit_order = next(_created)  # type: ignore[attr-defined]


@sa.event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper: Any, connection: Any, target: AuditEvent) -> None:
    state = sa.inspect(target)
    if any(state.attrs[c.key].history.has_changes() for c in mapper.column_attrs):
        raise AppendOnly("audit events cannot be changed")


@sa.event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper: Any, connection: Any, target: AuditEvent) -> None:
    raise AppendOnly("audit events cannot be deleted")


@sa.event.listens_for(Session, "before_flush")
def _chain_new_events(session: Session, flush_context: Any, instances: Any) -> None:
    new = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if not new:
        return
    new.sort(key=lambda e: getattr(e, "_audit_order", 0))
    conn = session.connection()
    last_id, prev, count = lock_head(conn)
    for event in new:
        last_id += 1
        event.id = last_id
        if event.created_at is None:
            event.created_at = utcnow()
        if event.object_id is not None and not isinstance(event.object_id, str):
            event.object_id = str(event.object_id)
        event.prev_hash = prev
        event.hash = prev = row_hash(prev, event)
    _store_head(conn, last_id, prev, count + len(new))


# --- Core inserts: before_execute ------------------------------------------------------


class _Row:
    __slots__ = (
        "action",
        "actor_id",
        "after",
        "before",
        "created_at",
        "id",
        "object_id",
        "object_type",
        "remote_addr",
    )


@sa.event.listens_for(sa.engine.Engine, "before_execute", retval=True)
def _chain_core_inserts(conn, clauseelement, multiparams, params, execution_options):
    if not (isinstance(clauseelement, sa.sql.Insert) and clauseelement.table is _EVENTS):
        return clauseelement, multiparams, params
    rows = list(multiparams) if multiparams else ([params] if params else [])
    if not rows or all(r.get("hash") for r in rows):
        return clauseelement, multiparams, params  # chained already (the ORM flush) or refused
    last_id, prev, count = lock_head(conn)
    out = []
    for given in rows:
        row = _Row()
        last_id += 1
        row.id = last_id
        row.created_at = given.get("created_at") or utcnow()
        row.actor_id = given.get("actor_id")
        row.action = given.get("action")
        row.object_type = given.get("object_type")
        object_id = given.get("object_id")
        row.object_id = None if object_id is None else str(object_id)
        row.before = given.get("before")
        row.after = given.get("after")
        row.remote_addr = given.get("remote_addr")
        hash_ = row_hash(prev, row)
        out.append(
            {**{k: getattr(row, k) for k in _Row.__slots__}, "prev_hash": prev, "hash": hash_}
        )
        prev = hash_
    _store_head(conn, last_id, prev, count + len(out))
    if len(out) == 1:
        return clauseelement, [], out[0]
    return clauseelement, out, {}
