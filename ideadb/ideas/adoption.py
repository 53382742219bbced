"""Adoption followed through (nhân rộng): an interest's status and outcome, followers, the yearly
figures.

An interest moves forward only: new → contacted → agreed → applying → applied, or to declined
from any open status. Once applied it carries its outcome (the date applied, the benefit in
đồng, what was done). The owner, a unit officer of the idea's unit (or above) and the secretary
keep it; each change is audited. Accounts that follow an idea (businesses watching it) are told
when it is recognised and each time it is applied somewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.accounts.models import User
from ideadb.accounts.notify import N_, notify
from ideadb.audit.service import record
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.errors import Conflict, NotFound, ValidationFailed
from ideadb.core.fmt import LOCAL_TZ
from ideadb.core.permissions import Role, can, has_role, is_signed_in, require, rule
from ideadb.ideas.access import can_view, get_idea, get_public_idea, is_owner, is_unit_officer_of
from ideadb.ideas.lifecycle import RECOGNISED_AT, idea_label
from ideadb.ideas.models import AdoptionInterest, Idea, IdeaFollower
from ideadb.ideas.notices import idea_target
from ideadb.ideas.validation import at_most_chars, nfc
from scoring.messages import Message

STATUSES = ("new", "contacted", "agreed", "applying", "applied", "declined")
# Forward order of the open path; declined may follow any status before applied.
_ORDER = {s: i for i, s in enumerate(STATUSES[:5])}
FINAL = frozenset({"declined"})
# The Vietnamese source of each status (pages translate them through the catalogue).
STATUS_LABELS = {
    "new": "Mới đăng ký",
    "contacted": "Đã liên hệ",
    "agreed": "Đã thống nhất",
    "applying": "Đang áp dụng",
    "applied": "Đã áp dụng",
    "declined": "Từ chối",
}
MAX_BENEFIT = 10**15  # a thousand trillion đồng: anything above is a typing error

rule("idea.manage_adoption")(
    lambda actor, idea: (
        has_role(actor, Role.SECRETARY) or is_owner(actor, idea) or is_unit_officer_of(actor, idea)
    )
)


def allowed_next(status: str) -> tuple[str, ...]:
    """The statuses an interest in ``status`` may move to (itself included, to edit notes)."""
    if status in FINAL:
        return (status,)
    forward = tuple(s for s in STATUSES[:5] if _ORDER[s] >= _ORDER[status])
    return forward if status == "applied" else (*forward, "declined")


def get_interest(session: Session, actor: Any, interest_id: int) -> AdoptionInterest:
    """The interest, or NotFound when the actor may not see the idea's interests."""
    interest = session.get(AdoptionInterest, interest_id) if isinstance(interest_id, int) else None
    if interest is None or not can(actor, "idea.view_interests", interest.idea):
        raise NotFound(N_("Không tìm thấy đăng ký áp dụng."))
    return interest


def _parse_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _outcome(data: dict[str, Any] | None, errors: dict[str, list[str]]) -> dict[str, Any]:
    data = data or {}
    out: dict[str, Any] = {}
    raw_day = data.get("applied_at")
    day = _parse_date(raw_day)
    if raw_day not in (None, "") and day is None:
        errors["outcome.applied_at"] = [N_("Ngày áp dụng không hợp lệ (yyyy-mm-dd).")]
    elif day is not None and day > date.today():
        errors["outcome.applied_at"] = [N_("Ngày áp dụng không thể ở tương lai.")]
    out["applied_at"] = day
    benefit = data.get("benefit_vnd")
    if benefit in (None, ""):
        out["benefit_vnd"] = None
    elif isinstance(benefit, bool) or not isinstance(benefit, int | float | str):
        errors["outcome.benefit_vnd"] = [N_("Lợi ích phải là số đồng (số nguyên không âm).")]
    else:
        try:
            number = (
                int(str(benefit).replace(".", "").replace(" ", ""))
                if isinstance(benefit, str)
                else benefit
            )
        except ValueError:
            number = None
        if number is None or number != int(number) or number < 0 or number > MAX_BENEFIT:
            errors["outcome.benefit_vnd"] = [N_("Lợi ích phải là số đồng (số nguyên không âm).")]
        else:
            out["benefit_vnd"] = int(number)
    description = nfc(data.get("description") or "")
    if len(description) > 4000:
        errors["outcome.description"] = [at_most_chars(4000)]
    out["description"] = description or None
    return out


