"""A criteria set's own validity: precise, located messages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from scoring import Band, Criterion, InvalidRubric, RecognitionLevel, Rubric, parse_rubric

D = Decimal


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Bộ tiêu chí thử",
        "basis": "Kế hoạch 139/KH-MTTQ-BTT",
        "criteria": [
            {
                "code": "TINH_MOI",
                "name": "Tính mới",
                "max_points": 30,
                "weight": 30,
                "levels": [
                    {"min": 27, "max": 30, "label": "hoàn toàn mới"},
                    {"min": 21, "max": 26, "label": "cải tiến tốt"},
                ],
            },
            {"code": "HIEU_QUA", "name": "Hiệu quả", "max_points": 70, "weight": 70},
        ],
        "recognition_levels": [
            {"code": "CONG_NHAN_TINH", "name": "Công nhận cấp tỉnh", "min_score": 70},
            {"code": "DAT", "name": "Đạt", "min_score": 50},
        ],
    }
    data.update(overrides)
    return data


def fields_of(data: dict[str, Any]) -> dict[str, list[str]]:
    with pytest.raises(InvalidRubric) as caught:
        parse_rubric(data)
    return caught.value.fields()


def test_a_well_formed_set_parses_into_a_valid_rubric() -> None:
    rubric = parse_rubric(body())
    assert rubric.validate() == []
    assert rubric.codes == ("TINH_MOI", "HIEU_QUA")
    assert rubric.criteria[0].bands[1] == Band(D(21), D(26), "cải tiến tốt")
    assert rubric.levels[0].min_score == 70


def test_the_default_set_is_valid(default_rubric: Rubric) -> None:
    assert default_rubric.validate() == []
    assert default_rubric.warnings() == []


def test_duplicate_criterion_codes_name_the_second_row() -> None:
    data = body()
    data["criteria"][1]["code"] = "TINH_MOI"
    fields = fields_of(data)
    assert list(fields) == ["criteria[1].code"]
    assert "TINH_MOI" in fields["criteria[1].code"][0]
    assert "trùng" in fields["criteria[1].code"][0]


def test_maximum_must_be_positive_and_weight_must_be_positive() -> None:
    data = body()
    data["criteria"][0]["max_points"] = 0
    data["criteria"][1]["weight"] = -5
    fields = fields_of(data)
    assert fields["criteria[0].max_points"] == ["Điểm tối đa phải lớn hơn 0."]
    assert fields["criteria[1].weight"] == ["Trọng số phải lớn hơn 0."]


def test_numbers_that_are_not_numbers_are_reported_at_their_field() -> None:
    data = body()
    data["criteria"][1]["weight"] = "nhiều"
    data["criteria"][0]["levels"][0]["max"] = None
    fields = fields_of(data)
    assert fields == {
        "criteria[0].levels[0].max": ["Trường này là bắt buộc."],
        "criteria[1].weight": ["Phải là một số."],
    }


def test_more_than_two_decimals_are_refused() -> None:
    data = body()
    data["criteria"][0]["weight"] = "12.345"
    assert "criteria[0].weight" in fields_of(data)


def test_bands_must_lie_inside_zero_and_the_maximum() -> None:
    data = body()
    data["criteria"][0]["levels"][0]["max"] = 31
    data["criteria"][0]["levels"][1]["min"] = -1
    fields = fields_of(data)
    assert fields["criteria[0].levels[0].max"] == [
        "Khoảng điểm 27–31 vượt quá điểm tối đa 30 của tiêu chí."
    ]
    assert fields["criteria[0].levels[1].min"] == ["Khoảng điểm không được bắt đầu dưới 0."]


def test_overlapping_bands_are_named_both() -> None:
    data = body()
    data["criteria"][0]["levels"][1]["max"] = 27
    fields = fields_of(data)
    assert fields == {
        "criteria[0].levels[1].min": [
            "Khoảng điểm 21–27 chồng lấn với khoảng 27–30 (khoảng thứ 1)."
        ]
    }


def test_a_band_with_its_ends_swapped_is_refused() -> None:
    data = body()
    data["criteria"][0]["levels"][1] = {"min": 26, "max": 21, "label": "cải tiến tốt"}
    assert fields_of(data) == {
        "criteria[0].levels[1].min": ["Điểm đầu 26 lớn hơn điểm cuối 21 của khoảng."]
    }


def test_decimal_band_ends_are_written_with_a_comma() -> None:
    data = body()
    data["criteria"][0]["levels"][1] = {"min": "20.5", "max": "27.5", "label": "x"}
    assert "20,5–27,5" in fields_of(data)["criteria[0].levels[1].min"][0]


def test_recognition_levels_must_be_strictly_ordered_from_the_highest() -> None:
    data = body()
    data["recognition_levels"][1]["min_score"] = 70
    fields = fields_of(data)
    assert list(fields) == ["recognition_levels[1].min_score"]
    assert "giảm dần" in fields["recognition_levels[1].min_score"][0]
    ascending = body(
        recognition_levels=[
            {"code": "DAT", "name": "Đạt", "min_score": 50},
            {"code": "TINH", "name": "Tỉnh", "min_score": 70},
        ]
    )
    assert "recognition_levels[1].min_score" in fields_of(ascending)


def test_recognition_level_scores_stay_within_zero_and_one_hundred() -> None:
    data = body()
    data["recognition_levels"][0]["min_score"] = 101
    assert fields_of(data) == {
        "recognition_levels[0].min_score": ["Điểm tối thiểu phải nằm trong 0–100."]
    }


def test_knock_out_minimum_cannot_exceed_the_maximum() -> None:
    data = body()
    data["criteria"][0]["min_points"] = 31
    assert fields_of(data) == {
        "criteria[0].min_points": ["Điểm tối thiểu 31 vượt quá điểm tối đa 30."]
    }


def test_a_step_must_divide_the_maximum() -> None:
    data = body()
    data["criteria"][0]["step"] = "0.7"
    assert fields_of(data) == {
        "criteria[0].step": ["Điểm tối đa 30 phải là bội số của bước điểm 0,7."]
    }


def test_codes_are_upper_case_ascii_and_names_are_required() -> None:
    data = body()
    data["criteria"][0]["code"] = "tính_mới"
    data["criteria"][1]["name"] = "  "
    data["recognition_levels"][0]["code"] = ""
    fields = fields_of(data)
    assert "chữ in hoa không dấu" in fields["criteria[0].code"][0]
    assert fields["criteria[1].name"] == ["Tên tiêu chí không được để trống."]
    assert fields["recognition_levels[0].code"] == ["Mã mức công nhận không được để trống."]


def test_a_set_needs_a_name_and_at_least_one_criterion() -> None:
    fields = fields_of(body(name="", criteria=[]))
    assert fields == {
        "name": ["Tên bộ tiêu chí không được để trống."],
        "criteria": ["Bộ tiêu chí phải có ít nhất một tiêu chí."],
    }


def test_every_problem_is_reported_at_once_in_field_order() -> None:
    data = body(name="")
    data["criteria"][1]["weight"] = 0
    data["criteria"][0]["max_points"] = -1
    data["recognition_levels"][1]["code"] = "CONG_NHAN_TINH"
    with pytest.raises(InvalidRubric) as caught:
        parse_rubric(data)
    paths = [p.path for p in caught.value.problems]
    assert paths == [
        "name",
        "criteria[0].max_points",
        "criteria[1].weight",
        "recognition_levels[1].code",
    ]


def test_weights_need_not_sum_to_one_hundred_but_a_warning_says_so() -> None:
    rubric = parse_rubric(
        body(
            criteria=[
                {"code": "A", "name": "A", "max_points": 10, "weight": 3},
                {"code": "B", "name": "B", "max_points": 5, "weight": 1},
            ]
        )
    )
    assert rubric.validate() == []
    [warning] = rubric.warnings()
    assert warning.message.startswith("Tổng trọng số là 4, không phải 100")


def test_top_criterion_is_the_heaviest_and_the_first_among_equals() -> None:
    rubric = Rubric(
        "x",
        (
            Criterion("A", "A", D(10), D(20)),
            Criterion("B", "B", D(10), D(40)),
            Criterion("C", "C", D(10), D(40)),
        ),
    )
    assert rubric.top_criterion.code == "B"


def test_level_for_picks_the_highest_level_reached(default_rubric: Rubric) -> None:
    assert default_rubric.level_for(D(85)).code == "DE_NGHI_TW"
    assert default_rubric.level_for(D("84.99")).code == "CONG_NHAN_TINH"
    assert default_rubric.level_for(D(50)).code == "DAT"
    assert default_rubric.level_for(D("49.99")) is None


def test_with_weights_replaces_only_the_named_weights(default_rubric: Rubric) -> None:
    changed = default_rubric.with_weights({"HIEU_QUA": 40})
    assert [c.weight for c in changed.criteria] == [30, 25, 40, 15]
    with pytest.raises(InvalidRubric) as caught:
        default_rubric.with_weights({"KHONG_CO": 1})
    assert list(caught.value.fields()) == ["weights.KHONG_CO"]


def test_a_band_is_found_for_points(default_rubric: Rubric) -> None:
    novelty = default_rubric.criterion("TINH_MOI")
    assert novelty.band_for(D(28)).label == "hoàn toàn mới"
    assert novelty.band_for(0).label == "không mới hoặc sao chép"
    assert novelty.band_for(D("26.5")) is None


def test_check_raises_with_every_problem() -> None:
    rubric = Rubric("", (Criterion("A", "A", D(0), D(1)),), (RecognitionLevel("X", "", D(5)),))
    with pytest.raises(InvalidRubric) as caught:
        rubric.check()
    assert set(caught.value.fields()) == {
        "name",
        "criteria[0].max_points",
        "recognition_levels[0].name",
    }
