"""Deliberation: end of scoring, discussions, staged decisions and finalisation, which
applies every decision at once."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.audit.service import record
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.errors import (
    Conflict,
    ValidationFailed,
)
from ideadb.core.text import N_
from ideadb.ideas import service as ideas_service
from ideadb.ideas.models import Idea, IdeaStatus
from ideadb.reviews import policy, register
from ideadb.reviews.access import (
    load_round,
    nfc,
    require_in_phase,
    round_snapshot,
)
from ideadb.reviews.assignments import (
    assignment_snapshot,
    live_assignments,
)
from ideadb.reviews.models import (
    AssignmentStatus,
    Decision,
    Discussion,
    Round,
    RoundIdea,
    RoundStatus,
)
from ideadb.reviews.results import check_ranking, compute, resolutions
from ideadb.reviews.rounds import level_rank, recognised_at_or_above
from scoring.messages import Message, joined

R = RoundStatus
A = AssignmentStatus


def deliberate(session: Session, actor: Any, round_id: int, *, force: bool = False) -> Round:
    """reviewing → deliberation: scoring ends. 409 while a sheet is unsubmitted, unless
    ``force``, which marks unsubmitted assignments missed."""
    rnd = load_round(session, round_id, lock=True)
    require_in_phase(actor, "round.manage", rnd, rnd, "deliberate")
    unsubmitted = [a for a in live_assignments(session, rnd) if policy.is_open(a)]
    if unsubmitted and not force:
        raise Conflict(
            Message(
                N_(
                    "Còn %(n)s phiếu chấm chưa nộp; chờ nộp đủ hoặc kết thúc chấm và đánh dấu các "
                    "phiếu đó là không nộp."
                ),
                n=str(len(unsubmitted)),
            )
        )
    with unit_of_work(session):
        before = round_snapshot(rnd)
        for a in unsubmitted:
            snap = assignment_snapshot(a)
            a.status = A.MISSED
            record(
                session,
                actor,
                "assignment.missed",
                "assignment",
                a.id,
                snap,
                assignment_snapshot(a),
            )
        rnd.status = R.DELIBERATION
        rnd.deliberation_at = utcnow()
        record(
            session,
            actor,
            "round.deliberate",
            "round",
            rnd.id,
            before,
            round_snapshot(rnd) | {"missed": len(unsubmitted)},
        )
    return rnd


def add_discussion(
    session: Session, actor: Any, round_id: int, idea_id: int, note: str
) -> Discussion:
    rnd = load_round(session, round_id, lock=True)
    require_in_phase(actor, "round.manage", rnd, rnd, "discuss")
    _in_round(session, rnd, idea_id)
    note = nfc(note)
    if not note:
        raise ValidationFailed(N_("Vui lòng ghi nội dung thảo luận."), {"note": [N_("Bắt buộc.")]})
    with unit_of_work(session):
        row = Discussion(round_id=rnd.id, idea_id=idea_id, note=note, author_id=actor.id)
        session.add(row)
        session.flush()
        record(
            session,
            actor,
            "round.discussion",
            "round_discussion",
            row.id,
            None,
            {"round_id": rnd.id, "idea_id": idea_id, "note": note},
        )
    return row


def discussions(session: Session, actor: Any, round_id: int) -> list[Discussion]:
    rnd = load_round(session, round_id)
    check_ranking(session, actor, rnd)
    return list(
        session.scalars(
            sa.select(Discussion).where(Discussion.round_id == rnd.id).order_by(Discussion.id)
        )
    )


def _in_round(session: Session, rnd: Round, idea_id: int) -> None:
    if (
        session.scalar(
            sa.select(RoundIdea.id).where(
                RoundIdea.round_id == rnd.id, RoundIdea.idea_id == idea_id
            )
        )
        is None
    ):
        raise ValidationFailed(
            N_("Ý tưởng không thuộc đợt này."), {"idea_id": [N_("Không thuộc đợt.")]}
        )


def _already_recognised(session: Session, rnd: Round, idea_id: int) -> None:
    earlier = recognised_at_or_above(session, idea_id, rnd.level, exclude=rnd.id)
    idea = session.get(Idea, idea_id)
    scope = idea.recognized_scope if idea is not None else None
    if earlier is not None or (
        scope is not None
        and idea is not None
        and idea.recognized_round_id != rnd.id
        and level_rank(scope) >= level_rank(rnd.level)
    ):
        if earlier is None:
            raise Conflict(
                N_(
                    "Sáng kiến đã được công nhận ở cấp này hoặc cấp cao hơn; mỗi sáng kiến chỉ "
                    "được công nhận một lần ở mỗi cấp."
                )
            )
        raise Conflict(
            Message(
                N_(
                    "Sáng kiến đã được công nhận ở cấp này hoặc cấp cao hơn (%(round)s); mỗi "
                    "sáng kiến chỉ được công nhận một lần ở mỗi cấp."
                ),
                round=earlier.name,
            )
        )


def stage_decision(
    session: Session, actor: Any, round_id: int, idea_id: int, level: str | None, note: str
) -> Decision:
    """Stage a decision (applied at finalize). A decision other than the proposed level needs
    a reason; an idea recognised at this scope or higher before answers 409."""
    rnd = load_round(session, round_id, lock=True)
    require_in_phase(actor, "round.manage", rnd, rnd, "decide")
    _in_round(session, rnd, idea_id)
    computed = compute(session, rnd)
    rubric, result = computed.rubric, computed.result
    codes = {lv.code for lv in rubric.levels}
    if level is not None and level not in codes:
        raise ValidationFailed(
            N_("Mức công nhận không có trong bộ tiêu chí."),
            {"level": [Message(N_("Một trong: %(codes)s"), codes=", ".join(sorted(codes)))]},
        )
    note = nfc(note)
    proposed = result.item(idea_id).proposed_level
    if level != proposed and not note:
        raise ValidationFailed(
            N_("Quyết định khác mức đề xuất cần ghi lý do."), {"note": [N_("Vui lòng ghi lý do.")]}
        )
    if level is not None:
        _already_recognised(session, rnd, idea_id)
    with unit_of_work(session):
        row = session.scalar(
            sa.select(Decision).where(Decision.round_id == rnd.id, Decision.idea_id == idea_id)
        )
        before = None if row is None else {"level": row.level, "note": row.note}
        if row is None:
            row = Decision(round_id=rnd.id, idea_id=idea_id)
            session.add(row)
        row.level, row.note, row.decided_by_id, row.updated_at = level, note, actor.id, utcnow()
        session.flush()
        record(
            session,
            actor,
            "round.decision",
            "round_decision",
            row.id,
            before,
            {
                "round_id": rnd.id,
                "idea_id": idea_id,
                "level": level,
                "note": note,
                "proposed_level": proposed,
            },
        )
    return row


def finalize(session: Session, actor: Any, round_id: int) -> Round:
    """deliberation → finalized: every decision (staged, or the proposed level) is applied
    to all ideas at once, in one transaction."""
    rnd = load_round(session, round_id, lock=True)
    require_in_phase(actor, "round.manage", rnd, rnd, "finalize")
    unsubmitted = [a for a in live_assignments(session, rnd) if policy.is_open(a)]
    if unsubmitted:
        raise Conflict(
            Message(
                N_("Còn %(n)s phiếu chấm chưa nộp (thành viên được bổ sung khi họp xét)."),
                n=str(len(unsubmitted)),
            )
        )
    computed = compute(session, rnd)
    ideas, result = computed.ideas, computed.result
    resolved = resolutions(session, rnd)
    open_flags = [i for i in result.items if i.flagged and not resolved.get(i.idea_id)]
    if open_flags:
        raise Conflict(
            Message(
                N_(
                    "Còn ý tưởng có chênh lệch điểm lớn chưa được xử lý (bổ sung người chấm hoặc "
                    "ghi biên bản thảo luận): %(ideas)s"
                ),
                ideas="; ".join(_named(ideas[i.idea_id]) for i in open_flags),
            ),
            {"idea_ids": [str(i.idea_id) for i in open_flags]},
        )
    staged = {
        d.idea_id: d
        for d in session.scalars(sa.select(Decision).where(Decision.round_id == rnd.id))
    }
    # An idea without a rank (too few sheets) is decided by someone, never silently.
    undecided = [i for i in result.items if i.rank is None and i.idea_id not in staged]
    if undecided:
        raise Conflict(
            Message(
                N_(
                    "Còn ý tưởng chưa đủ phiếu chấm để xếp hạng, cần hội đồng quyết định trước "
                    "khi công bố: %(ideas)s"
                ),
                ideas=joined(
                    (
                        Message(
                            N_("%(idea)s (%(n)s/%(per_idea)s phiếu)"),
                            idea=_named(ideas[i.idea_id]),
                            n=str(i.n_reviews),
                            per_idea=str(rnd.reviewers_per_idea),
                        )
                        for i in undecided
                    ),
                    ", ",
                ),
            ),
            {"idea_ids": [str(i.idea_id) for i in undecided]},
        )
    level_names = {lv.code: lv.name for lv in computed.rubric.levels}
    with unit_of_work(session):
        before = round_snapshot(rnd)
        now = utcnow()
        for item in result.items:
            decision = staged.get(item.idea_id)
            if decision is None:
                decision = Decision(
                    round_id=rnd.id,
                    idea_id=item.idea_id,
                    level=item.proposed_level,
                    note="",
                    decided_by_id=actor.id,
                )
                session.add(decision)
            if decision.level is not None:
                _already_recognised(session, rnd, item.idea_id)
            decision.applied_at = now
            _apply_decision(session, actor, rnd, ideas[item.idea_id], decision.level)
            if decision.level is not None:
                register.enter(
                    session,
                    actor,
                    rnd,
                    item.idea_id,
                    decision.level,
                    level_names.get(decision.level, decision.level),
                    now,
                )
        rnd.status = R.FINALIZED
        rnd.finalized_at = now
        session.flush()
        record(session, actor, "round.finalize", "round", rnd.id, before, round_snapshot(rnd))
    return rnd


def _named(idea: Idea) -> str:
    """An idea as people know it: its title, and its dossier code when it has one."""
    return f"«{idea.title}» ({idea.code})" if idea.code else f"«{idea.title}»"


def _apply_decision(
    session: Session, actor: Any, rnd: Round, idea: Idea, level: str | None
) -> None:
    if idea.status == IdeaStatus.RECOGNIZED and level is None:
        return  # a nominated idea that is not recognised higher keeps its earlier recognition
    ideas_service.record_recognition(session, actor, idea.id, rnd.level, level, rnd.id)


def decisions(session: Session, actor: Any, round_id: int) -> list[Decision]:
    rnd = load_round(session, round_id)
    check_ranking(session, actor, rnd)
    return list(
        session.scalars(
            sa.select(Decision).where(Decision.round_id == rnd.id).order_by(Decision.idea_id)
        )
    )
