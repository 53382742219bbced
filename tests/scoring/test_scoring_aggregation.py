"""Hand-computed examples of every aggregation of API.md (Ranking)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from scoring import (
    Aggregation,
    Rubric,
    ScoredReview,
    aggregate_totals,
    display,
    mean,
    median,
    population_std,
    rank_round,
    spread,
    trimmed_mean,
)

F = Fraction
TINY = F(1, 10**25)


def close(value: Fraction | None, expected: float | Fraction, tolerance: Fraction = TINY) -> bool:
    assert value is not None
    return abs(value - F(expected)) < tolerance


def test_two_reviewers_trimmed_mean_equals_the_mean() -> None:
    totals = [F(60), F(80)]
    assert mean(totals) == 70
    assert median(totals) == 70
    assert trimmed_mean(totals) == 70
    assert spread(totals) == 20
    assert population_std(totals) == 10


def test_five_reviewers_by_every_simple_aggregation() -> None:
    totals = [F(95), F(50), F(70), F(62), F(71)]
    # mean: 348 / 5
    assert mean(totals) == F(348, 5) == F("69.6")
    # median: 50 62 [70] 71 95
    assert median(totals) == 70
    # trimmed: drop 50 and 95, (62 + 70 + 71) / 3 = 203 / 3
    assert trimmed_mean(totals) == F(203, 3)
    assert display(trimmed_mean(totals)) == Decimal("67.67")
    assert spread(totals) == 45
    # deviations −19.6 −7.6 0.4 1.4 25.4, squares sum 1089.2, / 5 = 217.84
    assert close(population_std(totals), F(217.84) ** F(1, 2), F(1, 10**12))
    assert display(population_std(totals)) == Decimal("14.76")


def test_four_reviewers_trimmed_drops_one_highest_and_one_lowest() -> None:
    totals = [F(40), F(60), F(75), F(100)]
    assert mean(totals) == F(275, 4)
    assert trimmed_mean(totals) == F(135, 2)
    assert median(totals) == F(135, 2)
    # Three reviews are too few to trim.
    assert trimmed_mean([F(40), F(60), F(100)]) == F(200, 3)


def test_an_even_number_of_totals_has_the_mean_of_the_two_middle_ones_as_median() -> None:
    assert median([F(10), F(20), F(31), F(90)]) == F(51, 2)


def test_round_aggregates_agree_with_the_plain_definitions(single_rubric: Rubric, round_of) -> None:
    reviews, ideas = round_of({1: {1: 60, 2: 80}, 2: {1: 95, 2: 50, 3: 70, 4: 62, 5: 71}})
    expected = {
        Aggregation.MEAN: (70, F(348, 5)),
        Aggregation.MEDIAN: (70, 70),
        Aggregation.TRIMMED_MEAN: (70, F(203, 3)),
    }
    for aggregation, (first, second) in expected.items():
        ranking = rank_round(single_rubric, reviews, ideas, aggregation=aggregation)
        assert ranking.item(1).final_score == first
        assert ranking.item(2).final_score == second
        assert ranking.item(2).raw_mean == F(348, 5)
        assert ranking.item(2).spread == 45
        assert display(ranking.item(2).std) == Decimal("14.76")


def zscore_round() -> list[ScoredReview]:
    """A harsh reviewer (1) and a lenient one (2) share idea 3.

    Reviewer 1: ideas 1, 2, 3 get 40, 50, 60 — mean 50, deviation √(200/3), z = −√1.5, 0, √1.5
    Reviewer 2: ideas 3, 4, 5 get 80, 90, 100 — mean 90, same deviation, z = −√1.5, 0, √1.5
    Idea 3: z̄ = (√1.5 − √1.5) / 2 = 0.
    Round: mean 70, deviation √(2800/6) = √(1400/3).
    final = 70 + z̄ × √(1400/3): idea 5 → 70 + √1.5·√(1400/3) = 70 + √700 ≈ 96.4575,
    idea 1 → 70 − √700 ≈ 43.5425, ideas 2, 3, 4 → 70.
    """
    plan = {(1, 1): 40, (2, 1): 50, (3, 1): 60, (3, 2): 80, (4, 2): 90, (5, 2): 100}
    return [ScoredReview(idea, reviewer, F(total)) for (idea, reviewer), total in plan.items()]


def test_zscore_hand_computed_round() -> None:
    scores, stats, notes = aggregate_totals(zscore_round(), Aggregation.ZSCORE)
    assert stats.mean == 70
    assert close(stats.std, F(1400 / 3) ** F(1, 2), F(1, 10**12))
    root700 = F(700**0.5)
    assert close(scores[5].final, 70 + root700, F(1, 10**12))
    assert close(scores[1].final, 70 - root700, F(1, 10**12))
    assert display(scores[5].final) == Decimal("96.46")
    assert display(scores[1].final) == Decimal("43.54")
    for idea in (2, 3, 4):
        assert scores[idea].final == 70
        assert scores[idea].z == 0
    assert close(scores[5].z, F(1.5**0.5), F(1, 10**12))
    # The raw mean is kept beside the normalised score.
    assert scores[4].mean == 90
    assert notes == []


def test_zscore_agrees_with_the_real_number_to_thirty_five_decimals() -> None:
    scores, _stats, _notes = aggregate_totals(zscore_round(), "zscore")
    # √700 = 26.457513110645905905016157536392604257102591830824501803683344592010688232302…
    root700 = F("26.457513110645905905016157536392604257102591830824501803683344592")
    assert abs(scores[5].final - (70 + root700)) < F(1, 10**35)
    assert abs(scores[1].final - (70 - root700)) < F(1, 10**35)
    # The same input in another order gives the very same fractions.
    again, _s, _n = aggregate_totals(list(reversed(zscore_round())), "zscore")
    assert again == scores


def test_a_reviewer_with_fewer_than_three_totals_is_standardised_by_the_round() -> None:
    reviews = [*zscore_round(), ScoredReview(6, 3, F(70)), ScoredReview(5, 3, F(82))]
    scores, stats, notes = aggregate_totals(reviews, Aggregation.ZSCORE)
    assert [(n.code, n.reviewer_id, n.count) for n in notes] == [
        ("reviewer_standardised_by_round", 3, 2)
    ]
    assert "3 phiếu" in notes[0].message or "2 phiếu" in notes[0].message
    # Round of 8 totals: 40 50 60 80 90 100 70 82, mean 71.5 — reviewer 3's 70 is just below it.
    assert stats.mean == F(572, 8)
    assert scores[6].z is not None and scores[6].z < 0
    assert scores[6].final < stats.mean


def test_a_reviewer_who_gives_one_total_to_everything_contributes_z_zero() -> None:
    reviews = [
        *zscore_round(),
        ScoredReview(1, 3, F(75)),
        ScoredReview(2, 3, F(75)),
        ScoredReview(4, 3, F(75)),
    ]
    scores, _stats, notes = aggregate_totals(reviews, Aggregation.ZSCORE)
    assert [n.code for n in notes] == ["reviewer_constant_totals"]
    # Idea 2: reviewer 1 z = 0, reviewer 3 z = 0.
    assert scores[2].z == 0


def test_robust_zscore_uses_median_and_mad_per_reviewer() -> None:
    # Reviewer 1: 40 50 60 100 → median 55, deviations 15 5 5 45 → MAD 10, scale 14.826
    # Reviewer 2: 60 70 80 81  → median 75, deviations 15 5 5 6  → MAD 5.5, scale 8.1543
    plan = {
        (1, 1): 40, (2, 1): 50, (3, 1): 60, (4, 1): 100,
        (1, 2): 60, (2, 2): 70, (3, 2): 80, (4, 2): 81,
    }  # fmt: skip
    reviews = [ScoredReview(i, r, F(t)) for (i, r), t in plan.items()]
    scores, _stats, notes = aggregate_totals(reviews, Aggregation.ZSCORE_ROBUST)
    assert not [n for n in notes if n.reviewer_id is not None]
    z1 = {1: F(-15) / F("14.826"), 4: F(45) / F("14.826")}
    z2 = {1: F(-15) / F("8.1543"), 4: F(6) / F("8.1543")}
    for idea in (1, 4):
        assert close(scores[idea].z, (z1[idea] + z2[idea]) / 2, F(1, 10**28))
    # The outlier 100 barely moves reviewer 1's centre: idea 3 is above both medians.
    assert scores[3].z is not None and scores[3].z > 0


def test_all_totals_equal_gives_everyone_the_round_mean() -> None:
    reviews = [ScoredReview(i, r, F(64)) for i in (1, 2, 3) for r in (1, 2, 3)]
    scores, stats, notes = aggregate_totals(reviews, Aggregation.ZSCORE)
    assert {s.final for s in scores.values()} == {64}
    assert stats.std == 0
    assert "round_constant_totals" in {n.code for n in notes}


@pytest.mark.parametrize("aggregation", list(Aggregation))
def test_aggregation_accepts_its_api_name(aggregation: Aggregation) -> None:
    scores, _s, _n = aggregate_totals(zscore_round(), aggregation.value)
    assert set(scores) == {1, 2, 3, 4, 5}
