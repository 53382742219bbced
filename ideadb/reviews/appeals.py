"""Appeals (khiếu nại, Luật Khiếu nại 2011): within the round's window after finalize the owner
files a reason; the secretary answers with a note; an upheld appeal replaces the decision, the
idea's recognition and its register entry (a new version, nothing deleted)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ideadb.accounts.notify import N_, notify
from ideadb.accounts.service import users_with_role
from ideadb.audit.service import record
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.errors import Conflict, NotFound, ValidationFailed
from ideadb.core.permissions import Role, can, rule
from ideadb.core.permissions import require as require_rule
from ideadb.ideas import service as ideas_service
from ideadb.ideas.access import is_owner
from ideadb.ideas.models import Idea, IdeaStatus
from ideadb.reviews import policy, register
from ideadb.reviews.access import is_secretary, load_round, nfc
from ideadb.reviews.models import Appeal, AppealStatus, Decision, RegisterEntry, Round, RoundIdea
from ideadb.reviews.rounds import level_rank, recognised_at_or_above
from ideadb.reviews.sheets import rubric_for
from scoring.messages import Message

S = AppealStatus
MAX_REASON = 10_000
OUTCOMES = (S.UPHELD.value, S.REJECTED.value)

rule("appeal.file")(lambda actor, idea: is_owner(actor, idea))


@rule("appeal.resolve")
def _may_resolve(actor: Any, appeal: Any = None) -> bool:
    return is_secretary(actor)


def appeal_snapshot(appeal: Appeal) -> dict[str, Any]:
    return {
        "idea_id": appeal.idea_id,
        "round_id": appeal.round_id,
        "status": appeal.status,
        "reason": appeal.reason,
        "previous_level": appeal.previous_level,
        "decision": appeal.decision,
        "note": appeal.note,
    }


def _load_idea(session: Session, idea_id: int) -> Idea:
    idea = session.get(Idea, idea_id) if 0 < idea_id < 2**63 else None
    if idea is None:
        raise NotFound(N_("Không tìm thấy ý tưởng."))
    return idea


def contested_round(session: Session, idea_id: int) -> Round | None:
    """The latest finalised round that decided the idea: the decision an appeal contests."""
    return session.scalar(
        sa.select(Round)
        .join(RoundIdea, RoundIdea.round_id == Round.id)
        .where(RoundIdea.idea_id == idea_id, Round.status == policy.FINALIZED)
        .order_by(Round.finalized_at.desc(), Round.id.desc())
        .limit(1)
    )


def window_closes(rnd: Round) -> datetime | None:
    if rnd.finalized_at is None:
        return None
    return rnd.finalized_at + timedelta(days=rnd.appeal_days)


def open_appeal(session: Session, round_id: int, idea_id: int) -> Appeal | None:
    return session.scalar(
        sa.select(Appeal).where(
            Appeal.round_id == round_id, Appeal.idea_id == idea_id, Appeal.status == S.OPEN
        )
    )


def appeal_state(session: Session, actor: Any, idea_id: int) -> dict[str, Any]:
    """What the result page offers: may the caller appeal now, until when, and the appeals."""
    idea = _load_idea(session, idea_id)
    rnd = contested_round(session, idea_id)
    closes = window_closes(rnd) if rnd is not None else None
    is_open = closes is not None and utcnow() <= closes
    rows = list(
        session.scalars(sa.select(Appeal).where(Appeal.idea_id == idea_id).order_by(Appeal.id))
    )
    pending = any(a.status == S.OPEN for a in rows if rnd is not None and a.round_id == rnd.id)
    return {
        "round": rnd,
        "closes_at": closes,
        "may_file": is_open and not pending and can(actor, "appeal.file", idea),
        "appeals": rows,
    }


def require_may_file(session: Session, actor: Any, idea_id: int) -> Idea:
    """The idea, once ``actor`` is its owner (404 to those who may not see it, 403 else)."""
    idea = _load_idea(session, idea_id)
    if not can(actor, "idea.view_confidential", idea):
        raise NotFound(N_("Không tìm thấy ý tưởng."))
    require_rule(actor, "appeal.file", idea)
    return idea


def file_appeal(session: Session, actor: Any, idea_id: int, reason: Any) -> Appeal:
    """The owner contests the latest decision on the idea, within the round's window."""
    idea = require_may_file(session, actor, idea_id)
    text = nfc(reason) if isinstance(reason, str) else ""
    if not text:
        raise ValidationFailed(
            N_("Vui lòng nêu lý do khiếu nại."), {"reason": [N_("Lý do khiếu nại là bắt buộc.")]}
        )
    if len(text) > MAX_REASON:
        raise ValidationFailed(
            N_("Lý do khiếu nại quá dài."),
            {"reason": [Message(N_("Tối đa %(n)s ký tự."), n=str(MAX_REASON))]},
        )
    rnd = contested_round(session, idea_id)
    if rnd is None:
        raise Conflict(N_("Ý tưởng chưa có kết quả xét chọn được công bố để khiếu nại."))
    rnd = load_round(session, rnd.id, lock=True)
    closes = window_closes(rnd)
    if closes is None or utcnow() > closes:
        raise Conflict(
            Message(
                N_("Đã hết thời hạn khiếu nại (%(days)s ngày kể từ ngày công bố kết quả)."),
                days=str(rnd.appeal_days),
            )
        )
    if open_appeal(session, rnd.id, idea_id) is not None:
        raise Conflict(N_("Ý tưởng đã có một khiếu nại đang chờ giải quyết."))
    decision = session.scalar(
        sa.select(Decision).where(Decision.round_id == rnd.id, Decision.idea_id == idea_id)
    )
    try:
        with unit_of_work(session):
            appeal = Appeal(
                idea_id=idea_id,
                round_id=rnd.id,
                status=S.OPEN,
                reason=text,
                filed_by_id=actor.id,
                previous_level=decision.level if decision else None,
            )
            session.add(appeal)
            session.flush()
            record(
                session, actor, "appeal.file", "appeal", appeal.id, None, appeal_snapshot(appeal)
            )
            label = idea.code or idea.title
            for user in users_with_role(session, Role.SECRETARY):
                notify(
                    session,
                    user.id,
                    N_("Có khiếu nại mới về kết quả xét chọn của %(label)s (%(round)s)."),
                    ("appeals.round_appeals", {"round_id": rnd.id}),
                    {"label": label, "round": rnd.name},
                )
    except IntegrityError:
        raise Conflict(N_("Ý tưởng đã có một khiếu nại đang chờ giải quyết.")) from None
    return appeal


