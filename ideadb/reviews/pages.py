"""What each review page shows, read in one call per page."""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.accounts.service import users_with_role
from ideadb.core.permissions import Role
from ideadb.core.permissions import require as require_rule
from ideadb.criteria import service as criteria_service
from ideadb.ideas.models import Idea, IdeaStatus
from ideadb.reviews import policy
from ideadb.reviews.access import (
    allowed_for,
    ideas_of,
    is_secretary,
    load_round,
    panel_of,
)
from ideadb.reviews.assignments import (
    list_assignments,
    live_assignments,
    progress,
)
from ideadb.reviews.conflicts import (
    list_conflicts,
)
from ideadb.reviews.deliberation import discussions
from ideadb.reviews.models import (
    Assignment,
    AssignmentStatus,
    RoundStatus,
)
from ideadb.reviews.results import ranking
from ideadb.reviews.sheets import (
    get_assignment,
    idea_for_reviewer,
    review_of,
    review_total,
    rubric_for,
    similar_for_reviewer,
)

R = RoundStatus
A = AssignmentStatus


def round_overview(session: Session, actor: Any, round_id: int) -> dict[str, Any]:
    """The configure page: the round, its ideas and panel, and who/what could be added."""
    rnd = load_round(session, round_id)
    require_rule(actor, "round.list", rnd)
    ideas = ideas_of(session, rnd)
    reviewers = panel_of(session, rnd)
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
    live = live_assignments(session, rnd)
    return {
        "round": rnd,
        "allowed": partial(allowed_for, actor, rnd),
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
        "criteria_set": criteria_service.get_set(session, rnd.criteria_set_id),
    }


def assignment_overview(session: Session, actor: Any, round_id: int) -> dict[str, Any]:
    """The assignment page: who reviews what, loads, and every conflict."""
    rnd = load_round(session, round_id)
    require_rule(actor, "round.read", rnd)
    rows = list_assignments(session, actor, round_id)
    by_idea: dict[int, list[Assignment]] = defaultdict(list)
    for a in rows:
        by_idea[a.idea_id].append(a)
    live = [a for a in rows if policy.is_live(a)]
    return {
        "round": rnd,
        "allowed": partial(allowed_for, actor, rnd),
        "ideas": ideas_of(session, rnd),
        "panel": panel_of(session, rnd),
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
    own = a.reviewer_id == actor.id
    return {
        "assignment": a,
        "round": a.round,
        "idea": idea_for_reviewer(session, a),
        "rubric": rubric,
        "review": review,
        "total": review_total(rubric, review.scores) if review else None,
        "similar": similar_for_reviewer(session, actor, a),
        "needs_confirmation": policy.needs_confirmation(a),
        "can_confirm": own and policy.can_confirm(a, a.round),
        "editable": own and policy.can_score(a, a.round),
        "submitted": review is not None and policy.is_submitted(review),
    }


def progress_view(session: Session, actor: Any, round_id: int) -> dict[str, Any]:
    data = progress(session, actor, round_id)
    rnd = load_round(session, round_id)
    users = {u.id: u for u in panel_of(session, rnd)}
    ideas = {i.id: i for i in ideas_of(session, rnd)}
    return {
        "round": rnd,
        "allowed": partial(allowed_for, actor, rnd),
        "progress": data,
        "users": users,
        "ideas": ideas,
    }


def ranking_view(
    session: Session, actor: Any, round_id: int, aggregation: str | None
) -> dict[str, Any]:
    data = ranking(session, actor, round_id, aggregation=aggregation)
    rnd = load_round(session, round_id)
    rubric = rubric_for(session, rnd)
    return {
        "round": rnd,
        "allowed": partial(allowed_for, actor, rnd),
        "ranking": data,
        "idea_titles": {i["idea_id"]: i["title"] for i in data["items"]},
        "levels": [(lv.code, lv.name) for lv in rubric.levels],
        "discussions": discussions(session, actor, round_id),
        "panel": panel_of(session, rnd),
        "can_manage": is_secretary(actor),
    }
