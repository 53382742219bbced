"""Which review rounds use a criteria set (offered to the criteria feature as a provider)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.reviews.models import Round


def criteria_set_usage(session: Session, set_id: int) -> list[dict[str, Any]]:
    """``[{"id", "name", "year", "status"}]`` of the rounds using this criteria set version."""
    rows = session.scalars(
        sa.select(Round).where(Round.criteria_set_id == set_id).order_by(Round.id)
    )
    return [{"id": r.id, "name": r.name, "year": r.year, "status": r.status} for r in rows]
