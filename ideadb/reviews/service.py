"""Review rounds: phases as permission sets, panels and conflicts, assignment, score sheets,
progress, deliberation (ranking, disagreements, discussions, decisions) and finalisation.

Every change is one ``unit_of_work`` with its audit event. Who may do what is decided in two
steps: a permission rule on the role (secretary, chair, the assignment's reviewer), then the
round's phase (``PHASES``): an action outside its phases answers 409, except reading the
ranking, which answers 403 before deliberation so that nothing about it leaks.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import scoring
from ideadb.accounts.models import User
from ideadb.accounts.notify import notify
from ideadb.audit.service import record
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.errors import (
    Conflict,
    InvalidTransition,
    NotAllowed,
    NotFound,
    StaleVersion,
    ValidationFailed,
)
from ideadb.core.permissions import Role, has_role, is_signed_in, rule
from ideadb.core.permissions import require as require_rule
from ideadb.ideas import service as ideas_service
from ideadb.ideas.models import Idea, IdeaStatus
from ideadb.reviews import assign as assignment_algorithm
from ideadb.reviews.models import (
    AGGREGATIONS,
    AUTOMATIC_KINDS,
    LEVELS,
    Assignment,
    AssignmentStatus,
    ConflictKind,
    Decision,
    Discussion,
    Review,
    ReviewStatus,
    Round,
    RoundIdea,
    RoundReviewer,
    RoundStatus,
)
from ideadb.reviews.models import Conflict as ConflictRow

R = RoundStatus
A = AssignmentStatus
LIVE = (A.PENDING_CONFIRMATION, A.ACTIVE, A.SUBMITTED, A.MISSED)
OPEN = (A.PENDING_CONFIRMATION, A.ACTIVE)

LEVEL_LABELS = {
    "co_so": "Cấp cơ sở",
    "huyen": "Cấp huyện",
    "tinh": "Cấp tỉnh",
    "trung_uong": "Cấp trung ương",
}
STATUS_LABELS = {
    R.DRAFT: "Đang chuẩn bị",
    R.REVIEWING: "Đang chấm điểm",
    R.DELIBERATION: "Đang họp xét",
    R.FINALIZED: "Đã công bố kết quả",
}
AGGREGATION_LABELS = {
    "mean": "Trung bình cộng",
    "median": "Trung vị",
    "trimmed_mean": "Trung bình bỏ cao nhất và thấp nhất",
    "zscore": "Chuẩn hóa theo thành viên (z-score)",
}
ASSIGNMENT_LABELS = {
    A.PENDING_CONFIRMATION: "Chờ xác nhận không xung đột",
    A.ACTIVE: "Đang chấm",
    A.RECUSED: "Đã rút (xung đột)",
    A.SUBMITTED: "Đã nộp phiếu",
    A.MISSED: "Không nộp phiếu",
}
CONFLICT_LABELS = {
    ConflictKind.AUTHOR: "Là tác giả",
    ConflictKind.UNIT: "Cùng đơn vị với ý tưởng",
    ConflictKind.REGISTRANT: "Là người đăng ký",
    ConflictKind.SECRETARY: "Thư ký khai báo",
    ConflictKind.REVIEWER: "Thành viên tự khai báo",
}

# --- phases as permission sets ----------------------------------------------------------

PHASES: dict[str, frozenset[str]] = {
    "configure": frozenset({R.DRAFT}),
    "add_ideas": frozenset({R.DRAFT}),
    "add_reviewers": frozenset({R.DRAFT, R.REVIEWING, R.DELIBERATION}),
    "conflict": frozenset({R.DRAFT, R.REVIEWING, R.DELIBERATION}),
    "auto_assign": frozenset({R.DRAFT, R.REVIEWING}),
    "assign": frozenset({R.DRAFT, R.REVIEWING, R.DELIBERATION}),
    "open": frozenset({R.DRAFT}),
    "remind": frozenset({R.REVIEWING, R.DELIBERATION}),
    "reopen": frozenset({R.REVIEWING, R.DELIBERATION}),
    "deliberate": frozenset({R.REVIEWING}),
    "ranking": frozenset({R.DELIBERATION, R.FINALIZED}),
    "discuss": frozenset({R.DELIBERATION}),
    "decide": frozenset({R.DELIBERATION}),
    "finalize": frozenset({R.DELIBERATION}),
    "score": frozenset({R.REVIEWING, R.DELIBERATION}),
}


def _is_secretary(actor: Any) -> bool:
    return has_role(actor, Role.SECRETARY)


def _is_chair(actor: Any, rnd: Round | None) -> bool:
    return is_signed_in(actor) and rnd is not None and rnd.chair_id == actor.id


def _on_panel(actor: Any, rnd: Round) -> bool:
    if not is_signed_in(actor) or rnd.id is None:
        return False
    from sqlalchemy.orm import object_session

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


rule("round.manage")(lambda actor, rnd=None: _is_secretary(actor))
rule("round.view")(
    lambda actor, rnd: (
        has_role(actor, Role.SECRETARY, Role.ADMIN)
        or _is_chair(actor, rnd)
        or _on_panel(actor, rnd)
    )
)
rule("round.ranking")(lambda actor, rnd: _is_secretary(actor) or _is_chair(actor, rnd))
rule("assignment.own")(
    lambda actor, a: is_signed_in(actor) and a is not None and a.reviewer_id == actor.id
)
rule("assignment.view")(
    lambda actor, a: _is_secretary(actor) or (is_signed_in(actor) and a.reviewer_id == actor.id)
)
rule("round.conflict")(
    lambda actor, pair: _is_secretary(actor) or (is_signed_in(actor) and actor.id == pair[1])
)


def in_phase(rnd: Round, action: str) -> bool:
    return rnd.status in PHASES[action]


def _phase(rnd: Round, action: str) -> None:
    if not in_phase(rnd, action):
        raise InvalidTransition(
            "Không thể thực hiện thao tác này khi đợt xét chọn ở giai đoạn "
            f"“{STATUS_LABELS.get(rnd.status, rnd.status)}”."
        )


def _require(actor: Any, permission: str, obj: Any, rnd: Round, action: str) -> None:
    require_rule(actor, permission, obj)
    _phase(rnd, action)


def allowed(actor: Any, rnd: Round, action: str) -> bool:
    """For pages: may ``actor`` do the round-level ``action`` now (role and phase)."""
    from ideadb.core.permissions import can

    permission = "round.ranking" if action == "ranking" else "round.manage"
    return can(actor, permission, rnd) and in_phase(rnd, action)


# --- helpers -------------------------------------------------------------------------------


def _nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", (text or "").strip())


def _name_key(text: str | None) -> str:
    return " ".join(_nfc(text).casefold().split())


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
    }


def _get_round(session: Session, round_id: int, *, lock: bool = False) -> Round:
    stmt = sa.select(Round).where(Round.id == round_id)
    if lock:
        stmt = stmt.with_for_update()
    rnd = session.scalar(stmt)
    if rnd is None:
        raise NotFound("Không tìm thấy đợt xét chọn.")
    return rnd


def get_round(session: Session, actor: Any, round_id: int) -> Round:
    """A round for staff, its chair and its reviewers; 404 for everyone else."""
    rnd = _get_round(session, round_id)
    from ideadb.core.permissions import can

    if not can(actor, "round.view", rnd):
        raise NotFound("Không tìm thấy đợt xét chọn.")
    return rnd


def list_rounds(session: Session, actor: Any) -> list[Round]:
    require_rule(actor, "round.manage")
    return list(session.scalars(sa.select(Round).order_by(Round.year.desc(), Round.id.desc())))


def _assignment(session: Session, assignment_id: int, *, lock: bool = False) -> Assignment:
    stmt = sa.select(Assignment).where(Assignment.id == assignment_id)
    if lock:
        stmt = stmt.with_for_update()
    a = session.scalar(stmt)
    if a is None:
        raise NotFound("Không tìm thấy phân công.")
    return a


def _visible_assignment(session: Session, actor: Any, assignment_id: int, permission: str):
    a = _assignment(session, assignment_id)
    from ideadb.core.permissions import can

    if not can(actor, permission, a):
        # Another reviewer's sheet does not exist as far as this caller can tell.
        raise NotFound("Không tìm thấy phân công.")
    return a


# --- criteria --------------------------------------------------------------------------


def _criteria_service():
    from ideadb.criteria import service

    return service


def rubric_for(session: Session, rnd: Round) -> scoring.Rubric:
    service = _criteria_service()
    return service.to_rubric(service.get_set(session, rnd.criteria_set_id))


def criteria_payload(rubric: scoring.Rubric) -> list[dict[str, Any]]:
    return [
        {
            "code": c.code,
            "name": c.name,
            "description": c.description,
            "max_points": float(c.max_points),
            "weight": float(c.weight),
            "min_points": None if c.min_points is None else float(c.min_points),
            "levels": [
                {"min": float(b.min), "max": float(b.max), "label": b.label, "guidance": b.guidance}
                for b in c.bands
            ],
        }
        for c in rubric.criteria
    ]


def _number(value: Fraction | Decimal | None) -> float | None:
    shown = scoring.display(value) if isinstance(value, Fraction | int) else value
    return None if shown is None else float(shown)


# --- rounds --------------------------------------------------------------------------------

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


def _clean_round(session: Session, data: dict[str, Any], rnd: Round | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    creating = rnd is None

    def given(name: str) -> bool:
        return name in data and (data[name] is not None or name in ("deadline", "chair_id"))

    if creating or "name" in data:
        name = _nfc(data.get("name"))
        if not name:
            errors["name"] = ["Vui lòng nhập tên đợt xét chọn."]
        elif len(name) > 255:
            errors["name"] = ["Tên tối đa 255 ký tự."]
        out["name"] = name
    if creating or "year" in data:
        year = data.get("year")
        if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
            errors["year"] = ["Năm phải là số từ 2000 đến 2100."]
        out["year"] = year
    if creating or "level" in data:
        if data.get("level") not in LEVELS:
            errors["level"] = ["Cấp xét chọn phải là một trong: " + ", ".join(LEVELS) + "."]
        out["level"] = data.get("level")
    if creating or "criteria_set_id" in data:
        set_id = data.get("criteria_set_id")
        try:
            criteria = _criteria_service().get_set(session, set_id) if set_id else None
        except NotFound:
            criteria = None
        if criteria is None:
            errors["criteria_set_id"] = ["Không tìm thấy bộ tiêu chí."]
        elif getattr(criteria, "status", "active") == "draft":
            errors["criteria_set_id"] = ["Bộ tiêu chí còn là bản nháp; hãy kích hoạt trước."]
        out["criteria_set_id"] = set_id
    if creating or given("reviewers_per_idea"):
        k = data.get("reviewers_per_idea", 2)
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 20:
            errors["reviewers_per_idea"] = ["Số thành viên chấm mỗi ý tưởng từ 1 đến 20."]
        out["reviewers_per_idea"] = k
    if creating or given("aggregation"):
        agg = data.get("aggregation") or "mean"
        if agg not in AGGREGATIONS:
            errors["aggregation"] = ["Cách tổng hợp phải là một trong: " + ", ".join(AGGREGATIONS)]
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
            errors["disagreement_threshold"] = ["Ngưỡng chênh lệch là số điểm từ 0 đến 100."]
            threshold = Decimal(20)
        out["disagreement_threshold"] = threshold
    if given("deadline") or creating:
        deadline = data.get("deadline")
        if isinstance(deadline, str) and deadline:
            try:
                deadline = date.fromisoformat(deadline)
            except ValueError:
                errors["deadline"] = ["Hạn chấm không hợp lệ."]
                deadline = None
        out["deadline"] = deadline or None
    if given("chair_id") or creating:
        chair_id = data.get("chair_id")
        if chair_id is not None:
            chair = session.get(User, chair_id)
            if chair is None or not chair.active:
                errors["chair_id"] = ["Không tìm thấy chủ tịch hội đồng."]
        out["chair_id"] = chair_id
    if creating or given("show_details_to_submitters"):
        out["show_details_to_submitters"] = bool(data.get("show_details_to_submitters", False))
    if creating or given("document"):
        doc = data.get("document") or {}
        if not isinstance(doc, dict):
            errors["document"] = ["Thông tin văn bản phải là một đối tượng."]
            doc = {}
        out["document"] = {k: _nfc(str(v)) for k, v in doc.items() if k in DOCUMENT_KEYS and v}
    if errors:
        raise ValidationFailed("Thông tin đợt xét chọn chưa hợp lệ.", errors)
    return out


def _freeze_criteria(session: Session, actor: Any, set_id: int) -> None:
    service = _criteria_service()
    service.freeze(session, set_id, actor)


def create_round(session: Session, actor: Any, data: dict[str, Any]) -> Round:
    """A new round in ``draft``; the criteria set it uses is frozen from now on."""
    require_rule(actor, "round.manage")
    values = _clean_round(session, data, None)
    with unit_of_work(session):
        rnd = Round(status=R.DRAFT, created_by_id=actor.id, **values)
        rnd.source_round_ids = list(data.get("source_round_ids") or [])
        session.add(rnd)
        session.flush()
        _freeze_criteria(session, actor, rnd.criteria_set_id)
        record(session, actor, "round.create", "round", rnd.id, None, round_snapshot(rnd))
    return rnd


def update_round(session: Session, actor: Any, round_id: int, data: dict[str, Any]) -> Round:
    """Change the settings: all of them while in draft; later only the chair, the deadline,
    what submitters may see and the document texts."""
    rnd = _get_round(session, round_id, lock=True)
    require_rule(actor, "round.manage", rnd)
    if rnd.status == R.FINALIZED:
        _phase(rnd, "configure")
    values = _clean_round(session, data, rnd)
    late = {"chair_id", "deadline", "show_details_to_submitters", "document", "name"}
    if rnd.status != R.DRAFT and set(values) - late:
        raise InvalidTransition(
            "Sau khi mở chấm chỉ được đổi tên, hạn chấm, chủ tịch hội đồng, thông tin văn bản "
            "và phần kết quả người nộp được xem.",
            {k: ["Không thể đổi khi đợt đã mở."] for k in sorted(set(values) - late)},
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
    return rnd


def _round_ideas(session: Session, rnd: Round) -> list[Idea]:
    return list(
        session.scalars(
            sa.select(Idea)
            .join(RoundIdea, RoundIdea.idea_id == Idea.id)
            .where(RoundIdea.round_id == rnd.id)
            .order_by(RoundIdea.id)
        )
    )


def _panel(session: Session, rnd: Round) -> list[User]:
    return list(
        session.scalars(
            sa.select(User)
            .join(RoundReviewer, RoundReviewer.user_id == User.id)
            .where(RoundReviewer.round_id == rnd.id)
            .order_by(RoundReviewer.id)
        )
    )


def round_ideas(session: Session, actor: Any, round_id: int) -> list[Idea]:
    rnd = _get_round(session, round_id)
    require_rule(actor, "round.manage", rnd)
    return _round_ideas(session, rnd)


def panel(session: Session, actor: Any, round_id: int) -> list[User]:
    rnd = _get_round(session, round_id)
    require_rule(actor, "round.manage", rnd)
    return _panel(session, rnd)


def _level_rank(level: str | None) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


def recognised_at_or_above(session: Session, idea_id: int, level: str, *, exclude: int | None):
    """The finalised round that already recognised this idea at ``level`` or higher, if any."""
    higher = [lv for lv in LEVELS if _level_rank(lv) >= _level_rank(level)]
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


def _nominated(session: Session, idea: Idea, level: str) -> bool:
    """A recognised idea may enter a round of a higher scope (nomination upward)."""
    return (
        idea.status == IdeaStatus.RECOGNIZED
        and idea.recognized_scope is not None
        and _level_rank(idea.recognized_scope) < _level_rank(level)
    )


def add_ideas(session: Session, actor: Any, round_id: int, idea_ids: Iterable[int]) -> Round:
    """Take eligible ideas into the round (409 naming any that is not eligible)."""
    rnd = _get_round(session, round_id, lock=True)
    _require(actor, "round.manage", rnd, rnd, "add_ideas")
    ids = list(dict.fromkeys(int(i) for i in idea_ids))
    if not ids:
        raise ValidationFailed("Chưa chọn ý tưởng nào.", {"idea_ids": ["Chọn ít nhất một."]})
    present = set(session.scalars(sa.select(RoundIdea.idea_id).where(RoundIdea.round_id == rnd.id)))
    ideas = {i.id: i for i in session.scalars(sa.select(Idea).where(Idea.id.in_(ids)))}
    missing = [i for i in ids if i not in ideas]
    if missing:
        raise NotFound("Không tìm thấy ý tưởng: " + ", ".join(map(str, missing)))
    new = [ideas[i] for i in ids if i not in present]
    nominated = [i for i in new if _nominated(session, i, rnd.level)]
    to_review = [i for i in new if i not in nominated]
    wrong = [i for i in to_review if i.status != IdeaStatus.ELIGIBLE]
    if wrong:
        raise Conflict(
            "Chỉ đưa vào đợt xét chọn các ý tưởng đủ điều kiện: "
            + ", ".join(i.code or str(i.id) for i in wrong),
            {"idea_ids": [str(i.id) for i in wrong]},
        )
    with unit_of_work(session):
        if to_review:
            ideas_service.mark_in_review(session, actor, [i.id for i in to_review], rnd.id)
        for idea in new:
            session.add(RoundIdea(round_id=rnd.id, idea_id=idea.id, added_by_id=actor.id))
        session.flush()
        _sync_conflicts(session, rnd)
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
    rnd = _get_round(session, round_id, lock=True)
    _require(actor, "round.manage", rnd, rnd, "add_reviewers")
    ids = list(dict.fromkeys(int(i) for i in user_ids))
    if not ids:
        raise ValidationFailed("Chưa chọn thành viên nào.", {"user_ids": ["Chọn ít nhất một."]})
    users = {u.id: u for u in session.scalars(sa.select(User).where(User.id.in_(ids)))}
    bad = [
        i for i in ids if i not in users or not users[i].active or "reviewer" not in users[i].roles
    ]
    if bad:
        raise ValidationFailed(
            "Chỉ thêm được người dùng có vai trò thành viên hội đồng (reviewer).",
            {"user_ids": [f"Người dùng {i} không có vai trò reviewer." for i in bad]},
        )
    present = set(
        session.scalars(sa.select(RoundReviewer.user_id).where(RoundReviewer.round_id == rnd.id))
    )
    with unit_of_work(session):
        for uid in ids:
            if uid not in present:
                session.add(RoundReviewer(round_id=rnd.id, user_id=uid, added_by_id=actor.id))
        session.flush()
        _sync_conflicts(session, rnd)
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
    rnd = _get_round(session, round_id, lock=True)
    _require(actor, "round.manage", rnd, rnd, "configure")
    row = session.scalar(
        sa.select(RoundReviewer).where(
            RoundReviewer.round_id == rnd.id, RoundReviewer.user_id == user_id
        )
    )
    if row is None:
        raise NotFound("Thành viên không thuộc hội đồng của đợt này.")
    with unit_of_work(session):
        for a in session.scalars(
            sa.select(Assignment).where(
                Assignment.round_id == rnd.id,
                Assignment.reviewer_id == user_id,
                Assignment.status.in_(LIVE),
            )
        ):
            _end_assignment(session, actor, a, "Rút khỏi hội đồng")
        session.delete(row)
        record(session, actor, "round.remove_reviewer", "round", rnd.id, {"user_id": user_id}, None)
    return rnd


def remove_idea(session: Session, actor: Any, round_id: int, idea_id: int) -> Round:
    """Take an idea out of a draft round; it returns to eligible."""
    rnd = _get_round(session, round_id, lock=True)
    _require(actor, "round.manage", rnd, rnd, "add_ideas")
    row = session.scalar(
        sa.select(RoundIdea).where(RoundIdea.round_id == rnd.id, RoundIdea.idea_id == idea_id)
    )
    if row is None:
        raise NotFound("Ý tưởng không thuộc đợt này.")
    with unit_of_work(session):
        for a in session.scalars(
            sa.select(Assignment).where(
                Assignment.round_id == rnd.id,
                Assignment.idea_id == idea_id,
                Assignment.status.in_(LIVE),
            )
        ):
            _end_assignment(session, actor, a, "Ý tưởng được rút khỏi đợt")
        idea = session.get(Idea, idea_id)
        if idea is not None and idea.status == IdeaStatus.IN_REVIEW:
            ideas_service.release_from_review(session, actor, [idea_id], rnd.id)
        session.delete(row)
        record(session, actor, "round.remove_idea", "round", rnd.id, {"idea_id": idea_id}, None)
    return rnd


# --- conflicts -----------------------------------------------------------------------------


def _automatic_conflicts(session: Session, rnd: Round) -> dict[tuple[int, int, str], str]:
    """(idea, reviewer, kind) → reason for every automatic conflict in the round."""
    ideas = _round_ideas(session, rnd)
    reviewers = _panel(session, rnd)
    out: dict[tuple[int, int, str], str] = {}
    for idea in ideas:
        author_users = {a.user_id for a in idea.authors if a.user_id}
        author_names = {_name_key(a.name) for a in idea.authors}
        for user in reviewers:
            if user.id in author_users or _name_key(user.full_name) in author_names:
                out[(idea.id, user.id, ConflictKind.AUTHOR)] = "Thành viên là tác giả của ý tưởng."
            if idea.unit_id is not None and user.unit_id == idea.unit_id:
                out[(idea.id, user.id, ConflictKind.UNIT)] = "Thành viên thuộc đơn vị của ý tưởng."
            if idea.registrant_id == user.id:
                out[(idea.id, user.id, ConflictKind.REGISTRANT)] = (
                    "Thành viên là người đăng ký ý tưởng."
                )
    return out


def _sync_conflicts(session: Session, rnd: Round) -> None:
    """Store the automatic conflicts found now (dismissed ones stay dismissed)."""
    stored = {
        (c.idea_id, c.reviewer_id, c.kind)
        for c in session.scalars(sa.select(ConflictRow).where(ConflictRow.round_id == rnd.id))
    }
    for (idea_id, reviewer_id, kind), reason in sorted(_automatic_conflicts(session, rnd).items()):
        if (idea_id, reviewer_id, kind) not in stored:
            session.add(
                ConflictRow(
                    round_id=rnd.id,
                    idea_id=idea_id,
                    reviewer_id=reviewer_id,
                    kind=kind,
                    reason=reason,
                )
            )
    session.flush()


def _conflicted_pairs(session: Session, rnd: Round) -> set[tuple[int, int]]:
    return {
        (idea_id, reviewer_id)
        for idea_id, reviewer_id in session.execute(
            sa.select(ConflictRow.idea_id, ConflictRow.reviewer_id).where(
                ConflictRow.round_id == rnd.id, ConflictRow.dismissed_at.is_(None)
            )
        )
    }


def list_conflicts(session: Session, actor: Any, round_id: int) -> list[ConflictRow]:
    rnd = _get_round(session, round_id)
    require_rule(actor, "round.manage", rnd)
    return list(
        session.scalars(
            sa.select(ConflictRow)
            .where(ConflictRow.round_id == rnd.id)
            .order_by(ConflictRow.idea_id, ConflictRow.reviewer_id, ConflictRow.id)
        )
    )


def _conflict_snapshot(c: ConflictRow) -> dict[str, Any]:
    return {
        "idea_id": c.idea_id,
        "reviewer_id": c.reviewer_id,
        "kind": c.kind,
        "reason": c.reason,
        "dismissed": c.dismissed_at is not None,
        "dismiss_reason": c.dismiss_reason,
    }


def declare_conflict(
    session: Session, actor: Any, round_id: int, *, user_id: int, idea_id: int, reason: str
) -> ConflictRow:
    """The secretary, or the reviewer, declares a conflict: a live assignment of that pair
    ends (recused) and the idea gets another reviewer when one is free."""
    rnd = _get_round(session, round_id, lock=True)
    reviewer_on_panel = session.scalar(
        sa.select(RoundReviewer.id).where(
            RoundReviewer.round_id == rnd.id, RoundReviewer.user_id == user_id
        )
    )
    require_rule(actor, "round.conflict", (rnd, user_id))
    if not _is_secretary(actor) and reviewer_on_panel is None:
        raise NotFound("Không tìm thấy đợt xét chọn.")
    _phase(rnd, "conflict")
    reason = _nfc(reason)
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["Vui lòng ghi lý do xung đột lợi ích."]
    if reviewer_on_panel is None:
        errors["user_id"] = ["Người này không thuộc hội đồng của đợt."]
    in_round = session.scalar(
        sa.select(RoundIdea.id).where(RoundIdea.round_id == rnd.id, RoundIdea.idea_id == idea_id)
    )
    if in_round is None:
        errors["idea_id"] = ["Ý tưởng không thuộc đợt này."]
    if errors:
        raise ValidationFailed("Khai báo xung đột chưa hợp lệ.", errors)
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
            _conflict_snapshot(row),
        )
        live = session.scalar(
            sa.select(Assignment).where(
                Assignment.round_id == rnd.id,
                Assignment.idea_id == idea_id,
                Assignment.reviewer_id == user_id,
                Assignment.status.in_(LIVE),
            )
        )
        if live is not None:
            _end_assignment(session, actor, live, reason)
            _replace(session, actor, rnd, idea_id)
    return row


def dismiss_conflict(
    session: Session, actor: Any, round_id: int, conflict_id: int, reason: str
) -> ConflictRow:
    """The secretary sets aside a false automatic conflict, with a logged reason."""
    rnd = _get_round(session, round_id, lock=True)
    _require(actor, "round.manage", rnd, rnd, "conflict")
    row = session.get(ConflictRow, conflict_id)
    if row is None or row.round_id != rnd.id:
        raise NotFound("Không tìm thấy xung đột.")
    if row.kind not in AUTOMATIC_KINDS:
        raise Conflict("Chỉ bỏ qua được xung đột phát hiện tự động.")
    if row.dismissed_at is not None:
        raise Conflict("Xung đột này đã được bỏ qua.")
    reason = _nfc(reason)
    if not reason:
        raise ValidationFailed("Vui lòng ghi lý do.", {"reason": ["Vui lòng ghi lý do."]})
    with unit_of_work(session):
        before = _conflict_snapshot(row)
        row.dismissed_at, row.dismissed_by_id, row.dismiss_reason = utcnow(), actor.id, reason
        record(
            session,
            actor,
            "conflict.dismiss",
            "review_conflict",
            row.id,
            before,
            _conflict_snapshot(row),
        )
    return row


# --- assignment ---------------------------------------------------------------------------


def _live_assignments(session: Session, rnd: Round) -> list[Assignment]:
    return list(
        session.scalars(
            sa.select(Assignment)
            .where(Assignment.round_id == rnd.id, Assignment.status.in_(LIVE))
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
    if rnd.status == R.DRAFT:
        return  # reviewers hear of their assignments when the round opens
    notify(
        session,
        a.reviewer_id,
        f"Bạn được phân công chấm một ý tưởng trong {rnd.name}.",
        f"/phieu-cham/{a.id}",
    )


def _create_assignment(
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


def _end_assignment(session: Session, actor: Any, a: Assignment, reason: str) -> None:
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


def _units(session: Session, user_ids: Iterable[int]) -> dict[int, int | None]:
    ids = list(user_ids)
    if not ids:
        return {}
    return dict(session.execute(sa.select(User.id, User.unit_id).where(User.id.in_(ids))).all())


def auto_assign(session: Session, actor: Any, round_id: int) -> list[Assignment]:
    """Give every idea its reviewers: loads differ by at most one, never a conflicted pair,
    different units on one idea where possible; existing assignments are kept."""
    rnd = _get_round(session, round_id, lock=True)
    _require(actor, "round.manage", rnd, rnd, "auto_assign")
    _sync_conflicts(session, rnd)
    ideas = [i.id for i in _round_ideas(session, rnd)]
    reviewers = [u.id for u in _panel(session, rnd)]
    if not ideas:
        raise Conflict("Đợt xét chọn chưa có ý tưởng nào.")
    existing = [(a.idea_id, a.reviewer_id) for a in _live_assignments(session, rnd)]
    try:
        pairs = assignment_algorithm.assign(
            ideas,
            reviewers,
            rnd.reviewers_per_idea,
            conflicts=_conflicted_pairs(session, rnd),
            reviewer_units=_units(session, reviewers),
            existing=existing,
        )
    except assignment_algorithm.AssignmentInfeasible as exc:
        raise Conflict(
            explain_infeasible(session, exc),
            {"idea_ids": [str(i) for i in exc.idea_ids]} if exc.idea_ids else None,
        ) from exc
    with unit_of_work(session):
        created = [_create_assignment(session, actor, rnd, i, r, "auto") for i, r in pairs]
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
    """A Vietnamese explanation of why no assignment meets the rules."""
    alg = assignment_algorithm
    parts = []
    for p in exc.problems:
        if isinstance(p, alg.PanelTooSmall):
            parts.append(
                f"Hội đồng có {p.reviewers} thành viên nhưng mỗi ý tưởng cần {p.per_idea} người chấm"
            )
        elif isinstance(p, alg.TooFewEligible):
            parts.append(
                f"Ý tưởng {_label_ideas(session, [p.idea_id])} cần thêm {p.needed} người chấm "
                f"nhưng chỉ còn {len(p.eligible_reviewer_ids)} thành viên không xung đột"
                + (
                    f" (xung đột: {_label_users(session, p.conflicted_reviewer_ids)})"
                    if p.conflicted_reviewer_ids
                    else ""
                )
            )
        elif isinstance(p, alg.Bottleneck):
            parts.append(
                f"Các ý tưởng {_label_ideas(session, p.short_idea_ids)} còn thiếu {p.missing} lượt "
                f"chấm: nhóm ý tưởng {_label_ideas(session, p.competing_idea_ids)} chỉ có thể giao "
                f"cho {_label_users(session, p.reviewer_ids)}, những người này đã nhận tối đa "
                f"{p.max_load} phiếu (số phiếu của các thành viên chỉ được lệch nhau 1)"
            )
        elif isinstance(p, alg.Underloaded):
            parts.append(
                f"Thành viên {_label_users(session, p.reviewer_ids)} không thể nhận đủ tối thiểu "
                f"{p.min_load} phiếu vì xung đột với hầu hết ý tưởng; hãy bỏ họ khỏi hội đồng "
                "hoặc bổ sung ý tưởng"
            )
        elif isinstance(p, alg.Overloaded):
            parts.append(
                f"Thành viên {_label_users(session, p.reviewer_ids)} đã được giao quá "
                f"{p.max_load} phiếu bằng tay"
            )
    return "Không thể phân công tự động. " + "; ".join(parts) + "."


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
        errors["idea_id"] = ["Ý tưởng không thuộc đợt này."]
    if (
        session.scalar(
            sa.select(RoundReviewer.id).where(
                RoundReviewer.round_id == rnd.id, RoundReviewer.user_id == reviewer_id
            )
        )
        is None
    ):
        errors["reviewer_id"] = ["Người này không thuộc hội đồng của đợt."]
    if errors:
        raise ValidationFailed("Phân công chưa hợp lệ.", errors)
    _sync_conflicts(session, rnd)
    if (idea_id, reviewer_id) in _conflicted_pairs(session, rnd):
        raise Conflict("Thành viên này có xung đột lợi ích với ý tưởng.")
    if (
        session.scalar(
            sa.select(Assignment.id).where(
                Assignment.round_id == rnd.id,
                Assignment.idea_id == idea_id,
                Assignment.reviewer_id == reviewer_id,
                Assignment.status.in_(LIVE),
            )
        )
        is not None
    ):
        raise Conflict("Thành viên này đã được phân công chấm ý tưởng.")


def add_assignment(
    session: Session, actor: Any, round_id: int, idea_id: int, reviewer_id: int
) -> Assignment:
    """Assign one reviewer by hand (409 on a conflict or a duplicate)."""
    rnd = _get_round(session, round_id, lock=True)
    _require(actor, "round.manage", rnd, rnd, "assign")
    _check_pair(session, rnd, idea_id, reviewer_id)
    with unit_of_work(session):
        try:
            return _create_assignment(session, actor, rnd, idea_id, reviewer_id, "manual")
        except IntegrityError as exc:
            raise Conflict("Thành viên này đã được phân công chấm ý tưởng.") from exc


def withdraw_assignment(
    session: Session, actor: Any, assignment_id: int, reason: str, *, replace: bool = False
) -> Assignment:
    """The secretary takes an unsubmitted assignment away (and optionally reassigns)."""
    a = _assignment(session, assignment_id, lock=True)
    rnd = _get_round(session, a.round_id)
    _require(actor, "round.manage", rnd, rnd, "assign")
    if a.status not in OPEN:
        raise Conflict("Chỉ rút được phân công chưa nộp phiếu.")
    reason = _nfc(reason) or "Thư ký rút phân công"
    with unit_of_work(session):
        _end_assignment(session, actor, a, reason)
        if replace:
            _replace(session, actor, rnd, a.idea_id)
    return a


def _replace(session: Session, actor: Any, rnd: Round, idea_id: int) -> Assignment | None:
    """Find another reviewer for an idea short of reviewers (least loaded, other unit)."""
    live = _live_assignments(session, rnd)
    on_idea = [a.reviewer_id for a in live if a.idea_id == idea_id]
    if len(on_idea) >= rnd.reviewers_per_idea:
        return None
    reviewers = [u.id for u in _panel(session, rnd)]
    loads = Counter(a.reviewer_id for a in live)
    choice = assignment_algorithm.pick_replacement(
        idea_id,
        reviewers,
        loads={r: loads.get(r, 0) for r in reviewers},
        on_idea=on_idea,
        conflicts=_conflicted_pairs(session, rnd),
        reviewer_units=_units(session, reviewers),
    )
    if choice is None:
        for secretary_id in _secretaries(session):
            notify(
                session,
                secretary_id,
                f"Không còn thành viên nào để chấm thay một ý tưởng trong {rnd.name}.",
                f"/dot-xet-chon/{rnd.id}/phan-cong",
            )
        return None
    return _create_assignment(session, actor, rnd, idea_id, choice, "replacement")


def _secretaries(session: Session) -> list[int]:
    from ideadb.accounts.service import users_with_role

    return [u.id for u in users_with_role(session, Role.SECRETARY)]


def list_assignments(session: Session, actor: Any, round_id: int) -> list[Assignment]:
    rnd = _get_round(session, round_id)
    require_rule(actor, "round.manage", rnd)
    return list(
        session.scalars(
            sa.select(Assignment)
            .where(Assignment.round_id == rnd.id)
            .order_by(Assignment.idea_id, Assignment.id)
        )
    )


def open_round(session: Session, actor: Any, round_id: int) -> Round:
    """draft → reviewing: every idea must have its reviewers; they are notified."""
    rnd = _get_round(session, round_id, lock=True)
    _require(actor, "round.manage", rnd, rnd, "open")
    ideas = _round_ideas(session, rnd)
    if not ideas:
        raise Conflict("Đợt xét chọn chưa có ý tưởng nào.")
    live = _live_assignments(session, rnd)
    per_idea = Counter(a.idea_id for a in live)
    short = [i for i in ideas if per_idea.get(i.id, 0) < rnd.reviewers_per_idea]
    if short:
        raise Conflict(
            "Còn ý tưởng chưa đủ người chấm: " + ", ".join(i.code or str(i.id) for i in short),
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
                f"{rnd.name} đã mở chấm: bạn được phân công {n} ý tưởng.",
                "/phieu-cham",
            )
    return rnd


# --- the reviewer's side --------------------------------------------------------------------


def my_assignments(session: Session, actor: Any) -> list[Assignment]:
    """The caller's assignments in open rounds and after (not those of draft rounds)."""
    if not is_signed_in(actor):
        require_rule(actor, "round.manage")
    return list(
        session.scalars(
            sa.select(Assignment)
            .join(Round, Round.id == Assignment.round_id)
            .where(
                Assignment.reviewer_id == actor.id,
                Round.status != R.DRAFT,
                Assignment.status != A.RECUSED,
            )
            .order_by(Round.id.desc(), Assignment.id)
        )
    )


