"""The reviewer's side: assignments, confirmation, score sheets (saved and submitted with
optimistic locking), and the idea, its files and similar ideas as the reviewer may see them."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import scoring
from ideadb.accounts.notify import N_, notify
from ideadb.audit.service import record
from ideadb.core.db import rowcount, unit_of_work, utcnow
from ideadb.core.errors import (
    Conflict,
    NotAllowed,
    NotFound,
    StaleVersion,
    ValidationFailed,
)
from ideadb.core.permissions import is_signed_in
from ideadb.core.permissions import require as require_rule
from ideadb.criteria import service as criteria_service
from ideadb.ideas.models import Attachment
from ideadb.reviews import policy
from ideadb.reviews.access import (
    load_assignment,
    nfc,
    require_in_phase,
    require_phase,
    visible_assignment,
)
from ideadb.reviews.assignments import (
    assignment_snapshot,
    declare_conflict,
)
from ideadb.reviews.models import (
    Assignment,
    AssignmentStatus,
    Review,
    ReviewStatus,
    Round,
    RoundStatus,
)
from ideadb.search import service as search_service
from scoring.messages import Message

SIMILAR_LIMIT = 5
R = RoundStatus
A = AssignmentStatus


def rubric_for(session: Session, rnd: Round) -> scoring.Rubric:
    """The rubric of the criteria set version the round uses. A frozen version never changes,
    so its rubric is kept for the rest of the session (one request, one command)."""
    cache = session.info.setdefault("frozen_rubrics", {})
    found = cache.get(rnd.criteria_set_id)
    if found is not None:
        return found
    criteria_set = criteria_service.get_set(session, rnd.criteria_set_id)
    rubric = criteria_service.to_rubric(criteria_set)
    if criteria_set.frozen_at is not None:
        cache[rnd.criteria_set_id] = rubric
    return rubric


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


def number(value: Fraction | Decimal | None) -> float | None:
    shown = scoring.display(value) if isinstance(value, Fraction | int) else value
    return None if shown is None else float(shown)


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
    a = visible_assignment(session, actor, assignment_id, "assignment.view")
    if a.reviewer_id == getattr(actor, "id", None) and (
        policy.is_draft(a.round) or policy.has_ended(a)
    ):
        raise NotFound(N_("Không tìm thấy phân công."))
    return a


def confirm(
    session: Session, actor: Any, assignment_id: int, *, conflict: bool, reason: str = ""
) -> Assignment:
    """Before the idea is shown, the reviewer confirms no conflict, or declares one."""
    a = visible_assignment(session, actor, assignment_id, "assignment.own")
    rnd = a.round
    require_phase(rnd, "score")
    if not policy.needs_confirmation(a):
        raise Conflict(N_("Phân công này đã được xác nhận."))
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


def _review_points(review: Review | None) -> dict[str, str]:
    return dict(review.scores) if review is not None else {}


def review_total(rubric: scoring.Rubric, scores: dict[str, Any]) -> float | None:
    try:
        return number(scoring.review_total(rubric, scores, complete=False))
    except scoring.InvalidScoreSheet:
        return None


def _clean_points(rubric: scoring.Rubric, scores: Any, *, complete: bool) -> dict[str, str]:
    if not isinstance(scores, dict):
        raise ValidationFailed(
            N_("Điểm không hợp lệ."), {"scores": [N_("Phải là bảng mã → điểm.")]}
        )
    cleaned = {k: v for k, v in scores.items() if v is not None and v != ""}
    problems = scoring.validate_sheet(rubric, cleaned, complete=complete)
    if problems:
        raise ValidationFailed(N_("Phiếu chấm chưa hợp lệ."), scoring.problems_to_fields(problems))
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
    require_phase(a.round, "score")
    if policy.needs_confirmation(a):
        raise Conflict(N_("Hãy xác nhận không có xung đột lợi ích trước khi chấm."))
    if policy.is_submitted(a):
        raise Conflict(N_("Phiếu chấm đã nộp; chỉ thư ký mới mở lại được."))
    if not policy.can_score(a, a.round):
        raise Conflict(N_("Phân công này không còn hiệu lực."))


STALE_MESSAGE = N_(
    "Phiếu chấm đã được thay đổi ở một thẻ hoặc phiên khác. Hãy tải lại phiếu để xem bản mới "
    "nhất trước khi lưu."
)


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
    a = visible_assignment(session, actor, assignment_id, "assignment.own")
    _editable(a)
    rubric = rubric_for(session, a.round)
    points = _clean_points(rubric, scores, complete=False)
    codes = set(rubric.codes)
    notes = {
        k: nfc(str(v))
        for k, v in (comments or {}).items()
        if k in codes and v is not None and nfc(str(v))
    }
    text = nfc(comment)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise ValidationFailed(N_("Phiên bản không hợp lệ."), {"version": [N_("Số nguyên ≥ 0.")]})
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
            if rowcount(result) != 1:
                raise StaleVersion(STALE_MESSAGE)
            session.refresh(existing)
            review = existing
        record(session, actor, "review.save", "review", review.id, before, review_snapshot(review))
    return review


def submit_review(session: Session, actor: Any, assignment_id: int) -> Review:
    """Submit the saved sheet: every criterion must be scored (422 otherwise)."""
    a = visible_assignment(session, actor, assignment_id, "assignment.own")
    _editable(a)
    review = session.scalar(sa.select(Review).where(Review.assignment_id == a.id))
    rubric = rubric_for(session, a.round)
    problems = scoring.validate_sheet(rubric, _review_points(review), complete=True)
    if problems:
        raise ValidationFailed(
            N_("Phiếu chấm chưa đủ điểm mọi tiêu chí."), scoring.problems_to_fields(problems)
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
        if rowcount(result) != 1:
            raise Conflict(N_("Phiếu chấm đã được nộp."))
        changed = session.execute(
            sa.update(Assignment)
            .where(Assignment.id == a.id, Assignment.status == A.ACTIVE)
            .values(status=A.SUBMITTED)
            .execution_options(synchronize_session=False)
        )
        if rowcount(changed) != 1:
            raise Conflict(N_("Phân công này không còn hiệu lực."))
        session.refresh(review)
        session.refresh(a)
        record(
            session, actor, "review.submit", "review", review.id, before, review_snapshot(review)
        )
    return review


def save_sheet(
    session: Session,
    actor: Any,
    assignment_id: int,
    data: dict[str, Any],
    *,
    submit: bool = False,
) -> Review:
    """Save the sheet (``data``: scores, comments, comment, version) and, with ``submit``,
    submit it: one transaction, so an incomplete sheet that cannot be submitted is not saved
    either and a stale version changes nothing."""
    with unit_of_work(session):
        review = save_review(
            session,
            actor,
            assignment_id,
            scores=data.get("scores") or {},
            comments=data.get("comments"),
            comment=data.get("comment"),
            version=data.get("version", 0),
        )
        if submit:
            review = submit_review(session, actor, assignment_id)
    return review


def reopen_review(session: Session, actor: Any, assignment_id: int, reason: str) -> Review:
    """The secretary reopens a submitted sheet (logged with the reason)."""
    a = load_assignment(session, assignment_id, lock=True)
    rnd = a.round
    require_in_phase(actor, "round.manage", rnd, rnd, "reopen")
    review = session.scalar(sa.select(Review).where(Review.assignment_id == a.id))
    if not policy.is_submitted(a) or review is None:
        raise Conflict(N_("Chỉ mở lại được phiếu đã nộp."))
    reason = nfc(reason)
    if not reason:
        raise ValidationFailed(
            N_("Vui lòng ghi lý do mở lại."), {"reason": [N_("Vui lòng ghi lý do.")]}
        )
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
            N_("Thư ký đã mở lại một phiếu chấm của bạn trong %(round)s: %(reason)s"),
            ("reviews.sheet", {"assignment_id": a.id}),
            {"round": rnd.name, "reason": reason},
        )
    return review


def review_of(session: Session, a: Assignment) -> Review | None:
    return session.scalar(sa.select(Review).where(Review.assignment_id == a.id))


BLIND_HIDDEN = ("authors", "unit_id", "district_id", "registrant_id", "owner_name")


def idea_for_reviewer(session: Session, a: Assignment) -> dict[str, Any]:
    """The idea as the reviewer of ``a`` may see it: id and title until confirmed; no
    authors, registrant or unit anywhere when the round is blind."""
    idea = a.idea
    if not policy.shows_idea(a):
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
            {
                "id": att.id,
                "name": Message(N_("Tệp %(n)s%(ext)s"), n=n, ext=_extension(att.original_name)),
                "size": att.size,
                "blind_number": n,
                "extension": _extension(att.original_name),
            }
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


def attachment_for_reviewer(
    session: Session, actor: Any, assignment_id: int, attachment_id: int
) -> tuple[Attachment, str]:
    """(attachment, download name) of a file of the assigned idea; neutral name when blind."""
    a = visible_assignment(session, actor, assignment_id, "assignment.view")
    if not policy.shows_idea(a):
        raise NotAllowed(N_("Hãy xác nhận không có xung đột lợi ích trước khi xem hồ sơ."))
    files = [att for att in a.idea.attachments if att.removed_at is None]
    for n, att in enumerate(files, start=1):
        if att.id == attachment_id:
            name = f"tep-{n}{_extension(att.original_name)}" if a.round.blind else att.original_name
            return att, name
    raise NotFound(N_("Không tìm thấy tệp."))


def similar_for_reviewer(session: Session, actor: Any, a: Assignment) -> list[dict[str, Any]]:
    """Similar ideas the reviewer may see (to judge novelty): code, title and score only —
    nothing about people, so a blind round stays blind. Empty before confirmation, and when
    the index is not ready (the panel helps; it must not hide the score sheet)."""
    if not policy.shows_idea(a):
        return []
    idea = a.idea
    # By the idea's text, not its id: in a blind round the reviewer may not open the idea
    # itself through the ideas feature, but may compare its text with what they can see.
    text = "\n".join(part for part in (idea.summary, idea.description, idea.novelty) if part)
    try:
        items = search_service.similar_to_text(
            session, actor, idea.title, text, limit=SIMILAR_LIMIT + 1
        )
    except search_service.SearchUnavailable:
        return []
    return [
        {"id": item.id, "code": item.code, "title": item.title, "score": item.score}
        for item in items
        if item.id != idea.id
    ][:SIMILAR_LIMIT]