def _snapshot(interest: AdoptionInterest) -> dict[str, Any]:
    return {
        "status": interest.status,
        "note": interest.note,
        "applied_at": interest.applied_at.isoformat() if interest.applied_at else None,
        "benefit_vnd": interest.benefit_vnd,
        "outcome_description": interest.outcome_description,
    }


def update_interest(
    session: Session, actor: Any, interest_id: int, data: dict[str, Any]
) -> AdoptionInterest:
    """Move an interest on and/or record its outcome; forward only (or to declined)."""
    interest = get_interest(session, actor, interest_id)
    idea = interest.idea
    require(actor, "idea.manage_adoption", idea)
    status = data.get("status") or interest.status
    errors: dict[str, list[str]] = {}
    if status not in STATUSES:
        errors["status"] = [Message(N_("Một trong: %(values)s."), values=", ".join(STATUSES))]
        raise ValidationFailed(N_("Trạng thái đăng ký áp dụng không hợp lệ."), errors)
    if status not in allowed_next(interest.status):
        raise Conflict(
            Message(
                N_(
                    "Không thể chuyển đăng ký áp dụng từ “%(before)s” về “%(after)s”: trạng thái "
                    "chỉ đi tiếp (hoặc sang “Từ chối”)."
                ),
                before=Message(STATUS_LABELS[interest.status]),
                after=Message(STATUS_LABELS[status]),
            )
        )
    note = nfc(data["note"]) if data.get("note") is not None else interest.note
    if note and len(note) > 4000:
        errors["note"] = [at_most_chars(4000)]
    outcome_given = data.get("outcome") is not None
    outcome = _outcome(data.get("outcome"), errors) if outcome_given else None
    if outcome_given and status != "applied":
        errors["outcome"] = [N_("Chỉ ghi kết quả khi đã áp dụng.")]
    if status == "applied":
        applied_at = outcome["applied_at"] if outcome else interest.applied_at
        if applied_at is None and "outcome.applied_at" not in errors:
            errors["outcome.applied_at"] = [N_("Vui lòng nhập ngày áp dụng.")]
    if errors:
        raise ValidationFailed(N_("Thông tin áp dụng chưa hợp lệ."), errors)
    with unit_of_work(session):
        before = _snapshot(interest)
        newly_applied = status == "applied" and interest.status != "applied"
        interest.status = status
        interest.note = note or None
        if outcome is not None:
            interest.applied_at = outcome["applied_at"]
            interest.benefit_vnd = outcome["benefit_vnd"]
            interest.outcome_description = outcome["description"]
        after = _snapshot(interest)
        if after == before:
            return interest
        interest.updated_at = utcnow()
        session.flush()
        record(
            session,
            actor,
            "idea.adoption_update",
            "idea",
            idea.id,
            {"interest_id": interest.id, **before},
            {"interest_id": interest.id, **after},
        )
        if newly_applied:
            tell_followers(
                session,
                idea,
                N_("Sáng kiến %(label)s đã được áp dụng tại %(organisation)s."),
                exclude={getattr(actor, "id", None)},
                params={
                    "label": idea_label(idea.title, idea.code),
                    "organisation": interest.organisation,
                },
            )
    return interest


def applied_places(session: Session, idea_id: int) -> list[AdoptionInterest]:
    """Where an idea has been applied (organisation, date, benefit), newest first."""
    return list(
        session.scalars(
            sa.select(AdoptionInterest)
            .where(AdoptionInterest.idea_id == idea_id, AdoptionInterest.status == "applied")
            .order_by(AdoptionInterest.applied_at.desc(), AdoptionInterest.id.desc())
        )
    )


# --- followers ---------------------------------------------------------------------------------


def is_following(session: Session, actor: Any, idea_id: int) -> bool:
    if not is_signed_in(actor):
        return False
    found = session.scalar(
        sa.select(IdeaFollower.id).where(
            IdeaFollower.idea_id == idea_id, IdeaFollower.user_id == actor.id
        )
    )
    return found is not None


def follow(session: Session, actor: Any, idea_id: int) -> Idea:
    """A signed-in account follows an idea it may see (published ones for businesses)."""
    require(actor, "idea.follow")
    idea = get_idea(session, actor, idea_id)
    with unit_of_work(session):
        if not is_following(session, actor, idea.id):
            session.add(IdeaFollower(idea_id=idea.id, user_id=actor.id))
            session.flush()
            record(session, actor, "idea.follow", "idea", idea.id, None, {"user_id": actor.id})
    return idea


