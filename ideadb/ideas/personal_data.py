"""An author's personal data in ideas: what we hold about them, and withdrawing their name.

Registered in create_app as the "ideas" section of the accounts feature's data export and
account closure (Nghị định 13/2023/NĐ-CP). A recognised initiative is a public record: its
authors stay as registered; elsewhere the closing author's name is withdrawn, in the author
rows and in the revision history, and the idea keeps its text and the other authors.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.audit.service import record
from ideadb.core.changes import record_idea_change
from ideadb.core.db import utcnow
from ideadb.ideas.lifecycle import CONTENT_FIELDS
from ideadb.ideas.models import (
    Author,
    AuthorInvitation,
    Idea,
    IdeaRevision,
    IdeaStatus,
    InvitationStatus,
)

WITHDRAWN_NAME = "Tác giả đã rút thông tin"
CONTENT = ("code", *CONTENT_FIELDS, "status")


def is_public_record(idea: Idea) -> bool:
    """Recognised at some scope: the decision, with its authors, is public."""
    return idea.status == IdeaStatus.RECOGNIZED or idea.recognized_at is not None


def _ideas_of(session: Session, user_id: int) -> list[Idea]:
    authored = sa.select(Author.idea_id).where(Author.user_id == user_id)
    return list(
        session.scalars(
            sa.select(Idea)
            .where(sa.or_(Idea.registrant_id == user_id, Idea.id.in_(authored)))
            .order_by(Idea.id)
        )
    )


def export(session: Session, user: Any) -> dict[str, Any]:
    """The ideas this person registered or is an author of, with their own author rows, and
    the invitations to be named co-author that were addressed to them."""
    invitations = session.scalars(
        sa.select(AuthorInvitation)
        .where(AuthorInvitation.invited_user_id == user.id)
        .order_by(AuthorInvitation.id)
    )
    return {
        "ideas": _ideas_export(session, user),
        "author_invitations": [
            {
                "id": i.id,
                "idea_id": i.idea_id,
                "status": i.status,
                "created_at": i.created_at.isoformat() if i.created_at else None,
                "decided_at": i.decided_at.isoformat() if i.decided_at else None,
            }
            for i in invitations
        ],
    }


def _ideas_export(session: Session, user: Any) -> list[dict[str, Any]]:
    out = []
    for idea in _ideas_of(session, user.id):
        item: dict[str, Any] = {"id": idea.id}
        item.update({name: getattr(idea, name) for name in CONTENT})
        item["registered_by_me"] = idea.registrant_id == user.id
        item["created_at"] = idea.created_at.isoformat() if idea.created_at else None
        item["my_author_rows"] = [
            {"name": a.name, "unit": a.unit, "share": a.share}
            for a in idea.authors
            if a.user_id == user.id
        ]
        out.append(item)
    return out


def erase(session: Session, user: Any) -> int:
    """Withdraw this person's name from the ideas that are not a public record, and decline
    the invitations to be named co-author they have not answered."""
    changed = 0
    for invitation in session.scalars(
        sa.select(AuthorInvitation).where(
            AuthorInvitation.invited_user_id == user.id,
            AuthorInvitation.status == InvitationStatus.PENDING,
        )
    ):
        invitation.status = InvitationStatus.DECLINED
        invitation.decided_at = utcnow()
        record(session, user, "author_invitation.decline", "author_invitation", invitation.id)
    for idea in _ideas_of(session, user.id):
        rows = [a for a in idea.authors if a.user_id == user.id]
        if not rows or is_public_record(idea):
            continue
        names = {a.name for a in rows}
        for author in rows:
            author.name = WITHDRAWN_NAME
            author.unit = ""
        for revision in session.scalars(
            sa.select(IdeaRevision).where(IdeaRevision.idea_id == idea.id)
        ):
            revision.snapshot = _without_names(revision.snapshot, names)
        record(
            session,
            user,
            "idea.author_withdrawn",
            "idea",
            idea.id,
            after={"authors_withdrawn": len(rows)},
        )
        record_idea_change(session, idea.id)
        changed += 1
    return changed


def _without_names(snapshot: dict[str, Any], names: set[str]) -> dict[str, Any]:
    authors = snapshot.get("authors")
    if not isinstance(authors, list):
        return snapshot
    replaced = [
        {**a, "name": WITHDRAWN_NAME, "unit": ""}
        if isinstance(a, dict) and a.get("name") in names
        else a
        for a in authors
    ]
    return {**snapshot, "authors": replaced}
