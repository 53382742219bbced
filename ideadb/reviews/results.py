"""Ranking of a round, what submitters see of finalised rounds, and final scores for
other features (search sorts by them)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

import scoring
from ideadb.core.errors import (
    NotAllowed,
    NotFound,
    ValidationFailed,
)
from ideadb.core.permissions import require as require_rule
from ideadb.core.text import N_
from ideadb.ideas.models import Idea
from ideadb.reviews import policy, votes
from ideadb.reviews.access import (
    ideas_of,
    load_round,
)
from ideadb.reviews.models import (
    AGGREGATIONS,
    Assignment,
    AssignmentStatus,
    Decision,
    Discussion,
    Review,
    ReviewStatus,
    Round,
    RoundIdea,
    RoundStatus,
)
from ideadb.reviews.sheets import (
    number,
    rubric_for,
)
from scoring.ranking import TOO_FEW_REVIEWS

R = RoundStatus
A = AssignmentStatus


def _ranking_inputs(
    session: Session, rnd: Round
) -> tuple[list[scoring.ReviewInput], list[scoring.IdeaInput], dict[int, Idea]]:
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
    ideas = ideas_of(session, rnd)
    inputs = [scoring.IdeaInput(idea_id=i.id, submitted_at=i.submitted_at) for i in ideas]
    return reviews, inputs, {i.id: i for i in ideas}


class Computed(NamedTuple):
    """A round's ranking with what it was computed from."""

    rubric: scoring.Rubric
    reviews: list[scoring.ReviewInput]
    inputs: list[scoring.IdeaInput]
    ideas: dict[int, Idea]
    result: scoring.RoundRanking
    #: The council and public parts when the round has a public vote (``result`` is then
    #: the combined ranking).
    public: Any = None


def compute(session: Session, rnd: Round, aggregation: str | None = None) -> Computed:
    """Rank the round's submitted sheets (``aggregation``: a what-if other than the round's)."""
    rubric = rubric_for(session, rnd)
    reviews, inputs, ideas = _ranking_inputs(session, rnd)
    result = scoring.rank_round(
        rubric,
        reviews,
        inputs,
        aggregation=aggregation or rnd.aggregation,
        reviewers_per_idea=rnd.reviewers_per_idea,
        disagreement_threshold=rnd.disagreement_threshold,
    )
    public = votes.combine(session, rnd, rubric, result)
    if public is not None:
        result = public.ranking
    return Computed(rubric, reviews, inputs, ideas, result, public)


def check_ranking(session: Session, actor: Any, rnd: Round) -> None:
    require_rule(actor, "round.ranking", rnd)
    if not policy.allowed(rnd, "ranking"):
        # Nobody sees an aggregate before deliberation: the same answer as no permission.
        raise NotAllowed(N_("Bảng xếp hạng chỉ có khi đợt xét chọn đã vào giai đoạn họp xét."))


def resolutions(session: Session, rnd: Round) -> dict[int, list[str]]:
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
            Assignment.status.in_(policy.LIVE),
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
    rnd = load_round(session, round_id)
    check_ranking(session, actor, rnd)
    if aggregation is not None and aggregation not in AGGREGATIONS:
        raise ValidationFailed(
            N_("Cách tổng hợp không hợp lệ."), {"aggregation": [", ".join(AGGREGATIONS)]}
        )
    rubric, reviews, inputs, ideas, result, public = compute(session, rnd, aggregation)
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
        base = compute(session, rnd).result
        moves = {m.idea_id: m for m in scoring.compare(base, result)}
    resolved = resolutions(session, rnd)
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
                "final_score": number(item.final_score),
                "n_reviews": item.n_reviews,
                "spread": number(item.spread),
                "flagged": item.flagged,
                "criteria": {c: number(v) for c, v in item.criteria_means.items()},
                "proposed_level": item.proposed_level,
                "raw_score": number(item.raw_mean),
                "normalised_score": number(norm.final_score),
                "knocked_out_by": list(item.knocked_out_by),
                "resolved_by": resolved.get(item.idea_id, []),
                "decision": None
                if decision is None
                else {"level": decision.level, "note": decision.note},
                "explanation": scoring.explain(item, result),
                "previous_rank": move.old_rank if move else item.rank,
            }
        )
        if public is not None:
            part = public.parts[item.idea_id]
            items[-1].update(
                council_score=number(part.council_score),
                public_share=number(part.public_share),
                votes=part.votes,
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
            "alpha": number(rel.alpha) if rel.alpha is not None else None,
            "verdict": rel.verdict,
            "message": rel.message,
            "n_ideas": rel.n_ideas,
            "n_reviews": rel.n_reviews,
        },
        "notes": [n.message for n in result.notes],
        "criteria": [{"code": c.code, "name": c.name} for c in rubric.criteria],
        "public_vote": rnd.public_vote,
    }