def unfollow(session: Session, actor: Any, idea_id: int) -> Idea:
    require(actor, "idea.follow")
    idea = get_idea(session, actor, idea_id)
    row = session.scalar(
        sa.select(IdeaFollower).where(
            IdeaFollower.idea_id == idea.id, IdeaFollower.user_id == actor.id
        )
    )
    if row is not None:
        with unit_of_work(session):
            # A follow is a preference, not user-written content: ending it removes the row.
            session.delete(row)
            record(session, actor, "idea.unfollow", "idea", idea.id, {"user_id": actor.id}, None)
    return idea


rule("idea.follow")(lambda actor, obj: is_signed_in(actor))


def tell_followers(
    session: Session,
    idea: Idea,
    text: str,
    exclude: set | None = None,
    params: dict[str, Any] | None = None,
    translate: tuple[str, ...] = (),
) -> None:
    """Notify each follower who may still see the idea (inside the caller's transaction);
    ``text`` is a message (``N_``) filled from ``params`` (see ``notify``)."""
    exclude = exclude or set()
    for user_id in session.scalars(
        sa.select(IdeaFollower.user_id).where(IdeaFollower.idea_id == idea.id)
    ):
        if user_id in exclude:
            continue
        user = session.get(User, user_id)
        if user is not None and can_view(user, idea):
            notify(session, user_id, text, idea_target(idea), params, translate)


def tell_followers_recognised(session: Session, idea: Idea, scope: str) -> None:
    tell_followers(
        session,
        idea,
        N_("Sáng kiến %(label)s đã được công nhận %(scope)s."),
        params={
            "label": idea_label(idea.title, idea.code),
            "scope": RECOGNISED_AT.get(scope, scope),
        },
        translate=("scope",),
    )


def public_follow_state(session: Session, actor: Any, idea_id: int) -> bool:
    get_public_idea(session, idea_id)
    return is_following(session, actor, idea_id)


# --- the yearly figures --------------------------------------------------------------------------


@dataclass
class AdoptionReport:
    """Interests of a year: those applied that year, and the others registered that year."""

    year: int | None
    by_status: dict[str, int]
    applied: int
    benefit_vnd: int
    by_area: dict[str | None, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "by_status": self.by_status,
            "applied": self.applied,
            "benefit_vnd": self.benefit_vnd,
            "by_area": {k or "": v for k, v in self.by_area.items()},
        }


def _year_of_interest(year: int):
    """Applied interests count in the year they were applied, the others in the year asked."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    t0 = datetime(year, 1, 1, tzinfo=LOCAL_TZ)
    t1 = datetime(year + 1, 1, 1, tzinfo=LOCAL_TZ)
    return sa.or_(
        sa.and_(
            AdoptionInterest.status == "applied",
            AdoptionInterest.applied_at >= start,
            AdoptionInterest.applied_at <= end,
        ),
        sa.and_(
            AdoptionInterest.status != "applied",
            AdoptionInterest.created_at >= t0,
            AdoptionInterest.created_at < t1,
        ),
    )


def adoption_report(
    session: Session, year: int | None = None, unit_ids: set[int] | None = None
) -> AdoptionReport:
    """Counts by status and by area, and the total benefit (aggregates only: anyone may see).

    ``unit_ids``: only ideas of these units (a unit officer's yearly summary); None = all."""
    if year is not None and not (isinstance(year, int) and 1900 <= year <= 2200):
        raise ValidationFailed(N_("Tham số báo cáo không hợp lệ."), {"year": ["Năm không hợp lệ."]})
    stmt = (
        sa.select(
            Idea.area,
            AdoptionInterest.status,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(AdoptionInterest.benefit_vnd), 0),
        )
        .join(Idea, Idea.id == AdoptionInterest.idea_id)
        .group_by(Idea.area, AdoptionInterest.status)
    )
    if year is not None:
        stmt = stmt.where(_year_of_interest(year))
    if unit_ids is not None:
        stmt = stmt.where(Idea.unit_id.in_(sorted(unit_ids)))
    by_status = {s: 0 for s in STATUSES}
    by_area: dict[str | None, dict[str, int]] = {}
    for area, status, count, benefit in session.execute(stmt):
        by_status[status] = by_status.get(status, 0) + int(count)
        row = by_area.setdefault(area, {"interests": 0, "applied": 0, "benefit_vnd": 0})
        row["interests"] += int(count)
        if status == "applied":
            row["applied"] += int(count)
            row["benefit_vnd"] += int(benefit or 0)
    return AdoptionReport(
        year,
        by_status,
        by_status["applied"],
        sum(r["benefit_vnd"] for r in by_area.values()),
        by_area,
    )
