"""How far the reviewers of a round agree: Krippendorff's alpha for interval data.

Alpha was chosen over ICC(2,1) because a round is an incomplete design (each reviewer scores
only the ideas assigned to them, a third reviewer is added to some ideas) and alpha uses every
idea with at least two reviews as it is, without imputing or dropping reviewers.

Definition (Krippendorff, *Computing Krippendorff's Alpha-Reliability*, 2011; Hayes and
Krippendorff, *Communication Methods and Measures* 1(1), 2007): with the values of every
idea (unit) ``u`` that has ``m_u ≥ 2`` values, ``n = Σ m_u`` pairable values and the interval
metric δ(c, k)² = (c − k)²,

    α = 1 − D_o / D_e
    D_o = 1/n · Σ_u 1/(m_u − 1) · Σ_{i≠j in u} (v_i − v_j)²
    D_e = 1/(n(n − 1)) · Σ_{i≠j over all pairable values} (v_i − v_j)²

Since Σ_{i≠j} (v_i − v_j)² = 2(m Σv² − (Σv)²) for m values, both sums are computed in one
pass and exactly:

    α = 1 − (n − 1) · Σ_u (m_u Σ_u v² − (Σ_u v)²) / (m_u − 1)  ÷  (n Σ v² − (Σ v)²)

α = 1 is perfect agreement, 0 is agreement at chance level; Krippendorff advises relying on
data with α ≥ 0.800 and drawing only tentative conclusions from 0.667 ≤ α < 0.800.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Final

from scoring.messages import N_, Message
from scoring.numbers import format_number, round_half_up

METHOD: Final = "krippendorff_alpha_interval"
RELIABLE: Final = Fraction(8, 10)
TENTATIVE: Final = Fraction(667, 1000)

_RELIABLE: Final = N_(
    "Hệ số alpha của Krippendorff là %(alpha)s, tính trên %(n)s ý tưởng có từ hai phiếu: "
    "các thành viên hội đồng chấm nhất quán."
)
_TENTATIVE: Final = N_(
    "Hệ số alpha của Krippendorff là %(alpha)s, tính trên %(n)s ý tưởng có từ hai phiếu: "
    "mức nhất quán chấp nhận được, nên thận trọng khi kết luận."
)
_UNRELIABLE: Final = N_(
    "Hệ số alpha của Krippendorff là %(alpha)s, tính trên %(n)s ý tưởng có từ hai phiếu: "
    "các thành viên hội đồng chấm chưa nhất quán, nên xem lại các ý tưởng chênh lệch lớn."
)


@dataclass(frozen=True, slots=True)
class Reliability:
    """Agreement of a round's reviewers on the totals, and on each criterion."""

    alpha: Fraction | None
    #: Ideas with at least two reviews: the units alpha rests on.
    n_ideas: int
    #: Reviews of those ideas (pairable values).
    n_reviews: int
    #: ``reliable`` (α ≥ 0.8), ``tentative`` (≥ 0.667), ``unreliable``, or ``undefined``.
    verdict: str
    message: str
    criteria: Mapping[str, Fraction | None] = field(default_factory=dict)
    method: str = METHOD


def alpha_interval(units: Iterable[Sequence[int | Fraction]]) -> tuple[Fraction | None, int, int]:
    """Krippendorff's alpha (interval) over units of values; ``(alpha, n_units, n_values)``.

    Units with fewer than two values are not pairable and are left out. Alpha is undefined
    (None) when fewer than two units are pairable or when all pairable values are equal.
    """
    return alpha_from_sums((len(v), sum(v), sum(x * x for x in v)) for v in units)


def alpha_from_sums(
    units: Iterable[tuple[int, int | Fraction, int | Fraction]],
) -> tuple[Fraction | None, int, int]:
    """:func:`alpha_interval` from each unit's ``(count, Σv, Σv²)``, which is all it needs."""
    n = 0
    n_units = 0
    total: int | Fraction = 0
    squares: int | Fraction = 0
    # Σ_u (m_u Σv² − (Σv)²) / (m_u − 1), grouped by m_u so that the division happens once per
    # group size rather than once per idea.
    within_by_size: dict[int, int | Fraction] = {}
    for m, s, q in units:
        if m < 2:
            continue
        n_units += 1
        n += m
        total += s
        squares += q
        within_by_size[m] = within_by_size.get(m, 0) + m * q - s * s
    within = sum((Fraction(v, m - 1) for m, v in within_by_size.items()), Fraction(0))
    if n_units < 2:
        return None, n_units, n
    expected = n * squares - total * total
    if expected == 0:
        return None, n_units, n
    return 1 - (n - 1) * within / expected, n_units, n


def describe(alpha: Fraction | None, n_ideas: int) -> tuple[str, str]:
    """A verdict code and a Vietnamese sentence for the council."""
    if alpha is None:
        return (
            "undefined",
            N_(
                "Chưa tính được độ tin cậy giữa các thành viên hội đồng: cần ít nhất hai ý tưởng "
                "có từ hai phiếu chấm trở lên và các tổng điểm không trùng hết nhau."
            ),
        )
    values = {"alpha": format_number(round_half_up(alpha, 3)), "n": str(n_ideas)}
    if alpha >= RELIABLE:
        return "reliable", Message(_RELIABLE, **values)
    if alpha >= TENTATIVE:
        return "tentative", Message(_TENTATIVE, **values)
    return "unreliable", Message(_UNRELIABLE, **values)


def reliability(
    totals: Mapping[int, Sequence[int | Fraction]],
    criteria: Mapping[str, Iterable[tuple[int, int | Fraction, int | Fraction]]] | None = None,
) -> Reliability:
    """Reliability of a round from each idea's totals; ``criteria`` optionally gives, per
    criterion code, each idea's ``(count, Σ points, Σ points²)`` for a per-criterion alpha."""
    alpha, n_ideas, n_reviews = alpha_interval(totals.values())
    verdict, message = describe(alpha, n_ideas)
    per_criterion = {code: alpha_from_sums(stats)[0] for code, stats in (criteria or {}).items()}
    return Reliability(
        alpha=alpha,
        n_ideas=n_ideas,
        n_reviews=n_reviews,
        verdict=verdict,
        message=message,
        criteria=per_criterion,
    )
