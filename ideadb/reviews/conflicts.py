"""Conflicts of interest: the automatic ones (author, unit, registrant) found and stored,
listed, and set aside by the secretary with a logged reason.

"Same unit" follows the hierarchy: a reviewer of a district is conflicted with the ideas of its
communes and a reviewer of a commune with the ideas of its district (ancestor or descendant).
The province is left out of the chain: it is above every unit, and a provincial council's
members sit in provincial bodies.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.audit.service import record
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.errors import (
    Conflict,
    NotFound,
    ValidationFailed,
)
from ideadb.core.permissions import require as require_rule
from ideadb.core.text import N_
from ideadb.reviews import policy
from ideadb.reviews.access import (
    ideas_of,
    load_round,
    name_key,
    nfc,
    panel_of,
    require_in_phase,
)
from ideadb.reviews.models import (
    AssignmentStatus,
    ConflictKind,
    Round,
    RoundStatus,
)
from ideadb.reviews.models import Conflict as ConflictRow
from ideadb.units.models import Unit

R = RoundStatus
A = AssignmentStatus


class _UnitChains:
    """Each unit's chain upwards (itself first), without the province, from one query."""

    def __init__(self, session: Session):
        self.parent: dict[int, int | None] = {}
        self.kind: dict[int, str] = {}
        for uid, parent, kind in session.execute(sa.select(Unit.id, Unit.parent_id, Unit.kind)):
            self.parent[uid], self.kind[uid] = parent, kind
        self._chains: dict[int, list[int]] = {}

    def chain(self, unit_id: int | None) -> list[int]:
        if unit_id is None:
            return []
        if unit_id not in self._chains:
            out: list[int] = []
            node: int | None = unit_id
            while node is not None and node not in out and node in self.kind:
                if self.kind[node] != "province":
                    out.append(node)
                node = self.parent.get(node)
            self._chains[unit_id] = out
        return self._chains[unit_id]


def unit_relation(chains: _UnitChains, reviewer_unit: int | None, idea_unit: int | None) -> str:
    """'same', 'above' (the reviewer's unit is above the idea's), 'below', or ''."""
    if reviewer_unit is None or idea_unit is None:
        return ""
    if reviewer_unit == idea_unit:
        return "same"
    if reviewer_unit in chains.chain(idea_unit):
        return "above"
    if idea_unit in chains.chain(reviewer_unit):
        return "below"
    return ""


UNIT_REASONS = {
    "same": N_("Thành viên thuộc đơn vị của ý tưởng."),
    "above": N_("Thành viên thuộc đơn vị cấp trên của đơn vị có ý tưởng."),
    "below": N_("Thành viên thuộc đơn vị cấp dưới của đơn vị có ý tưởng."),
}


def _automatic_conflicts(session: Session, rnd: Round) -> dict[tuple[int, int, str], str]:
    """(idea, reviewer, kind) → reason for every automatic conflict in the round."""
    ideas = ideas_of(session, rnd)
    reviewers = panel_of(session, rnd)
    chains = _UnitChains(session)
    out: dict[tuple[int, int, str], str] = {}
    for idea in ideas:
        author_users = {a.user_id for a in idea.authors if a.user_id}
        author_names = {name_key(a.name) for a in idea.authors}
        for user in reviewers:
            if user.id in author_users or name_key(user.full_name) in author_names:
                out[(idea.id, user.id, ConflictKind.AUTHOR)] = N_(
                    "Thành viên là tác giả của ý tưởng."
                )
            relation = unit_relation(chains, user.unit_id, idea.unit_id)
            if relation:
                out[(idea.id, user.id, ConflictKind.UNIT)] = UNIT_REASONS[relation]
            if idea.registrant_id == user.id:
                out[(idea.id, user.id, ConflictKind.REGISTRANT)] = N_(
                    "Thành viên là người đăng ký ý tưởng."
                )
    return out


def sync_conflicts(session: Session, rnd: Round) -> None:
    """Store the automatic conflicts found now (dismissed ones stay dismissed)."""
    stored = {
        (c.idea_id, c.reviewer_id, c.kind)
        for c in session.scalars(sa.select(ConflictRow).where(ConflictRow.round_id == rnd.id))
    }
    for (idea_id, reviewer_id, kind), reason in sorted(_automatic_conflicts(session, rnd).items()):
        if (idea_id, reviewer_id, kind) not in stored:
            session.add(
                ConflictRow(
                    round_id=rnd.id,
                    idea_id=idea_id,
                    reviewer_id=reviewer_id,
                    kind=kind,
                    reason=reason,
                )
            )
    session.flush()


def conflicted_pairs(session: Session, rnd: Round) -> set[tuple[int, int]]:
    return {
        (idea_id, reviewer_id)
        for idea_id, reviewer_id in session.execute(
            sa.select(ConflictRow.idea_id, ConflictRow.reviewer_id).where(
                ConflictRow.round_id == rnd.id, ConflictRow.dismissed_at.is_(None)
            )
        )
    }


def list_conflicts(session: Session, actor: Any, round_id: int) -> list[ConflictRow]:
    rnd = load_round(session, round_id)
    require_rule(actor, "round.read", rnd)
    return list(
        session.scalars(
            sa.select(ConflictRow)
            .where(ConflictRow.round_id == rnd.id)
            .order_by(ConflictRow.idea_id, ConflictRow.reviewer_id, ConflictRow.id)
        )
    )


def conflict_snapshot(c: ConflictRow) -> dict[str, Any]:
    return {
        "idea_id": c.idea_id,
        "reviewer_id": c.reviewer_id,
        "kind": c.kind,
        "reason": c.reason,
        "dismissed": c.dismissed_at is not None,
        "dismiss_reason": c.dismiss_reason,
    }


def dismiss_conflict(
    session: Session, actor: Any, round_id: int, conflict_id: int, reason: str
) -> ConflictRow:
    """The secretary sets aside a false automatic conflict, with a logged reason."""
    rnd = load_round(session, round_id, lock=True)
    require_in_phase(actor, "round.manage", rnd, rnd, "conflict")
    row = session.get(ConflictRow, conflict_id)
    if row is None or row.round_id != rnd.id:
        raise NotFound(N_("Không tìm thấy xung đột."))
    if row.kind not in policy.AUTOMATIC_CONFLICTS:
        raise Conflict(N_("Chỉ bỏ qua được xung đột phát hiện tự động."))
    if row.dismissed_at is not None:
        raise Conflict(N_("Xung đột này đã được bỏ qua."))
    reason = nfc(reason)
    if not reason:
        raise ValidationFailed(N_("Vui lòng ghi lý do."), {"reason": ["Vui lòng ghi lý do."]})
    with unit_of_work(session):
        before = conflict_snapshot(row)
        row.dismissed_at, row.dismissed_by_id, row.dismiss_reason = utcnow(), actor.id, reason
        record(
            session,
            actor,
            "conflict.dismiss",
            "review_conflict",
            row.id,
            before,
            conflict_snapshot(row),
        )
    return row
