"""Who reviews what: automatic and manual assignment, declared conflicts that end an
assignment and find a replacement, withdrawal, progress and reminders."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ideadb.accounts.models import User
from ideadb.accounts.notify import N_, notify
from ideadb.audit.service import record
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.errors import (
    Conflict,
    NotFound,
    ValidationFailed,
)
from ideadb.core.permissions import Role
from ideadb.core.permissions import require as require_rule
from ideadb.ideas.models import Idea
from ideadb.reviews import assign as assignment_algorithm
from ideadb.reviews import policy
from ideadb.reviews.access import (
    ideas_of,
    is_secretary,
    load_assignment,
    load_round,
    nfc,
    panel_of,
    require_in_phase,
    require_phase,
)
from ideadb.reviews.conflicts import (
    conflict_snapshot,
    conflicted_pairs,
    sync_conflicts,
)
from ideadb.reviews.models import (
    Assignment,
    AssignmentStatus,
    ConflictKind,
    Round,
    RoundIdea,
    RoundReviewer,
    RoundStatus,
)
from ideadb.reviews.models import Conflict as ConflictRow
from scoring.messages import Message, joined

R = RoundStatus
A = AssignmentStatus


def live_assignments(session: Session, rnd: Round) -> list[Assignment]:
    return list(
        session.scalars(
            sa.select(Assignment)
            .where(Assignment.round_id == rnd.id, Assignment.status.in_(policy.LIVE))
            .order_by(Assignment.id)
        )
    )


def assignment_snapshot(a: Assignment) -> dict[str, Any]:
    return {
        "round_id": a.round_id,
        "idea_id": a.idea_id,
        "reviewer_id": a.reviewer_id,
        "status": a.status,
        "source": a.source,
    }


def _notify_assigned(session: Session, rnd: Round, a: Assignment) -> None:
    if policy.is_draft(rnd):
        return  # reviewers hear of their assignments when the round opens
    notify(
        session,
        a.reviewer_id,
        N_("Bạn được phân công chấm một ý tưởng trong %(round)s."),
        ("reviews.sheet", {"assignment_id": a.id}),
        {"round": rnd.name},
    )


def create_assignment(
    session: Session, actor: Any, rnd: Round, idea_id: int, reviewer_id: int, source: str
) -> Assignment:
    a = Assignment(
        round_id=rnd.id,
        idea_id=idea_id,
        reviewer_id=reviewer_id,
        status=A.PENDING_CONFIRMATION,
        source=source,
        during_deliberation=rnd.status == R.DELIBERATION,
        created_by_id=getattr(actor, "id", None),
    )
    session.add(a)
    session.flush()
    record(session, actor, "assignment.create", "assignment", a.id, None, assignment_snapshot(a))
    _notify_assigned(session, rnd, a)
    return a


def end_assignment(session: Session, actor: Any, a: Assignment, reason: str) -> None:
    before = assignment_snapshot(a)
    a.status = A.RECUSED
    a.recused_at = utcnow()
    a.recuse_reason = reason
    record(
        session,
        actor,
        "assignment.recuse",
        "assignment",
        a.id,
        before,
        assignment_snapshot(a) | {"reason": reason},
    )


def reviewer_units(session: Session, user_ids: Iterable[int]) -> dict[int, int | None]:
    ids = list(user_ids)
    if not ids:
        return {}
    return dict(session.execute(sa.select(User.id, User.unit_id).where(User.id.in_(ids))).all())


def auto_assign(session: Session, actor: Any, round_id: int) -> list[Assignment]:
    """Give every idea its reviewers: loads differ by at most one, never a conflicted pair,
    different units on one idea where possible; existing assignments are kept."""
    rnd = load_round(session, round_id, lock=True)
    require_in_phase(actor, "round.manage", rnd, rnd, "auto_assign")
    sync_conflicts(session, rnd)
    ideas = [i.id for i in ideas_of(session, rnd)]
    reviewers = [u.id for u in panel_of(session, rnd)]
    if not ideas:
        raise Conflict(N_("Đợt xét chọn chưa có ý tưởng nào."))
    existing = [(a.idea_id, a.reviewer_id) for a in live_assignments(session, rnd)]
    try:
        pairs = assignment_algorithm.assign(
            ideas,
            reviewers,
            rnd.reviewers_per_idea,
            conflicts=conflicted_pairs(session, rnd),
            reviewer_units=reviewer_units(session, reviewers),
            existing=existing,
        )
    except assignment_algorithm.AssignmentInfeasible as exc:
        raise Conflict(
            explain_infeasible(session, exc),
            {"idea_ids": [str(i) for i in exc.idea_ids]} if exc.idea_ids else None,
        ) from exc
    with unit_of_work(session):
        created = [create_assignment(session, actor, rnd, i, r, "auto") for i, r in pairs]
        record(
            session,
            actor,
            "round.auto_assign",
            "round",
            rnd.id,
            None,
            {"created": len(created), "kept": len(existing)},
        )
    return created


def _label_ideas(session: Session, ids: Iterable[int]) -> str:
    ids = list(ids)
    found = dict(session.execute(sa.select(Idea.id, Idea.code).where(Idea.id.in_(ids))).all())
    return ", ".join(found.get(i) or f"#{i}" for i in ids)


def _label_users(session: Session, ids: Iterable[int]) -> str:
    ids = list(ids)
    found = dict(session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids))).all())
    return ", ".join(found.get(i) or f"#{i}" for i in ids)


def explain_infeasible(session: Session, exc: assignment_algorithm.AssignmentInfeasible) -> str:
    """A Vietnamese explanation of why no assignment meets the rules (a Message)."""
    alg = assignment_algorithm
    parts: list[str] = []
    for p in exc.problems:
        if isinstance(p, alg.PanelTooSmall):
            parts.append(
                Message(
                    N_(
                        "Hội đồng có %(reviewers)s thành viên nhưng mỗi ý tưởng cần %(n)s người chấm"
                    ),
                    reviewers=str(p.reviewers),
                    n=str(p.per_idea),
                )
            )
        elif isinstance(p, alg.TooFewEligible):
            values = {
                "idea": _label_ideas(session, [p.idea_id]),
                "needed": str(p.needed),
                "eligible": str(len(p.eligible_reviewer_ids)),
            }
            if p.conflicted_reviewer_ids:
                message = N_(
                    "Ý tưởng %(idea)s cần thêm %(needed)s người chấm nhưng chỉ còn %(eligible)s "
                    "thành viên không xung đột (xung đột: %(conflicted)s)"
                )
                values["conflicted"] = _label_users(session, p.conflicted_reviewer_ids)
            else:
                message = N_(
                    "Ý tưởng %(idea)s cần thêm %(needed)s người chấm nhưng chỉ còn %(eligible)s "
                    "thành viên không xung đột"
                )
            parts.append(Message(message, **values))
        elif isinstance(p, alg.Bottleneck):
            parts.append(
                Message(
                    N_(
                        "Các ý tưởng %(ideas)s còn thiếu %(missing)s lượt chấm: nhóm ý tưởng "
                        "%(competing)s chỉ có thể giao cho %(reviewers)s, những người này đã nhận "
                        "tối đa %(max)s phiếu (số phiếu của các thành viên chỉ được lệch nhau 1)"
                    ),
                    ideas=_label_ideas(session, p.short_idea_ids),
                    missing=str(p.missing),
                    competing=_label_ideas(session, p.competing_idea_ids),
                    reviewers=_label_users(session, p.reviewer_ids),
                    max=str(p.max_load),
                )
            )
        elif isinstance(p, alg.Underloaded):
            parts.append(
                Message(
                    N_(
                        "Thành viên %(reviewers)s không thể nhận đủ tối thiểu %(min)s phiếu vì "
                        "xung đột với hầu hết ý tưởng; hãy bỏ họ khỏi hội đồng hoặc bổ sung ý tưởng"
                    ),
                    reviewers=_label_users(session, p.reviewer_ids),
                    min=str(p.min_load),
                )
            )
        elif isinstance(p, alg.Overloaded):
            parts.append(
                Message(
                    N_("Thành viên %(reviewers)s đã được giao quá %(max)s phiếu bằng tay"),
                    reviewers=_label_users(session, p.reviewer_ids),
                    max=str(p.max_load),
                )
            )
    return Message(N_("Không thể phân công tự động. %(reasons)s."), reasons=joined(parts))


def _check_pair(session: Session, rnd: Round, idea_id: int, reviewer_id: int) -> None:
    errors: dict[str, list[str]] = {}
    if (
        session.scalar(
            sa.select(RoundIdea.id).where(
                RoundIdea.round_id == rnd.id, RoundIdea.idea_id == idea_id
            )
        )
        is None
    ):
        errors["idea_id"] = [N_("Ý tưởng không thuộc đợt này.")]
    if (
        session.scalar(
            sa.select(RoundReviewer.id).where(
                RoundReviewer.round_id == rnd.id, RoundReviewer.user_id == reviewer_id
            )
        )
        is None
    ):
        errors["reviewer_id"] = [N_("Người này không thuộc hội đồng của đợt.")]
    if errors:
        raise ValidationFailed(N_("Phân công chưa hợp lệ."), errors)
    sync_conflicts(session, rnd)
    if (idea_id, reviewer_id) in conflicted_pairs(session, rnd):
        raise Conflict(N_("Thành viên này có xung đột lợi ích với ý tưởng."))
    if (
        session.scalar(
            sa.select(Assignment.id).where(
                Assignment.round_id == rnd.id,
                Assignment.idea_id == idea_id,
                Assignment.reviewer_id == reviewer_id,
                Assignment.status.in_(policy.LIVE),
            )
        )
        is not None
    ):
        raise Conflict(N_("Thành viên này đã được phân công chấm ý tưởng."))


def add_assignment(
    session: Session, actor: Any, round_id: int, idea_id: int, reviewer_id: int
) -> Assignment:
    """Assign one reviewer by hand (409 on a conflict or a duplicate)."""
    rnd = load_round(session, round_id, lock=True)
    require_in_phase(actor, "round.manage", rnd, rnd, "assign")
    _check_pair(session, rnd, idea_id, reviewer_id)
    with unit_of_work(session):
        try:
            return create_assignment(session, actor, rnd, idea_id, reviewer_id, "manual")
        except IntegrityError as exc:
            raise Conflict(N_("Thành viên này đã được phân công chấm ý tưởng.")) from exc


def withdraw_assignment(
    session: Session, actor: Any, assignment_id: int, reason: str, *, replace: bool = False
) -> Assignment:
    """The secretary takes an unsubmitted assignment away (and optionally reassigns)."""
    a = load_assignment(session, assignment_id, lock=True)
    rnd = load_round(session, a.round_id)
    require_in_phase(actor, "round.manage", rnd, rnd, "assign")
    if not policy.can_withdraw(a):
        raise Conflict(N_("Chỉ rút được phân công chưa nộp phiếu."))
    reason = nfc(reason) or N_("Thư ký rút phân công")
    with unit_of_work(session):
        end_assignment(session, actor, a, reason)
        if replace:
            replace_reviewer(session, actor, rnd, a.idea_id)
    return a


def replace_reviewer(session: Session, actor: Any, rnd: Round, idea_id: int) -> Assignment | None:
    """Find another reviewer for an idea short of reviewers (least loaded, other unit)."""
    live = live_assignments(session, rnd)
    on_idea = [a.reviewer_id for a in live if a.idea_id == idea_id]
    if len(on_idea) >= rnd.reviewers_per_idea:
        return None
    reviewers = [u.id for u in panel_of(session, rnd)]
    loads = Counter(a.reviewer_id for a in live)
    choice = assignment_algorithm.pick_replacement(
        idea_id,
        reviewers,
        loads={r: loads.get(r, 0) for r in reviewers},
        on_idea=on_idea,
        conflicts=conflicted_pairs(session, rnd),
        reviewer_units=reviewer_units(session, reviewers),
    )
    if choice is None:
        for secretary_id in _secretaries(session):
            notify(
                session,
                secretary_id,
                N_("Không còn thành viên nào để chấm thay một ý tưởng trong %(round)s."),
                ("reviews.assignments", {"round_id": rnd.id}),
                {"round": rnd.name},
            )
        return None
    return create_assignment(session, actor, rnd, idea_id, choice, "replacement")


def _secretaries(session: Session) -> list[int]:
    from ideadb.accounts.service import users_with_role

    return [u.id for u in users_with_role(session, Role.SECRETARY)]


def list_assignments(session: Session, actor: Any, round_id: int) -> list[Assignment]:
    rnd = load_round(session, round_id)
    require_rule(actor, "round.read", rnd)
    return list(
        session.scalars(
            sa.select(Assignment)
            .where(Assignment.round_id == rnd.id)
            .order_by(Assignment.idea_id, Assignment.id)
        )
    )


def declare_conflict(
    session: Session, actor: Any, round_id: int, *, user_id: int, idea_id: int, reason: str
) -> ConflictRow:
    """The secretary, or the reviewer, declares a conflict: a live assignment of that pair
    ends (recused) and the idea gets another reviewer when one is free."""
    rnd = load_round(session, round_id, lock=True)
    reviewer_on_panel = session.scalar(
        sa.select(RoundReviewer.id).where(
            RoundReviewer.round_id == rnd.id, RoundReviewer.user_id == user_id
        )
    )
    require_rule(actor, "round.conflict", (rnd, user_id))
    if not is_secretary(actor) and reviewer_on_panel is None:
        raise NotFound(N_("Không tìm thấy đợt xét chọn."))
    require_phase(rnd, "conflict")
    reason = nfc(reason)
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [N_("Vui lòng ghi lý do xung đột lợi ích.")]
    if reviewer_on_panel is None:
        errors["user_id"] = [N_("Người này không thuộc hội đồng của đợt.")]
    in_round = session.scalar(
        sa.select(RoundIdea.id).where(RoundIdea.round_id == rnd.id, RoundIdea.idea_id == idea_id)
    )
    if in_round is None:
        errors["idea_id"] = [N_("Ý tưởng không thuộc đợt này.")]
    if errors:
        raise ValidationFailed(N_("Khai báo xung đột chưa hợp lệ."), errors)
    kind = ConflictKind.REVIEWER if actor.id == user_id else ConflictKind.SECRETARY
    with unit_of_work(session):
        row = session.scalar(
            sa.select(ConflictRow).where(
                ConflictRow.round_id == rnd.id,
                ConflictRow.idea_id == idea_id,
                ConflictRow.reviewer_id == user_id,
                ConflictRow.kind == kind,
            )
        )
        if row is None:
            row = ConflictRow(
                round_id=rnd.id,
                idea_id=idea_id,
                reviewer_id=user_id,
                kind=kind,
                reason=reason,
                declared_by_id=actor.id,
            )
            session.add(row)
        else:  # declared again after a dismissal: it stands again
            row.reason, row.dismissed_at, row.dismissed_by_id, row.dismiss_reason = (
                reason,
                None,
                None,
                None,
            )
            row.declared_by_id = actor.id
        session.flush()
        record(
            session,
            actor,
            "conflict.declare",
            "review_conflict",
            row.id,
            None,
            conflict_snapshot(row),
        )
        live = session.scalar(
            sa.select(Assignment).where(
                Assignment.round_id == rnd.id,
                Assignment.idea_id == idea_id,
                Assignment.reviewer_id == user_id,
                Assignment.status.in_(policy.LIVE),
            )
        )
        if live is not None:
            end_assignment(session, actor, live, reason)
            replace_reviewer(session, actor, rnd, idea_id)
    return row


def progress(session: Session, actor: Any, round_id: int) -> dict[str, Any]:
    rnd = load_round(session, round_id)
    require_rule(actor, "round.read", rnd)
    live = live_assignments(session, rnd)
    by_reviewer: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    by_idea: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for u in panel_of(session, rnd):
        by_reviewer[u.id]
    for i in ideas_of(session, rnd):
        by_idea[i.id]
    for a in live:
        done = policy.is_submitted(a)
        by_reviewer[a.reviewer_id][0] += 1
        by_reviewer[a.reviewer_id][1] += done
        by_idea[a.idea_id][0] += 1
        by_idea[a.idea_id][1] += done
    return {
        "assignments": len(live),
        "submitted": sum(1 for a in live if policy.is_submitted(a)),
        "by_reviewer": [
            {"reviewer_id": r, "assigned": n, "submitted": s} for r, (n, s) in by_reviewer.items()
        ],
        "by_idea": [{"idea_id": i, "assigned": n, "submitted": s} for i, (n, s) in by_idea.items()],
    }


def remind(session: Session, actor: Any, round_id: int, reviewer_id: int | None = None) -> int:
    """Remind reviewers with unsubmitted sheets; returns how many were reminded."""
    rnd = load_round(session, round_id)
    require_in_phase(actor, "round.manage", rnd, rnd, "remind")
    pending = defaultdict(list)
    for a in live_assignments(session, rnd):
        if policy.is_open(a) and (reviewer_id is None or a.reviewer_id == reviewer_id):
            pending[a.reviewer_id].append(a)
    message = N_("Nhắc việc: bạn còn %(n)s phiếu chấm chưa nộp trong %(round)s.")
    values: dict[str, Any] = {"round": rnd.name}
    if rnd.deadline:
        message = N_(
            "Nhắc việc: bạn còn %(n)s phiếu chấm chưa nộp trong %(round)s trước ngày %(deadline)s."
        )
        values["deadline"] = rnd.deadline.strftime("%d/%m/%Y")
    with unit_of_work(session):
        now = utcnow()
        for rid, items in sorted(pending.items()):
            for a in items:
                a.reminded_at = now
            notify(
                session,
                rid,
                message,
                ("reviews.my_assignments", {}),
                {**values, "n": len(items)},
            )
        record(
            session, actor, "round.remind", "round", rnd.id, None, {"reviewer_ids": sorted(pending)}
        )
    return len(pending)
