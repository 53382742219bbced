"""The public vote of a round (API.md: Public vote).

A round may carry ``public_vote: {"weight": 0..50, "opens_at", "closes_at"}``: the weight is
set with the round's settings (frozen once scoring opens, like the rest of the method); the
secretary opens and closes the vote (audited). While it is open, any account with a verified
e-mail casts at most one vote per idea of the round — the unique (round, idea, account) row
decides a race, so two clicks at once count once. The idea's authors (its registrant and
linked co-authors), the round's panel and chair, and staff (secretary, admin, auditor) do not
vote. A finalized round's vote is over. The combination with the council's score is pure
(``scoring.public_vote``); :func:`combine` feeds it the counts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import scoring
from ideadb.audit.service import record
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.errors import (
    Conflict,
    InvalidTransition,
    NotAllowed,
    NotAuthenticated,
    NotFound,
)
from ideadb.core.permissions import Role, has_role, is_signed_in
from ideadb.core.permissions import require as require_rule
from ideadb.core.text import N_
from ideadb.ideas.models import Idea
from ideadb.reviews import policy
from ideadb.reviews.access import load_round, round_snapshot
from ideadb.reviews.models import PublicVote, Round, RoundIdea, RoundReviewer
from scoring import public_vote as public_scoring
from scoring.messages import Message

STAFF_ROLES = (Role.SECRETARY, Role.ADMIN, Role.AUDITOR)
NO_VOTE = N_("Đợt xét chọn này không có bình chọn công khai.")
NOT_OPEN = N_("Bình chọn công khai của đợt này chưa mở hoặc đã kết thúc.")
ALREADY = N_("Bạn đã bình chọn cho ý tưởng này rồi. Mỗi tài khoản chỉ được bình chọn một lần.")
UNVERIFIED = N_(
    "Chỉ tài khoản đã xác nhận địa chỉ thư điện tử mới được bình chọn. "
    "Hãy mở liên kết trong thư xác nhận (hoặc yêu cầu gửi lại)."
)


# --- settings ------------------------------------------------------------------------------


def _not_a_time(key: str) -> str:
    return Message(N_("“%(key)s” không phải thời điểm hợp lệ."), key=key)


def _parse_time(value: Any, key: str, errors: dict[str, list[str]]) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            errors.setdefault("public_vote", []).append(_not_a_time(key))
            return None
    else:
        errors.setdefault("public_vote", []).append(_not_a_time(key))
        return None
    if parsed.tzinfo is None:
        errors.setdefault("public_vote", []).append(
            Message(N_("“%(key)s” cần có múi giờ (+07:00 hoặc Z)."), key=key)
        )
        return None
    return parsed


def clean_public_vote(
    value: Any, rnd: Round | None, errors: dict[str, list[str]]
) -> dict[str, Any]:
    """The round's columns for a ``public_vote`` value (only those that change)."""
    if value is None:
        out: dict[str, Any] = {
            "public_vote_weight": None,
            "vote_opens_at": None,
            "vote_closes_at": None,
        }
    elif not isinstance(value, dict):
        errors.setdefault("public_vote", []).append(
            N_("Bình chọn công khai phải là một đối tượng {weight, opens_at, closes_at} hoặc null.")
        )
        return {}
    else:
        weight = value.get("weight")
        if (
            not isinstance(weight, int)
            or isinstance(weight, bool)
            or not 0 <= weight <= public_scoring.MAX_WEIGHT
        ):
            errors.setdefault("public_vote", []).append(
                N_("Tỷ trọng bình chọn công khai là số nguyên từ 0 đến 50 (điểm trên 100).")
            )
            return {}
        # A key left out keeps the round's current time (a PATCH of the weight alone).
        opens = (
            _parse_time(value.get("opens_at"), "opens_at", errors)
            if "opens_at" in value or rnd is None
            else rnd.vote_opens_at
        )
        closes = (
            _parse_time(value.get("closes_at"), "closes_at", errors)
            if "closes_at" in value or rnd is None
            else rnd.vote_closes_at
        )
        if opens is not None and closes is not None and closes <= opens:
            errors.setdefault("public_vote", []).append(
                N_("Thời điểm kết thúc bình chọn phải sau thời điểm mở.")
            )
        out = {"public_vote_weight": weight, "vote_opens_at": opens, "vote_closes_at": closes}
    if rnd is None:
        return out
    return {k: v for k, v in out.items() if getattr(rnd, k) != v}


