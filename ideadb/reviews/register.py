"""The province's recognition register (sổ theo dõi): consecutive numbers per year of the
decision, given at finalize; amended by new versions of an entry, never deleted or renumbered.

Numbers come from a per-year counter row incremented with ``UPDATE ... RETURNING`` inside the
finalising transaction: the row lock serialises concurrent finalizes on PostgreSQL, so two
rounds finalised at once never share or skip a number; the unique (year, number, version)
constraint is the database's own guard behind it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ideadb.audit.service import record
from ideadb.core.errors import ValidationFailed
from ideadb.core.fmt import LOCAL_TZ
from ideadb.core.permissions import can, is_staff, reads_everything, rule
from ideadb.core.permissions import require as require_rule
from ideadb.core.text import N_
from ideadb.ideas.access import is_author_user, is_owner
from ideadb.ideas.models import SCOPES, Idea, IdeaStatus
from ideadb.reviews.models import (
    RecognitionCounter,
    RegisterEntry,
    RegisterEntryStatus,
    Round,
)
from scoring.messages import Message

E = RegisterEntryStatus

# The certificate goes to the owner, the co-authors with an account, and staff.
rule("certificate.read")(
    lambda actor, idea: (
        is_owner(actor, idea)
        or is_author_user(actor, idea)
        or is_staff(actor)
        or reads_everything(actor)
    )
)


def decision_year(moment: datetime) -> int:
    """The register year of a decision: its local (Asia/Ho_Chi_Minh) calendar year."""
    return moment.astimezone(LOCAL_TZ).year


def number_text(entry: RegisterEntry) -> str:
    """'15/2026': the entry's number as the register and the certificate write it."""
    return f"{entry.number}/{entry.year}"


def next_number(session: Session, year: int) -> int:
    """The next number of ``year``'s register, in the caller's transaction (row-locked)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(RecognitionCounter)
        .values(year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["year"])
    )
    return int(
        session.execute(
            sa.update(RecognitionCounter)
            .where(RecognitionCounter.year == year)
            .values(last_number=RecognitionCounter.last_number + 1)
            .returning(RecognitionCounter.last_number)
        ).scalar_one()
    )


def entry_snapshot(entry: RegisterEntry) -> dict[str, Any]:
    return {
        "number": number_text(entry),
        "version": entry.version,
        "status": entry.status,
        "idea_id": entry.idea_id,
        "round_id": entry.round_id,
        "scope": entry.scope,
        "level": entry.level,
        "level_name": entry.level_name,
        "reason": entry.reason,
        "appeal_id": entry.appeal_id,
    }


def enter(
    session: Session,
    actor: Any,
    rnd: Round,
    idea_id: int,
    level: str,
    level_name: str,
    decided_at: datetime,
) -> RegisterEntry:
    """A new numbered entry for an idea recognised by ``rnd`` (inside the caller's
    transaction: finalize)."""
    year = decision_year(decided_at)
    entry = RegisterEntry(
        year=year,
        number=next_number(session, year),
        version=1,
        status=E.RECOGNIZED,
        idea_id=idea_id,
        round_id=rnd.id,
        scope=rnd.level,
        level=level,
        level_name=level_name,
        decided_at=decided_at,
        created_by_id=getattr(actor, "id", None),
    )
    session.add(entry)
    session.flush()
    record(
        session, actor, "register.enter", "register_entry", entry.id, None, entry_snapshot(entry)
    )
    return entry


def current_entry(session: Session, idea_id: int, round_id: int) -> RegisterEntry | None:
    """The standing version of the idea's entry for that round, if it was ever entered."""
    return session.scalar(
        sa.select(RegisterEntry).where(
            RegisterEntry.idea_id == idea_id,
            RegisterEntry.round_id == round_id,
            RegisterEntry.superseded_at.is_(None),
        )
    )


def amend(
    session: Session,
    actor: Any,
    rnd: Round,
    idea_id: int,
    level: str | None,
    level_name: str,
    decided_at: datetime,
    *,
    reason: str,
    appeal_id: int | None,
) -> RegisterEntry | None:
    """Change the idea's entry for ``rnd``: a new version of the same number (``level`` None =
    recognition withdrawn), or a new number when the idea had none. Inside the caller's
    transaction; the old version stays, marked superseded."""
    old = current_entry(session, idea_id, rnd.id)
    if old is None:
        if level is None:
            return None
        entry = enter(session, actor, rnd, idea_id, level, level_name, decided_at)
        entry.reason, entry.appeal_id = reason, appeal_id
        return entry
    old.superseded_at = decided_at
    entry = RegisterEntry(
        year=old.year,
        number=old.number,
        version=old.version + 1,
        status=E.RECOGNIZED if level is not None else E.REVOKED,
        idea_id=idea_id,
        round_id=rnd.id,
        scope=old.scope,
        level=level,
        level_name=level_name if level is not None else "",
        decided_at=decided_at,
        reason=reason,
        appeal_id=appeal_id,
        created_by_id=getattr(actor, "id", None),
    )
    session.add(entry)
    session.flush()
    record(
        session,
        actor,
        "register.amend",
        "register_entry",
        entry.id,
        entry_snapshot(old),
        entry_snapshot(entry),
    )
    return entry


