"""Ranking a round: tie-breaks at every level, unranked ideas, knock-outs, levels, what-if."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from scoring import (
    Aggregation,
    Criterion,
    IdeaInput,
    InvalidScoreSheet,
    ReviewInput,
    Rubric,
    display,
    explain,
    rank_round,
    what_if,
)

D = Decimal
F = Fraction


@pytest.fixture
def two_criteria() -> Rubric:
    """A (max 50, weight 60) is the top criterion; total = 1.2·a + 0.8·b."""
    return Rubric(
        "Hai tiêu chí",
        (Criterion("A", "Tiêu chí A", D(50), D(60)), Criterion("B", "Tiêu chí B", D(50), D(40))),
    )


def day(month: int) -> datetime:
    return datetime(2021, month, 1, 8, 0, tzinfo=UTC)


def test_ties_are_broken_at_every_level_of_the_order(two_criteria: Rubric) -> None:
    sheets = {
        # idea: (a, b) given by both reviewers, submitted
        5: ((40, 10), day(5)),  # 48 + 8  = 56, top criterion 40
        4: ((30, 25), day(3)),  # 36 + 20 = 56, top criterion 30, earliest
        3: ((30, 25), day(4)),  # 56, same day as idea 2, higher id
        2: ((30, 25), day(4)),  # 56
        1: ((10, 10), day(1)),  # 12 + 8  = 20
    }
    reviews = [
        ReviewInput(idea, reviewer, {"A": a, "B": b})
        for idea, ((a, b), _when) in sheets.items()
        for reviewer in (1, 2)
    ]
    ideas = [IdeaInput(idea, when) for idea, (_p, when) in sheets.items()]
    ranking = rank_round(two_criteria, reviews, ideas, reviewers_per_idea=2)
    assert [(i.rank, i.idea_id, i.tie_broken_by) for i in ranking.items] == [
        (1, 5, None),
        (2, 4, "top_criterion"),
        (3, 2, "submitted_at"),
        (4, 3, "idea_id"),
        (5, 1, None),
    ]
    assert {i.final_score for i in ranking.items[:4]} == {56}
    assert ranking.top_criterion == "A"


def test_tie_breaks_use_unrounded_scores(single_rubric: Rubric, round_of) -> None:
    # 70.0033… and 70 both show as 70.00 but are not tied: the later idea 2 comes first.
    reviews, ideas = round_of(
        {1: {1: 70, 2: 70, 3: 70}, 2: {1: 70, 2: 70, 3: D("70.01")}},
    )
    ranking = rank_round(single_rubric, reviews, ideas, reviewers_per_idea=3)
    first, second = ranking.items
    assert display(first.final_score) == display(second.final_score) == D("70.00")
    assert (first.idea_id, second.idea_id) == (2, 1)
    assert second.tie_broken_by is None


def test_ranks_run_from_one_without_gaps_and_unranked_ideas_come_last(
    single_rubric: Rubric, round_of
) -> None:
    reviews, ideas = round_of(
        {
            1: {1: 60, 2: 62},
            2: {1: 99},  # the best total, but one review of two
            3: {1: 80, 2: 84, 3: 30},  # a third reviewer added: still ranked
            4: {1: 61, 2: 62},
        },
        extra_ideas=(5,),
    )
    ranking = rank_round(single_rubric, reviews, ideas, reviewers_per_idea=2)
    assert [(i.rank, i.idea_id, i.unranked_reason) for i in ranking.items] == [
        (1, 3, None),
        (2, 4, None),
        (3, 1, None),
        (None, 2, "too_few_reviews"),
        (None, 5, "too_few_reviews"),
    ]
    unranked = ranking.item(2)
    assert unranked.final_score == 99 and unranked.proposed_level is None
    nothing = ranking.item(5)
    assert nothing.final_score is None and nothing.n_reviews == 0 and nothing.spread is None
    assert "unranked_ideas" in {n.code for n in ranking.notes}
    assert "không xếp hạng" in explain(unranked, ranking)


def test_proposed_level_is_the_highest_reached(single_rubric: Rubric, round_of) -> None:
    reviews, ideas = round_of(
        {1: {1: 85}, 2: {1: D("84.99")}, 3: {1: 70}, 4: {1: 50}, 5: {1: D("49.99")}}
    )
    ranking = rank_round(single_rubric, reviews, ideas)
    assert [i.proposed_level for i in ranking.items] == [
        "DE_NGHI_TW",
        "CONG_NHAN_TINH",
        "CONG_NHAN_TINH",
        "DAT",
        None,
    ]


def test_a_knock_out_criterion_withholds_recognition_whatever_the_total(
    default_rubric: Rubric,
) -> None:
    rubric = Rubric(
        default_rubric.name,
        (
            Criterion("TINH_MOI", "Tính mới", D(30), D(30), min_points=D(10)),
            *default_rubric.criteria[1:],
        ),
        default_rubric.levels,
    )
    strong_but_not_new = {"KHA_NANG_AP_DUNG": 25, "HIEU_QUA": 30, "TINH_KINH_TE": 15}
    reviews = [
        # mean novelty (9 + 10) / 2 = 9.5 < 10: knocked out although the mean total is 79.5
        ReviewInput(1, 1, {"TINH_MOI": 9, **strong_but_not_new}),
        ReviewInput(1, 2, {"TINH_MOI": 10, **strong_but_not_new}),
        # mean novelty exactly 10: not knocked out
        ReviewInput(2, 1, {"TINH_MOI": 10, **strong_but_not_new}),
        ReviewInput(2, 2, {"TINH_MOI": 10, **strong_but_not_new}),
    ]
    ranking = rank_round(rubric, reviews, [IdeaInput(1), IdeaInput(2)], reviewers_per_idea=2)
    knocked = ranking.item(1)
    assert knocked.final_score == F(159, 2)
    assert knocked.criteria_means["TINH_MOI"] == F(19, 2)
    assert (knocked.knocked_out, knocked.knocked_out_by, knocked.proposed_level) == (
        True,
        ("TINH_MOI",),
        None,
    )
    assert knocked.rank == 2  # still ranked: only recognition is withheld
    kept = ranking.item(2)
    assert (kept.knocked_out, kept.proposed_level) == (False, "CONG_NHAN_TINH")
    assert "TINH_MOI" in explain(knocked, ranking)


def test_disagreement_is_flagged_when_the_spread_exceeds_the_threshold(
    single_rubric: Rubric, round_of
) -> None:
    reviews, ideas = round_of({1: {1: 50, 2: 70}, 2: {1: 50, 2: D("70.01")}})
    ranking = rank_round(
        single_rubric, reviews, ideas, reviewers_per_idea=2, disagreement_threshold=20
    )
    assert ranking.item(1).spread == 20 and not ranking.item(1).flagged
    assert ranking.item(2).flagged


def test_per_criterion_means_are_reported(default_rubric: Rubric) -> None:
    reviews = [
        ReviewInput(
            7, 1, {"TINH_MOI": 27, "KHA_NANG_AP_DUNG": 20, "HIEU_QUA": 25, "TINH_KINH_TE": 12}
        ),
        ReviewInput(
            7, 2, {"TINH_MOI": 22, "KHA_NANG_AP_DUNG": 15, "HIEU_QUA": 20, "TINH_KINH_TE": 9}
        ),
    ]
    [item] = rank_round(default_rubric, reviews, [IdeaInput(7)], reviewers_per_idea=2).items
    assert item.criteria_means == {
        "TINH_MOI": F(49, 2),
        "KHA_NANG_AP_DUNG": F(35, 2),
        "HIEU_QUA": F(45, 2),
        "TINH_KINH_TE": F(21, 2),
    }
    assert item.totals == ((1, F(84)), (2, F(66)))
    assert item.final_score == 75 and item.spread == 18


def test_an_invalid_sheet_stops_the_ranking_with_its_location(default_rubric: Rubric) -> None:
    reviews = [
        ReviewInput(
            1, 1, {"TINH_MOI": 31, "KHA_NANG_AP_DUNG": 20, "HIEU_QUA": 25, "TINH_KINH_TE": 12}
        )
    ]
    with pytest.raises(InvalidScoreSheet) as caught:
        rank_round(default_rubric, reviews, [IdeaInput(1)])
    assert [p.path for p in caught.value.problems] == ["reviews[0].scores.TINH_MOI"]


def test_reviews_of_unknown_ideas_and_double_reviews_are_refused(
    single_rubric: Rubric,
) -> None:
    with pytest.raises(ValueError, match="not in the round"):
        rank_round(single_rubric, [ReviewInput(2, 1, {"DIEM": 5})], [IdeaInput(1)])
    twice = [ReviewInput(1, 1, {"DIEM": 5}), ReviewInput(1, 1, {"DIEM": 6})]
    with pytest.raises(ValueError, match="two reviews"):
        rank_round(single_rubric, twice, [IdeaInput(1)])


def test_zscore_ranking_says_which_reviewers_were_standardised_by_the_round(
    single_rubric: Rubric, round_of
) -> None:
    reviews, ideas = round_of(
        {1: {1: 40, 9: 90}, 2: {1: 50}, 3: {1: 60}, 4: {9: 70}},
    )
    ranking = rank_round(single_rubric, reviews, ideas, aggregation="zscore")
    [note] = [n for n in ranking.notes if n.code == "reviewer_standardised_by_round"]
    assert note.reviewer_id == 9 and note.count == 2
    assert "Thành viên hội đồng 9" in note.message


def test_what_if_reports_who_moves_and_by_how_many_places(single_rubric: Rubric, round_of) -> None:
    # The harsh/lenient round of the aggregation tests: under the mean the lenient reviewer's
    # ideas lead; under z-scores idea 5 leads and idea 4 drops back to the middle.
    reviews, ideas = round_of({1: {1: 40}, 2: {1: 50}, 3: {1: 60, 2: 80}, 4: {2: 90}, 5: {2: 100}})
    base = rank_round(single_rubric, reviews, ideas, aggregation="mean")
    assert [i.idea_id for i in base.items] == [5, 4, 3, 2, 1]
    result = what_if(base, single_rubric, reviews, ideas, aggregation=Aggregation.ZSCORE)
    # z: idea 5 +√1.5, idea 3/4/2 at 0 (tie: top criterion means 70/90/50 → 4, 3, 2), 1 −√1.5
    assert [i.idea_id for i in result.ranking.items] == [5, 4, 3, 2, 1]
    assert result.moves == ()
    assert result.ranking.item(4).final_score == 70
    assert base.item(4).final_score == 90


def test_what_if_with_other_weights(two_criteria: Rubric) -> None:
    reviews = [
        ReviewInput(1, 1, {"A": 50, "B": 0}),  # 60 now; 40 with weights 40/60
        ReviewInput(2, 1, {"A": 0, "B": 45}),  # 36 now; 54 with weights 40/60
        ReviewInput(3, 1, {"A": 25, "B": 25}),  # 50 either way
    ]
    ideas = [IdeaInput(1), IdeaInput(2), IdeaInput(3)]
    base = rank_round(two_criteria, reviews, ideas)
    assert [i.idea_id for i in base.items] == [1, 3, 2]
    result = what_if(base, two_criteria, reviews, ideas, weights={"A": 40, "B": 60})
    assert [i.idea_id for i in result.ranking.items] == [2, 3, 1]
    assert [(m.idea_id, m.old_rank, m.new_rank, m.places) for m in result.moves] == [
        (2, 3, 1, 2),
        (1, 1, 3, -2),
    ]
    assert result.ranking.top_criterion == "B"
    # Nothing about the base changed.
    assert [i.idea_id for i in base.items] == [1, 3, 2]


def test_reliability_is_part_of_the_ranking(single_rubric: Rubric, round_of) -> None:
    reviews, ideas = round_of({1: {1: 40, 2: 42}, 2: {1: 60, 2: 63}, 3: {1: 80, 2: 79}})
    ranking = rank_round(single_rubric, reviews, ideas, reviewers_per_idea=2)
    assert ranking.reliability is not None
    assert ranking.reliability.n_ideas == 3
    assert ranking.reliability.verdict == "reliable"
    assert ranking.reliability.criteria["DIEM"] == ranking.reliability.alpha