def is_open(rnd: Round, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        rnd.public_vote_weight is not None
        and not policy.is_finalized(rnd)
        and rnd.vote_opens_at is not None
        and rnd.vote_opens_at <= now
        and (rnd.vote_closes_at is None or now < rnd.vote_closes_at)
    )


def has_started(rnd: Round, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        rnd.public_vote_weight is not None
        and rnd.vote_opens_at is not None
        and rnd.vote_opens_at <= now
    )


def open_vote(session: Session, actor: Any, round_id: int) -> Round:
    """The secretary opens the vote now (until its closing time, if one is set and later)."""
    rnd = load_round(session, round_id, lock=True)
    require_rule(actor, "round.manage", rnd)
    if rnd.public_vote_weight is None:
        raise Conflict(NO_VOTE)
    if policy.is_finalized(rnd):
        raise InvalidTransition(N_("Đợt xét chọn đã công bố kết quả: không mở bình chọn được nữa."))
    if is_open(rnd):
        raise Conflict(N_("Bình chọn công khai đang mở."))
    now = utcnow()
    with unit_of_work(session):
        before = round_snapshot(rnd)
        rnd.vote_opens_at = now
        if rnd.vote_closes_at is not None and rnd.vote_closes_at <= now:
            rnd.vote_closes_at = None
        record(session, actor, "round.vote_open", "round", rnd.id, before, round_snapshot(rnd))
    return rnd


def close_vote(session: Session, actor: Any, round_id: int) -> Round:
    rnd = load_round(session, round_id, lock=True)
    require_rule(actor, "round.manage", rnd)
    if not is_open(rnd):
        raise Conflict(NOT_OPEN)
    with unit_of_work(session):
        before = round_snapshot(rnd)
        rnd.vote_closes_at = utcnow()
        record(session, actor, "round.vote_close", "round", rnd.id, before, round_snapshot(rnd))
    return rnd


# --- voting --------------------------------------------------------------------------------


def _idea_of_round(session: Session, rnd: Round, idea_id: int) -> Idea:
    idea = session.scalar(
        sa.select(Idea)
        .join(RoundIdea, RoundIdea.idea_id == Idea.id)
        .where(RoundIdea.round_id == rnd.id, Idea.id == idea_id)
    )
    if idea is None:
        raise NotFound(N_("Ý tưởng không thuộc đợt bình chọn này."))
    return idea


def exclusion(session: Session, rnd: Round, idea: Idea, user: Any) -> str | None:
    """Why ``user`` may not vote for ``idea`` in ``rnd`` (None: they may)."""
    if idea.registrant_id == user.id or any(a.user_id == user.id for a in idea.authors):
        return N_("Tác giả, đồng tác giả của ý tưởng không bình chọn cho ý tưởng của mình.")
    if has_role(user, *STAFF_ROLES) or user.id in (rnd.chair_id, rnd.created_by_id):
        return N_("Cán bộ tổ chức đợt xét chọn không tham gia bình chọn.")
    on_panel = session.scalar(
        sa.select(RoundReviewer.id).where(
            RoundReviewer.round_id == rnd.id, RoundReviewer.user_id == user.id
        )
    )
    if on_panel is not None:
        return N_("Thành viên hội đồng của đợt không tham gia bình chọn.")
    return None


def vote_count(session: Session, round_id: int, idea_id: int) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count(PublicVote.id)).where(
                PublicVote.round_id == round_id, PublicVote.idea_id == idea_id
            )
        )
        or 0
    )


