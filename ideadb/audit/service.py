"""Writing, reading, exporting and verifying the audit trail.

Every state change calls ``record`` in its transaction; the event is chained (``chain.py``)
when the transaction flushes, so it commits or rolls back with the change.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.audit import chain
from ideadb.audit.models import AuditEvent
from ideadb.core.errors import ValidationFailed
from ideadb.core.fmt import LOCAL_TZ, parse_date
from ideadb.core.permissions import require
from ideadb.core.text import N_

# The accounts table, read by name: audit sits below accounts and must not import it.
_USERS = sa.table("users", sa.column("id", sa.Integer), sa.column("username", sa.String))

MAX_ID = 2**31 - 1


def _remote_addr() -> str | None:
    try:
        from flask import has_request_context, request
    except ImportError:  # pragma: no cover
        return None
    return request.remote_addr if has_request_context() else None


def record(
    session: Session,
    actor: Any,
    action: str,
    object_type: str,
    object_id: Any = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (it commits or rolls back with it)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        before=chain.jsonable(before) if before is not None else None,
        after=chain.jsonable(after) if after is not None else None,
        remote_addr=_remote_addr(),
    )
    session.add(event)
    return event


# --- filters ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    action: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    actor_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def _parse_moment(text: str, *, end: bool) -> datetime:
    """dd/mm/yyyy or yyyy-mm-dd (a whole day, Vietnam time) or an ISO 8601 date-time."""
    try:
        day = parse_date(text)
    except ValueError:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=LOCAL_TZ)
        return moment.astimezone(UTC)
    start = datetime.combine(day, time.min, LOCAL_TZ)
    return (start + timedelta(days=1) if end else start).astimezone(UTC)


def parse_filters(args: Mapping[str, str]) -> Filters:
    """Validate filter values from a query string; ValidationFailed (422) with fields."""
    fields: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name, limit in (("action", 80), ("entity", 40), ("entity_id", 40)):
        raw = (args.get(name) or "").strip()
        if len(raw) > limit:
            fields[name] = [f"Tối đa {limit} ký tự."]
        elif raw:
            values[name] = chain.jsonable(raw)
    raw = (args.get("actor_id") or "").strip()
    if raw:
        try:
            actor_id = int(raw)
        except ValueError:
            fields["actor_id"] = ["Phải là số nguyên."]
        else:
            if not 1 <= actor_id <= MAX_ID:
                fields["actor_id"] = [f"Phải từ 1 đến {MAX_ID}."]
            else:
                values["actor_id"] = actor_id
    for name in ("since", "until"):
        raw = (args.get(name) or "").strip()
        if not raw:
            continue
        try:
            values[name] = _parse_moment(raw, end=name == "until")
        except (ValueError, OverflowError):
            fields[name] = ["Ngày không hợp lệ (dd/mm/yyyy hoặc ISO 8601)."]
    if (
        not fields
        and values.get("since")
        and values.get("until")
        and values["since"] > values["until"]
    ):
        fields["until"] = ["Phải sau ngày bắt đầu."]
    if fields:
        raise ValidationFailed(N_("Điều kiện lọc không hợp lệ."), fields)
    return Filters(**values)


def list_events(
    session: Session, actor: Any, filters: Filters | None = None, *, newest_first: bool = False
) -> sa.Select:
    """A select of events (oldest first unless asked), narrowed by the filters."""
    require(actor, "audit.view")
    f = filters or Filters()
    order = AuditEvent.id.desc() if newest_first else AuditEvent.id.asc()
    stmt = sa.select(AuditEvent).order_by(order)
    if f.action:
        escaped = f.action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(AuditEvent.action.like(f"{escaped}%", escape="\\"))
    if f.entity:
        stmt = stmt.where(AuditEvent.object_type == f.entity)
    if f.entity_id:
        stmt = stmt.where(AuditEvent.object_id == f.entity_id)
    if f.actor_id:
        stmt = stmt.where(AuditEvent.actor_id == f.actor_id)
    if f.since:
        stmt = stmt.where(AuditEvent.created_at >= f.since)
    if f.until:
        stmt = stmt.where(AuditEvent.created_at < f.until)
    return stmt


def event_dict(event: AuditEvent) -> dict[str, Any]:
    """The API shape of an event."""
    return {
        "id": event.id,
        "at": event.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "actor_id": event.actor_id,
        "action": event.action,
        "entity": event.object_type,
        "entity_id": event.object_id,
        "before": event.before,
        "after": event.after,
        "remote_addr": event.remote_addr,
        "hash": event.hash,
        "prev_hash": event.prev_hash,
    }


# --- CSV export ------------------------------------------------------------------------

CSV_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor",
    "action",
    "entity",
    "entity_id",
    "before",
    "after",
    "remote_addr",
    "prev_hash",
    "hash",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text: formulas are defused with a quote."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_csv(session: Session, actor: Any, filters: Filters | None = None) -> Iterator[str]:
    """The filtered events, oldest first, as CSV text chunks (UTF-8 with BOM when encoded)."""
    stmt = (
        list_events(session, actor, filters)
        .add_columns(_USERS.c.username)
        .outerjoin(_USERS, _USERS.c.id == AuditEvent.actor_id)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(CSV_COLUMNS)
    for event, username in session.execute(stmt.execution_options(yield_per=500)):
        data = event_dict(event)
        data["actor"] = username or ("" if event.actor_id else "system")
        writer.writerow(_cell(data[c]) for c in CSV_COLUMNS)
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --- verification ----------------------------------------------------------------------


@dataclass
class Verification:
    ok: bool
    events: int
    head: str
    first_bad_id: int | None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def verify(session: Session, actor: Any, *, batch: int = 2000) -> Verification:
    """Walk the chain in id order and compare its end with the head.

    ``first_bad_id`` names the first altered or inserted event, or, when events were deleted,
    the id of the first missing one (ids are consecutive within the chain).
    """
    require(actor, "audit.view")
    conn = session.connection()
    head = chain.read_head(conn)
    table = AuditEvent.__table__
    columns = [
        table.c.id,
        table.c.created_at,
        table.c.actor_id,
        table.c.action,
        table.c.object_type,
        table.c.object_id,
        table.c.before,
        table.c.after,
        table.c.remote_addr,
        table.c.prev_hash,
        table.c.hash,
    ]
    prev = chain.GENESIS
    prev_id: int | None = None
    count = 0
    bad: int | None = None
    reason: str | None = None
    after_id = 0
    while bad is None:
        rows = conn.execute(
            sa.select(*columns).where(table.c.id > after_id).order_by(table.c.id).limit(batch)
        ).all()
        if not rows:
            fresh = chain.read_head(conn)
            if fresh != head:  # a writer committed while we walked: look for its events
                head = fresh
                continue
            break
        for row in rows:
            count += 1
            if row.prev_hash != prev:
                gap = prev_id is not None and row.id > prev_id + 1
                bad, reason = (prev_id + 1, "missing") if gap else (row.id, "link")  # type: ignore[operator]
            elif chain.row_hash(prev, row) != row.hash:
                bad, reason = row.id, "altered"
            elif head is not None and row.id > head[0]:
                head = chain.read_head(conn)  # committed after we read the head?
                if head is None or row.id > head[0]:
                    bad, reason = row.id, "after_head"
            if bad is not None:
                break
            prev, prev_id = row.hash, row.id
        after_id = rows[-1].id
    total = session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
    if bad is None:
        if head is None:
            if count:
                bad, reason = (prev_id or 0), "no_head"
        elif head[1] != prev:
            last = prev_id or 0
            bad, reason = (last + 1, "missing") if head[0] > last else (last, "head")
    return Verification(
        ok=bad is None,
        events=total,
        head=head[1] if head else chain.GENESIS,
        first_bad_id=bad,
        reason=reason,
    )
