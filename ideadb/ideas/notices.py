"""Who is told about an idea, and sending the notices a transition plans.

Notifications store their text and where they lead: they outlive any request, so the text is
the Vietnamese source and the target an endpoint with its arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.accounts.models import User, UserRole
from ideadb.accounts.notify import notify
from ideadb.core.permissions import Role
from ideadb.ideas.lifecycle import Notice
from ideadb.ideas.models import Idea
from ideadb.units.models import Unit


def idea_target(idea: Idea | int) -> tuple[str, dict[str, Any]]:
    """Where a notification about an idea leads: its page (endpoint and arguments)."""
    return "ideas.detail", {"idea_id": getattr(idea, "id", idea)}


def officers_to_notify(session: Session, unit: Unit | None) -> list[int]:
    """The active unit officers of the nearest unit with any: the idea's own, then a step up
    (the unit above it and the unit that took it over), and so on."""
    seen: set[int] = set()
    level = [unit] if unit is not None else []
    while level:
        level = [u for u in dict.fromkeys(level) if u.id not in seen]
        seen.update(u.id for u in level)
        if not level:
            break
        ids = list(
            session.scalars(
                sa.select(User.id)
                .where(
                    User.unit_id.in_([u.id for u in level]),
                    User.active.is_(True),
                    User.id.in_(
                        sa.select(UserRole.user_id).where(UserRole.role == Role.UNIT_OFFICER.value)
                    ),
                )
                .order_by(User.id)
            )
        )
        if ids:
            return ids
        level = [n for u in level for n in (u.successor, u.parent) if n is not None]
    return []


def people(registrant_id: int | None, author_user_ids: Iterable[int | None]) -> list[int]:
    """The registrant and the authors with an account, each once."""
    ids = [registrant_id, *author_user_ids]
    return list(dict.fromkeys(i for i in ids if i is not None))


def people_of(idea: Idea) -> list[int]:
    return people(idea.registrant_id, (a.user_id for a in idea.authors))


def send(
    session: Session,
    notices: Iterable[Notice],
    *,
    idea_id: int,
    actor: Any,
    people_ids: list[int],
    officers: Callable[[], list[int]],
) -> None:
    """Add the notifications of a plan to the current transaction."""
    link = idea_target(idea_id)
    actor_id = getattr(actor, "id", None)
    for notice in notices:
        if notice.audience == "people":
            recipients = people_ids
        else:
            recipients = [o for o in officers() if o != actor_id]
        target = (notice.endpoint, {"idea_id": idea_id}) if notice.endpoint else link
        for user_id in recipients:
            notify(
                session,
                user_id,
                notice.message,
                target,
                dict(notice.params or {}),
                notice.translate,
            )


def send_for_idea(session: Session, actor: Any, idea: Idea, notices: Iterable[Notice]) -> None:
    send(
        session,
        notices,
        idea_id=idea.id,
        actor=actor,
        people_ids=people_of(idea),
        officers=lambda: officers_to_notify(session, idea.unit),
    )