def get_assignment(session: Session, actor: Any, assignment_id: int) -> Assignment:
    a = _visible_assignment(session, actor, assignment_id, "assignment.view")
    if a.reviewer_id == getattr(actor, "id", None) and (
        a.round.status == R.DRAFT or a.status == A.RECUSED
    ):
        raise NotFound("Không tìm thấy phân công.")
    return a


def confirm(
    session: Session, actor: Any, assignment_id: int, *, conflict: bool, reason: str = ""
) -> Assignment:
    """Before the idea is shown, the reviewer confirms no conflict, or declares one."""
    a = _visible_assignment(session, actor, assignment_id, "assignment.own")
    rnd = a.round
    _phase(rnd, "score")
    if a.status != A.PENDING_CONFIRMATION:
        raise Conflict("Phân công này đã được xác nhận.")
    if conflict:
        declare_conflict(
            session, actor, rnd.id, user_id=actor.id, idea_id=a.idea_id, reason=reason or ""
        )
        session.refresh(a)
        return a
    with unit_of_work(session):
        before = assignment_snapshot(a)
        a.status = A.ACTIVE
        a.confirmed_at = utcnow()
        record(
            session, actor, "assignment.confirm", "assignment", a.id, before, assignment_snapshot(a)
        )
    return a


def needs_confirmation(a: Assignment) -> bool:
    return a.status == A.PENDING_CONFIRMATION


