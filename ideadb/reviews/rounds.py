"""Rounds: settings, the ideas and the panel, opening for scoring, and nomination of
recognised ideas to a round of a higher scope."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.accounts.models import User
from ideadb.accounts.notify import N_, notify
from ideadb.audit.service import record
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from ideadb.core.permissions import require as require_rule
from ideadb.criteria import service as criteria_service
from ideadb.criteria.models import RecognitionLevel
from ideadb.ideas import service as ideas_service
from ideadb.ideas.models import Idea, IdeaStatus
from ideadb.reviews import policy, votes
from ideadb.reviews.access import (
    ideas_of,
    load_round,
    nfc,
    panel_of,
    require_in_phase,
    require_phase,
    round_snapshot,
)
from ideadb.reviews.assignments import (
    end_assignment,
    live_assignments,
)
from ideadb.reviews.conflicts import (
    sync_conflicts,
)
from ideadb.reviews.models import (
    AGGREGATIONS,
    LEVELS,
    Assignment,
    AssignmentStatus,
    Decision,
    Round,
    RoundIdea,
    RoundReviewer,
    RoundStatus,
)
from ideadb.reviews.nomination import (
    highest_level,
    level_rank,
    recognised_at_or_above,
    refuse_recognised_or_elsewhere,
)
from scoring.messages import Message

# Deliberation reads the scope ladder through this module.
__all__ = ["level_rank", "recognised_at_or_above"]

R = RoundStatus
A = AssignmentStatus


def list_rounds(session: Session, actor: Any) -> list[Round]:
    require_rule(actor, "round.list")
    return list(session.scalars(sa.select(Round).order_by(Round.year.desc(), Round.id.desc())))


ROUND_FIELDS = (
    "name",
    "year",
    "level",
    "criteria_set_id",
    "reviewers_per_idea",
    "aggregation",
    "blind",
    "disagreement_threshold",
    "deadline",
    "chair_id",
    "show_details_to_submitters",
    "document",
    "appeal_days",
)


DOCUMENT_KEYS = (
    "governing_body",
    "issuing_body",
    "number",
    "place",
    "subject",
    "authority",
    "signer_title",
    "signer_name",
    "recipients",
)


def clean_round(session: Session, data: dict[str, Any], rnd: Round | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    creating = rnd is None

    def given(name: str) -> bool:
        return name in data and (data[name] is not None or name in ("deadline", "chair_id"))

    if creating or "name" in data:
        name = nfc(data.get("name"))
        if not name:
            errors["name"] = [N_("Vui lòng nhập tên đợt xét chọn.")]
        elif len(name) > 255:
            errors["name"] = [N_("Tên tối đa 255 ký tự.")]
        out["name"] = name
    if creating or "year" in data:
        year = data.get("year")
        if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
            errors["year"] = [N_("Năm phải là số từ 2000 đến 2100.")]
        out["year"] = year
    if creating or "level" in data:
        if data.get("level") not in LEVELS:
            errors["level"] = [
                Message(N_("Cấp xét chọn phải là một trong: %(values)s."), values=", ".join(LEVELS))
            ]
        out["level"] = data.get("level")
    if creating or "criteria_set_id" in data:
        set_id = data.get("criteria_set_id")
        try:
            criteria = criteria_service.get_set(session, set_id) if set_id else None
        except NotFound:
            criteria = None
        if criteria is None:
            errors["criteria_set_id"] = [N_("Không tìm thấy bộ tiêu chí.")]
        elif getattr(criteria, "status", "active") == "draft":
            errors["criteria_set_id"] = [N_("Bộ tiêu chí còn là bản nháp; hãy kích hoạt trước.")]
        out["criteria_set_id"] = set_id
    if creating or given("reviewers_per_idea"):
        k = data.get("reviewers_per_idea", 2)
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 20:
            errors["reviewers_per_idea"] = [N_("Số thành viên chấm mỗi ý tưởng từ 1 đến 20.")]
        out["reviewers_per_idea"] = k
    if creating or given("aggregation"):
        agg = data.get("aggregation") or "mean"
        if agg not in AGGREGATIONS:
            errors["aggregation"] = [
                Message(
                    N_("Cách tổng hợp phải là một trong: %(values)s"),
                    values=", ".join(AGGREGATIONS),
                )
            ]
        out["aggregation"] = agg
    if creating or given("blind"):
        out["blind"] = bool(data.get("blind", False))
    if creating or given("disagreement_threshold"):
        raw = data.get("disagreement_threshold", 20)
        try:
            threshold = Decimal(str(raw))
            if isinstance(raw, bool) or not Decimal(0) <= threshold <= Decimal(100):
                raise ValueError
        except (ArithmeticError, ValueError):
            errors["disagreement_threshold"] = [N_("Ngưỡng chênh lệch là số điểm từ 0 đến 100.")]
            threshold = Decimal(20)
        out["disagreement_threshold"] = threshold
    if given("deadline") or creating:
        deadline = data.get("deadline")
        if isinstance(deadline, str) and deadline:
            try:
                deadline = date.fromisoformat(deadline)
            except ValueError:
                errors["deadline"] = [N_("Hạn chấm không hợp lệ.")]
                deadline = None
        out["deadline"] = deadline or None
    if given("chair_id") or creating:
        chair_id = data.get("chair_id")
        if chair_id is not None:
            chair = session.get(User, chair_id)
            if chair is None or not chair.active:
                errors["chair_id"] = [N_("Không tìm thấy chủ tịch hội đồng.")]
        out["chair_id"] = chair_id
    if creating or given("show_details_to_submitters"):
        out["show_details_to_submitters"] = bool(data.get("show_details_to_submitters", False))
    if creating or given("appeal_days"):
        days = data.get("appeal_days", 30)
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 365:
            errors["appeal_days"] = [N_("Thời hạn khiếu nại là số ngày từ 0 đến 365.")]
        out["appeal_days"] = days
    if creating or given("document"):
        doc = data.get("document") or {}
        if not isinstance(doc, dict):
            errors["document"] = [N_("Thông tin văn bản phải là một đối tượng.")]
            doc = {}
        out["document"] = {k: nfc(str(v)) for k, v in doc.items() if k in DOCUMENT_KEYS and v}
    if "public_vote" in data:
        out.update(votes.clean_public_vote(data["public_vote"], rnd, errors))
    if errors:
        raise ValidationFailed(N_("Thông tin đợt xét chọn chưa hợp lệ."), errors)
    return out


def _freeze_criteria(session: Session, actor: Any, set_id: int) -> None:
    criteria_service.freeze(session, set_id, actor)


def _seat_chair(session: Session, actor: Any, rnd: Round) -> None:
    """The chair sits on the round's panel: added (audited) while the panel may still change,
    when the chair holds the reviewer role."""
    if rnd.chair_id is None or not policy.allowed(rnd, "add_reviewers"):
        return
    chair = session.get(User, rnd.chair_id)
    if chair is None or not chair.active or "reviewer" not in (chair.roles or []):
        return
    seated = session.scalar(
        sa.select(RoundReviewer.user_id).where(
            RoundReviewer.round_id == rnd.id, RoundReviewer.user_id == chair.id
        )
    )
    if seated is not None:
        return
    session.add(RoundReviewer(round_id=rnd.id, user_id=chair.id, added_by_id=actor.id))
    session.flush()
    sync_conflicts(session, rnd)
    record(
        session, actor, "round.add_reviewers", "round", rnd.id, None,
        {"user_ids": [chair.id], "as": "chair"},
    )  # fmt: skip


def create_round(session: Session, actor: Any, data: dict[str, Any]) -> Round:
    """A new round in ``draft``; the criteria set it uses is frozen from now on."""
    require_rule(actor, "round.manage")
    values = clean_round(session, data, None)
    with unit_of_work(session):
        rnd = Round(status=R.DRAFT, created_by_id=actor.id, **values)
        rnd.source_round_ids = list(data.get("source_round_ids") or [])
        session.add(rnd)
        session.flush()
        _freeze_criteria(session, actor, rnd.criteria_set_id)
        record(session, actor, "round.create", "round", rnd.id, None, round_snapshot(rnd))
        _seat_chair(session, actor, rnd)
    return rnd


def update_round(session: Session, actor: Any, round_id: int, data: dict[str, Any]) -> Round:
    """Change the settings: all of them while in draft; later only the chair, the deadline,
    what submitters may see and the document texts."""
    rnd = load_round(session, round_id, lock=True)
    require_rule(actor, "round.manage", rnd)
    require_phase(rnd, "update")
    values = clean_round(session, data, rnd)
    frozen = policy.late_change(rnd, set(values))
    if frozen:
        raise InvalidTransition(
            N_(
                "Sau khi mở chấm chỉ được đổi tên, hạn chấm, chủ tịch hội đồng, thông tin văn bản "
                "và phần kết quả người nộp được xem."
            ),
            {k: [N_("Không thể đổi khi đợt đã mở.")] for k in sorted(frozen)},
        )
    with unit_of_work(session):
        before = round_snapshot(rnd)
        old_set = rnd.criteria_set_id
        for key, value in values.items():
            setattr(rnd, key, value)
        if rnd.criteria_set_id != old_set:
            _freeze_criteria(session, actor, rnd.criteria_set_id)
        after = round_snapshot(rnd)
        if before != after:
            record(session, actor, "round.update", "round", rnd.id, before, after)
        _seat_chair(session, actor, rnd)
    return rnd


def round_ideas(session: Session, actor: Any, round_id: int) -> list[Idea]:
    rnd = load_round(session, round_id)
    require_rule(actor, "round.read", rnd)
    return ideas_of(session, rnd)


def panel(session: Session, actor: Any, round_id: int) -> list[User]:
    rnd = load_round(session, round_id)
    require_rule(actor, "round.read", rnd)
    return panel_of(session, rnd)


def _nominated(session: Session, idea: Idea, level: str) -> bool:
    """A recognised idea may enter a round of a higher scope (nomination upward)."""
    return (
        idea.status == IdeaStatus.RECOGNIZED
        and idea.recognized_scope is not None
        and level_rank(idea.recognized_scope) < level_rank(level)
    )


def add_ideas(session: Session, actor: Any, round_id: int, idea_ids: Iterable[int]) -> Round:
    """Take eligible ideas into the round (409 naming any that is not eligible)."""
    rnd = load_round(session, round_id, lock=True)
    require_in_phase(actor, "round.manage", rnd, rnd, "add_ideas")
    ids = list(dict.fromkeys(int(i) for i in idea_ids))
    if not ids:
        raise ValidationFailed(
            N_("Chưa chọn ý tưởng nào."), {"idea_ids": [N_("Chọn ít nhất một.")]}
        )
    present = set(session.scalars(sa.select(RoundIdea.idea_id).where(RoundIdea.round_id == rnd.id)))
    ideas = {i.id: i for i in session.scalars(sa.select(Idea).where(Idea.id.in_(ids)))}
    missing = [i for i in ids if i not in ideas]
    if missing:
        raise NotFound(
            Message(N_("Không tìm thấy ý tưởng: %(ids)s"), ids=", ".join(map(str, missing)))
        )
    new = [ideas[i] for i in ids if i not in present]
    refuse_recognised_or_elsewhere(session, rnd, new)
    nominated = [i for i in new if _nominated(session, i, rnd.level)]
    to_review = [i for i in new if i not in nominated]
    wrong = [i for i in to_review if i.status != IdeaStatus.ELIGIBLE]
    if wrong:
        raise Conflict(
            Message(
                N_("Chỉ đưa vào đợt xét chọn các ý tưởng đủ điều kiện: %(ideas)s"),
                ideas="; ".join(f"«{i.title}»" + (f" ({i.code})" if i.code else "") for i in wrong),
            ),
            {"idea_ids": [str(i.id) for i in wrong]},
        )
    with unit_of_work(session):
        if to_review:
            ideas_service.mark_in_review(session, actor, [i.id for i in to_review], rnd.id)
        for idea in new:
            session.add(RoundIdea(round_id=rnd.id, idea_id=idea.id, added_by_id=actor.id))
        session.flush()
        sync_conflicts(session, rnd)
        record(
            session,
            actor,
            "round.add_ideas",
            "round",
            rnd.id,
            {"idea_ids": sorted(present)},
            {"idea_ids": sorted(present | {i.id for i in new})},
        )
    return rnd


def add_reviewers(session: Session, actor: Any, round_id: int, user_ids: Iterable[int]) -> Round:
    """Add council members to the panel; each must hold the reviewer role (422 otherwise)."""
    rnd = load_round(session, round_id, lock=True)
    require_in_phase(actor, "round.manage", rnd, rnd, "add_reviewers")
    ids = list(dict.fromkeys(int(i) for i in user_ids))
    if not ids:
        raise ValidationFailed(
            N_("Chưa chọn thành viên nào."), {"user_ids": [N_("Chọn ít nhất một.")]}
        )
    users = {u.id: u for u in session.scalars(sa.select(User).where(User.id.in_(ids)))}
    bad = [
        i for i in ids if i not in users or not users[i].active or "reviewer" not in users[i].roles
    ]
    if bad:
        raise ValidationFailed(
            N_("Chỉ thêm được người dùng có vai trò thành viên hội đồng (reviewer)."),
            {
                "user_ids": [
                    Message(N_("Người dùng %(id)s không có vai trò reviewer."), id=str(i))
                    for i in bad
                ]
            },
        )
    present = set(
        session.scalars(sa.select(RoundReviewer.user_id).where(RoundReviewer.round_id == rnd.id))
    )
    with unit_of_work(session):
        for uid in ids:
            if uid not in present:
                session.add(RoundReviewer(round_id=rnd.id, user_id=uid, added_by_id=actor.id))
        session.flush()
        sync_conflicts(session, rnd)
        record(
            session,
            actor,
            "round.add_reviewers",
            "round",
            rnd.id,
            {"user_ids": sorted(present)},
            {"user_ids": sorted(present | set(ids))},
        )
    return rnd


def remove_reviewer(session: Session, actor: Any, round_id: int, user_id: int) -> Round:
    """Take a member off the panel while the round is in draft (their assignments end)."""
    rnd = load_round(session, round_id, lock=True)
    require_in_phase(actor, "round.manage", rnd, rnd, "configure")
    row = session.scalar(
        sa.select(RoundReviewer).where(
            RoundReviewer.round_id == rnd.id, RoundReviewer.user_id == user_id
        )
    )
    if row is None:
        raise NotFound(N_("Thành viên không thuộc hội đồng của đợt này."))
    with unit_of_work(session):
        for a in session.scalars(
            sa.select(Assignment).where(
                Assignment.round_id == rnd.id,
                Assignment.reviewer_id == user_id,
                Assignment.status.in_(policy.LIVE),
            )
        ):
            end_assignment(session, actor, a, N_("Rút khỏi hội đồng"))
        session.delete(row)
        record(session, actor, "round.remove_reviewer", "round", rnd.id, {"user_id": user_id}, None)
    return rnd


def remove_idea(session: Session, actor: Any, round_id: int, idea_id: int) -> Round:
    """Take an idea out of a draft round; it returns to eligible."""
    rnd = load_round(session, round_id, lock=True)
    require_in_phase(actor, "round.manage", rnd, rnd, "add_ideas")
    row = session.scalar(
        sa.select(RoundIdea).where(RoundIdea.round_id == rnd.id, RoundIdea.idea_id == idea_id)
    )
    if row is None:
        raise NotFound(N_("Ý tưởng không thuộc đợt này."))
    with unit_of_work(session):
        for a in session.scalars(
            sa.select(Assignment).where(
                Assignment.round_id == rnd.id,
                Assignment.idea_id == idea_id,
                Assignment.status.in_(policy.LIVE),
            )
        ):
            end_assignment(session, actor, a, N_("Ý tưởng được rút khỏi đợt"))
        idea = session.get(Idea, idea_id)
        if idea is not None and idea.status == IdeaStatus.IN_REVIEW:
            ideas_service.release_from_review(session, actor, [idea_id], rnd.id)
        session.delete(row)
        record(session, actor, "round.remove_idea", "round", rnd.id, {"idea_id": idea_id}, None)
    return rnd


def open_round(session: Session, actor: Any, round_id: int) -> Round:
    """draft → reviewing: every idea must have its reviewers; they are notified."""
    rnd = load_round(session, round_id, lock=True)
    require_in_phase(actor, "round.manage", rnd, rnd, "open")
    ideas = ideas_of(session, rnd)
    if not ideas:
        raise Conflict(N_("Đợt xét chọn chưa có ý tưởng nào."))
    live = live_assignments(session, rnd)
    per_idea = Counter(a.idea_id for a in live)
    short = [i for i in ideas if per_idea.get(i.id, 0) < rnd.reviewers_per_idea]
    if short:
        raise Conflict(
            Message(
                N_("Còn ý tưởng chưa đủ người chấm: %(ideas)s"),
                ideas="; ".join(f"«{i.title}»" + (f" ({i.code})" if i.code else "") for i in short),
            ),
            {"idea_ids": [str(i.id) for i in short]},
        )
    with unit_of_work(session):
        before = round_snapshot(rnd)
        rnd.status = R.REVIEWING
        rnd.opened_at = utcnow()
        record(session, actor, "round.open", "round", rnd.id, before, round_snapshot(rnd))
        counts = Counter(a.reviewer_id for a in live)
        for reviewer_id, n in sorted(counts.items()):
            notify(
                session,
                reviewer_id,
                N_("%(round)s đã mở chấm: bạn được phân công %(n)s ý tưởng."),
                ("reviews.my_assignments", {}),
                {"round": rnd.name, "n": n},
            )
    return rnd


def recognised_ideas(
    session: Session, actor: Any, round_ids: Iterable[int], level: str | None = None
) -> list[Idea]:
    """Ideas the given finalized rounds recognised at ``level`` (a recognition level code), by
    default at the highest level of each round's criteria set: nomination upward takes only the
    level the new round names, never every recognised idea."""
    require_rule(actor, "round.manage")
    ids = list(round_ids)
    rounds = list(session.scalars(sa.select(Round).where(Round.id.in_(ids))))
    bad = [r.id for r in rounds if not policy.is_finalized(r)] + [
        i for i in ids if i not in {r.id for r in rounds}
    ]
    if bad:
        raise Conflict(
            N_("Chỉ đề nghị lên cấp trên từ các đợt đã công bố kết quả."),
            {"source_round_ids": [str(i) for i in bad]},
        )
    if level is not None:
        known = set(
            session.scalars(
                sa.select(RecognitionLevel.code).where(
                    RecognitionLevel.set_id.in_([r.criteria_set_id for r in rounds])
                )
            )
        )
        if level not in known:
            raise ValidationFailed(
                N_("Mức đề nghị không có trong bộ tiêu chí của các đợt nguồn."),
                {
                    "nominate_level": [
                        Message(N_("Một trong: %(codes)s."), codes=", ".join(sorted(known)))
                    ]
                },
            )
    wanted = [
        sa.and_(Decision.round_id == r.id, Decision.level == (level or top))
        for r in rounds
        if (top := highest_level(session, r.criteria_set_id)) is not None or level
    ]
    if not wanted:
        return []
    return list(
        session.scalars(
            sa.select(Idea)
            .join(Decision, Decision.idea_id == Idea.id)
            .where(sa.or_(*wanted), Decision.applied_at.is_not(None))
            .order_by(Idea.id)
            .distinct()
        )
    )


def create_next_round(
    session: Session,
    actor: Any,
    data: dict[str, Any],
    source_round_ids: Iterable[int],
    nominate_level: str | None = None,
) -> Round:
    """A round of a higher scope holding the ideas finalized rounds recognised at
    ``nominate_level`` (default: the highest level of each source round's criteria set)."""
    sources = list(dict.fromkeys(int(i) for i in source_round_ids))
    if not sources:
        raise ValidationFailed(
            N_("Chọn ít nhất một đợt đã công bố."), {"source_round_ids": [N_("Bắt buộc.")]}
        )
    ideas = recognised_ideas(session, actor, sources, nominate_level or None)
    top = max(
        (
            level_rank(r.level)
            for r in session.scalars(sa.select(Round).where(Round.id.in_(sources)))
        ),
        default=-1,
    )
    if level_rank(data.get("level")) <= top:
        raise ValidationFailed(
            N_("Đợt đề nghị phải ở cấp cao hơn các đợt nguồn."),
            {"level": [N_("Chọn cấp cao hơn.")]},
        )
    if not ideas:
        raise Conflict(N_("Các đợt đã chọn không có sáng kiến nào được công nhận ở mức đề nghị."))
    with unit_of_work(session):
        rnd = create_round(session, actor, {**data, "source_round_ids": sources})
        add_ideas(session, actor, rnd.id, [i.id for i in ideas])
    return rnd


def criteria_set_usage(session: Session, set_id: int) -> list[dict[str, Any]]:
    """``[{"id", "name", "year", "status"}]`` of the rounds using this criteria set version
    (offered to the criteria feature as a provider: a set in use is frozen)."""
    rows = session.scalars(
        sa.select(Round).where(Round.criteria_set_id == set_id).order_by(Round.id)
    )
    return [{"id": r.id, "name": r.name, "year": r.year, "status": r.status} for r in rows]