def cast_vote(session: Session, actor: Any, round_id: int, idea_id: int) -> int:
    """One vote of ``actor`` for an idea of the round; returns the idea's votes now."""
    if not is_signed_in(actor):
        raise NotAuthenticated(N_("Vui lòng đăng nhập để bình chọn."))
    rnd = load_round(session, round_id)
    if rnd.public_vote_weight is None:
        raise NotFound(NO_VOTE)
    idea = _idea_of_round(session, rnd, idea_id)
    if not getattr(actor, "email_verified", False):
        raise NotAllowed(UNVERIFIED)
    reason = exclusion(session, rnd, idea, actor)
    if reason:
        raise NotAllowed(reason)
    if not is_open(rnd):
        raise Conflict(NOT_OPEN)
    already = session.scalar(
        sa.select(PublicVote.id).where(
            PublicVote.round_id == rnd.id,
            PublicVote.idea_id == idea.id,
            PublicVote.user_id == actor.id,
        )
    )
    if already is not None:
        raise Conflict(ALREADY)
    try:
        with unit_of_work(session):
            vote = PublicVote(round_id=rnd.id, idea_id=idea.id, user_id=actor.id)
            session.add(vote)
            session.flush()
            record(
                session,
                actor,
                "public_vote.cast",
                "round",
                rnd.id,
                None,
                {"idea_id": idea.id, "vote_id": vote.id},
            )
    except IntegrityError as exc:  # the same account's other click won the race
        raise Conflict(ALREADY) from exc
    return vote_count(session, rnd.id, idea.id)


# --- counts and the combined ranking ---------------------------------------------------------


def counts(session: Session, rnd: Round) -> dict[int, int]:
    """Votes per idea of the round (ideas without votes are left out)."""
    return {
        idea_id: n
        for idea_id, n in session.execute(
            sa.select(PublicVote.idea_id, sa.func.count(PublicVote.id))
            .where(PublicVote.round_id == rnd.id)
            .group_by(PublicVote.idea_id)
        )
    }


def load_public_round(session: Session, actor: Any, round_id: int) -> Round:
    """A round whose vote has started (anyone), or any round with a vote for its staff."""
    from ideadb.core.permissions import can

    rnd = load_round(session, round_id)
    if rnd.public_vote_weight is None:
        raise NotFound(NO_VOTE)
    if not has_started(rnd) and not can(actor, "round.view", rnd):
        raise NotFound(NO_VOTE)
    return rnd


def tally(session: Session, actor: Any, round_id: int) -> dict[str, Any]:
    """``GET /rounds/{id}/votes``: every idea of the round with its votes, most voted first."""
    rnd = load_public_round(session, actor, round_id)
    by_idea = counts(session, rnd)
    ideas = list(
        session.scalars(
            sa.select(Idea)
            .join(RoundIdea, RoundIdea.idea_id == Idea.id)
            .where(RoundIdea.round_id == rnd.id)
            .order_by(RoundIdea.id)
        )
    )
    ordered = sorted(ideas, key=lambda i: (-by_idea.get(i.id, 0), i.code or "", i.id))
    items = [
        {"idea_id": i.id, "code": i.code, "title": i.title, "votes": by_idea.get(i.id, 0)}
        for i in ordered
    ]
    return {"round": rnd, "items": items, "ideas": {i.id: i for i in ideas}}


def voted_ideas(session: Session, actor: Any, round_id: int) -> set[int]:
    if not is_signed_in(actor):
        return set()
    return set(
        session.scalars(
            sa.select(PublicVote.idea_id).where(
                PublicVote.round_id == round_id, PublicVote.user_id == actor.id
            )
        )
    )


def open_rounds(session: Session) -> list[Round]:
    """Rounds whose vote is open now (for the public catalogue)."""
    now = utcnow()
    rows = session.scalars(
        sa.select(Round)
        .where(Round.public_vote_weight.is_not(None), Round.vote_opens_at.is_not(None))
        .order_by(Round.vote_opens_at.desc())
    )
    return [r for r in rows if is_open(r, now)]


def combine(
    session: Session, rnd: Round, rubric: scoring.Rubric, council: scoring.RoundRanking
) -> public_scoring.CombinedRanking | None:
    """The council ranking with the public vote counted in (None: the round has no vote)."""
    if rnd.public_vote_weight is None:
        return None
    return public_scoring.combine(council, rubric, counts(session, rnd), rnd.public_vote_weight)


def export_personal_data(session: Session, user: Any) -> list[dict[str, Any]]:
    """The person's votes (their part of the personal-data export; votes stay counted when
    the account closes: the account itself is anonymised)."""
    rows = session.execute(
        sa.select(PublicVote.round_id, PublicVote.idea_id, PublicVote.created_at)
        .where(PublicVote.user_id == user.id)
        .order_by(PublicVote.id)
    )
    return [
        {"round_id": r, "idea_id": i, "created_at": at.isoformat() if at else None}
        for r, i, at in rows
    ]
