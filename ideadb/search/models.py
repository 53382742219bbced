"""The search outbox: one row per change of an idea, written in the change's transaction."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ideadb.core.db import Base, UTCDateTime, utcnow


class SearchOutbox(Base):
    """An idea whose index entry must be refreshed; removed once the index has it."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
