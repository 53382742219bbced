"""Ranking a round: final scores, tie-breaks, knock-outs, proposed levels, and what-if.

Everything here follows API.md (Ranking): ranks 1..n with no shared rank; ties broken by the
higher mean points on the criterion of largest weight, then the idea's earlier
``submitted_at``, then the lower id; ideas with fewer submitted reviews than required come
last, unranked; knock-out minima are checked on mean points.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any, Final

from scoring.aggregation import (
    Aggregation,
    IdeaScore,
    Note,
    RoundStats,
    aggregate_units,
)
from scoring.messages import N_, Message, joined
from scoring.numbers import Number, format_number, round_half_up, to_fraction
from scoring.reliability import Reliability, reliability
from scoring.rubric import Problem, Rubric
from scoring.sheet import InvalidScoreSheet, SheetPlan, validate_sheet

TOO_FEW_REVIEWS: Final = "too_few_reviews"


@dataclass(frozen=True, slots=True)
class ReviewInput:
    """A submitted review as the review service passes it: points per criterion code."""

    idea_id: int
    reviewer_id: int
    points: Mapping[str, object]
    submitted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class IdeaInput:
    """An idea of the round; ``submitted_at`` is when the idea was submitted (a tie-break)."""

    idea_id: int
    submitted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RankedIdea:
    """One line of the ranked list, with everything needed to explain it."""

    rank: int | None
    idea_id: int
    #: Exact (a fraction); show it with :func:`scoring.numbers.display`.
    final_score: Fraction | None
    #: Mean of the raw totals, whatever the aggregation (to show beside a normalised score).
    raw_mean: Fraction | None
    n_reviews: int
    spread: Fraction | None
    std: Fraction | None
    flagged: bool
    criteria_means: Mapping[str, Fraction]
    proposed_level: str | None
    knocked_out: bool
    #: Criteria whose mean points are below their knock-out minimum, in sheet order.
    knocked_out_by: tuple[str, ...] = ()
    unranked_reason: str | None = None
    #: Mean z-score (normalising aggregations only).
    z: Fraction | None = None
    #: ``(reviewer_id, total × total_denominator)`` of each review, by reviewer id; read
    #: them as fractions through :attr:`totals`.
    total_units: tuple[tuple[int, int], ...] = ()
    total_denominator: int = 1
    #: When this idea has the same final score as the one placed just above it: which
    #: tie-break separated them — ``top_criterion``, ``submitted_at`` or ``idea_id``.
    tie_broken_by: str | None = None
    submitted_at: datetime | None = None

    @property
    def ranked(self) -> bool:
        return self.rank is not None

    @property
    def totals(self) -> tuple[tuple[int, Fraction], ...]:
        """``(reviewer_id, total)`` of each review of the idea, by reviewer id."""
        return tuple((r, Fraction(t, self.total_denominator)) for r, t in self.total_units)


@dataclass(frozen=True, slots=True)
class RoundRanking:
    """A computed ranking and how it was computed; nothing is stored."""

    aggregation: Aggregation
    reviewers_per_idea: int
    disagreement_threshold: Fraction | None
    items: tuple[RankedIdea, ...]
    notes: tuple[Note, ...]
    reliability: Reliability | None
    round_stats: RoundStats
    #: Code of the criterion whose mean points break ties.
    top_criterion: str
    #: Position of each idea in ``items``, for :meth:`item`.
    positions: Mapping[int, int] = field(default_factory=dict, compare=False, repr=False)

    def item(self, idea_id: int) -> RankedIdea:
        """The line of one idea (KeyError when the idea is not in the round)."""
        position = self.positions.get(idea_id)
        if position is not None:
            return self.items[position]
        for item in self.items:
            if item.idea_id == idea_id:
                return item
        raise KeyError(idea_id)

    @property
    def ranks(self) -> dict[int, int | None]:
        return {item.idea_id: item.rank for item in self.items}


@dataclass(frozen=True, slots=True)
class Move:
    """An idea whose place changes in a what-if; ``places`` > 0 means it moves up."""

    idea_id: int
    old_rank: int | None
    new_rank: int | None
    places: int | None


@dataclass(frozen=True, slots=True)
class WhatIf:
    ranking: RoundRanking
    moves: tuple[Move, ...]


def rank_round(
    rubric: Rubric,
    reviews: Sequence[ReviewInput],
    ideas: Sequence[IdeaInput],
    *,
    aggregation: Aggregation | str = Aggregation.MEAN,
    reviewers_per_idea: int = 1,
    disagreement_threshold: Number | None = None,
    with_reliability: bool = True,
) -> RoundRanking:
    """Rank the ideas of a round from their submitted reviews.

    Raise :class:`scoring.rubric.InvalidRubric` for an unusable rubric,
    :class:`scoring.sheet.InvalidScoreSheet` when a review cannot be counted (paths
    ``reviews[i].scores.CODE``), and ``ValueError`` for a review of an idea that is not in
    ``ideas`` or a second review of one idea by the same reviewer.
    """
    rubric.check()
    method = Aggregation(aggregation)
    if reviewers_per_idea < 1:
        raise ValueError("reviewers_per_idea must be at least 1")
    threshold = None if disagreement_threshold is None else to_fraction(disagreement_threshold)
    plan = SheetPlan.of(rubric)
    codes = plan.codes
    n_criteria = len(codes)

    idea_dates: dict[int, datetime | None] = {}
    for idea in ideas:
        if idea.idea_id in idea_dates:
            raise ValueError(f"idea {idea.idea_id} is listed twice")
        idea_dates[idea.idea_id] = idea.submitted_at

    entries: list[tuple[int, int, int]] = []
    points_sum: dict[int, list[int]] = {}
    points_squares: dict[int, list[int]] = {}
    per_idea_reviews: dict[int, list[tuple[int, int]]] = {}
    seen_pairs: set[tuple[int, int]] = set()
    for index, review in enumerate(reviews):
        idea_id, reviewer_id = review.idea_id, review.reviewer_id
        if idea_id not in idea_dates:
            raise ValueError(f"review {index} is of idea {idea_id}, which is not in the round")
        pair = (idea_id, reviewer_id)
        if pair in seen_pairs:
            raise ValueError(f"reviewer {reviewer_id} has two reviews of idea {idea_id}")
        seen_pairs.add(pair)
        read = plan.read(review.points)
        if read is None:
            problems = validate_sheet(rubric, review.points)
            raise InvalidScoreSheet(
                [Problem(f"reviews[{index}].{p.path}", p.message) for p in problems]
            )
        units, total = read
        entries.append((idea_id, reviewer_id, total))
        per_idea_reviews.setdefault(idea_id, []).append((reviewer_id, total))
        sums = points_sum.get(idea_id)
        if sums is None:
            points_sum[idea_id] = list(units)
            if with_reliability:
                points_squares[idea_id] = [u * u for u in units]
        else:
            for c in range(n_criteria):
                sums[c] += units[c]
            if with_reliability:
                squares = points_squares[idea_id]
                for c in range(n_criteria):
                    squares[c] += units[c] * units[c]

    scores, stats, notes = aggregate_units(entries, plan.denominator, method)

    top_index = codes.index(rubric.top_criterion.code)
    knockouts = [
        (i, c.code, int(c.min_points * 100))
        for i, c in enumerate(rubric.criteria)
        if c.min_points is not None
    ]
    levels = sorted(((Fraction(lv.min_score), lv.code) for lv in rubric.levels), reverse=True)

    # Sort keys are integers: each final score and top-criterion mean multiplied by a common
    # denominator, so comparisons are exact and cheap.
    final_scale = math.lcm(1, *(sc.final.denominator for sc in scores.values()))
    count_scale = math.lcm(1, *(sc.n_reviews for sc in scores.values()))
    rows: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for idea_id, submitted_at in idea_dates.items():
        score: IdeaScore | None = scores.get(idea_id)
        n = score.n_reviews if score else 0
        sums_of_points = points_sum.get(idea_id)
        criteria_means: dict[str, Fraction] = {}
        knocked: tuple[str, ...] = ()
        final_key = top_key = 1
        if sums_of_points is not None and score is not None:
            criteria_means = {
                code: Fraction(s, 100 * n) for code, s in zip(codes, sums_of_points, strict=True)
            }
            knocked = tuple(
                code for i, code, minimum in knockouts if sums_of_points[i] < minimum * n
            )
            final_key = -score.final.numerator * (final_scale // score.final.denominator)
            top_key = -sums_of_points[top_index] * (count_scale // n)
        ranked = n >= reviewers_per_idea
        final = score.final if score else None
        level: str | None = None
        if ranked and final is not None and not knocked:
            for minimum, code in levels:
                if final >= minimum:
                    level = code
                    break
        spread = score.spread if score else None
        key = (
            0 if ranked else (1 if n else 2),
            final_key,
            top_key,
            (0, submitted_at) if submitted_at is not None else (1, 0),
            idea_id,
        )
        totals = tuple(sorted(per_idea_reviews.get(idea_id, ())))
        rows.append(
            (
                key,
                {
                    "idea_id": idea_id,
                    "final_score": final,
                    "raw_mean": score.mean if score else None,
                    "n_reviews": n,
                    "spread": spread,
                    "std": score.std if score else None,
                    "flagged": bool(
                        threshold is not None and spread is not None and spread > threshold
                    ),
                    "criteria_means": criteria_means,
                    "proposed_level": level,
                    "knocked_out": bool(knocked),
                    "knocked_out_by": knocked,
                    "unranked_reason": None if ranked else TOO_FEW_REVIEWS,
                    "z": score.z if score else None,
                    "total_units": totals,
                    "total_denominator": plan.denominator,
                    "submitted_at": submitted_at,
                },
            )
        )
    rows.sort(key=lambda row: row[0])

    items: list[RankedIdea] = []
    rank = 0
    previous_key: tuple[Any, ...] | None = None
    for key, fields in rows:
        tie = None
        if key[0] == 0:
            rank += 1
            fields["rank"] = rank
            if previous_key is not None and previous_key[0] == 0 and previous_key[1] == key[1]:
                if previous_key[2] != key[2]:
                    tie = "top_criterion"
                elif previous_key[3] != key[3]:
                    tie = "submitted_at"
                else:
                    tie = "idea_id"
        else:
            fields["rank"] = None
        items.append(RankedIdea(tie_broken_by=tie, **fields))
        previous_key = key

    unranked = [i for i in items if i.rank is None]
    if unranked:
        notes.append(
            Note(
                "unranked_ideas",
                Message(
                    N_(
                        "%(count)s ý tưởng có ít hơn %(n)s phiếu chấm đã nộp nên được liệt kê "
                        "cuối danh sách và không xếp hạng."
                    ),
                    count=str(len(unranked)),
                    n=str(reviewers_per_idea),
                ),
                count=len(unranked),
            )
        )

    round_reliability = None
    if with_reliability:
        counts = {idea: len(pairs) for idea, pairs in per_idea_reviews.items()}
        round_reliability = reliability(
            {idea: [t for _r, t in pairs] for idea, pairs in per_idea_reviews.items()},
            {
                code: [
                    (counts[idea], points_sum[idea][c], points_squares[idea][c])
                    for idea in points_sum
                ]
                for c, code in enumerate(codes)
            },
        )

    return RoundRanking(
        aggregation=method,
        reviewers_per_idea=reviewers_per_idea,
        disagreement_threshold=threshold,
        items=tuple(items),
        notes=tuple(notes),
        reliability=round_reliability,
        round_stats=stats,
        top_criterion=codes[top_index],
        positions={item.idea_id: position for position, item in enumerate(items)},
    )


def compare(old: RoundRanking, new: RoundRanking) -> tuple[Move, ...]:
    """Ideas whose rank differs between two rankings, biggest moves first."""
    before = old.ranks
    moves = []
    for item in new.items:
        was = before.get(item.idea_id)
        if was == item.rank:
            continue
        places = was - item.rank if was is not None and item.rank is not None else None
        moves.append(Move(item.idea_id, was, item.rank, places))
    moves.sort(
        key=lambda m: (
            -(abs(m.places) if m.places is not None else 10**9),
            m.new_rank or 0,
            m.idea_id,
        )
    )
    return tuple(moves)


def what_if(
    base: RoundRanking,
    rubric: Rubric,
    reviews: Sequence[ReviewInput],
    ideas: Sequence[IdeaInput],
    *,
    aggregation: Aggregation | str | None = None,
    weights: Mapping[str, Number] | None = None,
) -> WhatIf:
    """Recompute ``base`` under another aggregation and/or other weights, storing nothing."""
    if weights:
        rubric = rubric.with_weights(weights)
    ranking = rank_round(
        rubric,
        reviews,
        ideas,
        aggregation=aggregation if aggregation is not None else base.aggregation,
        reviewers_per_idea=base.reviewers_per_idea,
        disagreement_threshold=base.disagreement_threshold,
        with_reliability=base.reliability is not None,
    )
    return WhatIf(ranking=ranking, moves=compare(base, ranking))


def explain(item: RankedIdea, ranking: RoundRanking) -> str:
    """One Vietnamese sentence on how an idea got its place, for the council's minutes."""
    if item.final_score is None:
        return N_("Chưa có phiếu chấm nào được nộp.")
    parts = [
        Message(
            N_("Điểm cuối cùng %(score)s"), score=format_number(round_half_up(item.final_score))
        ),
        Message(N_("từ %(n)s phiếu"), n=str(item.n_reviews)),
    ]
    if item.rank is None:
        parts.append(
            Message(
                N_("(chưa đủ %(n)s phiếu nên không xếp hạng)"), n=str(ranking.reviewers_per_idea)
            )
        )
    if item.tie_broken_by == "top_criterion":
        parts.append(
            Message(
                N_(
                    "bằng điểm với ý tưởng xếp trên, phân định theo điểm trung bình tiêu chí "
                    "%(code)s"
                ),
                code=ranking.top_criterion,
            )
        )
    elif item.tie_broken_by == "submitted_at":
        parts.append(
            Message(N_("bằng điểm với ý tưởng xếp trên, phân định theo thời điểm nộp hồ sơ"))
        )
    elif item.tie_broken_by == "idea_id":
        parts.append(Message(N_("bằng điểm với ý tưởng xếp trên, phân định theo mã số")))
    if item.knocked_out:
        parts.append(
            Message(
                N_(
                    "không đạt điểm tối thiểu của tiêu chí %(codes)s nên không được đề nghị "
                    "công nhận"
                ),
                codes=", ".join(item.knocked_out_by),
            )
        )
    return Message(N_("%(parts)s."), parts=joined(parts, ", "))