# --- reading ---------------------------------------------------------------------------------


def recognition_of(session: Session, idea: Idea) -> dict[str, Any] | None:
    """API.md's ``recognition`` of an idea: ``{"scope", "level", "level_name", "round_id",
    "decided_at", "number"}`` or None (registered in ``create_app`` as a provider)."""
    if idea.status != IdeaStatus.RECOGNIZED or idea.recognized_level is None:
        return None
    entries = list(
        session.scalars(
            sa.select(RegisterEntry)
            .where(
                RegisterEntry.idea_id == idea.id,
                RegisterEntry.superseded_at.is_(None),
                RegisterEntry.status == E.RECOGNIZED,
            )
            .order_by(RegisterEntry.decided_at.desc(), RegisterEntry.id.desc())
        )
    )
    entry = next((e for e in entries if e.round_id == idea.recognized_round_id), None)
    if entry is None and entries:
        entry = entries[0]
    if entry is None:  # recognised before the register existed (imported, demo data)
        return {
            "scope": idea.recognized_scope,
            "level": idea.recognized_level,
            "level_name": idea.recognized_level,
            "round_id": idea.recognized_round_id,
            "decided_at": idea.recognized_at.isoformat() if idea.recognized_at else None,
            "number": None,
        }
    return {
        "scope": entry.scope,
        "level": entry.level,
        "level_name": entry.level_name,
        "round_id": entry.round_id,
        "decided_at": entry.decided_at.isoformat(),
        "number": number_text(entry),
    }


def register_years(session: Session) -> list[int]:
    return list(
        session.scalars(
            sa.select(RegisterEntry.year).distinct().order_by(RegisterEntry.year.desc())
        )
    )


def register(
    session: Session,
    actor: Any,
    *,
    year: int | None = None,
    scope: str | None = None,
    history: bool = False,
) -> list[RegisterEntry]:
    """The register's entries (staff): standing versions by number, or with ``history`` every
    version; filtered by year and scope."""
    require_rule(actor, "round.list")
    errors: dict[str, list[str]] = {}
    if year is not None and not 1900 <= year <= 2200:
        errors["year"] = [N_("Năm không hợp lệ.")]
    if scope not in (None, "") and scope not in SCOPES:
        errors["scope"] = [
            Message(N_("Cấp công nhận phải là một trong: %(scopes)s."), scopes=", ".join(SCOPES))
        ]
    if errors:
        raise ValidationFailed(N_("Bộ lọc sổ công nhận không hợp lệ."), errors)
    stmt = sa.select(RegisterEntry).order_by(
        RegisterEntry.year.desc(), RegisterEntry.number, RegisterEntry.version
    )
    if year is not None:
        stmt = stmt.where(RegisterEntry.year == year)
    if scope:
        stmt = stmt.where(RegisterEntry.scope == scope)
    if not history:
        stmt = stmt.where(RegisterEntry.superseded_at.is_(None))
    return list(session.scalars(stmt))


def versions_of(session: Session, entry: RegisterEntry) -> list[RegisterEntry]:
    """Every version of an entry's number, oldest first."""
    return list(
        session.scalars(
            sa.select(RegisterEntry)
            .where(RegisterEntry.year == entry.year, RegisterEntry.number == entry.number)
            .order_by(RegisterEntry.version)
        )
    )


def round_entries(session: Session, round_id: int) -> list[RegisterEntry]:
    """The standing entries of a round (recognised and withdrawn), by number."""
    return list(
        session.scalars(
            sa.select(RegisterEntry)
            .where(RegisterEntry.round_id == round_id, RegisterEntry.superseded_at.is_(None))
            .order_by(RegisterEntry.year, RegisterEntry.number)
        )
    )


def certificates_of(session: Session, actor: Any, idea_id: int) -> list[RegisterEntry]:
    """The idea's standing recognised entries whose certificate the caller may download."""
    idea = session.get(Idea, idea_id) if 0 < idea_id < 2**63 else None
    if idea is None or not can(actor, "certificate.read", idea):
        return []
    return list(
        session.scalars(
            sa.select(RegisterEntry)
            .where(
                RegisterEntry.idea_id == idea.id,
                RegisterEntry.superseded_at.is_(None),
                RegisterEntry.status == E.RECOGNIZED,
            )
            .order_by(RegisterEntry.decided_at)
        )
    )
