"""Properties of the scoring engine that must hold for every rubric and every round."""

from __future__ import annotations

import random
from datetime import UTC
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scoring import (
    Aggregation,
    Criterion,
    IdeaInput,
    RecognitionLevel,
    ReviewInput,
    Rubric,
    ScoredReview,
    aggregate_totals,
    rank_round,
    review_total,
)

D = Decimal
SIMPLE = (Aggregation.MEAN, Aggregation.MEDIAN, Aggregation.TRIMMED_MEAN)


@st.composite
def rubrics(draw: st.DrawFn) -> Rubric:
    n = draw(st.integers(1, 5))
    criteria = []
    for index in range(n):
        max_points = D(draw(st.integers(1, 4000))) / 100
        weight = D(draw(st.integers(1, 10000))) / 100
        step = draw(st.sampled_from([None, D("0.01")]))
        criteria.append(Criterion(f"C{index}", f"Tiêu chí {index}", max_points, weight, step=step))
    scores = sorted(set(draw(st.lists(st.integers(0, 100), max_size=3))), reverse=True)
    levels = tuple(RecognitionLevel(f"L{s}", f"Mức {s}", D(s)) for s in scores)
    return Rubric("Bộ tiêu chí", tuple(criteria), levels)


def sheet(draw: st.DrawFn, rubric: Rubric) -> dict[str, object]:
    return {c.code: D(draw(st.integers(0, int(c.max_points * 100)))) / 100 for c in rubric.criteria}


@st.composite
def rounds(
    draw: st.DrawFn,
) -> tuple[Rubric, list[ReviewInput], list[IdeaInput], int]:
    rubric = draw(rubrics())
    n_ideas = draw(st.integers(1, 8))
    n_reviewers = draw(st.integers(1, 5))
    reviews = []
    for idea in range(1, n_ideas + 1):
        chosen = draw(st.sets(st.integers(1, n_reviewers), max_size=n_reviewers))
        reviews.extend(ReviewInput(idea, r, sheet(draw, rubric)) for r in sorted(chosen))
    dates = st.none() | st.datetimes(timezones=st.just(UTC))
    ideas = [IdeaInput(i, draw(dates)) for i in range(1, n_ideas + 1)]
    per_idea = draw(st.integers(1, 3))
    return rubric, reviews, ideas, per_idea


@given(st.data())
def test_a_review_total_is_always_within_zero_and_one_hundred(data: st.DataObject) -> None:
    rubric = data.draw(rubrics())
    total = review_total(rubric, sheet(data.draw, rubric))
    assert 0 <= total <= 100


@settings(max_examples=60, deadline=None)
@given(rounds(), st.sampled_from(list(Aggregation)))
def test_final_scores_are_always_within_zero_and_one_hundred(round_, aggregation) -> None:
    rubric, reviews, ideas, per_idea = round_
    ranking = rank_round(
        rubric, reviews, ideas, aggregation=aggregation, reviewers_per_idea=per_idea
    )
    for item in ranking.items:
        if item.final_score is not None:
            assert 0 <= item.final_score <= 100
            assert item.spread is not None and 0 <= item.spread <= 100


@settings(max_examples=60, deadline=None)
@given(rounds(), st.sampled_from(list(Aggregation)), st.randoms(use_true_random=False))
def test_the_ranking_does_not_depend_on_the_order_of_reviews_or_ideas(
    round_, aggregation, rng: random.Random
) -> None:
    rubric, reviews, ideas, per_idea = round_
    first = rank_round(rubric, reviews, ideas, aggregation=aggregation, reviewers_per_idea=per_idea)
    shuffled_reviews, shuffled_ideas = list(reviews), list(ideas)
    rng.shuffle(shuffled_reviews)
    rng.shuffle(shuffled_ideas)
    second = rank_round(
        rubric, shuffled_reviews, shuffled_ideas, aggregation=aggregation,
        reviewers_per_idea=per_idea,
    )  # fmt: skip
    assert second == first


@settings(max_examples=60, deadline=None)
@given(rounds(), st.sampled_from(list(Aggregation)))
def test_the_ranking_is_a_total_order_stable_across_runs(round_, aggregation) -> None:
    rubric, reviews, ideas, per_idea = round_
    ranking = rank_round(
        rubric, reviews, ideas, aggregation=aggregation, reviewers_per_idea=per_idea
    )
    assert ranking == rank_round(
        rubric, reviews, ideas, aggregation=aggregation, reviewers_per_idea=per_idea
    )
    assert sorted(i.idea_id for i in ranking.items) == sorted(i.idea_id for i in ideas)
    ranks = [i.rank for i in ranking.items]
    ranked = [r for r in ranks if r is not None]
    assert ranked == list(range(1, len(ranked) + 1))
    assert ranks[len(ranked) :] == [None] * (len(ranks) - len(ranked))
    for item in ranking.items:
        assert (item.rank is None) == (item.n_reviews < per_idea)
    # Final scores never increase down the ranked part of the list.
    finals = [i.final_score for i in ranking.items if i.rank is not None]
    assert all(a >= b for a, b in pairwise(finals))


