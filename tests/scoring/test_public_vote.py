"""The public vote's part of the final score (API.md: Public vote), on plain values."""

from __future__ import annotations

from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import rank_round
from scoring.public_vote import (
    check_weight,
    combine,
    combined_score,
    public_shares,
)
from tests.scoring.test_scoring_properties import rounds


def test_shares_are_scaled_to_the_most_voted_idea():
    shares = public_shares({1: 40, 2: 10}, [1, 2, 3])
    assert shares == {1: 100, 2: 25, 3: 0}


def test_nobody_voted_gives_every_idea_a_zero_share():
    assert public_shares({}, [1, 2]) == {1: 0, 2: 0}


def test_eighty_twenty_example_of_domain_md():
    # 80 points from the council, 20 from the public vote.
    assert combined_score(Fraction(75), Fraction(50), 20) == Fraction(70)
    assert combined_score("90", 100, 0) == 90
    assert combined_score(0, 100, 50) == 50


@pytest.mark.parametrize("weight", [-1, 51, "abc", True, None, float("nan")])
def test_a_weight_outside_zero_to_fifty_is_refused(weight):
    with pytest.raises(ValueError):
        check_weight(weight)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        public_shares({1: -1}, [1])


def test_votes_let_an_idea_with_fewer_council_points_overtake(single_rubric, round_of):
    reviews, ideas = round_of({1: {1: 88, 2: 88}, 2: {1: 81, 2: 81}})
    council = rank_round(single_rubric, reviews, ideas, reviewers_per_idea=2)
    assert council.ranks == {1: 1, 2: 2}
    combined = combine(council, single_rubric, {2: 30, 1: 3}, 20)
    assert combined.ranking.ranks == {2: 1, 1: 2}
    part = combined.parts[2]
    assert part.council_score == 81 and part.public_share == 100 and part.votes == 30
    assert part.final_score == Fraction(4, 5) * 81 + 20
    assert combined.parts[1].final_score == Fraction(4, 5) * 88 + 2
    # The council's own ranking is left as it was.
    assert council.ranks == {1: 1, 2: 2}


def test_the_proposed_level_follows_the_combined_score(single_rubric, round_of):
    reviews, ideas = round_of({1: {1: 69}, 2: {1: 69}})
    council = rank_round(single_rubric, reviews, ideas)
    assert council.item(1).proposed_level == "DAT"
    combined = combine(council, single_rubric, {1: 10}, 10).ranking
    assert combined.item(1).final_score == Fraction(9, 10) * 69 + 10  # 72.1
    assert combined.item(1).proposed_level == "CONG_NHAN_TINH"
    assert combined.item(2).proposed_level == "DAT"


@settings(max_examples=60, deadline=None)
@given(rounds(), st.integers(0, 50), st.data())
def test_combined_rankings_keep_scores_in_range_and_order(round_, weight, data):
    rubric, reviews, ideas, per_idea = round_
    council = rank_round(rubric, reviews, ideas, reviewers_per_idea=per_idea)
    votes = {i.idea_id: data.draw(st.integers(0, 1000)) for i in ideas}
    combined = combine(council, rubric, votes, weight)
    items = combined.ranking.items
    assert sorted(i.idea_id for i in items) == sorted(i.idea_id for i in council.items)
    ranked = [i for i in items if i.rank is not None]
    assert [i.rank for i in ranked] == list(range(1, len(ranked) + 1))
    assert items[: len(ranked)] == tuple(ranked)  # the unranked come last
    for a, b in pairwise(ranked):
        assert a.final_score >= b.final_score
    for item in items:
        part = combined.parts[item.idea_id]
        assert 0 <= part.public_share <= 100
        if item.final_score is not None:
            assert 0 <= item.final_score <= 100
            low, high = sorted((part.council_score, part.public_share))
            assert low <= item.final_score <= high
    # Weight 0 is the council's ranking exactly.
    same = combine(council, rubric, votes, 0).ranking
    assert same.ranks == council.ranks
    assert [i.final_score for i in same.items] == [i.final_score for i in council.items]


@settings(max_examples=40, deadline=None)
@given(rounds(), st.integers(1, 50), st.data())
def test_one_more_vote_never_lowers_that_ideas_place(round_, weight, data):
    rubric, reviews, ideas, per_idea = round_
    council = rank_round(rubric, reviews, ideas, reviewers_per_idea=per_idea)
    votes = {i.idea_id: data.draw(st.integers(0, 20)) for i in ideas}
    target = data.draw(st.sampled_from([i.idea_id for i in ideas]))
    before = combine(council, rubric, votes, weight).ranking.item(target)
    votes[target] += 1
    after = combine(council, rubric, votes, weight).ranking.item(target)
    if before.rank is not None:
        assert after.rank is not None and after.rank <= before.rank