def _review_points(review: Review | None) -> dict[str, str]:
    return dict(review.scores) if review is not None else {}


def review_total(rubric: scoring.Rubric, scores: dict[str, Any]) -> float | None:
    try:
        return _number(scoring.review_total(rubric, scores, complete=False))
    except scoring.InvalidScoreSheet:
        return None


def _clean_points(rubric: scoring.Rubric, scores: Any, *, complete: bool) -> dict[str, str]:
    if not isinstance(scores, dict):
        raise ValidationFailed("Điểm không hợp lệ.", {"scores": ["Phải là bảng mã → điểm."]})
    cleaned = {k: v for k, v in scores.items() if v is not None and v != ""}
    problems = scoring.validate_sheet(rubric, cleaned, complete=complete)
    if problems:
        raise ValidationFailed("Phiếu chấm chưa hợp lệ.", scoring.problems_to_fields(problems))
    return {code: str(scoring.round_half_up(scoring.to_fraction(v))) for code, v in cleaned.items()}


def review_snapshot(review: Review) -> dict[str, Any]:
    return {
        "scores": dict(review.scores),
        "comments": dict(review.comments),
        "comment": review.comment,
        "version": review.version,
        "status": review.status,
    }


def _editable(a: Assignment) -> None:
    _phase(a.round, "score")
    if a.status == A.PENDING_CONFIRMATION:
        raise Conflict("Hãy xác nhận không có xung đột lợi ích trước khi chấm.")
    if a.status == A.SUBMITTED:
        raise Conflict("Phiếu chấm đã nộp; chỉ thư ký mới mở lại được.")
    if a.status != A.ACTIVE:
        raise Conflict("Phân công này không còn hiệu lực.")