@settings(max_examples=80, deadline=None)
@given(rounds(), st.sampled_from(SIMPLE), st.data())
def test_raising_one_score_never_lowers_that_ideas_final_score(
    round_, aggregation, data: st.DataObject
) -> None:
    rubric, reviews, ideas, _per_idea = round_
    assume(reviews)
    index = data.draw(st.integers(0, len(reviews) - 1))
    review = reviews[index]
    criterion = data.draw(st.sampled_from(rubric.criteria))
    current = Fraction(review.points[criterion.code])  # type: ignore[arg-type]
    raised = data.draw(st.integers(int(current * 100), int(criterion.max_points * 100)))
    changed = list(reviews)
    changed[index] = ReviewInput(
        review.idea_id, review.reviewer_id, {**review.points, criterion.code: D(raised) / 100}
    )
    before = rank_round(rubric, reviews, ideas, aggregation=aggregation).item(review.idea_id)
    after = rank_round(rubric, changed, ideas, aggregation=aggregation).item(review.idea_id)
    assert after.final_score >= before.final_score


@given(rubrics(), st.fractions(0, 100), st.fractions(0, 100))
def test_recognition_levels_are_monotone_in_the_score(rubric: Rubric, a, b) -> None:
    low, high = sorted((a, b))

    def height(score: Fraction) -> Decimal:
        level = rubric.level_for(score)
        return D(-1) if level is None else level.min_score

    assert height(low) <= height(high)


@settings(max_examples=60, deadline=None)
@given(rounds(), st.sampled_from(list(Aggregation)))
def test_proposed_levels_never_rise_down_the_ranking(round_, aggregation) -> None:
    rubric, reviews, ideas, per_idea = round_
    ranking = rank_round(
        rubric, reviews, ideas, aggregation=aggregation, reviewers_per_idea=per_idea
    )
    heights = {lv.code: lv.min_score for lv in rubric.levels}
    seen = [
        heights[i.proposed_level] if i.proposed_level else D(-1) for i in ranking.items if i.rank
    ]
    assert all(a >= b for a, b in pairwise(seen))


@st.composite
def overlapping_rounds(draw: st.DrawFn) -> list[ScoredReview]:
    """Every reviewer scores at least three ideas, so each is standardised by their own figures."""
    n_ideas = draw(st.integers(3, 7))
    n_reviewers = draw(st.integers(2, 4))
    reviews = []
    for reviewer in range(1, n_reviewers + 1):
        chosen = draw(st.sets(st.integers(1, n_ideas), min_size=3, max_size=n_ideas))
        for idea in sorted(chosen):
            total = Fraction(draw(st.integers(2000, 8000)), 100)
            reviews.append(ScoredReview(idea, reviewer, total))
    return reviews


@settings(max_examples=150, deadline=None)
@given(
    overlapping_rounds(),
    st.sampled_from([Aggregation.ZSCORE, Aggregation.ZSCORE_ROBUST]),
    st.integers(1, 4),
    st.fractions(Fraction(1, 4), 3),
    st.fractions(-20, 20),
)
def test_zscore_ranks_do_not_change_when_one_reviewer_is_shifted_or_scaled(
    reviews, aggregation, reviewer, factor, shift
) -> None:
    assume(any(r.reviewer_id == reviewer for r in reviews))
    moved = [
        ScoredReview(r.idea_id, r.reviewer_id, r.total * factor + shift)
        if r.reviewer_id == reviewer
        else r
        for r in reviews
    ]
    before, _s, notes_before = aggregate_totals(reviews, aggregation)
    after, _s, notes_after = aggregate_totals(moved, aggregation)
    # Each idea's mean z-score is exactly the same…
    assert {i: s.z for i, s in before.items()} == {i: s.z for i, s in after.items()}
    # …so, unless the mapping back to 0–100 had to clamp, the order is the same.
    clamped = {n.code for n in notes_before + notes_after} & {"final_score_clamped"}
    assume(not clamped)

    def order(scores) -> list[int]:
        return sorted(scores, key=lambda i: (-scores[i].final, i))

    assert order(before) == order(after)
