"""Central templates and alignment through the JSON API: export, import, derive, alignment,
activation with a justification (API.md: Central templates and alignment)."""

from __future__ import annotations

import copy

import pytest

from ideadb.criteria import service
from ideadb.criteria.reference import DEFAULT_SET, DEFAULT_TEMPLATE_CODE
from ideadb.extensions import db


@pytest.fixture
def sec(make_user, auth_headers):
    make_user("thuky", roles=["secretary"])
    return auth_headers("thuky")


@pytest.fixture
def template_id(app):
    service.load_reference_sets(db.session)
    listed = service.list_sets(db.session, service.SYSTEM, status="active")
    return next(s.id for s in db.session.scalars(listed) if s.template_code)


def _export(client, headers, set_id):
    resp = client.get(f"/api/v1/criteria-sets/{set_id}/export", headers=headers)
    assert resp.status_code == 200, resp.get_json()
    assert "attachment" in resp.headers["Content-Disposition"]
    return resp.get_json()


def test_the_default_set_is_shipped_as_a_template(client, sec, template_id):
    got = client.get(f"/api/v1/criteria-sets/{template_id}", headers=sec).get_json()
    assert got["name"] == DEFAULT_SET["name"]
    template = got["template"]
    assert template["code"] == DEFAULT_TEMPLATE_CODE and template["version"] == 1
    assert template["constraints"]["required"] == [
        "TINH_MOI",
        "KHA_NANG_AP_DUNG",
        "HIEU_QUA",
        "TINH_KINH_TE",
    ]
    assert template["constraints"]["weights"]["TINH_MOI"] == {"min": 20, "max": 40}
    assert template["constraints"]["min_score"]["DAT"] == {"min": 40, "max": 60}
    assert got["derived_from"] is None
    # Loading the reference data again adds nothing and keeps one template.
    assert service.load_reference_sets(db.session) == 0


def test_export_then_import_round_trips_exactly(client, sec, template_id):
    exported = _export(client, sec, template_id)
    assert exported["format"] == "ideadb-criteria/1"
    assert "id" not in exported["set"]
    # The same template code and version already here: 409.
    again = client.post("/api/v1/criteria-sets/import", json=exported, headers=sec)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "conflict"
    # As another version it loads, as a draft that keeps its template.
    sent = copy.deepcopy(exported)
    sent["set"]["template"]["version"] = 2
    resp = client.post("/api/v1/criteria-sets/import", json=sent, headers=sec)
    assert resp.status_code == 201, resp.get_json()
    created = resp.get_json()
    assert created["status"] == "draft"
    assert created["template"]["version"] == 2
    assert _export(client, sec, created["id"]) == sent
    # A guideline is kept as issued: it is derived from, not edited.
    edit = client.patch(f"/api/v1/criteria-sets/{created['id']}", json={"name": "X"}, headers=sec)
    assert edit.status_code == 409


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([1, 2], "format"),
        ({"format": "other/1", "set": {}}, "format"),
        ({"format": "ideadb-criteria/1"}, "set"),
        ({"format": "ideadb-criteria/1", "set": {"name": "X", "criteria": []}}, "set.criteria"),
        (
            {
                "format": "ideadb-criteria/1",
                "set": {
                    "name": "X",
                    "criteria": [{"code": "A", "name": "A", "max_points": 10, "weight": 10}],
                    "template": {"code": "T", "version": 0, "constraints": {"required": ["B"]}},
                },
            },
            "set.template.version",
        ),
    ],
)
def test_malformed_or_foreign_files_are_refused_naming_the_field(client, sec, data, field):
    resp = client.post("/api/v1/criteria-sets/import", json=data, headers=sec)
    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert field in error["fields"]


def test_import_and_derive_need_a_criteria_editor(client, make_user, auth_headers, template_id):
    make_user("nguoinop", roles=["submitter"])
    headers = auth_headers("nguoinop")
    assert client.get(f"/api/v1/criteria-sets/{template_id}/export", headers=headers).status_code
    assert (
        client.post(f"/api/v1/criteria-sets/{template_id}/derive", headers=headers).status_code
        == 403
    )
    assert client.post("/api/v1/criteria-sets/import", json={}, headers=headers).status_code == 403
    assert client.get(f"/api/v1/criteria-sets/{template_id}/alignment").status_code == 401


def test_derived_set_report_and_justified_activation(client, sec, template_id):
    resp = client.post(f"/api/v1/criteria-sets/{template_id}/derive", headers=sec)
    assert resp.status_code == 201, resp.get_json()
    derived = resp.get_json()
    assert derived["derived_from"] == {"code": DEFAULT_TEMPLATE_CODE, "version": 1}
    assert derived["template"] is None and derived["status"] == "draft"
    url = f"/api/v1/criteria-sets/{derived['id']}"
    report = client.get(f"{url}/alignment", headers=sec).get_json()
    assert report == {
        "derived_from": {"code": DEFAULT_TEMPLATE_CODE, "version": 1},
        "aligned": True,
        "differences": [],
    }
    # One weight inside its range (30 → 35, allowed 20–40), one outside (15 → 30, allowed 5–25).
    criteria = copy.deepcopy(derived["criteria"])
    criteria[0]["weight"] = 35
    criteria[3]["weight"] = 30
    patched = client.patch(url, json={"criteria": criteria}, headers=sec)
    assert patched.status_code == 200, patched.get_json()
    report = client.get(f"{url}/alignment", headers=sec).get_json()
    assert report["aligned"] is False
    assert report["differences"] == [
        {
            "kind": "weight_changed",
            "code": "TINH_MOI",
            "template": 30,
            "local": 35,
            "within_constraints": True,
        },
        {
            "kind": "weight_changed",
            "code": "TINH_KINH_TE",
            "template": 15,
            "local": 30,
            "within_constraints": False,
        },
    ]
    refused = client.post(f"{url}/activate", headers=sec)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert "TINH_KINH_TE" in error["message"] and "5–25" in error["message"]
    assert "TINH_MOI" not in error["message"]
    assert error["fields"]["justification"]
    assert client.get(url, headers=sec).get_json()["status"] == "draft"
    reason = "Tỉnh ưu tiên các giải pháp tiết kiệm chi phí trong năm 2026."
    done = client.post(f"{url}/activate", json={"justification": reason}, headers=sec)
    assert done.status_code == 200, done.get_json()
    got = client.get(url, headers=sec).get_json()
    assert got["status"] == "active" and got["justification"] == reason
    # A new version of the set keeps its link to the template.
    revised = client.post(f"{url}/revise", headers=sec).get_json()
    assert revised["derived_from"] == {"code": DEFAULT_TEMPLATE_CODE, "version": 1}
    assert revised["justification"] is None
    # The activation and its justification are audited.
    from ideadb.audit.models import AuditEvent

    actions = [
        e.action for e in db.session.query(AuditEvent).filter_by(object_id=str(derived["id"]))
    ]
    assert "criteria_set.justify" in actions and "criteria_set.activate" in actions


def test_derive_from_a_set_that_is_no_template_is_a_conflict(client, sec, template_id):
    derived = client.post(f"/api/v1/criteria-sets/{template_id}/derive", headers=sec).get_json()
    resp = client.post(f"/api/v1/criteria-sets/{derived['id']}/derive", headers=sec)
    assert resp.status_code == 409
    big = client.get(f"/api/v1/criteria-sets/{2**40}/alignment", headers=sec)
    assert big.status_code == 404
