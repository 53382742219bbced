"""Criteria sets through the JSON API: create, validate, activate, revise, freeze, permissions."""

from __future__ import annotations

import copy

import pytest

from ideadb.criteria import service
from ideadb.criteria.reference import DEFAULT_SET
from ideadb.extensions import db

BODY = {
    "name": "Bộ tiêu chí xét chọn sáng kiến cấp tỉnh 2021",
    "basis": "Kế hoạch số 139/KH-MTTQ-BTT ngày 23/02/2021",
    "criteria": [
        {
            "code": "TINH_MOI",
            "name": "Tính mới, tính sáng tạo",
            "description": "So với giải pháp đã có tại cơ sở",
            "max_points": 30,
            "weight": 30,
            "min_points": 10,
            "levels": [
                {"min": 27, "max": 30, "label": "hoàn toàn mới"},
                {"min": 21, "max": 26, "label": "cải tiến tốt", "guidance": "Thay đổi rõ"},
            ],
        },
        {"code": "KHA_NANG_AP_DUNG", "name": "Khả năng áp dụng", "max_points": 25, "weight": 25},
        {"code": "HIEU_QUA", "name": "Hiệu quả kinh tế - xã hội", "max_points": 30, "weight": 30},
        {"code": "TINH_KINH_TE", "name": "Tính kinh tế", "max_points": 15, "weight": 15},
    ],
    "recognition_levels": [
        {"code": "CONG_NHAN_TINH", "name": "Công nhận cấp tỉnh", "min_score": 70},
        {"code": "DAT", "name": "Đạt", "min_score": "50.5"},
    ],
}


@pytest.fixture
def secretary(make_user, auth_headers):
    make_user("thuky", roles=["secretary"])
    return auth_headers("thuky")


def body(**overrides):
    data = copy.deepcopy(BODY)
    data.update(overrides)
    return data


def create(client, headers, data=None):
    resp = client.post("/api/v1/criteria-sets", json=data or body(), headers=headers)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_secretary_creates_a_draft_set_and_reads_it_back(client, secretary):
    created = create(client, secretary)
    assert created["status"] == "draft"
    assert created["version"] == 1
    assert created["frozen"] is False
    got = client.get(f"/api/v1/criteria-sets/{created['id']}", headers=secretary).get_json()
    assert got["name"] == BODY["name"]
    assert got["total_weight"] == 100
    first = got["criteria"][0]
    assert first["code"] == "TINH_MOI" and first["max_points"] == 30 and first["min_points"] == 10
    assert first["levels"][1] == {
        "min": 21,
        "max": 26,
        "label": "cải tiến tốt",
        "guidance": "Thay đổi rõ",
    }
    assert [c["code"] for c in got["criteria"]] == [
        "TINH_MOI",
        "KHA_NANG_AP_DUNG",
        "HIEU_QUA",
        "TINH_KINH_TE",
    ]
    assert got["recognition_levels"][1]["min_score"] == 50.5
    assert got["used_by"] == []
    assert got["versions"] == [
        {"id": created["id"], "version": 1, "status": "draft", "frozen": False}
    ]


def test_an_invalid_set_answers_422_with_every_field(client, secretary):
    data = body()
    data["criteria"][1]["code"] = "TINH_MOI"
    data["criteria"][2]["weight"] = 0
    data["criteria"][0]["levels"][1]["max"] = 28
    data["recognition_levels"][1]["min_score"] = 80
    resp = client.post("/api/v1/criteria-sets", json=data, headers=secretary)
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) == {
        "criteria.1.code",
        "criteria.2.weight",
        "criteria.0.levels.1.min",
        "recognition_levels.1.min_score",
    }
    assert error["fields"]["criteria.2.weight"] == ["Trọng số phải lớn hơn 0."]
    assert client.get("/api/v1/criteria-sets", headers=secretary).get_json()["total"] == 0


