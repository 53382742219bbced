"""What the reports page offers an actor: the summary (and for which unit), and the rounds whose
ranked list they may export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.core.permissions import Role, can, has_role, is_staff
from ideadb.units.models import Unit

EXPORTABLE_STATUSES = ("deliberation", "finalized")


@dataclass
class ReportsIndex:
    can_summarise: bool
    scope: str  # the unit an officer reports for, "" for the whole database
    rounds: list[Any]  # rounds whose ranked list this actor may export


def reports_index(session: Session, actor: Any) -> ReportsIndex:
    """What the reports page offers this actor."""
    scope = ""
    if can(actor, "report.summary") and not (is_staff(actor) or has_role(actor, Role.SECRETARY)):
        unit = session.get(Unit, actor.unit_id) if actor.unit_id else None
        scope = unit.name if unit else ""
    return ReportsIndex(can(actor, "report.summary"), scope, exportable_rounds(session, actor))


def exportable_rounds(session: Session, actor: Any) -> list[Any]:
    """Rounds in deliberation or finalized whose ranking this actor may export."""
    from ideadb.reviews.models import Round

    rounds = session.scalars(
        sa.select(Round)
        .where(Round.status.in_(EXPORTABLE_STATUSES))
        .order_by(Round.year.desc(), Round.id.desc())
    ).all()
    return [r for r in rounds if can(actor, "round.ranking", r)]