def disagreements(session: Session, actor: Any, round_id: int) -> list[dict[str, Any]]:
    """Flagged ideas (spread above the threshold) with how each was resolved, if it was."""
    data = ranking(session, actor, round_id)
    return [item for item in data["items"] if item["flagged"]]


def results_for_idea(session: Session, actor: Any, idea_id: int) -> list[dict[str, Any]]:
    """Outcomes of finalized rounds for the idea's owner/authors (and staff): the decision and,
    when the round allows it, per-criterion means and the comments, without reviewer names."""
    idea = session.get(Idea, idea_id)
    if idea is None:
        raise NotFound(N_("Không tìm thấy ý tưởng."))
    from ideadb.core.permissions import can

    if not can(actor, "idea.view_confidential", idea):
        raise NotFound(N_("Không tìm thấy ý tưởng."))
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
        result = compute(session, rnd).result
        try:
            item = result.item(idea_id)
        except KeyError:
            item = None
        names_of = {c.code: c.name for c in rubric.criteria}
        # The reasons, shown whatever the round shows of the scores.
        entry["knocked_out_by"] = [
            names_of.get(c, c) for c in (item.knocked_out_by if item else ())
        ]
        entry["too_few_reviews"] = bool(item and item.unranked_reason == TOO_FEW_REVIEWS)
        entry["n_reviews"] = item.n_reviews if item else 0
        entry["reviews_needed"] = rnd.reviewers_per_idea
        if rnd.show_details_to_submitters:
            entry["final_score"] = number(item.final_score) if item else None
            entry["criteria"] = [
                {
                    "code": c.code,
                    "name": c.name,
                    "max_points": float(c.max_points),
                    "mean": number(item.criteria_means.get(c.code)) if item else None,
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
            comments: list[dict[str, str | None]] = []
            for per_criterion, overall in rows:
                for code in rubric.codes:
                    if per_criterion.get(code):
                        comments.append({"criterion": code, "text": per_criterion[code]})
                if overall:
                    comments.append({"criterion": None, "text": overall})
            entry["comments"] = sorted(comments, key=lambda c: (c["criterion"] or "~", c["text"]))
        out.append(entry)
    return out


def final_scores(session: Session, idea_ids: Sequence[int]) -> dict[int, float]:
    """The final score of each given idea in the latest finalised round that ranked it (ideas
    without one are left out). Registered in ``create_app`` as the provider search sorts by."""
    ids = list(dict.fromkeys(idea_ids))
    if not ids:
        return {}
    latest: dict[int, Round] = {}
    for idea_id, rnd in session.execute(
        sa.select(RoundIdea.idea_id, Round)
        .join(Round, Round.id == RoundIdea.round_id)
        .where(RoundIdea.idea_id.in_(ids), Round.status == R.FINALIZED)
        .order_by(Round.finalized_at, Round.id)
    ):
        latest[idea_id] = rnd  # later rounds replace earlier ones
    members: dict[int, list[int]] = defaultdict(list)
    rounds: dict[int, Round] = {}
    for idea_id, rnd in latest.items():
        members[rnd.id].append(idea_id)
        rounds[rnd.id] = rnd
    out: dict[int, float] = {}
    for round_id, round_idea_ids in members.items():
        result = compute(session, rounds[round_id]).result
        for idea_id in round_idea_ids:
            score = number(result.item(idea_id).final_score)
            if score is not None:
                out[idea_id] = score
    return out


def recognition_name(session: Session, idea: Any) -> str | None:
    """The name of the level an idea was recognised at ("Công nhận cấp tỉnh"), read from the
    criteria set of the round that recognised it (else any set naming that level)."""
    from ideadb.criteria.models import RecognitionLevel

    code = getattr(idea, "recognized_level", None)
    if not code:
        return None
    stmt = sa.select(RecognitionLevel.name).where(RecognitionLevel.code == code)
    rnd = session.get(Round, idea.recognized_round_id) if idea.recognized_round_id else None
    if rnd is not None:
        found = session.scalar(stmt.where(RecognitionLevel.set_id == rnd.criteria_set_id))
        if found:
            return found
    return session.scalar(stmt.order_by(RecognitionLevel.set_id).limit(1))
