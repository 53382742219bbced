"""Exact number handling shared by the scoring modules: parsing, fixed point, display rounding."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Final, TypeAlias

#: What callers may pass as a number: JSON floats are accepted through their shortest
#: decimal representation (``7.5`` is 7.5, never 7.4999…), booleans are refused.
Number: TypeAlias = int | Decimal | Fraction | float | str

#: Scale of the fixed-point values used where a square root makes an exact fraction
#: impossible (z-scores, standard deviations): 40 decimal places, truncated toward zero, so
#: a final score built from them is within 10⁻³⁵ of the real number. Integer square roots
#: make these values identical on every platform and for every order of the input.
FIXED_SCALE: Final = 10**40

_HUNDRED: Final = Decimal(100)


class NotANumber(ValueError):
    """A value that cannot be read as a finite number."""


def to_fraction(value: object) -> Fraction:
    """Read ``value`` as an exact fraction; raise :class:`NotANumber` otherwise."""
    if isinstance(value, bool) or value is None:
        raise NotANumber(repr(value))
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotANumber(repr(value))
        return Fraction(Decimal(repr(value)))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NotANumber(str(value))
        return Fraction(value)
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip().replace(",", "."))
        except InvalidOperation as exc:
            raise NotANumber(value) from exc
        if not parsed.is_finite():
            raise NotANumber(value)
        return Fraction(parsed)
    raise NotANumber(repr(value))


def hundredths(value: object) -> int | None:
    """``value`` × 100 as an int when it is a number with at most two decimals, else None.

    Integers and Decimals take a fast path; this runs once per point of every score sheet.
    """
    kind = type(value)
    if kind is int:
        return value * 100  # type: ignore[operator]
    if kind is Decimal:
        if not value.is_finite():  # type: ignore[attr-defined]
            return None
        scaled = value * _HUNDRED  # type: ignore[operator]
        integral = scaled.to_integral_value()
        return int(integral) if integral == scaled else None
    try:
        exact = to_fraction(value) * 100
    except NotANumber:
        return None
    return exact.numerator if exact.denominator == 1 else None


def round_half_up(value: Fraction | int, places: int = 2) -> Decimal:
    """Round an exact value half away from zero to ``places`` decimals, for display only."""
    value = Fraction(value)
    scale = 10**places
    scaled = abs(value) * scale
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    result = Decimal(whole).scaleb(-places)
    if value < 0 and whole:
        result = -result
    return result.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def display(value: Fraction | int | None, places: int = 2) -> Decimal | None:
    """The value as API.md shows scores: rounded half-up to 2 decimals (None stays None)."""
    return None if value is None else round_half_up(value, places)


def fixed_div_sqrt(numerator: int, radicand: int) -> int:
    """``numerator / sqrt(radicand)`` in fixed point (× FIXED_SCALE), truncated toward zero.

    Exact integer arithmetic: floor(sqrt(floor(y))) == floor(sqrt(y)) for y ≥ 0.
    """
    if radicand <= 0:
        raise ValueError("radicand must be positive")
    magnitude = math.isqrt(numerator * numerator * FIXED_SCALE * FIXED_SCALE // radicand)
    return -magnitude if numerator < 0 else magnitude


def format_number(value: Decimal | Fraction | int) -> str:
    """A number as the council writes it in a sentence: 27, 7,5 (Vietnamese decimal comma)."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return format(Decimal(value).normalize(), "f").replace(".", ",")
