"""Duplicate rows of an import: the same title and the same authors as an idea already in the
database, or as an earlier row of the same file (re-importing a spreadsheet twice).

Titles and names are compared after Unicode NFC, case folding and collapsing spaces, so a row
typed again with other capitals or spacing is still found; the authors' order does not matter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.core.text import N_
from ideadb.ideas.import_columns import COLUMN_BY_FIELD
from ideadb.ideas.import_rows import RowError
from ideadb.ideas.models import Author, Idea
from ideadb.ideas.validation import nfc
from scoring.messages import Message, joined

CHUNK = 500


def _text_key(text: str | None) -> str:
    return " ".join(nfc(text or "").casefold().split())


def duplicate_key(title: str, author_names: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    return _text_key(title), tuple(sorted(_text_key(n) for n in author_names))


def _existing(session: Session, titles: Sequence[str]) -> dict[tuple, list[Idea]]:
    """Ideas whose title matches one of ``titles`` (case and spacing aside), by duplicate key."""
    wanted = {_text_key(t) for t in titles}
    # Case and spacing cannot be folded alike in SQL on every backend (SQLite lowers ASCII only),
    # so the titles are read once, id and title only, and compared here.
    candidates: dict[int, Idea] = {}
    matched = [
        idea_id
        for idea_id, title in session.execute(
            sa.select(Idea.id, Idea.title).execution_options(yield_per=2000)
        )
        if _text_key(title) in wanted
    ]
    for start in range(0, len(matched), CHUNK):
        for idea in session.scalars(
            sa.select(Idea).where(Idea.id.in_(matched[start : start + CHUNK]))
        ):
            candidates[idea.id] = idea
    if not candidates:
        return {}
    names: dict[int, list[str]] = {i: [] for i in candidates}
    ids = sorted(candidates)
    for start in range(0, len(ids), CHUNK):
        for idea_id, name in session.execute(
            sa.select(Author.idea_id, Author.name).where(
                Author.idea_id.in_(ids[start : start + CHUNK])
            )
        ):
            names[idea_id].append(name)
    out: dict[tuple, list[Idea]] = {}
    for idea_id in ids:
        idea = candidates[idea_id]
        out.setdefault(duplicate_key(idea.title, names[idea_id]), []).append(idea)
    return out


def _label(idea: Idea) -> str:
    return idea.code or Message(N_("#%(id)s (bản nháp)"), id=idea.id)


def find_duplicates(
    session: Session, rows: Sequence[tuple[int, str, Sequence[dict[str, Any]]]]
) -> list[RowError]:
    """A warning per row (row number, title, authors) that repeats an idea or an earlier row."""
    existing = _existing(session, [title for _, title, _ in rows])
    column = COLUMN_BY_FIELD["title"].header
    seen: dict[tuple, int] = {}
    warnings: list[RowError] = []
    for number, title, authors in rows:
        key = duplicate_key(title, (a.get("name") or "" for a in authors))
        matches = existing.get(key, [])
        if matches:
            listed = joined([_label(i) for i in matches[:5]], ", ")
            if len(matches) > 5:
                message = Message(
                    N_(
                        "Trùng với ý tưởng đã có cùng tên và tác giả: %(listed)s "
                        "và %(more)s ý tưởng khác."
                    ),
                    listed=listed,
                    more=len(matches) - 5,
                )
            else:
                message = Message(
                    N_("Trùng với ý tưởng đã có cùng tên và tác giả: %(listed)s."), listed=listed
                )
            warnings.append(RowError(number, "title", column, message))
        elif key in seen:
            warnings.append(
                RowError(
                    number,
                    "title",
                    column,
                    Message(
                        N_("Trùng với dòng %(row)s của tệp (cùng tên và tác giả)."), row=seen[key]
                    ),
                )
            )
        seen.setdefault(key, number)
    return warnings
