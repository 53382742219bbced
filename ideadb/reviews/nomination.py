"""Nomination rules shared by rounds and deliberation: the ladder of scopes, an initiative
recognised once per scope, one open round per scope, and the level nominated upward."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.core.errors import Conflict
from ideadb.criteria.models import RecognitionLevel
from ideadb.ideas.models import Idea, IdeaStatus
from ideadb.reviews.models import LEVELS, Decision, Round, RoundIdea, RoundStatus
from scoring.messages import N_, Message, joined


def level_rank(level: str | None) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


def recognised_at_or_above(
    session: Session, idea_id: int, level: str, *, exclude: int | None
) -> Round | None:
    """The finalised round that already recognised this idea at ``level`` or higher, if any."""
    higher = [lv for lv in LEVELS if level_rank(lv) >= level_rank(level)]
    stmt = (
        sa.select(Round)
        .join(Decision, Decision.round_id == Round.id)
        .where(
            Decision.idea_id == idea_id,
            Decision.level.is_not(None),
            Decision.applied_at.is_not(None),
            Round.level.in_(higher),
        )
    )
    if exclude is not None:
        stmt = stmt.where(Round.id != exclude)
    return session.scalars(stmt).first()


def highest_level(session: Session, set_id: int) -> str | None:
    """The code of a criteria set's highest recognition level (largest minimum score)."""
    return session.scalar(
        sa.select(RecognitionLevel.code)
        .where(RecognitionLevel.set_id == set_id)
        .order_by(RecognitionLevel.min_score.desc(), RecognitionLevel.position)
        .limit(1)
    )


# Stored and API messages keep the Vietnamese source text (a page translates these words).
_SCOPE_WORDS = {
    "co_so": N_("cấp cơ sở"),
    "huyen": N_("cấp huyện"),
    "tinh": N_("cấp tỉnh"),
    "trung_uong": N_("cấp trung ương"),
}


def _scope(level: str) -> str:
    return Message(_SCOPE_WORDS[level]) if level in _SCOPE_WORDS else level


def _label(idea: Idea) -> str:
    return idea.code or str(idea.id)


def refuse_recognised_or_elsewhere(session: Session, rnd: Round, new: list[Idea]) -> None:
    """An initiative is recognised once per scope, and sits in one open round per scope."""
    recognised = [
        i
        for i in new
        if (
            i.status == IdeaStatus.RECOGNIZED
            and i.recognized_scope is not None
            and level_rank(i.recognized_scope) >= level_rank(rnd.level)
        )
        or recognised_at_or_above(session, i.id, rnd.level, exclude=rnd.id) is not None
    ]
    if recognised:
        raise Conflict(
            Message(
                N_(
                    "Đã được công nhận ở %(scope)s (hoặc cấp cao hơn), không đưa vào đợt %(scope)s "
                    "nữa — mỗi sáng kiến chỉ được công nhận một lần ở mỗi cấp: %(ideas)s"
                ),
                scope=_scope(rnd.level),
                ideas=", ".join(_label(i) for i in recognised),
            ),
            {"idea_ids": [str(i.id) for i in recognised]},
        )
    if not new:
        return
    elsewhere = session.execute(
        sa.select(RoundIdea.idea_id, Round.name)
        .join(Round, Round.id == RoundIdea.round_id)
        .where(
            RoundIdea.idea_id.in_([i.id for i in new]),
            Round.id != rnd.id,
            Round.level == rnd.level,
            Round.status != RoundStatus.FINALIZED.value,
        )
        .order_by(RoundIdea.idea_id, Round.id)
    ).all()
    if elsewhere:
        by_id = {i.id: i for i in new}
        raise Conflict(
            Message(
                N_(
                    "Mỗi ý tưởng chỉ ở một đợt đang diễn ra của mỗi cấp; đã nằm trong đợt "
                    "%(scope)s chưa kết thúc: %(ideas)s"
                ),
                scope=_scope(rnd.level),
                ideas=joined(
                    (
                        Message(
                            N_("%(idea)s (đợt “%(round)s”)"),
                            idea=_label(by_id[idea_id]),
                            round=name,
                        )
                        for idea_id, name in elsewhere
                    ),
                    ", ",
                ),
            ),
            {"idea_ids": sorted({str(idea_id) for idea_id, _ in elsewhere})},
        )
