"""Combining the totals of several reviews of an idea into its final score (API.md, Ranking).

Totals are handled as integers over one common denominator, so every mean, median and
spread is an exact fraction. Z-scores need square roots: they are computed in fixed point
with integer square roots (40 decimals, truncated toward zero), summed as integers, and are
therefore identical on every platform and for every order of the input.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Final

from scoring.messages import N_, Message
from scoring.numbers import (
    FIXED_SCALE,
    fixed_div_sqrt,
    format_number,
    round_half_up,
)

#: Below this many submitted totals a reviewer's own mean and deviation mean nothing;
#: such a reviewer is standardised by the round's figures instead (API.md).
MIN_TOTALS_FOR_OWN_SCALE: Final = 3
#: Trimmed mean drops one highest and one lowest total from this many reviews up.
MIN_REVIEWS_TO_TRIM: Final = 4
#: 1.4826 × MAD estimates the standard deviation of normally distributed totals, so robust
#: z-scores are on the same scale as ordinary ones.
MAD_TO_SD: Final = Fraction(14826, 10000)


class Aggregation(StrEnum):
    """How an idea's review totals become its final score."""

    MEAN = "mean"
    MEDIAN = "median"
    TRIMMED_MEAN = "trimmed_mean"
    ZSCORE = "zscore"
    #: z-scores per reviewer from the median and 1.4826 × MAD instead of mean and deviation.
    ZSCORE_ROBUST = "zscore_robust"

    @property
    def normalises(self) -> bool:
        return self in (Aggregation.ZSCORE, Aggregation.ZSCORE_ROBUST)


@dataclass(frozen=True, slots=True)
class ScoredReview:
    """A submitted review reduced to its total on 0–100."""

    idea_id: int
    reviewer_id: int
    total: Fraction


@dataclass(frozen=True, slots=True)
class Note:
    """Something the ranking must say about how it was computed.

    ``code`` is stable for programs; ``message`` is a Vietnamese sentence for the council.
    """

    code: str
    message: str
    reviewer_id: int | None = None
    idea_id: int | None = None
    count: int | None = None


@dataclass(frozen=True, slots=True)
class IdeaScore:
    """The aggregate of one idea's totals."""

    idea_id: int
    n_reviews: int
    final: Fraction
    mean: Fraction
    median: Fraction
    spread: Fraction
    std: Fraction
    #: Mean z-score of the idea's reviews (normalising aggregations only).
    z: Fraction | None = None


@dataclass(frozen=True, slots=True)
class RoundStats:
    """Mean and population standard deviation of all submitted totals of the round."""

    n_totals: int
    mean: Fraction | None
    std: Fraction | None


# -- plain aggregates on a list of totals (the definitions, for callers and tests) -------------
def mean(values: Sequence[Fraction | int]) -> Fraction:
    """Arithmetic mean."""
    if not values:
        raise ValueError("mean of no values")
    return Fraction(sum(values, Fraction(0)), len(values))