def list_appeals(session: Session, actor: Any, round_id: int) -> list[Appeal]:
    """A round's appeals (secretary, chair, auditor)."""
    rnd = load_round(session, round_id)
    require_rule(actor, "round.ranking", rnd)
    return list(
        session.scalars(sa.select(Appeal).where(Appeal.round_id == rnd.id).order_by(Appeal.id))
    )


def get_appeal(session: Session, appeal_id: int) -> Appeal:
    appeal = session.get(Appeal, appeal_id) if 0 < appeal_id < 2**63 else None
    if appeal is None:
        raise NotFound(N_("Không tìm thấy khiếu nại."))
    return appeal


def resolve(
    session: Session,
    actor: Any,
    appeal_id: int,
    outcome: Any,
    decision: Any,
    note: Any,
) -> Appeal:
    """Answer an appeal. ``upheld`` replaces the idea's decision (``decision``: a level code or
    None = not recognised), its recognition and its register entry; the owner is told."""
    appeal = get_appeal(session, appeal_id)
    require_rule(actor, "appeal.resolve", appeal)
    rnd = load_round(session, appeal.round_id, lock=True)
    appeal = (
        session.scalar(sa.select(Appeal).where(Appeal.id == appeal.id).with_for_update()) or appeal
    )
    if appeal.status != S.OPEN:
        raise Conflict(N_("Khiếu nại này đã được giải quyết."))
    errors: dict[str, list[str]] = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = [N_("Một trong: upheld (chấp nhận), rejected (không chấp nhận).")]
    text = nfc(note) if isinstance(note, str) else ""
    if not text:
        errors["note"] = [N_("Vui lòng ghi nội dung trả lời khiếu nại.")]
    rubric = rubric_for(session, rnd)
    names = {lv.code: lv.name for lv in rubric.levels}
    if decision is not None and decision not in names:
        errors["decision"] = [
            Message(
                N_("Mức công nhận không có trong bộ tiêu chí: %(codes)s"), codes=", ".join(names)
            )
        ]
    if errors:
        raise ValidationFailed(N_("Thông tin giải quyết khiếu nại chưa hợp lệ."), errors)
    upheld = outcome == S.UPHELD
    if upheld and decision is not None:
        earlier = recognised_at_or_above(session, appeal.idea_id, rnd.level, exclude=rnd.id)
        if earlier is not None:
            raise Conflict(
                Message(
                    N_(
                        "Sáng kiến đã được công nhận ở cấp này hoặc cấp cao hơn (%(round)s); mỗi "
                        "sáng kiến chỉ được công nhận một lần ở mỗi cấp."
                    ),
                    round=earlier.name,
                )
            )
    idea = _load_idea(session, appeal.idea_id)
    with unit_of_work(session):
        before = appeal_snapshot(appeal)
        now = utcnow()
        appeal.status = S.UPHELD if upheld else S.REJECTED
        appeal.note, appeal.resolved_by_id, appeal.resolved_at = text, actor.id, now
        appeal.decision = decision if upheld else appeal.previous_level
        if upheld:
            _change_decision(session, actor, rnd, idea, decision, names, text, appeal, now)
        record(
            session, actor, "appeal.resolve", "appeal", appeal.id, before, appeal_snapshot(appeal)
        )
        label = idea.code or idea.title
        message = (
            N_("Khiếu nại về kết quả xét chọn của %(label)s được chấp nhận. Trả lời: %(answer)s")
            if upheld
            else N_(
                "Khiếu nại về kết quả xét chọn của %(label)s không được chấp nhận. "
                "Trả lời: %(answer)s"
            )
        )
        for user_id in {idea.registrant_id, appeal.filed_by_id} - {None}:
            notify(
                session,
                user_id,
                message,
                ("reviews.idea_results", {"idea_id": idea.id}),
                {"label": label, "answer": text},
            )
    return appeal


