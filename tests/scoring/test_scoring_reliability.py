"""Krippendorff's alpha for interval data, checked against the published example."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from scoring import alpha_interval, reliability, round_half_up

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example with four
# observers, twelve units and missing values; published results: nominal 0.743,
# ordinal 0.815, interval 0.849, ratio 0.797.
OBSERVERS = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def units() -> list[list[int]]:
    return [[row[u] for row in OBSERVERS.values() if row[u] is not None] for u in range(12)]


def test_alpha_matches_the_published_interval_value_with_missing_data() -> None:
    alpha, n_units, n_values = alpha_interval(units())
    assert alpha is not None
    assert round_half_up(alpha, 3) == Decimal("0.849")
    # Unit 12 has a single value and is not pairable.
    assert (n_units, n_values) == (11, 40)


def test_alpha_is_exact_and_does_not_depend_on_scale_or_shift() -> None:
    alpha, _u, _n = alpha_interval(units())
    shifted, _u, _n = alpha_interval([[7 * v + 3 for v in unit] for unit in units()])
    assert isinstance(alpha, Fraction)
    assert shifted == alpha


def test_perfect_agreement_is_one_and_systematic_disagreement_is_negative() -> None:
    assert alpha_interval([[10, 10], [50, 50], [90, 90]])[0] == 1
    alpha = alpha_interval([[10, 90], [90, 10], [10, 90]])[0]
    assert alpha is not None and alpha < 0


def test_alpha_is_undefined_without_two_pairable_ideas_or_without_variation() -> None:
    assert alpha_interval([[70, 80]])[0] is None
    assert alpha_interval([[70], [80]])[0] is None
    assert alpha_interval([[70, 70], [70, 70]])[0] is None
    result = reliability({1: [Fraction(70)], 2: [Fraction(75)]})
    assert result.verdict == "undefined"
    assert result.n_ideas == 0
    assert "Chưa tính được" in result.message


def test_the_verdict_follows_krippendorffs_thresholds() -> None:
    assert reliability({1: [10, 11], 2: [50, 52], 3: [90, 88]}).verdict == "reliable"
    unreliable = reliability({1: [10, 60], 2: [50, 20], 3: [90, 40]})
    assert unreliable.verdict == "unreliable"
    assert "chưa nhất quán" in unreliable.message
    assert unreliable.method == "krippendorff_alpha_interval"
