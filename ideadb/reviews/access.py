"""Who may reach a round or an assignment (permission rules), the loaders every review
service starts from, and the phase check that follows the role check.

An action outside its phases answers 409 (``policy.PHASES``), except reading the ranking,
which answers 403 before deliberation so that nothing about it leaks.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session

from ideadb.accounts.models import User
from ideadb.core.errors import (
    InvalidTransition,
    NotFound,
)
from ideadb.core.permissions import (
    Role,
    can,
    has_role,
    is_signed_in,
    reads_everything,
    roles_rule,
    rule,
)
from ideadb.core.permissions import require as require_rule
from ideadb.core.text import N_, clean
from ideadb.ideas import service as ideas_service
from ideadb.ideas.models import Idea
from ideadb.reviews import labels, policy
from ideadb.reviews.models import (
    Assignment,
    AssignmentStatus,
    Round,
    RoundIdea,
    RoundReviewer,
    RoundStatus,
)
from scoring.messages import Message

R = RoundStatus
A = AssignmentStatus


def is_secretary(actor: Any) -> bool:
    return has_role(actor, Role.SECRETARY)


def is_auditor(actor: Any) -> bool:
    return has_role(actor, Role.AUDITOR)


def is_chair(actor: Any, rnd: Round | None) -> bool:
    return is_signed_in(actor) and rnd is not None and rnd.chair_id == actor.id


def on_panel(actor: Any, rnd: Round) -> bool:
    if not is_signed_in(actor) or rnd.id is None:
        return False
    session = object_session(rnd)
    return (
        session is not None
        and session.scalar(
            sa.select(RoundReviewer.id).where(
                RoundReviewer.round_id == rnd.id, RoundReviewer.user_id == actor.id
            )
        )
        is not None
    )


@rule("round.manage")
def _may_manage(actor: Any, rnd: Round | None = None) -> bool:
    return is_secretary(actor)


# The council's work (assignments, conflicts, progress, sheets, ranking) is read by the
# secretary and the auditor; the administrator sees the rounds themselves but not the scoring.
# Changing anything stays with ``round.manage``.
@rule("round.list")
def _may_list(actor: Any, rnd: Any = None) -> bool:
    return is_secretary(actor) or reads_everything(actor)


@rule("round.read")
def _may_read(actor: Any, rnd: Any = None) -> bool:
    return is_secretary(actor) or is_auditor(actor)


roles_rule("assignment.list_own", Role.REVIEWER)
rule("round.view")(
    lambda actor, rnd: (
        has_role(actor, Role.SECRETARY)
        or reads_everything(actor)
        or is_chair(actor, rnd)
        or on_panel(actor, rnd)
    )
)
rule("round.ranking")(
    lambda actor, rnd: is_secretary(actor) or is_auditor(actor) or is_chair(actor, rnd)
)
rule("assignment.own")(
    lambda actor, a: is_signed_in(actor) and a is not None and a.reviewer_id == actor.id
)
rule("assignment.view")(
    lambda actor, a: (
        is_secretary(actor)
        or is_auditor(actor)
        or (is_signed_in(actor) and a.reviewer_id == actor.id)
    )
)
rule("round.conflict")(
    lambda actor, pair: is_secretary(actor) or (is_signed_in(actor) and actor.id == pair[1])
)


def allowed_for(actor: Any, rnd: Round, action: str) -> bool:
    """For pages: may ``actor`` do the round-level ``action`` now (role and phase)."""
    permission = "round.ranking" if action == "ranking" else "round.manage"
    return can(actor, permission, rnd) and policy.allowed(rnd, action)


nfc = clean  # NFC without surrounding blanks


def name_key(text: str | None) -> str:
    return " ".join(nfc(text).casefold().split())


def round_snapshot(rnd: Round) -> dict[str, Any]:
    return {
        "name": rnd.name,
        "year": rnd.year,
        "level": rnd.level,
        "criteria_set_id": rnd.criteria_set_id,
        "reviewers_per_idea": rnd.reviewers_per_idea,
        "aggregation": rnd.aggregation,
        "blind": rnd.blind,
        "disagreement_threshold": rnd.disagreement_threshold,
        "deadline": rnd.deadline,
        "status": rnd.status,
        "chair_id": rnd.chair_id,
        "show_details_to_submitters": rnd.show_details_to_submitters,
        "document": rnd.document,
        "appeal_days": rnd.appeal_days,
        "public_vote": rnd.public_vote,
    }


def load_round(session: Session, round_id: int, *, lock: bool = False) -> Round:
    stmt = sa.select(Round).where(Round.id == round_id)
    if lock:
        stmt = stmt.with_for_update()
    rnd = session.scalar(stmt)
    if rnd is None:
        raise NotFound(N_("Không tìm thấy đợt xét chọn."))
    return rnd


def get_round(session: Session, actor: Any, round_id: int) -> Round:
    """A round for staff, its chair and its reviewers; 404 for everyone else."""
    rnd = load_round(session, round_id)
    if not can(actor, "round.view", rnd):
        raise NotFound(N_("Không tìm thấy đợt xét chọn."))
    return rnd


def load_assignment(session: Session, assignment_id: int, *, lock: bool = False) -> Assignment:
    stmt = sa.select(Assignment).where(Assignment.id == assignment_id)
    if lock:
        stmt = stmt.with_for_update()
    a = session.scalar(stmt)
    if a is None:
        raise NotFound(N_("Không tìm thấy phân công."))
    return a


def require_on_round(session: Session, actor: Any, round_id: int, permission: str) -> Round:
    """The round, once ``actor`` holds ``permission`` on it: pages check this before they
    read a posted form, so a caller who may not act is refused whatever they sent."""
    rnd = load_round(session, round_id)
    require_rule(actor, permission, rnd)
    return rnd


def visible_assignment(
    session: Session, actor: Any, assignment_id: int, permission: str
) -> Assignment:
    a = load_assignment(session, assignment_id)
    if not can(actor, permission, a):
        # Another reviewer's sheet does not exist as far as this caller can tell.
        raise NotFound(N_("Không tìm thấy phân công."))
    return a


def ideas_of(session: Session, rnd: Round) -> list[Idea]:
    return list(
        session.scalars(
            sa.select(Idea)
            .join(RoundIdea, RoundIdea.idea_id == Idea.id)
            .where(RoundIdea.round_id == rnd.id)
            .order_by(RoundIdea.id)
        )
    )


def panel_of(session: Session, rnd: Round) -> list[User]:
    return list(
        session.scalars(
            sa.select(User)
            .join(RoundReviewer, RoundReviewer.user_id == User.id)
            .where(RoundReviewer.round_id == rnd.id)
            .order_by(RoundReviewer.id)
        )
    )


def reviewer_visibility(actor: Any) -> sa.ColumnElement[bool] | None:
    """Reviewers see (in ideas, search) the ideas they confirmed in rounds that are not blind."""
    if not has_role(actor, Role.REVIEWER) or getattr(actor, "id", None) is None:
        return None
    return Idea.id.in_(
        sa.select(Assignment.idea_id)
        .join(Round, Round.id == Assignment.round_id)
        .where(
            Assignment.reviewer_id == actor.id,
            Assignment.status.in_((A.ACTIVE, A.SUBMITTED)),
            Round.blind.is_(False),
        )
    )


def require_in_phase(actor: Any, permission: str, obj: Any, rnd: Round, action: str) -> None:
    require_rule(actor, permission, obj)
    require_phase(rnd, action)


def require_phase(rnd: Round, action: str) -> None:
    if not policy.allowed(rnd, action):
        raise InvalidTransition(
            Message(
                N_("Không thể thực hiện thao tác này khi đợt xét chọn ở giai đoạn “%(status)s”."),
                # The phase's Vietnamese name (its msgid), translated where the sentence is shown.
                status=Message(labels.in_documents(labels.STATUS_LABELS, rnd.status)),
            )
        )


ideas_service.register_visibility("reviews", reviewer_visibility)
