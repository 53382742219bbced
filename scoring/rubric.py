"""A criteria set as plain data, and the checks that make it usable as a score sheet."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from math import lcm
from typing import Any, Final

from scoring.messages import N_, Message
from scoring.numbers import NotANumber, Number, format_number, to_fraction

CODE_PATTERN: Final = re.compile(r"^[A-Z][A-Z0-9_]{0,39}$")
NAME_MAX_LENGTH: Final = 255
#: Points, maxima and weights are written with at most two decimals.
MAX_DECIMALS: Final = 2


@dataclass(frozen=True, slots=True)
class Problem:
    """One precise complaint about a rubric or a score sheet.

    ``path`` names the offending field the way the API body names it, for example
    ``criteria[2].weight`` or ``scores.TINH_MOI``; ``message`` is a Vietnamese sentence
    that can be shown to the council as it is.
    """

    path: str
    message: str


class InvalidRubric(ValueError):
    """Raised with the list of problems when a rubric cannot be used."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in self.problems))

    def fields(self) -> dict[str, list[str]]:
        """The problems grouped by path, in the shape of the API's ``fields``."""
        return problems_to_fields(self.problems)


def problems_to_fields(problems: Sequence[Problem]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        grouped.setdefault(problem.path, []).append(problem.message)
    return grouped


@dataclass(frozen=True, slots=True)
class Band:
    """A range of points of one criterion with what it means (a ``level`` in API.md)."""

    min: Decimal
    max: Decimal
    label: str
    guidance: str = ""


@dataclass(frozen=True, slots=True)
class Criterion:
    """One line of the score sheet.

    ``min_points`` is an optional knock-out minimum: an idea whose mean points on this
    criterion stay below it is not proposed for recognition, whatever its total.
    ``step`` is the granularity a reviewer may use (None: any value with two decimals).
    """

    code: str
    name: str
    max_points: Decimal
    weight: Decimal
    min_points: Decimal | None = None
    bands: tuple[Band, ...] = ()
    description: str = ""
    step: Decimal | None = None

    def band_for(self, points: Decimal | Fraction | int) -> Band | None:
        """The band that contains ``points``, if any."""
        for band in self.bands:
            if band.min <= points <= band.max:
                return band
        return None


@dataclass(frozen=True, slots=True)
class RecognitionLevel:
    """A recognition level reached by a final score of at least ``min_score`` (0–100)."""

    code: str
    name: str
    min_score: Decimal


@dataclass(frozen=True)
class Rubric:
    """A criteria set: the criteria in sheet order and the recognition levels, highest first."""

    name: str
    criteria: tuple[Criterion, ...]
    levels: tuple[RecognitionLevel, ...] = ()
    basis: str = ""

    # -- derived values -------------------------------------------------------------------
    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.criteria)

    @property
    def total_weight(self) -> Decimal:
        return sum((c.weight for c in self.criteria), Decimal(0))

    def criterion(self, code: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.code == code:
                return criterion
        raise KeyError(code)

    @property
    def top_criterion(self) -> Criterion:
        """The criterion of largest weight; the first one in sheet order on equal weights.

        Its mean points break ties of the final score (API.md, Ranking).
        """
        best = self.criteria[0]
        for criterion in self.criteria[1:]:
            if criterion.weight > best.weight:
                best = criterion
        return best

    @cached_property
    def coefficients(self) -> tuple[tuple[int, ...], int]:
        """Integer coefficients and common denominator of the weighted total.

        total = Σ points_c / max_c × weight_c × 100 / Σ weights
              = Σ (points_c × 100) × coef_c / denominator
        so that a review's total is an exact integer over ``denominator``.
        """
        total_weight = Fraction(self.total_weight)
        # points × 100 are the integers we feed in, hence the extra 1/100 below.
        ratios = [
            Fraction(c.weight) / (Fraction(c.max_points) * total_weight) for c in self.criteria
        ]
        denominator = lcm(*(r.denominator for r in ratios))
        coefs = tuple(int(r * denominator) for r in ratios)
        return coefs, denominator

    def with_weights(self, weights: Mapping[str, Number]) -> Rubric:
        """A copy with some weights replaced (for what-if rankings); unknown codes raise."""
        unknown = set(weights) - set(self.codes)
        if unknown:
            raise InvalidRubric(
                [
                    Problem(f"weights.{code}", N_("Không có tiêu chí mã này trong bộ tiêu chí."))
                    for code in sorted(unknown)
                ]
            )
        criteria = []
        for c in self.criteria:
            if c.code in weights:
                c = replace(c, weight=_as_decimal(weights[c.code]))
            criteria.append(c)
        return Rubric(
            name=self.name, criteria=tuple(criteria), levels=self.levels, basis=self.basis
        )

    def level_for(self, score: Fraction | Decimal | int) -> RecognitionLevel | None:
        """The highest recognition level whose minimum the score reaches, or None."""
        best: RecognitionLevel | None = None
        for level in self.levels:
            if score >= level.min_score and (best is None or level.min_score > best.min_score):
                best = level
        return best

    # -- validation -----------------------------------------------------------------------
    def validate(self) -> list[Problem]:
        """Every problem that makes this set unusable, in field order (empty when valid)."""
        problems: list[Problem] = []
        if not self.name or not self.name.strip():
            problems.append(Problem("name", N_("Tên bộ tiêu chí không được để trống.")))
        elif len(self.name) > NAME_MAX_LENGTH:
            problems.append(
                Problem(
                    "name",
                    Message(N_("Tên bộ tiêu chí dài quá %(max)s ký tự."), max=str(NAME_MAX_LENGTH)),
                )
            )
        if not self.criteria:
            problems.append(Problem("criteria", N_("Bộ tiêu chí phải có ít nhất một tiêu chí.")))
        seen: dict[str, int] = {}
        for index, criterion in enumerate(self.criteria):
            problems.extend(_criterion_problems(f"criteria[{index}]", criterion))
            if criterion.code in seen:
                problems.append(
                    Problem(
                        f"criteria[{index}].code",
                        Message(
                            N_("Mã tiêu chí %(code)s bị trùng với tiêu chí thứ %(n)s."),
                            code=criterion.code,
                            n=str(seen[criterion.code] + 1),
                        ),
                    )
                )
            else:
                seen[criterion.code] = index
        problems.extend(_levels_problems(self.levels))
        return problems

    def warnings(self) -> list[Problem]:
        """Things worth a look that do not stop the set from working."""
        notes: list[Problem] = []
        total = self.total_weight
        if self.criteria and total != 100 and all(_positive(c.weight) for c in self.criteria):
            notes.append(
                Problem(
                    "criteria",
                    Message(
                        N_(
                            "Tổng trọng số là %(total)s, không phải 100; tổng điểm vẫn được "
                            "quy đổi về thang 100."
                        ),
                        total=format_number(total),
                    ),
                )
            )
        return notes

    def check(self) -> Rubric:
        """Return self when valid, raise :class:`InvalidRubric` otherwise."""
        problems = self.validate()
        if problems:
            raise InvalidRubric(problems)
        return self


# -- building from plain data (the API body) ------------------------------------------------
_UNREADABLE: Final = Decimal("NaN")


def _as_decimal(value: object) -> Decimal:
    fraction = to_fraction(value)
    return Decimal(fraction.numerator) / Decimal(fraction.denominator)


def parse_rubric(data: Mapping[str, Any]) -> Rubric:
    """Build and validate a rubric from the API body shape of API.md (``POST /criteria-sets``).

    Raise :class:`InvalidRubric` listing every problem, numbers that are not numbers included.
    """
    problems: list[Problem] = []

    def number(path: str, value: object, *, optional: bool = False) -> Decimal | None:
        if value is None or value == "":
            if not optional:
                problems.append(Problem(path, N_("Trường này là bắt buộc.")))
            return None
        try:
            fraction = to_fraction(value)
        except NotANumber:
            problems.append(Problem(path, N_("Phải là một số.")))
            return None
        decimal = Decimal(fraction.numerator) / Decimal(fraction.denominator)
        if Fraction(decimal) != fraction:
            problems.append(Problem(path, N_("Số có quá nhiều chữ số thập phân.")))
            return None
        return decimal

    def text(value: object) -> str:
        return value.strip() if isinstance(value, str) else ""

    raw_criteria = data.get("criteria") or []
    if not isinstance(raw_criteria, list):
        problems.append(Problem("criteria", N_("Phải là một danh sách tiêu chí.")))
        raw_criteria = []
    criteria: list[Criterion] = []
    for index, raw in enumerate(raw_criteria):
        path = f"criteria[{index}]"
        if not isinstance(raw, Mapping):
            problems.append(Problem(path, N_("Mỗi tiêu chí phải là một đối tượng.")))
            continue
        bands: list[Band] = []
        raw_bands = raw.get("levels") or []
        if not isinstance(raw_bands, list):
            problems.append(Problem(f"{path}.levels", N_("Phải là một danh sách khoảng điểm.")))
            raw_bands = []
        for b_index, raw_band in enumerate(raw_bands):
            b_path = f"{path}.levels[{b_index}]"
            if not isinstance(raw_band, Mapping):
                problems.append(Problem(b_path, N_("Mỗi khoảng điểm phải là một đối tượng.")))
                continue
            low = number(f"{b_path}.min", raw_band.get("min"))
            high = number(f"{b_path}.max", raw_band.get("max"))
            bands.append(
                Band(
                    low if low is not None else _UNREADABLE,
                    high if high is not None else _UNREADABLE,
                    text(raw_band.get("label")),
                    text(raw_band.get("guidance")),
                )
            )
        max_points = number(f"{path}.max_points", raw.get("max_points"))
        weight = number(f"{path}.weight", raw.get("weight"))
        min_points = number(f"{path}.min_points", raw.get("min_points"), optional=True)
        step = number(f"{path}.step", raw.get("step"), optional=True)
        criteria.append(
            Criterion(
                code=text(raw.get("code")),
                name=text(raw.get("name")),
                max_points=max_points if max_points is not None else _UNREADABLE,
                weight=weight if weight is not None else _UNREADABLE,
                min_points=min_points,
                bands=tuple(bands),
                description=text(raw.get("description")),
                step=step,
            )
        )
    levels: list[RecognitionLevel] = []
    raw_levels = data.get("recognition_levels") or []
    if not isinstance(raw_levels, list):
        problems.append(Problem("recognition_levels", N_("Phải là một danh sách mức công nhận.")))
        raw_levels = []
    for index, raw in enumerate(raw_levels):
        path = f"recognition_levels[{index}]"
        if not isinstance(raw, Mapping):
            problems.append(Problem(path, N_("Mỗi mức công nhận phải là một đối tượng.")))
            continue
        min_score = number(f"{path}.min_score", raw.get("min_score"))
        levels.append(
            RecognitionLevel(
                text(raw.get("code")),
                text(raw.get("name")),
                min_score if min_score is not None else _UNREADABLE,
            )
        )
    rubric = Rubric(
        name=text(data.get("name")),
        criteria=tuple(criteria),
        levels=tuple(levels),
        basis=text(data.get("basis")),
    )
    # Problems of numbers that could not be read come first, then the set's own problems,
    # except those caused by the placeholder values put in for unreadable numbers.
    unreadable = {p.path for p in problems}
    problems.extend(p for p in rubric.validate() if p.path not in unreadable)
    if problems:
        raise InvalidRubric(_in_field_order(problems))
    return rubric


def rubric_to_dict(rubric: Rubric) -> dict[str, Any]:
    """The API body shape of a rubric (numbers as Decimal; the caller chooses the JSON form)."""
    return {
        "name": rubric.name,
        "basis": rubric.basis,
        "criteria": [
            {
                "code": c.code,
                "name": c.name,
                "description": c.description,
                "max_points": c.max_points,
                "weight": c.weight,
                "min_points": c.min_points,
                "step": c.step,
                "levels": [
                    {"min": b.min, "max": b.max, "label": b.label, "guidance": b.guidance}
                    for b in c.bands
                ],
            }
            for c in rubric.criteria
        ],
        "recognition_levels": [
            {"code": lv.code, "name": lv.name, "min_score": lv.min_score} for lv in rubric.levels
        ],
    }


# -- the individual checks ------------------------------------------------------------------
def _range(band: Band) -> str:
    return f"{format_number(band.min)}–{format_number(band.max)}"


def _positive(value: object) -> bool:
    return isinstance(value, Decimal | int) and not isinstance(value, bool) and value > 0


def _decimals_ok(value: Decimal) -> bool:
    return (value * 10**MAX_DECIMALS) == (value * 10**MAX_DECIMALS).to_integral_value()


def _number_problems(path: str, value: object, label: str) -> list[Problem]:
    """``label`` is the field's name marked with ``N_`` (translated where it is shown)."""
    name = Message(label)
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        return [Problem(path, Message(N_("%(label)s phải là một số."), label=name))]
    if isinstance(value, Decimal) and not value.is_finite():
        return [Problem(path, Message(N_("%(label)s phải là một số hữu hạn."), label=name))]
    if not _decimals_ok(Decimal(value)):
        message = N_("%(label)s chỉ được có tối đa %(n)s chữ số thập phân.")
        return [Problem(path, Message(message, label=name, n=str(MAX_DECIMALS)))]
    return []


def _code_problems(path: str, code: str, what: str) -> list[Problem]:
    """``what`` names the thing coded, marked with ``N_`` ("tiêu chí")."""
    if not code:
        return [Problem(path, Message(N_("Mã %(what)s không được để trống."), what=Message(what)))]
    if not CODE_PATTERN.match(code):
        return [
            Problem(
                path,
                Message(
                    N_(
                        "Mã %(what)s “%(code)s” chỉ được gồm chữ in hoa không dấu, chữ số và dấu "
                        "gạch dưới, bắt đầu bằng một chữ cái, tối đa 40 ký tự (ví dụ TINH_MOI)."
                    ),
                    what=Message(what),
                    code=code,
                ),
            )
        ]
    return []


def _criterion_problems(path: str, c: Criterion) -> list[Problem]:
    problems = _code_problems(f"{path}.code", c.code, N_("tiêu chí"))
    if not c.name or not c.name.strip():
        problems.append(Problem(f"{path}.name", N_("Tên tiêu chí không được để trống.")))
    elif len(c.name) > NAME_MAX_LENGTH:
        problems.append(
            Problem(
                f"{path}.name",
                Message(N_("Tên tiêu chí dài quá %(max)s ký tự."), max=str(NAME_MAX_LENGTH)),
            )
        )

    max_bad = _number_problems(f"{path}.max_points", c.max_points, N_("Điểm tối đa"))
    if not max_bad and c.max_points <= 0:
        max_bad = [Problem(f"{path}.max_points", N_("Điểm tối đa phải lớn hơn 0."))]
    problems.extend(max_bad)

    weight_bad = _number_problems(f"{path}.weight", c.weight, N_("Trọng số"))
    if not weight_bad and c.weight <= 0:
        weight_bad = [Problem(f"{path}.weight", N_("Trọng số phải lớn hơn 0."))]
    problems.extend(weight_bad)

    if c.step is not None:
        step_bad = _number_problems(f"{path}.step", c.step, N_("Bước điểm"))
        if not step_bad and c.step <= 0:
            step_bad = [Problem(f"{path}.step", N_("Bước điểm phải lớn hơn 0."))]
        # Exact fractions: Decimal's % fails when the quotient outgrows its precision.
        if not step_bad and not max_bad and Fraction(c.max_points) % Fraction(c.step) != 0:
            step_bad = [
                Problem(
                    f"{path}.step",
                    Message(
                        N_("Điểm tối đa %(max)s phải là bội số của bước điểm %(step)s."),
                        max=format_number(c.max_points),
                        step=format_number(c.step),
                    ),
                )
            ]
        problems.extend(step_bad)

    if c.min_points is not None:
        min_bad = _number_problems(f"{path}.min_points", c.min_points, N_("Điểm tối thiểu"))
        if not min_bad and c.min_points < 0:
            min_bad = [Problem(f"{path}.min_points", N_("Điểm tối thiểu không được âm."))]
        if not min_bad and not max_bad and c.min_points > c.max_points:
            min_bad = [
                Problem(
                    f"{path}.min_points",
                    Message(
                        N_("Điểm tối thiểu %(min)s vượt quá điểm tối đa %(max)s."),
                        min=format_number(c.min_points),
                        max=format_number(c.max_points),
                    ),
                )
            ]
        problems.extend(min_bad)

    checked: list[tuple[int, Band]] = []
    for index, band in enumerate(c.bands):
        b_path = f"{path}.levels[{index}]"
        band_problems = _number_problems(f"{b_path}.min", band.min, N_("Điểm đầu khoảng"))
        band_problems += _number_problems(f"{b_path}.max", band.max, N_("Điểm cuối khoảng"))
        if not band.label:
            band_problems.append(
                Problem(f"{b_path}.label", N_("Mô tả khoảng điểm không được trống."))
            )
        if band_problems:
            problems.extend(band_problems)
            continue
        if band.min > band.max:
            problems.append(
                Problem(
                    f"{b_path}.min",
                    Message(
                        N_("Điểm đầu %(min)s lớn hơn điểm cuối %(max)s của khoảng."),
                        min=format_number(band.min),
                        max=format_number(band.max),
                    ),
                )
            )
            continue
        if band.min < 0:
            problems.append(Problem(f"{b_path}.min", N_("Khoảng điểm không được bắt đầu dưới 0.")))
            continue
        if not max_bad and band.max > c.max_points:
            problems.append(
                Problem(
                    f"{b_path}.max",
                    Message(
                        N_("Khoảng điểm %(range)s vượt quá điểm tối đa %(max)s của tiêu chí."),
                        range=_range(band),
                        max=format_number(c.max_points),
                    ),
                )
            )
            continue
        for other_index, other in checked:
            if band.min <= other.max and other.min <= band.max:
                problems.append(
                    Problem(
                        f"{b_path}.min",
                        Message(
                            N_(
                                "Khoảng điểm %(range)s chồng lấn với khoảng %(other)s "
                                "(khoảng thứ %(n)s)."
                            ),
                            range=_range(band),
                            other=_range(other),
                            n=str(other_index + 1),
                        ),
                    )
                )
                break
        else:
            checked.append((index, band))
    return problems


def _levels_problems(levels: Sequence[RecognitionLevel]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    previous: tuple[int, Decimal] | None = None
    for index, level in enumerate(levels):
        path = f"recognition_levels[{index}]"
        problems.extend(_code_problems(f"{path}.code", level.code, N_("mức công nhận")))
        if level.code in seen:
            problems.append(
                Problem(
                    f"{path}.code",
                    Message(
                        N_("Mã mức công nhận %(code)s bị trùng với mức thứ %(n)s."),
                        code=level.code,
                        n=str(seen[level.code] + 1),
                    ),
                )
            )
        elif level.code:
            seen[level.code] = index
        if not level.name or not level.name.strip():
            problems.append(Problem(f"{path}.name", N_("Tên mức công nhận không được để trống.")))
        score_bad = _number_problems(f"{path}.min_score", level.min_score, N_("Điểm tối thiểu"))
        if not score_bad and not 0 <= level.min_score <= 100:
            score_bad = [Problem(f"{path}.min_score", N_("Điểm tối thiểu phải nằm trong 0–100."))]
        problems.extend(score_bad)
        if score_bad:
            continue
        if previous is not None and level.min_score >= previous[1]:
            problems.append(
                Problem(
                    f"{path}.min_score",
                    Message(
                        N_(
                            "Các mức công nhận phải xếp từ cao xuống thấp với điểm tối thiểu giảm "
                            "dần: mức này (%(score)s) không thấp hơn mức thứ %(n)s (%(previous)s)."
                        ),
                        score=format_number(level.min_score),
                        n=str(previous[0] + 1),
                        previous=format_number(previous[1]),
                    ),
                )
            )
        previous = (index, level.min_score)
    return problems


_PATH_KEY = re.compile(r"\[(\d+)\]")


def _in_field_order(problems: list[Problem]) -> list[Problem]:
    order = {"name": 0, "basis": 1, "criteria": 2, "recognition_levels": 3}

    def key(problem: Problem) -> tuple[object, ...]:
        head = re.split(r"[.\[]", problem.path, maxsplit=1)[0]
        indices = tuple(int(i) for i in _PATH_KEY.findall(problem.path))
        return (order.get(head, 9), indices)

    return sorted(problems, key=key)
