"""Registration codes ``<PROVINCE>-<year>-<NNNN>``: consecutive per year, safe when submits race."""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ideadb.ideas.models import Idea, IdeaCodeCounter


def next_code(session: Session, year: int, prefix: str | None = None) -> str:
    """The next free code ``<PROVINCE>-<year>-<NNNN>``, safe when two submits race."""
    return next_codes(session, year, 1, prefix)[0]


def next_codes(session: Session, year: int, count: int, prefix: str | None = None) -> list[str]:
    """The next ``count`` free codes of a year, in order (bulk loads take many at once).

    One atomic upsert on the counter row: PostgreSQL holds its row lock until the transaction
    ends, so concurrent submits get consecutive numbers; SQLite serialises writers anyway.
    Codes already taken (e.g. imported with their old numbers) are skipped.
    """
    if prefix is None:
        from flask import current_app

        prefix = current_app.config.get("PROVINCE_CODE", "BK")
    postgres = session.get_bind().dialect.name == "postgresql"
    insert: Any = postgresql.insert if postgres else sqlite.insert
    counters = cast(sa.Table, IdeaCodeCounter.__table__)
    codes: list[str] = []
    while len(codes) < count:
        wanted = count - len(codes)
        stmt = (
            insert(counters)
            .values(prefix=prefix, year=year, last=wanted)
            .on_conflict_do_update(
                index_elements=["prefix", "year"],
                set_={"last": counters.c.last + wanted},
            )
            .returning(counters.c.last)
        )
        last = session.execute(stmt).scalar_one()
        fresh = [f"{prefix}-{year}-{n:04d}" for n in range(last - wanted + 1, last + 1)]
        taken = set(session.scalars(sa.select(Idea.code).where(Idea.code.in_(fresh))))
        codes.extend(c for c in fresh if c not in taken)
    return codes
