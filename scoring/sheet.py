"""One reviewer's score sheet: is it valid, and what is its weighted total on 0–100."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from scoring.messages import N_, Message
from scoring.numbers import format_number, hundredths, to_fraction
from scoring.rubric import Problem, Rubric

Points = Mapping[str, object]


class InvalidScoreSheet(ValueError):
    """A sheet that cannot be counted; ``problems`` say why, path ``scores.<CODE>``."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in self.problems))


@dataclass(frozen=True, slots=True)
class SheetPlan:
    """A rubric compiled to integers so that thousands of sheets are checked and totalled fast.

    Points enter as hundredths (7.5 → 750); a sheet's total is
    ``Σ hundredths_c × coefs_c / denominator`` exactly.
    """

    codes: tuple[str, ...]
    max_units: tuple[int, ...]
    step_units: tuple[int, ...]
    coefs: tuple[int, ...]
    denominator: int

    @classmethod
    def of(cls, rubric: Rubric) -> SheetPlan:
        coefs, denominator = rubric.coefficients
        return cls(
            codes=rubric.codes,
            max_units=tuple(int(c.max_points * 100) for c in rubric.criteria),
            step_units=tuple(int(c.step * 100) if c.step else 1 for c in rubric.criteria),
            coefs=coefs,
            denominator=denominator,
        )

    def read(self, points: Points) -> tuple[tuple[int, ...], int] | None:
        """A complete, valid sheet's points in hundredths and its total × denominator, or
        None when anything is wrong (then :func:`validate_sheet` says what)."""
        if len(points) != len(self.codes):
            return None
        units = []
        total = 0
        get = points.get
        for code, top, step, coef in zip(
            self.codes, self.max_units, self.step_units, self.coefs, strict=True
        ):
            value = get(code)
            # Plain ints are the common case: skip the general conversion for them.
            u = value * 100 if type(value) is int else hundredths(value)
            if u is None or u < 0 or u > top or u % step:
                return None
            units.append(u)
            total += u * coef
        return tuple(units), total

    def units(self, points: Points) -> tuple[int, ...] | None:
        """The points of a complete, valid sheet in hundredths, or None when anything is wrong."""
        read = self.read(points)
        return None if read is None else read[0]

    def total_units(self, units: Sequence[int]) -> int:
        """The total × denominator, an exact integer."""
        return sum(u * k for u, k in zip(units, self.coefs, strict=True))


def validate_sheet(rubric: Rubric, points: object, *, complete: bool = True) -> list[Problem]:
    """Every problem of a sheet; empty when it can be counted.

    A point above its criterion's maximum makes the whole sheet invalid (DOMAIN.md). With
    ``complete=False`` (a draft) criteria may be left out or None; the rest must be valid.
    """
    if not isinstance(points, Mapping):
        return [Problem("scores", N_("Phiếu chấm phải là một bảng mã tiêu chí → điểm."))]
    problems: list[Problem] = []
    known = set(rubric.codes)
    for code in points:
        if code not in known:
            problems.append(
                Problem(
                    f"scores.{code}",
                    Message(N_("Không có tiêu chí mã %(code)s trong bộ tiêu chí."), code=code),
                )
            )
    for criterion in rubric.criteria:
        path = f"scores.{criterion.code}"
        value = points.get(criterion.code)
        if value is None or value == "":
            if complete:
                problems.append(
                    Problem(
                        path, Message(N_("Chưa chấm tiêu chí “%(name)s”."), name=criterion.name)
                    )
                )
            continue
        units = None if isinstance(value, bool) else hundredths(value)
        if units is None:
            try:
                to_fraction(value)
            except ValueError:
                problems.append(Problem(path, N_("Điểm phải là một số.")))
            else:
                problems.append(Problem(path, N_("Điểm chỉ được có tối đa 2 chữ số thập phân.")))
            continue
        shown = format_number(Fraction(units, 100))
        if units < 0:
            problems.append(
                Problem(path, Message(N_("Điểm %(points)s không được âm."), points=shown))
            )
        elif units > criterion.max_points * 100:
            problems.append(
                Problem(
                    path,
                    Message(
                        N_("Điểm %(points)s vượt quá điểm tối đa %(max)s của tiêu chí “%(name)s”."),
                        points=shown,
                        max=format_number(criterion.max_points),
                        name=criterion.name,
                    ),
                )
            )
        elif criterion.step and units % int(criterion.step * 100):
            problems.append(
                Problem(
                    path,
                    Message(
                        N_(
                            "Điểm %(points)s không hợp lệ: tiêu chí “%(name)s” chấm theo bước "
                            "%(step)s điểm."
                        ),
                        points=shown,
                        name=criterion.name,
                        step=format_number(criterion.step),
                    ),
                )
            )
    return problems


def review_total(rubric: Rubric, points: object, *, complete: bool = True) -> Fraction:
    """The exact weighted total of a sheet on 0–100 (API.md): Σ points/max × weight × 100/Σw.

    With ``complete=False`` missing criteria count as 0 (the live total of a draft).
    Raise :class:`InvalidScoreSheet` when the sheet is invalid.
    """
    problems = validate_sheet(rubric, points, complete=complete)
    if problems:
        raise InvalidScoreSheet(problems)
    assert isinstance(points, Mapping)
    plan = SheetPlan.of(rubric)
    units = [hundredths(points.get(code)) or 0 for code in plan.codes]
    return Fraction(plan.total_units(units), plan.denominator)