def test_missing_and_unknown_fields_answer_422(client, secretary):
    resp = client.post("/api/v1/criteria-sets", json={"name": "x", "bogus": 1}, headers=secretary)
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert fields["criteria"] == ["Trường này là bắt buộc."]
    assert "bogus" in fields
    resp = client.post("/api/v1/criteria-sets", json=body(criteria=[]), headers=secretary)
    assert resp.get_json()["error"]["fields"] == {
        "criteria": ["Bộ tiêu chí phải có ít nhất một tiêu chí."]
    }
    data = body()
    data["criteria"][0]["max_points"] = "ba mươi"
    resp = client.post("/api/v1/criteria-sets", json=data, headers=secretary)
    assert resp.get_json()["error"]["fields"] == {"criteria.0.max_points": ["Phải là một số."]}


def test_a_draft_is_edited_with_patch(client, secretary):
    created = create(client, secretary)
    criteria = copy.deepcopy(BODY["criteria"])
    criteria.reverse()
    criteria[0]["weight"] = 20
    resp = client.patch(
        f"/api/v1/criteria-sets/{created['id']}",
        json={"name": "Tên mới", "criteria": criteria},
        headers=secretary,
    )
    assert resp.status_code == 200, resp.get_json()
    got = resp.get_json()
    assert got["name"] == "Tên mới"
    assert got["criteria"][0]["code"] == "TINH_KINH_TE"
    assert got["total_weight"] == 105
    assert (
        got["recognition_levels"]
        == client.get(f"/api/v1/criteria-sets/{created['id']}", headers=secretary).get_json()[
            "recognition_levels"
        ]
    )
    bad = client.patch(
        f"/api/v1/criteria-sets/{created['id']}",
        json={"recognition_levels": [{"code": "X", "name": "", "min_score": 101}]},
        headers=secretary,
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {
        "recognition_levels.0.name",
        "recognition_levels.0.min_score",
    }


def test_activate_then_revise_keeps_the_history(client, secretary):
    first = create(client, secretary)
    resp = client.post(f"/api/v1/criteria-sets/{first['id']}/activate", headers=secretary)
    assert resp.status_code == 200 and resp.get_json()["status"] == "active"
    # An active version is no longer edited in place.
    patch = client.patch(
        f"/api/v1/criteria-sets/{first['id']}", json={"name": "x"}, headers=secretary
    )
    assert patch.status_code == 409
    resp = client.post(f"/api/v1/criteria-sets/{first['id']}/revise", headers=secretary)
    assert resp.status_code == 201
    second = resp.get_json()
    assert (second["version"], second["status"], second["based_on_id"]) == (2, "draft", first["id"])
    assert second["lineage_id"] == first["id"]
    assert (
        second["criteria"]
        == client.get(f"/api/v1/criteria-sets/{first['id']}", headers=secretary).get_json()[
            "criteria"
        ]
    )
    # Only one open draft per set.
    again = client.post(f"/api/v1/criteria-sets/{first['id']}/revise", headers=secretary)
    assert again.status_code == 409
    client.patch(f"/api/v1/criteria-sets/{second['id']}", json={"name": "Bản 2"}, headers=secretary)
    client.post(f"/api/v1/criteria-sets/{second['id']}/activate", headers=secretary)
    old = client.get(f"/api/v1/criteria-sets/{first['id']}", headers=secretary).get_json()
    assert old["status"] == "retired"
    assert [(v["version"], v["status"]) for v in old["versions"]] == [
        (2, "active"),
        (1, "retired"),
    ]
    listed = client.get(
        f"/api/v1/criteria-sets?lineage_id={first['id']}", headers=secretary
    ).get_json()
    assert [s["version"] for s in listed["items"]] == [2, 1]
    active = client.get("/api/v1/criteria-sets?status=active", headers=secretary).get_json()
    assert [s["name"] for s in active["items"]] == ["Bản 2"]


def test_a_frozen_set_answers_409_to_patch_and_delete(client, secretary, app):
    created = create(client, secretary)
    service.freeze(db.session, created["id"])
    url = f"/api/v1/criteria-sets/{created['id']}"
    patch = client.patch(url, json={"name": "Đổi tên"}, headers=secretary)
    assert patch.status_code == 409
    assert "phiên bản mới" in patch.get_json()["error"]["message"]
    assert client.delete(url, headers=secretary).status_code == 409
    got = client.get(url, headers=secretary).get_json()
    assert got["frozen"] is True and got["name"] == BODY["name"]
    # Revising is the way to change it.
    assert client.post(f"{url}/revise", headers=secretary).status_code == 201


def test_delete_retires_an_unused_set_and_keeps_it(client, secretary):
    created = create(client, secretary)
    url = f"/api/v1/criteria-sets/{created['id']}"
    assert client.delete(url, headers=secretary).status_code == 204
    assert client.get(url, headers=secretary).get_json()["status"] == "retired"
    assert client.post(f"{url}/activate", headers=secretary).status_code == 409


def test_only_secretaries_and_admins_change_sets(client, make_user, auth_headers, secretary):
    make_user("hoidong", roles=["reviewer"])
    make_user("quantri", roles=["admin"])
    reviewer = auth_headers("hoidong")
    created = create(client, secretary)
    url = f"/api/v1/criteria-sets/{created['id']}"
    assert client.post("/api/v1/criteria-sets", json=body(), headers=reviewer).status_code == 403
    assert client.patch(url, json={"name": "x"}, headers=reviewer).status_code == 403
    assert client.post(f"{url}/activate", headers=reviewer).status_code == 403
    assert client.post(f"{url}/revise", headers=reviewer).status_code == 403
    assert client.delete(url, headers=reviewer).status_code == 403
    # Reviewers read the set they score against; anonymous callers do not.
    assert client.get(url, headers=reviewer).status_code == 200
    assert client.get(url).status_code == 401
    assert client.post("/api/v1/criteria-sets", json=body()).status_code == 401
    admin = auth_headers("quantri")
    assert client.post(f"{url}/activate", headers=admin).status_code == 200


def test_unknown_set_is_404(client, secretary):
    resp = client.get("/api/v1/criteria-sets/999", headers=secretary)
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"


def test_reference_sets_load_once_and_are_active(client, secretary, app):
    assert service.load_reference_sets(db.session) == 2
    assert service.load_reference_sets(db.session) == 0
    listed = client.get("/api/v1/criteria-sets?status=active", headers=secretary).get_json()
    names = {s["name"] for s in listed["items"]}
    assert DEFAULT_SET["name"] in names
    assert "Điều kiện công nhận sáng kiến (đạt / không đạt)" in names
    default = next(s for s in listed["items"] if s["name"] == DEFAULT_SET["name"])
    assert [(c["code"], c["max_points"], c["weight"]) for c in default["criteria"]] == [
        ("TINH_MOI", 30, 30),
        ("KHA_NANG_AP_DUNG", 25, 25),
        ("HIEU_QUA", 30, 30),
        ("TINH_KINH_TE", 15, 15),
    ]
    assert [(lv["code"], lv["min_score"]) for lv in default["recognition_levels"]] == [
        ("DE_NGHI_TW", 85),
        ("CONG_NHAN_TINH", 70),
        ("DAT", 50),
    ]


def test_the_endpoints_are_in_the_openapi_description(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/criteria-sets"])
    assert {"get", "patch", "delete"} <= set(paths["/criteria-sets/{set_id}"])
    assert "post" in paths["/criteria-sets/{set_id}/activate"]
    assert "post" in paths["/criteria-sets/{set_id}/revise"]


def test_a_huge_maximum_with_a_small_step_answers_422_not_500(client, secretary):
    data = body()
    data["criteria"][1]["max_points"] = 1e27
    data["criteria"][1]["step"] = 0.01
    data["criteria"][2]["max_points"] = 30
    data["criteria"][2]["step"] = 0.07
    resp = client.post("/api/v1/criteria-sets", json=data, headers=secretary)
    assert resp.status_code == 422, resp.get_json()
    fields = resp.get_json()["error"]["fields"]
    assert "criteria.2.step" in fields
    assert "criteria.1.step" not in fields
