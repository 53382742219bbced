"""A reviewer's score sheet: validity and the exact weighted total on 0–100."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from scoring import (
    Criterion,
    InvalidScoreSheet,
    Rubric,
    display,
    review_total,
    round_half_up,
    validate_sheet,
)

D = Decimal


@pytest.fixture
def scaled_rubric() -> Rubric:
    """Weights 3 and 1 (sum 4), maxima 10 and 5: total = (a/10·3 + b/5·1) · 100/4 = 7.5a + 5b."""
    return Rubric(
        "Hai tiêu chí",
        (
            Criterion("A", "Tiêu chí A", D(10), D(3), step=D("0.5")),
            Criterion("B", "Tiêu chí B", D(5), D(1)),
        ),
    )


def test_total_of_the_default_set_is_the_sum_of_points(default_rubric: Rubric) -> None:
    points = {"TINH_MOI": 27, "KHA_NANG_AP_DUNG": 20, "HIEU_QUA": 25, "TINH_KINH_TE": 12}
    assert review_total(default_rubric, points) == 84


def test_total_is_scaled_so_that_weights_sum_to_one_hundred(scaled_rubric: Rubric) -> None:
    # 7 / 10 × 3 = 2.1 ; 3 / 5 × 1 = 0.6 ; (2.1 + 0.6) × 100 / 4 = 67.5
    assert review_total(scaled_rubric, {"A": 7, "B": 3}) == Fraction(135, 2)
    # 7.5 / 10 × 3 = 2.25 ; 2 / 5 = 0.4 ; 2.65 × 25 = 66.25
    assert review_total(scaled_rubric, {"A": D("7.5"), "B": 2}) == Fraction(265, 4)


def test_full_marks_are_one_hundred_and_nothing_is_zero(scaled_rubric: Rubric) -> None:
    assert review_total(scaled_rubric, {"A": 10, "B": 5}) == 100
    assert review_total(scaled_rubric, {"A": 0, "B": 0}) == 0


def test_totals_are_exact_where_floats_are_not() -> None:
    rubric = Rubric(
        "Ba phần bằng nhau",
        tuple(Criterion(code, code, D(3), D(1)) for code in ("A", "B", "C")),
    )
    total = review_total(rubric, {"A": 1, "B": 1, "C": 1})
    assert total == Fraction(100, 3)
    assert display(total) == D("33.33")
    assert 3 * total == 100


def test_json_floats_are_read_by_their_decimal_value(scaled_rubric: Rubric) -> None:
    assert review_total(scaled_rubric, {"A": 7.5, "B": 2.0}) == Fraction(265, 4)


def test_a_point_above_its_maximum_invalidates_the_whole_sheet(default_rubric: Rubric) -> None:
    points = {"TINH_MOI": 31, "KHA_NANG_AP_DUNG": 20, "HIEU_QUA": 25, "TINH_KINH_TE": 12}
    with pytest.raises(InvalidScoreSheet) as caught:
        review_total(default_rubric, points)
    [problem] = caught.value.problems
    assert problem.path == "scores.TINH_MOI"
    assert problem.message == (
        "Điểm 31 vượt quá điểm tối đa 30 của tiêu chí “Tính mới, tính sáng tạo”."
    )


def test_every_problem_of_a_sheet_is_named(scaled_rubric: Rubric) -> None:
    problems = validate_sheet(scaled_rubric, {"A": D("7.25"), "B": -1, "C": 3})
    assert {p.path: p.message for p in problems} == {
        "scores.C": "Không có tiêu chí mã C trong bộ tiêu chí.",
        "scores.A": "Điểm 7,25 không hợp lệ: tiêu chí “Tiêu chí A” chấm theo bước 0,5 điểm.",
        "scores.B": "Điểm -1 không được âm.",
    }


def test_missing_criteria_make_a_sheet_incomplete_but_a_draft_may_leave_them(
    scaled_rubric: Rubric,
) -> None:
    assert [p.path for p in validate_sheet(scaled_rubric, {"A": 5})] == ["scores.B"]
    assert validate_sheet(scaled_rubric, {"A": 5, "B": None}, complete=False) == []
    # The live total of a draft counts what has been scored so far.
    assert review_total(scaled_rubric, {"A": 4}, complete=False) == 30


def test_points_that_are_not_numbers_are_refused(scaled_rubric: Rubric) -> None:
    problems = validate_sheet(scaled_rubric, {"A": "bảy", "B": True})
    assert {p.message for p in problems} == {"Điểm phải là một số."}
    problems = validate_sheet(scaled_rubric, {"A": 5, "B": D("1.234")})
    assert [p.message for p in problems] == ["Điểm chỉ được có tối đa 2 chữ số thập phân."]
    assert validate_sheet(scaled_rubric, [1, 2])[0].path == "scores"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(67665, 1000), "67.67"),
        (Fraction(2, 3), "0.67"),
        (Fraction(1, 8), "0.13"),
        (Fraction(-1, 8), "-0.13"),
        (Fraction(1, 200), "0.01"),
        (Fraction(1, 201), "0.00"),
        (100, "100.00"),
    ],
)
def test_display_rounds_half_up_to_two_decimals(value: Fraction, shown: str) -> None:
    assert str(round_half_up(value)) == shown
