"""The pure comparison of a set with its template (ideadb.criteria.alignment)."""

from __future__ import annotations

import copy
from decimal import Decimal

from ideadb.criteria import alignment
from ideadb.criteria.reference import DEFAULT_SET

CONSTRAINTS = alignment.default_constraints(DEFAULT_SET)


def local(**changes):
    body = copy.deepcopy(DEFAULT_SET)
    for change in changes.values():
        change(body)
    return body


def kinds(differences):
    return [(d.kind, d.code, d.template, d.local, d.within_constraints) for d in differences]


def test_an_unchanged_copy_has_no_differences_and_is_aligned():
    differences = alignment.compare(DEFAULT_SET, copy.deepcopy(DEFAULT_SET), CONSTRAINTS)
    assert differences == [] and alignment.aligned(differences)


def test_default_constraints_are_ten_either_side_and_every_criterion_required():
    assert CONSTRAINTS["required"] == ["TINH_MOI", "KHA_NANG_AP_DUNG", "HIEU_QUA", "TINH_KINH_TE"]
    assert CONSTRAINTS["weights"]["TINH_KINH_TE"] == {"min": 5, "max": 25}
    assert CONSTRAINTS["min_score"]["DE_NGHI_TW"] == {"min": 75, "max": 95}


def test_each_kind_of_difference_is_found_and_checked():
    def edit(body):
        body["criteria"][0]["weight"] = Decimal("37.5")  # within 20–40
        body["criteria"][1]["weight"] = 50  # outside 15–35
        body["criteria"][2]["max_points"] = 20
        body["criteria"][2]["levels"] = [{"min": 0, "max": 20, "label": "Một mức"}]
        del body["criteria"][3]  # required
        body["criteria"].append({"code": "MOI_TRUONG", "name": "Môi trường", "weight": 5})
        body["recognition_levels"][2]["min_score"] = 30  # outside 40–60

    differences = alignment.compare(DEFAULT_SET, local(a=edit), CONSTRAINTS)
    assert kinds(differences) == [
        ("weight_changed", "TINH_MOI", 30, 37.5, True),
        ("weight_changed", "KHA_NANG_AP_DUNG", 25, 50, False),
        ("max_points_changed", "HIEU_QUA", 30, 20, True),
        ("level_changed", "HIEU_QUA", differences[3].template, differences[3].local, True),
        ("criterion_removed", "TINH_KINH_TE", DEFAULT_SET["criteria"][3]["name"], None, False),
        ("criterion_added", "MOI_TRUONG", None, "Môi trường", True),
        ("min_score_changed", "DAT", 50, 30, False),
    ]
    assert differences[3].local == [{"min": 0, "max": 20, "label": "Một mức"}]
    assert not alignment.aligned(differences)
    assert [d.code for d in alignment.outside(differences)] == [
        "KHA_NANG_AP_DUNG",
        "TINH_KINH_TE",
        "DAT",
    ]
    assert differences[1].allowed == (15, 35)


def test_without_constraints_every_change_is_allowed():
    def edit(body):
        body["criteria"][0]["weight"] = 90

    assert alignment.aligned(alignment.compare(DEFAULT_SET, local(a=edit), {}))


def test_constraints_are_checked_and_named_by_field():
    constraints, problems = alignment.check_constraints(
        {
            "required": ["TINH_MOI", "KHONG_CO"],
            "weights": {"TINH_MOI": {"min": 40, "max": 20}, "HIEU_QUA": {"min": "x"}},
            "extra": 1,
        },
        ["TINH_MOI", "HIEU_QUA"],
        ["DAT"],
    )
    assert set(problems) == {
        "required.1",
        "weights.TINH_MOI.min",
        "weights.HIEU_QUA.min",
        "weights.HIEU_QUA.max",
        "extra",
    }
    assert constraints["required"] == ["TINH_MOI", "KHONG_CO"]
    assert alignment.check_constraints("x", [], [])[1] == {
        "constraints": ["Phải là một đối tượng."]
    }
