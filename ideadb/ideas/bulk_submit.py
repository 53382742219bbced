"""Submitting many drafts at once: what an officer does after importing a file of ideas.

All or nothing: every chosen draft must be complete, or none is submitted and the page names
each incomplete dossier with what it lacks. Each submit is the same ``service.submit_idea``
(code, audit event, notices) inside one unit of work.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from ideadb.core.db import unit_of_work
from ideadb.core.errors import ValidationFailed
from ideadb.core.permissions import can
from ideadb.core.text import N_
from ideadb.ideas import service
from ideadb.ideas.models import Idea, IdeaStatus
from ideadb.ideas.validation import as_message, check_complete
from scoring.messages import Message, joined

MAX_AT_ONCE = 500


def submittable_drafts(session: Session, actor: Any) -> list[Idea]:
    """Drafts this person registered (typed in or imported) and may submit, oldest first."""
    stmt = service.list_ideas(
        session, actor, status=IdeaStatus.DRAFT, registrant_id=getattr(actor, "id", None)
    )
    ideas = session.scalars(stmt.order_by(None).order_by(Idea.id).limit(MAX_AT_ONCE)).all()
    return [i for i in ideas if can(actor, "idea.submit", i)]


def _missing(idea: Idea) -> list[str]:
    try:
        check_complete(idea)
    except ValidationFailed as exc:
        return [m for messages in exc.fields.values() for m in messages] or [exc.message]
    return []


def submit_drafts(session: Session, actor: Any, idea_ids: Iterable[int]) -> list[Idea]:
    """Submit the chosen drafts together; 422 naming the incomplete ones (nothing submitted)."""
    ids = list(dict.fromkeys(int(i) for i in idea_ids))
    if not ids:
        raise ValidationFailed(
            N_("Chưa chọn hồ sơ nào."), {"idea_ids": [N_("Chọn ít nhất một hồ sơ.")]}
        )
    if len(ids) > MAX_AT_ONCE:
        raise ValidationFailed(
            Message(N_("Mỗi lần nộp tối đa %(max)s hồ sơ."), max=MAX_AT_ONCE),
            {"idea_ids": [N_("Chọn ít hơn.")]},
        )
    ideas = [service.get_idea(session, actor, i) for i in ids]
    problems: list[str] = []
    for idea in ideas:
        if idea.status != IdeaStatus.DRAFT or not can(actor, "idea.submit", idea):
            problems.append(
                Message(
                    N_("%(title)s: hồ sơ không còn là bản nháp bạn nộp được."), title=idea.title
                )
            )
            continue
        missing = _missing(idea)
        if missing:
            listed = joined([as_message(m) for m in missing], " ")
            problems.append(Message(N_("%(name)s: %(message)s"), name=idea.title, message=listed))
    if problems:
        raise ValidationFailed(
            N_(
                "Chưa nộp hồ sơ nào: có hồ sơ chưa đủ thông tin. Sửa các hồ sơ này hoặc bỏ chọn chúng."
            ),
            {"idea_ids": problems},
        )
    with unit_of_work(session):
        for idea in ideas:
            service.submit_idea(session, actor, idea.id)
    return ideas