def _change_decision(
    session: Session,
    actor: Any,
    rnd: Round,
    idea: Idea,
    level: str | None,
    names: dict[str, str],
    note: str,
    appeal: Appeal,
    now: datetime,
) -> None:
    row = session.scalar(
        sa.select(Decision).where(Decision.round_id == rnd.id, Decision.idea_id == idea.id)
    )
    before = None if row is None else {"level": row.level, "note": row.note}
    if row is None:
        row = Decision(round_id=rnd.id, idea_id=idea.id, applied_at=now)
        session.add(row)
    row.level, row.note, row.decided_by_id, row.updated_at = level, note, actor.id, now
    session.flush()
    record(
        session,
        actor,
        "round.decision_amended",
        "round_decision",
        row.id,
        before,
        {
            "round_id": rnd.id,
            "idea_id": idea.id,
            "level": level,
            "note": note,
            "appeal_id": appeal.id,
        },
    )
    register.amend(
        session,
        actor,
        rnd,
        idea.id,
        level,
        names.get(level, "") if level else "",
        now,
        reason=note,
        appeal_id=appeal.id,
    )
    if level is not None:
        ideas_service.record_recognition(session, actor, idea.id, rnd.level, level, rnd.id)
        return
    # Withdrawn here: the idea keeps a recognition that still stands in another round.
    other = session.scalar(
        sa.select(RegisterEntry)
        .where(
            RegisterEntry.idea_id == idea.id,
            RegisterEntry.round_id != rnd.id,
            RegisterEntry.superseded_at.is_(None),
            RegisterEntry.status == register.E.RECOGNIZED,
        )
        .order_by(RegisterEntry.decided_at.desc())
    )
    if other is not None:
        ideas_service.record_recognition(
            session, actor, idea.id, other.scope, other.level, other.round_id
        )
    elif idea.status == IdeaStatus.RECOGNIZED:
        ideas_service.record_recognition(session, actor, idea.id, rnd.level, None, rnd.id)


def appeals_page(session: Session, actor: Any, round_id: int) -> dict[str, Any]:
    """The round's appeals page: the appeals, the ideas and the levels to decide with."""
    rows = list_appeals(session, actor, round_id)
    rnd = load_round(session, round_id)
    rubric = rubric_for(session, rnd)
    ideas = {
        i.id: i
        for i in session.scalars(
            sa.select(Idea).where(Idea.id.in_([a.idea_id for a in rows] or [0]))
        )
    }
    return {
        "round": rnd,
        "appeals": rows,
        "ideas": ideas,
        "levels": [(lv.code, lv.name) for lv in rubric.levels],
        "level_names": {lv.code: lv.name for lv in rubric.levels},
        "can_resolve": can(actor, "appeal.resolve"),
        "rank_of": level_rank,
    }
