"""The public vote's part of a final score (API.md: Public vote; DOMAIN.md: criteria sets
with a public-vote component, e.g. 80 points from the council and 20 from public votes).

The public share of an idea is ``100 × votes / max votes of any idea in the round`` (0 for
every idea while nobody has voted); its final score is
``(100 − weight)% × council score + weight% × public share``. :func:`combine` turns a
council ranking into the combined one: final scores, ranks (same tie-breaks as the council
ranking: the top criterion's mean points, the idea's earlier submission, the lower id) and
proposed levels (from the combined score; a knocked-out idea still gets none). Exact
fractions throughout; nothing here imports Flask, SQLAlchemy or the application.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final

from scoring.numbers import Number, to_fraction
from scoring.ranking import RankedIdea, RoundRanking
from scoring.rubric import Rubric

#: The largest share of the final score the public may hold (API.md: weight 0..50).
MAX_WEIGHT: Final = 50
HUNDRED: Final = Fraction(100)


def check_weight(weight: Number) -> Fraction:
    """The weight as a fraction of 0..50 points; ``ValueError`` otherwise."""
    value = to_fraction(weight)
    if not 0 <= value <= MAX_WEIGHT:
        raise ValueError(f"the public vote's weight must be within 0..{MAX_WEIGHT}")
    return value


def public_shares(votes: Mapping[int, int], idea_ids: Iterable[int]) -> dict[int, Fraction]:
    """``100 × votes / max votes`` for each idea (0 for all when nobody voted)."""
    ids = list(idea_ids)
    counts = {i: int(votes.get(i, 0)) for i in ids}
    if any(n < 0 for n in counts.values()):
        raise ValueError("a vote count cannot be negative")
    top = max(counts.values(), default=0)
    if top == 0:
        return {i: Fraction(0) for i in ids}
    return {i: HUNDRED * n / top for i, n in counts.items()}


def combined_score(council: Number, share: Number, weight: Number) -> Fraction:
    """``(100 − weight)% × council + weight% × share`` (both on 0..100)."""
    w = check_weight(weight)
    return (HUNDRED - w) / HUNDRED * to_fraction(council) + w / HUNDRED * to_fraction(share)


@dataclass(frozen=True, slots=True)
class PublicPart:
    """One idea's parts: the council's score, its votes and public share, the total."""

    idea_id: int
    council_score: Fraction | None
    votes: int
    public_share: Fraction
    final_score: Fraction | None


@dataclass(frozen=True, slots=True)
class CombinedRanking:
    """The combined ranking and each idea's parts (the council ranking is left untouched)."""

    weight: Fraction
    ranking: RoundRanking
    parts: Mapping[int, PublicPart]
    max_votes: int


def _sort_key(item: RankedIdea, top: str) -> tuple[Any, ...]:
    ranked = item.rank is not None
    n = item.n_reviews
    final = item.final_score
    top_mean = item.criteria_means.get(top)
    return (
        0 if ranked else (1 if n else 2),
        -final if final is not None else 0,
        -top_mean if top_mean is not None else 0,
        (0, item.submitted_at) if item.submitted_at is not None else (1, 0),
        item.idea_id,
    )


def combine(
    council: RoundRanking, rubric: Rubric, votes: Mapping[int, int], weight: Number
) -> CombinedRanking:
    """The ranking once the public vote is counted in (``votes``: idea id → votes)."""
    w = check_weight(weight)
    shares = public_shares(votes, (item.idea_id for item in council.items))
    levels = sorted(((Fraction(lv.min_score), lv.code) for lv in rubric.levels), reverse=True)
    parts: dict[int, PublicPart] = {}
    updated: list[RankedIdea] = []
    for item in council.items:
        share = shares[item.idea_id]
        final = None if item.final_score is None else combined_score(item.final_score, share, w)
        level = None
        if item.rank is not None and final is not None and not item.knocked_out:
            level = next((code for minimum, code in levels if final >= minimum), None)
        parts[item.idea_id] = PublicPart(
            idea_id=item.idea_id,
            council_score=item.final_score,
            votes=int(votes.get(item.idea_id, 0)),
            public_share=share,
            final_score=final,
        )
        updated.append(dataclasses.replace(item, final_score=final, proposed_level=level))

    keyed = sorted(((_sort_key(i, council.top_criterion), i) for i in updated), key=lambda p: p[0])
    items: list[RankedIdea] = []
    rank = 0
    previous: tuple[Any, ...] | None = None
    for key, item in keyed:
        tie = None
        new_rank = None
        if key[0] == 0:
            rank += 1
            new_rank = rank
            if previous is not None and previous[0] == 0 and previous[1] == key[1]:
                if previous[2] != key[2]:
                    tie = "top_criterion"
                elif previous[3] != key[3]:
                    tie = "submitted_at"
                else:
                    tie = "idea_id"
        items.append(dataclasses.replace(item, rank=new_rank, tie_broken_by=tie))
        previous = key
    ranking = dataclasses.replace(
        council,
        items=tuple(items),
        positions={item.idea_id: position for position, item in enumerate(items)},
    )
    top_votes = max((int(votes.get(i, 0)) for i in parts), default=0)
    return CombinedRanking(weight=w, ranking=ranking, parts=parts, max_votes=top_votes)