def median(values: Sequence[Fraction | int]) -> Fraction:
    """The middle value, or the mean of the two middle ones."""
    if not values:
        raise ValueError("median of no values")
    ordered = sorted(Fraction(v) for v in values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def trimmed_mean(values: Sequence[Fraction | int]) -> Fraction:
    """Mean after dropping one highest and one lowest value when there are at least 4."""
    if len(values) < MIN_REVIEWS_TO_TRIM:
        return mean(values)
    ordered = sorted(Fraction(v) for v in values)
    return mean(ordered[1:-1])


def spread(values: Sequence[Fraction | int]) -> Fraction:
    """max − min."""
    return Fraction(max(values)) - Fraction(min(values))


def population_std(values: Sequence[Fraction | int]) -> Fraction:
    """Population standard deviation, truncated to 40 decimals (it is irrational in general)."""
    n = len(values)
    if not n:
        raise ValueError("deviation of no values")
    total = sum(values, Fraction(0))
    squares = sum((Fraction(v) ** 2 for v in values), Fraction(0))
    variance = (n * squares - total * total) / (n * n)
    root = math.isqrt(variance.numerator * FIXED_SCALE * FIXED_SCALE // variance.denominator)
    return Fraction(root, FIXED_SCALE)


# -- the round ------------------------------------------------------------------------------
def common_denominator(totals: Iterable[Fraction]) -> int:
    return math.lcm(1, *(t.denominator for t in totals))


def aggregate_totals(
    reviews: Sequence[ScoredReview], aggregation: Aggregation | str
) -> tuple[dict[int, IdeaScore], RoundStats, list[Note]]:
    """Final scores of every idea that has at least one review, with the round's figures."""
    denominator = common_denominator(r.total for r in reviews)
    entries = [(r.idea_id, r.reviewer_id, int(r.total * denominator)) for r in reviews]
    return aggregate_units(entries, denominator, Aggregation(aggregation))


def aggregate_units(
    entries: Sequence[tuple[int, int, int]], denominator: int, aggregation: Aggregation
) -> tuple[dict[int, IdeaScore], RoundStats, list[Note]]:
    """:func:`aggregate_totals` on ``(idea_id, reviewer_id, total × denominator)`` triples."""
    by_idea: dict[int, list[int]] = {}
    for idea_id, _reviewer, units in entries:
        by_idea.setdefault(idea_id, []).append(units)

    n_all = len(entries)
    sum_all = sum(e[2] for e in entries)
    squares_all = sum(e[2] * e[2] for e in entries)
    round_radicand = n_all * squares_all - sum_all * sum_all  # (N · deviation)² in units²
    round_root = math.isqrt(round_radicand * FIXED_SCALE * FIXED_SCALE) if n_all else 0
    stats = RoundStats(
        n_totals=n_all,
        mean=Fraction(sum_all, n_all * denominator) if n_all else None,
        std=Fraction(round_root, n_all * denominator * FIXED_SCALE) if n_all else None,
    )

    notes: list[Note] = []
    z_sums: dict[int, int] = {}
    if aggregation.normalises and n_all:
        z_by_entry = (
            _robust_z(entries, denominator, notes)
            if aggregation is Aggregation.ZSCORE_ROBUST
            else _plain_z(entries, n_all, sum_all, round_radicand, denominator, notes)
        )
        for (idea_id, _reviewer, _units), z_fixed in zip(entries, z_by_entry, strict=True):
            z_sums[idea_id] = z_sums.get(idea_id, 0) + z_fixed

    scores: dict[int, IdeaScore] = {}
    hundred = 100 * FIXED_SCALE
    for idea_id, values in sorted(by_idea.items()):
        values.sort()
        n = len(values)
        total = sum(values)
        low, high = values[0], values[-1]
        idea_mean = Fraction(total, n * denominator)
        mid = n // 2
        idea_median = (
            Fraction(values[mid], denominator)
            if n % 2
            else Fraction(values[mid - 1] + values[mid], 2 * denominator)
        )
        radicand = n * sum(v * v for v in values) - total * total
        std = Fraction(
            math.isqrt(radicand * FIXED_SCALE * FIXED_SCALE), n * denominator * FIXED_SCALE
        )
        z: Fraction | None = None
        if aggregation is Aggregation.MEAN:
            final = idea_mean
        elif aggregation is Aggregation.MEDIAN:
            final = idea_median
        elif aggregation is Aggregation.TRIMMED_MEAN:
            if n >= MIN_REVIEWS_TO_TRIM:
                final = Fraction(total - low - high, (n - 2) * denominator)
            else:
                final = idea_mean
        else:
            z_sum = z_sums[idea_id]
            z = Fraction(z_sum, n * FIXED_SCALE)
            # final = round mean + z̄ × round deviation, in fixed point:
            # S/(N·d) + z_sum/(n·F) · root/(F·N·d)
            numerator = sum_all * n * FIXED_SCALE * FIXED_SCALE + z_sum * round_root
            fixed = numerator * FIXED_SCALE // (n * FIXED_SCALE * FIXED_SCALE * n_all * denominator)
            if fixed < 0 or fixed > hundred:
                notes.append(
                    Note(
                        "final_score_clamped",
                        Message(
                            N_(
                                "Điểm chuẩn hóa của ý tưởng %(idea)s (%(score)s) nằm ngoài thang "
                                "0–100 nên được đưa về %(bound)s."
                            ),
                            idea=str(idea_id),
                            score=format_number(round_half_up(Fraction(fixed, FIXED_SCALE))),
                            bound="0" if fixed < 0 else "100",
                        ),
                        idea_id=idea_id,
                    )
                )
                fixed = min(max(fixed, 0), hundred)
            final = Fraction(fixed, FIXED_SCALE)
        scores[idea_id] = IdeaScore(
            idea_id=idea_id,
            n_reviews=n,
            final=final,
            mean=idea_mean,
            median=idea_median,
            spread=Fraction(high - low, denominator),
            std=std,
            z=z,
        )
    return scores, stats, notes


def _reviewer_groups(entries: Sequence[tuple[int, int, int]]) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = {}
    for _idea, reviewer_id, units in entries:
        groups.setdefault(reviewer_id, []).append(units)
    return groups


def _few_totals_note(reviewer_id: int, count: int, how: str) -> Note:
    """``how`` names the round's centre and scale, marked with ``N_``."""
    return Note(
        "reviewer_standardised_by_round",
        Message(
            N_(
                "Thành viên hội đồng %(reviewer)s mới có %(count)s phiếu đã nộp trong đợt (cần ít "
                "nhất %(min)s), nên tổng điểm của thành viên này được chuẩn hóa theo %(how)s của "
                "cả đợt thay cho của riêng mình."
            ),
            reviewer=str(reviewer_id),
            count=str(count),
            min=str(MIN_TOTALS_FOR_OWN_SCALE),
            how=Message(how),
        ),
        reviewer_id=reviewer_id,
        count=count,
    )


def _constant_note(reviewer_id: int, units: int, denominator: int) -> Note:
    shown = format_number(round_half_up(Fraction(units, denominator)))
    return Note(
        "reviewer_constant_totals",
        Message(
            N_(
                "Thành viên hội đồng %(reviewer)s cho mọi ý tưởng cùng một tổng điểm (%(total)s); "
                "độ lệch bằng 0 nên điểm chuẩn hóa (z) của các phiếu này bằng 0."
            ),
            reviewer=str(reviewer_id),
            total=shown,
        ),
        reviewer_id=reviewer_id,
    )


def _plain_z(
    entries: Sequence[tuple[int, int, int]],
    n_all: int,
    sum_all: int,
    round_radicand: int,
    denominator: int,
    notes: list[Note],
) -> list[int]:
    """z = (x − reviewer mean) / reviewer population deviation, × FIXED_SCALE.

    With n totals, sum S and sum of squares Q: z = (n·x − S) / sqrt(n·Q − S²).
    """
    own: dict[int, tuple[int, int, int]] = {}  # reviewer → (n, S, radicand)
    for reviewer_id, values in sorted(_reviewer_groups(entries).items()):
        n = len(values)
        total = sum(values)
        if n < MIN_TOTALS_FOR_OWN_SCALE:
            notes.append(
                _few_totals_note(reviewer_id, n, N_("trung bình và độ lệch chuẩn tổng thể"))
            )
            own[reviewer_id] = (n_all, sum_all, round_radicand)
            continue
        radicand = n * sum(v * v for v in values) - total * total
        if radicand == 0:
            notes.append(_constant_note(reviewer_id, values[0], denominator))
        own[reviewer_id] = (n, total, radicand)
    if round_radicand == 0:
        notes.append(
            Note(
                "round_constant_totals",
                N_(
                    "Mọi phiếu trong đợt có cùng một tổng điểm; điểm chuẩn hóa của mọi ý tưởng "
                    "bằng điểm trung bình của đợt."
                ),
            )
        )
    result = []
    for _idea, reviewer_id, units in entries:
        n, total, radicand = own[reviewer_id]
        result.append(fixed_div_sqrt(n * units - total, radicand) if radicand else 0)
    return result


def _doubled_median(ordered: list[int]) -> int:
    """Twice the median of a sorted list of ints: an int, so no fractions are needed."""
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return 2 * ordered[mid]
    return ordered[mid - 1] + ordered[mid]


def _median_and_mad(values: list[int]) -> tuple[Fraction, Fraction]:
    """Median and median absolute deviation of ints, exact."""
    centre2 = _doubled_median(sorted(values))
    deviations2 = sorted(abs(2 * v - centre2) for v in values)
    return Fraction(centre2, 2), Fraction(_doubled_median(deviations2), 4)


def _robust_z(
    entries: Sequence[tuple[int, int, int]], denominator: int, notes: list[Note]
) -> list[int]:
    """z = (x − reviewer median) / (1.4826 × reviewer MAD), × FIXED_SCALE, truncated."""
    round_centre, round_mad = _median_and_mad([e[2] for e in entries])
    scale_of: dict[int, tuple[Fraction, Fraction]] = {}
    for reviewer_id, values in sorted(_reviewer_groups(entries).items()):
        if len(values) < MIN_TOTALS_FOR_OWN_SCALE:
            notes.append(
                _few_totals_note(
                    reviewer_id, len(values), N_("trung vị và độ lệch tuyệt đối trung vị")
                )
            )
            scale_of[reviewer_id] = (round_centre, round_mad)
            continue
        centre, mad = _median_and_mad(values)
        if mad == 0:
            notes.append(
                Note(
                    "reviewer_zero_mad",
                    Message(
                        N_(
                            "Hơn một nửa số phiếu của thành viên hội đồng %(reviewer)s có cùng "
                            "tổng điểm; độ lệch tuyệt đối trung vị bằng 0 nên điểm chuẩn hóa (z) "
                            "của các phiếu này bằng 0."
                        ),
                        reviewer=str(reviewer_id),
                    ),
                    reviewer_id=reviewer_id,
                )
            )
        scale_of[reviewer_id] = (centre, mad)
    # (x − c) / (1.4826 × mad) with c = cn/cd and 1.4826 × mad = sn/sd, in integers:
    # (x·cd − cn) · sd / (cd · sn)
    fractions: dict[int, tuple[int, int, int, int]] = {}
    for reviewer_id, (centre, mad) in scale_of.items():
        scale = MAD_TO_SD * mad
        fractions[reviewer_id] = (
            centre.numerator,
            centre.denominator,
            scale.numerator,
            scale.denominator,
        )
    result = []
    for _idea, reviewer_id, units in entries:
        cn, cd, sn, sd = fractions[reviewer_id]
        if sn == 0:
            result.append(0)
            continue
        numerator = (units * cd - cn) * sd * FIXED_SCALE
        magnitude = abs(numerator) // (cd * sn)
        result.append(-magnitude if numerator < 0 else magnitude)
    return result