def save_review(
    session: Session,
    actor: Any,
    assignment_id: int,
    *,
    scores: dict[str, Any],
    comments: dict[str, str] | None,
    comment: str | None,
    version: int,
) -> Review:
    """Save the sheet as a draft. ``version`` is the one last read (0: none yet); a stale
    version answers 409 and nothing is overwritten."""
    a = _visible_assignment(session, actor, assignment_id, "assignment.own")
    _editable(a)
    rubric = rubric_for(session, a.round)
    points = _clean_points(rubric, scores, complete=False)
    codes = set(rubric.codes)
    notes = {
        k: _nfc(str(v))
        for k, v in (comments or {}).items()
        if k in codes and v is not None and _nfc(str(v))
    }
    text = _nfc(comment)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise ValidationFailed("Phiên bản không hợp lệ.", {"version": ["Số nguyên ≥ 0."]})
    now = utcnow()
    with unit_of_work(session):
        existing = session.scalar(sa.select(Review).where(Review.assignment_id == a.id))
        if version == 0:
            if existing is not None:
                raise StaleVersion(STALE_MESSAGE)
            review = Review(
                assignment_id=a.id,
                scores=points,
                comments=notes,
                comment=text,
                version=1,
                status=ReviewStatus.DRAFT,
                created_at=now,
                updated_at=now,
            )
            session.add(review)
            try:
                with session.begin_nested():
                    session.flush()
            except IntegrityError as exc:
                raise StaleVersion(STALE_MESSAGE) from exc
            before = None
        else:
            if existing is None:
                raise StaleVersion(STALE_MESSAGE)
            before = review_snapshot(existing)
            result = session.execute(
                sa.update(Review)
                .where(
                    Review.id == existing.id,
                    Review.version == version,
                    Review.status == ReviewStatus.DRAFT,
                )
                .values(
                    scores=points,
                    comments=notes,
                    comment=text,
                    version=Review.version + 1,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                raise StaleVersion(STALE_MESSAGE)
            session.refresh(existing)
            review = existing
        record(session, actor, "review.save", "review", review.id, before, review_snapshot(review))
    return review


STALE_MESSAGE = (
    "Phiếu chấm đã được thay đổi ở một thẻ hoặc phiên khác. Hãy tải lại phiếu để xem bản mới "
    "nhất trước khi lưu."
)


def submit_review(session: Session, actor: Any, assignment_id: int) -> Review:
    """Submit the saved sheet: every criterion must be scored (422 otherwise)."""
    a = _visible_assignment(session, actor, assignment_id, "assignment.own")
    _editable(a)
    review = session.scalar(sa.select(Review).where(Review.assignment_id == a.id))
    rubric = rubric_for(session, a.round)
    problems = scoring.validate_sheet(rubric, _review_points(review), complete=True)
    if problems:
        raise ValidationFailed(
            "Phiếu chấm chưa đủ điểm mọi tiêu chí.", scoring.problems_to_fields(problems)
        )
    assert review is not None
    now = utcnow()
    with unit_of_work(session):
        before = review_snapshot(review)
        result = session.execute(
            sa.update(Review)
            .where(Review.id == review.id, Review.status == ReviewStatus.DRAFT)
            .values(
                status=ReviewStatus.SUBMITTED,
                submitted_at=now,
                updated_at=now,
                version=Review.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise Conflict("Phiếu chấm đã được nộp.")
        changed = session.execute(
            sa.update(Assignment)
            .where(Assignment.id == a.id, Assignment.status == A.ACTIVE)
            .values(status=A.SUBMITTED)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:
            raise Conflict("Phân công này không còn hiệu lực.")
        session.refresh(review)
        session.refresh(a)
        record(
            session, actor, "review.submit", "review", review.id, before, review_snapshot(review)
        )
    return review


def reopen_review(session: Session, actor: Any, assignment_id: int, reason: str) -> Review:
    """The secretary reopens a submitted sheet (logged with the reason)."""
    a = _assignment(session, assignment_id, lock=True)
    rnd = a.round
    _require(actor, "round.manage", rnd, rnd, "reopen")
    review = session.scalar(sa.select(Review).where(Review.assignment_id == a.id))
    if a.status != A.SUBMITTED or review is None:
        raise Conflict("Chỉ mở lại được phiếu đã nộp.")
    reason = _nfc(reason)
    if not reason:
        raise ValidationFailed("Vui lòng ghi lý do mở lại.", {"reason": ["Vui lòng ghi lý do."]})
    with unit_of_work(session):
        before = review_snapshot(review)
        review.status = ReviewStatus.DRAFT
        review.submitted_at = None
        review.version += 1
        a.status = A.ACTIVE
        record(
            session,
            actor,
            "review.reopen",
            "review",
            review.id,
            before,
            review_snapshot(review) | {"reason": reason},
        )
        notify(
            session,
            a.reviewer_id,
            f"Thư ký đã mở lại một phiếu chấm của bạn trong {rnd.name}: {reason}",
            f"/phieu-cham/{a.id}",
        )
    return review


def review_of(session: Session, a: Assignment) -> Review | None:
    return session.scalar(sa.select(Review).where(Review.assignment_id == a.id))


# --- what a reviewer sees of an idea ----------------------------------------------------------

BLIND_HIDDEN = ("authors", "unit_id", "district_id", "registrant_id", "owner_name")


def idea_for_reviewer(session: Session, a: Assignment) -> dict[str, Any]:
    """The idea as the reviewer of ``a`` may see it: id and title until confirmed; no
    authors, registrant or unit anywhere when the round is blind."""
    idea = a.idea
    if a.status in (A.PENDING_CONFIRMATION, A.RECUSED):
        return {"id": idea.id, "title": idea.title}
    out: dict[str, Any] = {
        "id": idea.id,
        "code": idea.code,
        "title": idea.title,
        "summary": idea.summary,
        "description": idea.description,
        "novelty": idea.novelty,
        "benefits": idea.benefits,
        "area": idea.area,
        "year": idea.year,
        "applied_from": idea.applied_from.isoformat() if idea.applied_from else None,
        "field_of_application": idea.field_of_application,
        "application_conditions": idea.application_conditions,
        "confidential_info": idea.confidential_info,
        "submitted_at": idea.submitted_at.isoformat() if idea.submitted_at else None,
    }
    files = [att for att in idea.attachments if att.removed_at is None]
    if a.round.blind:
        out["attachments"] = [
            {"id": att.id, "name": f"Tệp {n}{_extension(att.original_name)}", "size": att.size}
            for n, att in enumerate(files, start=1)
        ]
    else:
        out["authors"] = [
            {"name": au.name, "unit": au.unit, "share": au.share} for au in idea.authors
        ]
        out["unit_id"] = idea.unit_id
        out["district_id"] = idea.district_id
        out["owner_name"] = idea.owner_name
        out["unit_name"] = idea.unit.name if idea.unit else None
        out["attachments"] = [
            {"id": att.id, "name": att.original_name, "size": att.size} for att in files
        ]
    return out


def _extension(name: str) -> str:
    dot = name.rfind(".")
    ext = name[dot:].lower() if dot > 0 else ""
    return ext if len(ext) <= 6 and ext[1:].isalnum() else ""


def attachment_for_reviewer(session: Session, actor: Any, assignment_id: int, attachment_id: int):
    """(attachment, download name) of a file of the assigned idea; neutral name when blind."""
    a = _visible_assignment(session, actor, assignment_id, "assignment.view")
    if a.status in (A.PENDING_CONFIRMATION, A.RECUSED):
        raise NotAllowed("Hãy xác nhận không có xung đột lợi ích trước khi xem hồ sơ.")
    files = [att for att in a.idea.attachments if att.removed_at is None]
    for n, att in enumerate(files, start=1):
        if att.id == attachment_id:
            name = f"tep-{n}{_extension(att.original_name)}" if a.round.blind else att.original_name
            return att, name
    raise NotFound("Không tìm thấy tệp.")


def similar_for_reviewer(session: Session, actor: Any, a: Assignment) -> list[dict[str, Any]]:
    """Similar earlier ideas (novelty): code, title and score only — nothing about people."""
    if a.status == A.PENDING_CONFIRMATION:
        return []
    try:
        from ideadb.search import service as search_service
    except ImportError:
        return []
    finder = getattr(search_service, "similar_ideas", None) or getattr(
        search_service, "similar", None
    )
    if finder is None:
        return []
    try:
        items = finder(session, actor, a.idea_id, limit=5)
    except TypeError:
        items = finder(session, actor, a.idea_id)
    except Exception:  # the panel is a help; a broken index must not hide the score sheet
        return []
    out = []
    for item in items or []:
        get = item.get if isinstance(item, dict) else lambda k, item=item: getattr(item, k, None)
        out.append(
            {"id": get("id"), "code": get("code"), "title": get("title"), "score": get("score")}
        )
    return out[:5]


# --- progress ---------------------------------------------------------------------------------


def progress(session: Session, actor: Any, round_id: int) -> dict[str, Any]:
    rnd = _get_round(session, round_id)
    require_rule(actor, "round.manage", rnd)
    live = _live_assignments(session, rnd)
    by_reviewer: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    by_idea: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for u in _panel(session, rnd):
        by_reviewer[u.id]
    for i in _round_ideas(session, rnd):
        by_idea[i.id]
    for a in live:
        done = a.status == A.SUBMITTED
        by_reviewer[a.reviewer_id][0] += 1
        by_reviewer[a.reviewer_id][1] += done
        by_idea[a.idea_id][0] += 1
        by_idea[a.idea_id][1] += done
    return {
        "assignments": len(live),
        "submitted": sum(1 for a in live if a.status == A.SUBMITTED),
        "by_reviewer": [
            {"reviewer_id": r, "assigned": n, "submitted": s} for r, (n, s) in by_reviewer.items()
        ],
        "by_idea": [{"idea_id": i, "assigned": n, "submitted": s} for i, (n, s) in by_idea.items()],
    }


def remind(session: Session, actor: Any, round_id: int, reviewer_id: int | None = None) -> int:
    """Remind reviewers with unsubmitted sheets; returns how many were reminded."""
    rnd = _get_round(session, round_id)
    _require(actor, "round.manage", rnd, rnd, "remind")
    pending = defaultdict(list)
    for a in _live_assignments(session, rnd):
        if a.status in OPEN and (reviewer_id is None or a.reviewer_id == reviewer_id):
            pending[a.reviewer_id].append(a)
    deadline = f" trước ngày {rnd.deadline.strftime('%d/%m/%Y')}" if rnd.deadline else ""
    with unit_of_work(session):
        now = utcnow()
        for rid, items in sorted(pending.items()):
            for a in items:
                a.reminded_at = now
            notify(
                session,
                rid,
                f"Nhắc việc: bạn còn {len(items)} phiếu chấm chưa nộp trong {rnd.name}{deadline}.",
                "/phieu-cham",
            )
        record(
            session, actor, "round.remind", "round", rnd.id, None, {"reviewer_ids": sorted(pending)}
        )
    return len(pending)


# --- deliberation --------------------------------------------------------------------------


def deliberate(session: Session, actor: Any, round_id: int, *, force: bool = False) -> Round:
    """reviewing → deliberation: scoring ends. 409 while a sheet is unsubmitted, unless
    ``force``, which marks unsubmitted assignments missed."""
    rnd = _get_round(session, round_id, lock=True)
    _require(actor, "round.manage", rnd, rnd, "deliberate")
    unsubmitted = [a for a in _live_assignments(session, rnd) if a.status in OPEN]
    if unsubmitted and not force:
        raise Conflict(
            f"Còn {len(unsubmitted)} phiếu chấm chưa nộp; chờ nộp đủ hoặc kết thúc chấm "
            "và đánh dấu các phiếu đó là không nộp."
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


def _ranking_inputs(session: Session, rnd: Round):
    rows = session.execute(
        sa.select(Assignment.idea_id, Assignment.reviewer_id, Review.scores, Review.submitted_at)
        .join(Review, Review.assignment_id == Assignment.id)
        .where(
            Assignment.round_id == rnd.id,
            Assignment.status == A.SUBMITTED,
            Review.status == ReviewStatus.SUBMITTED,
        )
        .order_by(Assignment.id)
    ).all()
    reviews = [
        scoring.ReviewInput(idea_id=i, reviewer_id=r, points=dict(s), submitted_at=t)
        for i, r, s, t in rows
    ]
    ideas = _round_ideas(session, rnd)
    inputs = [scoring.IdeaInput(idea_id=i.id, submitted_at=i.submitted_at) for i in ideas]
    return reviews, inputs, {i.id: i for i in ideas}


def _compute(session: Session, rnd: Round, aggregation: str | None = None):
    rubric = rubric_for(session, rnd)
    reviews, inputs, ideas = _ranking_inputs(session, rnd)
    ranking = scoring.rank_round(
        rubric,
        reviews,
        inputs,
        aggregation=aggregation or rnd.aggregation,
        reviewers_per_idea=rnd.reviewers_per_idea,
        disagreement_threshold=rnd.disagreement_threshold,
    )
    return rubric, reviews, inputs, ideas, ranking


def _check_ranking(session: Session, actor: Any, rnd: Round) -> None:
    require_rule(actor, "round.ranking", rnd)
    if not in_phase(rnd, "ranking"):
        # Nobody sees an aggregate before deliberation: the same answer as no permission.
        raise NotAllowed("Bảng xếp hạng chỉ có khi đợt xét chọn đã vào giai đoạn họp xét.")


def _resolutions(session: Session, rnd: Round) -> dict[int, list[str]]:
    """How each idea's disagreement was handled: "discussion", "reviewer_added"."""
    out: dict[int, list[str]] = defaultdict(list)
    for (idea_id,) in session.execute(
        sa.select(Discussion.idea_id).where(Discussion.round_id == rnd.id).distinct()
    ):
        out[idea_id].append("discussion")
    for (idea_id,) in session.execute(
        sa.select(Assignment.idea_id)
        .where(
            Assignment.round_id == rnd.id,
            Assignment.during_deliberation.is_(True),
            Assignment.status.in_(LIVE),
        )
        .distinct()
    ):
        out[idea_id].append("reviewer_added")
    return out


def ranking(
    session: Session, actor: Any, round_id: int, *, aggregation: str | None = None
) -> dict[str, Any]:
    """The ranking (secretary and chair, from deliberation on): raw and normalised scores side
    by side, spread, reviews, per-criterion means, reliability; ``aggregation`` = what-if."""
    rnd = _get_round(session, round_id)
    _check_ranking(session, actor, rnd)
    if aggregation is not None and aggregation not in AGGREGATIONS:
        raise ValidationFailed(
            "Cách tổng hợp không hợp lệ.", {"aggregation": [", ".join(AGGREGATIONS)]}
        )
    rubric, reviews, inputs, ideas, result = _compute(session, rnd, aggregation)
    normalised = result
    if result.aggregation != "zscore":
        normalised = scoring.rank_round(
            rubric,
            reviews,
            inputs,
            aggregation="zscore",
            reviewers_per_idea=rnd.reviewers_per_idea,
            disagreement_threshold=rnd.disagreement_threshold,
            with_reliability=False,
        )
    moves: dict[int, Any] = {}
    if aggregation is not None and aggregation != rnd.aggregation:
        base = _compute(session, rnd)[4]
        moves = {m.idea_id: m for m in scoring.compare(base, result)}
    resolved = _resolutions(session, rnd)
    decisions = {
        d.idea_id: d
        for d in session.scalars(sa.select(Decision).where(Decision.round_id == rnd.id))
    }
    level_names = {lv.code: lv.name for lv in rubric.levels}
    items = []
    for item in result.items:
        idea = ideas[item.idea_id]
        norm = normalised.item(item.idea_id)
        decision = decisions.get(item.idea_id)
        move = moves.get(item.idea_id)
        items.append(
            {
                "rank": item.rank,
                "idea_id": item.idea_id,
                "code": idea.code,
                "title": idea.title,
                "final_score": _number(item.final_score),
                "n_reviews": item.n_reviews,
                "spread": _number(item.spread),
                "flagged": item.flagged,
                "criteria": {c: _number(v) for c, v in item.criteria_means.items()},
                "proposed_level": item.proposed_level,
                "raw_score": _number(item.raw_mean),
                "normalised_score": _number(norm.final_score),
                "knocked_out_by": list(item.knocked_out_by),
                "resolved_by": resolved.get(item.idea_id, []),
                "decision": None
                if decision is None
                else {"level": decision.level, "note": decision.note},
                "explanation": scoring.explain(item, result),
                "previous_rank": move.old_rank if move else item.rank,
            }
        )
    rel = result.reliability
    return {
        "round_id": rnd.id,
        "aggregation": str(result.aggregation),
        "base_aggregation": rnd.aggregation,
        "items": items,
        "level_names": level_names,
        "reliability": None
        if rel is None
        else {
            "alpha": _number(rel.alpha) if rel.alpha is not None else None,
            "verdict": rel.verdict,
            "message": rel.message,
            "n_ideas": rel.n_ideas,
            "n_reviews": rel.n_reviews,
        },
        "notes": [n.message for n in result.notes],
        "criteria": [{"code": c.code, "name": c.name} for c in rubric.criteria],
    }


def disagreements(session: Session, actor: Any, round_id: int) -> list[dict[str, Any]]:
    """Flagged ideas (spread above the threshold) with how each was resolved, if it was."""
    data = ranking(session, actor, round_id)
    return [item for item in data["items"] if item["flagged"]]


def add_discussion(
    session: Session, actor: Any, round_id: int, idea_id: int, note: str
) -> Discussion:
    rnd = _get_round(session, round_id, lock=True)
    _require(actor, "round.manage", rnd, rnd, "discuss")
    _in_round(session, rnd, idea_id)
    note = _nfc(note)
    if not note:
        raise ValidationFailed("Vui lòng ghi nội dung thảo luận.", {"note": ["Bắt buộc."]})
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
    rnd = _get_round(session, round_id)
    _check_ranking(session, actor, rnd)
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
        raise ValidationFailed("Ý tưởng không thuộc đợt này.", {"idea_id": ["Không thuộc đợt."]})


def _already_recognised(session: Session, rnd: Round, idea_id: int) -> None:
    earlier = recognised_at_or_above(session, idea_id, rnd.level, exclude=rnd.id)
    idea = session.get(Idea, idea_id)
    scope = idea.recognized_scope if idea is not None else None
    if earlier is not None or (
        scope is not None
        and idea.recognized_round_id != rnd.id
        and _level_rank(scope) >= _level_rank(rnd.level)
    ):
        raise Conflict(
            "Sáng kiến đã được công nhận ở cấp này hoặc cấp cao hơn"
            + (f" ({earlier.name})" if earlier is not None else "")
            + "; mỗi sáng kiến chỉ được công nhận một lần ở mỗi cấp."
        )


def stage_decision(
    session: Session, actor: Any, round_id: int, idea_id: int, level: str | None, note: str
) -> Decision:
    """Stage a decision (applied at finalize). A decision other than the proposed level needs
    a reason; an idea recognised at this scope or higher before answers 409."""
    rnd = _get_round(session, round_id, lock=True)
    _require(actor, "round.manage", rnd, rnd, "decide")
    _in_round(session, rnd, idea_id)
    rubric, _, _, _, result = _compute(session, rnd)
    codes = {lv.code for lv in rubric.levels}
    if level is not None and level not in codes:
        raise ValidationFailed(
            "Mức công nhận không có trong bộ tiêu chí.",
            {"level": ["Một trong: " + ", ".join(sorted(codes))]},
        )
    note = _nfc(note)
    proposed = result.item(idea_id).proposed_level
    if level != proposed and not note:
        raise ValidationFailed(
            "Quyết định khác mức đề xuất cần ghi lý do.", {"note": ["Vui lòng ghi lý do."]}
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
    rnd = _get_round(session, round_id, lock=True)
    _require(actor, "round.manage", rnd, rnd, "finalize")
    unsubmitted = [a for a in _live_assignments(session, rnd) if a.status in OPEN]
    if unsubmitted:
        raise Conflict(
            f"Còn {len(unsubmitted)} phiếu chấm chưa nộp (thành viên được bổ sung khi họp xét)."
        )
    _rubric, _, _, ideas, result = _compute(session, rnd)
    resolved = _resolutions(session, rnd)
    open_flags = [i for i in result.items if i.flagged and not resolved.get(i.idea_id)]
    if open_flags:
        raise Conflict(
            "Còn ý tưởng có chênh lệch điểm lớn chưa được xử lý (bổ sung người chấm hoặc ghi "
            "biên bản thảo luận): "
            + ", ".join(ideas[i.idea_id].code or str(i.idea_id) for i in open_flags),
            {"idea_ids": [str(i.idea_id) for i in open_flags]},
        )
    staged = {
        d.idea_id: d
        for d in session.scalars(sa.select(Decision).where(Decision.round_id == rnd.id))
    }
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
        rnd.status = R.FINALIZED
        rnd.finalized_at = now
        session.flush()
        record(session, actor, "round.finalize", "round", rnd.id, before, round_snapshot(rnd))
    return rnd


def _apply_decision(
    session: Session, actor: Any, rnd: Round, idea: Idea, level: str | None
) -> None:
    if idea.status == IdeaStatus.RECOGNIZED and level is None:
        return  # a nominated idea that is not recognised higher keeps its earlier recognition
    ideas_service.record_recognition(session, actor, idea.id, rnd.level, level, rnd.id)


def decisions(session: Session, actor: Any, round_id: int) -> list[Decision]:
    rnd = _get_round(session, round_id)
    _check_ranking(session, actor, rnd)
    return list(
        session.scalars(
            sa.select(Decision).where(Decision.round_id == rnd.id).order_by(Decision.idea_id)
        )
    )


# --- nomination upward ------------------------------------------------------------------------


def recognised_ideas(session: Session, actor: Any, round_ids: Iterable[int]) -> list[Idea]:
    """Ideas recognised by the given finalized rounds."""
    require_rule(actor, "round.manage")
    ids = list(round_ids)
    rounds = list(session.scalars(sa.select(Round).where(Round.id.in_(ids))))
    bad = [r.id for r in rounds if r.status != R.FINALIZED] + [
        i for i in ids if i not in {r.id for r in rounds}
    ]
    if bad:
        raise Conflict(
            "Chỉ đề nghị lên cấp trên từ các đợt đã công bố kết quả.",
            {"source_round_ids": [str(i) for i in bad]},
        )
    return list(
        session.scalars(
            sa.select(Idea)
            .join(Decision, Decision.idea_id == Idea.id)
            .where(
                Decision.round_id.in_(ids),
                Decision.level.is_not(None),
                Decision.applied_at.is_not(None),
            )
            .order_by(Idea.id)
            .distinct()
        )
    )


def create_next_round(
    session: Session, actor: Any, data: dict[str, Any], source_round_ids: Iterable[int]
) -> Round:
    """A round of a higher scope holding the recognised ideas of finalized rounds."""
    sources = list(dict.fromkeys(int(i) for i in source_round_ids))
    if not sources:
        raise ValidationFailed(
            "Chọn ít nhất một đợt đã công bố.", {"source_round_ids": ["Bắt buộc."]}
        )
    ideas = recognised_ideas(session, actor, sources)
    top = max(
        (
            _level_rank(r.level)
            for r in session.scalars(sa.select(Round).where(Round.id.in_(sources)))
        ),
        default=-1,
    )
    if _level_rank(data.get("level")) <= top:
        raise ValidationFailed(
            "Đợt đề nghị phải ở cấp cao hơn các đợt nguồn.",
            {"level": ["Chọn cấp cao hơn."]},
        )
    if not ideas:
        raise Conflict("Các đợt đã chọn không có sáng kiến nào được công nhận.")
    with unit_of_work(session):
        rnd = create_round(session, actor, {**data, "source_round_ids": sources})
        add_ideas(session, actor, rnd.id, [i.id for i in ideas])
    return rnd


# --- what submitters see ----------------------------------------------------------------------


def results_for_idea(session: Session, actor: Any, idea_id: int) -> list[dict[str, Any]]:
    """Outcomes of finalized rounds for the idea's owner/authors (and staff): the decision and,
    when the round allows it, per-criterion means and the comments, without reviewer names."""
    idea = session.get(Idea, idea_id)
    if idea is None:
        raise NotFound("Không tìm thấy ý tưởng.")
    from ideadb.core.permissions import can

    if not can(actor, "idea.view_confidential", idea):
        raise NotFound("Không tìm thấy ý tưởng.")
    rounds = list(
        session.scalars(
            sa.select(Round)
            .join(RoundIdea, RoundIdea.round_id == Round.id)
            .where(RoundIdea.idea_id == idea_id, Round.status == R.FINALIZED)
            .order_by(Round.finalized_at)
        )
    )
    out = []
    for rnd in rounds:
        rubric = rubric_for(session, rnd)
        decision = session.scalar(
            sa.select(Decision).where(Decision.round_id == rnd.id, Decision.idea_id == idea_id)
        )
        names = {lv.code: lv.name for lv in rubric.levels}
        entry: dict[str, Any] = {
            "round_id": rnd.id,
            "round_name": rnd.name,
            "level": rnd.level,
            "recognized": bool(decision and decision.level),
            "recognition_level": decision.level if decision else None,
            "recognition_name": names.get(decision.level) if decision and decision.level else None,
            "note": decision.note if decision else "",
            "finalized_at": rnd.finalized_at.isoformat() if rnd.finalized_at else None,
        }
        if rnd.show_details_to_submitters:
            _, _, _, _, result = _compute(session, rnd)
            item = result.item(idea_id)
            entry["final_score"] = _number(item.final_score)
            entry["criteria"] = [
                {
                    "code": c.code,
                    "name": c.name,
                    "max_points": float(c.max_points),
                    "mean": _number(item.criteria_means.get(c.code)),
                }
                for c in rubric.criteria
            ]
            rows = session.execute(
                sa.select(Review.comments, Review.comment)
                .join(Assignment, Assignment.id == Review.assignment_id)
                .where(
                    Assignment.round_id == rnd.id,
                    Assignment.idea_id == idea_id,
                    Assignment.status == A.SUBMITTED,
                )
                .order_by(Review.submitted_at, Review.id)
            ).all()
            # Comments without names, in no order that would tell who wrote them apart.
            comments = []
            for per_criterion, overall in rows:
                for code in rubric.codes:
                    if per_criterion.get(code):
                        comments.append({"criterion": code, "text": per_criterion[code]})
                if overall:
                    comments.append({"criterion": None, "text": overall})
            entry["comments"] = sorted(comments, key=lambda c: (c["criterion"] or "~", c["text"]))
        out.append(entry)
    return out


# --- visibility of assigned ideas elsewhere in the application ---------------------------------


def _reviewer_visibility(actor: Any):
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


ideas_service.register_visibility("reviews", _reviewer_visibility)


# --- what the pages show (one read per page) ---------------------------------------------------


def round_overview(session: Session, actor: Any, round_id: int) -> dict[str, Any]:
    """The configure page: the round, its ideas and panel, and who/what could be added."""
    rnd = _get_round(session, round_id)
    require_rule(actor, "round.manage", rnd)
    ideas = _round_ideas(session, rnd)
    reviewers = _panel(session, rnd)
    from ideadb.accounts.service import users_with_role

    taken = {i.id for i in ideas}
    candidates = list(
        session.scalars(
            sa.select(Idea)
            .where(Idea.status == IdeaStatus.ELIGIBLE, Idea.id.not_in(taken or [0]))
            .order_by(Idea.code, Idea.id)
            .limit(500)
        )
    )
    on_panel = {u.id for u in reviewers}
    live = _live_assignments(session, rnd)
    return {
        "round": rnd,
        "ideas": ideas,
        "panel": reviewers,
        "idea_candidates": candidates,
        "reviewer_candidates": [
            u for u in users_with_role(session, Role.REVIEWER) if u.id not in on_panel
        ],
        "chair_candidates": [
            *users_with_role(session, Role.REVIEWER),
            *users_with_role(session, Role.SECRETARY),
        ],
        "assigned": len(live),
        "per_idea": Counter(a.idea_id for a in live),
        "criteria_set": _criteria_service().get_set(session, rnd.criteria_set_id),
    }


def assignment_overview(session: Session, actor: Any, round_id: int) -> dict[str, Any]:
    """The assignment page: who reviews what, loads, and every conflict."""
    rnd = _get_round(session, round_id)
    require_rule(actor, "round.manage", rnd)
    rows = list_assignments(session, actor, round_id)
    by_idea: dict[int, list[Assignment]] = defaultdict(list)
    for a in rows:
        by_idea[a.idea_id].append(a)
    live = [a for a in rows if a.status in LIVE]
    return {
        "round": rnd,
        "ideas": _round_ideas(session, rnd),
        "panel": _panel(session, rnd),
        "by_idea": by_idea,
        "loads": Counter(a.reviewer_id for a in live),
        "conflicts": list_conflicts(session, actor, round_id),
    }


def sheet_view(session: Session, actor: Any, assignment_id: int) -> dict[str, Any]:
    """The score sheet page: the assignment, the idea as this reviewer may see it, the rubric,
    the saved sheet and the similar earlier ideas."""
    a = get_assignment(session, actor, assignment_id)
    rubric = rubric_for(session, a.round)
    review = review_of(session, a)
    return {
        "assignment": a,
        "round": a.round,
        "idea": idea_for_reviewer(session, a),
        "rubric": rubric,
        "review": review,
        "total": review_total(rubric, review.scores) if review else None,
        "similar": similar_for_reviewer(session, actor, a),
        "editable": a.reviewer_id == actor.id
        and a.status == A.ACTIVE
        and in_phase(a.round, "score"),
    }


def progress_view(session: Session, actor: Any, round_id: int) -> dict[str, Any]:
    data = progress(session, actor, round_id)
    rnd = _get_round(session, round_id)
    users = {u.id: u for u in _panel(session, rnd)}
    ideas = {i.id: i for i in _round_ideas(session, rnd)}
    return {"round": rnd, "progress": data, "users": users, "ideas": ideas}


def ranking_view(
    session: Session, actor: Any, round_id: int, aggregation: str | None
) -> dict[str, Any]:
    data = ranking(session, actor, round_id, aggregation=aggregation)
    rnd = _get_round(session, round_id)
    rubric = rubric_for(session, rnd)
    return {
        "round": rnd,
        "ranking": data,
        "levels": [(lv.code, lv.name) for lv in rubric.levels],
        "discussions": discussions(session, actor, round_id),
        "panel": _panel(session, rnd),
        "can_manage": _is_secretary(actor),
    }
