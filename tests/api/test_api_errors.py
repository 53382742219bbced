"""Regression tests of the answers the fuzzer found wrong: ids and integers wider than 64 bits,
malformed bodies, and the OpenAPI document promising the answers the API gives."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

HUGE = 10**20  # wider than any database integer
WIDE = 2**31  # fits SQLite's INTEGER, not PostgreSQL's integer (the id columns)


def _api_int_rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1/"):
            continue
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            yield rule


def _error(resp) -> dict:
    body = resp.get_json()
    assert isinstance(body, dict) and set(body) >= {"error"}, resp.get_data(as_text=True)[:300]
    assert {"code", "message"} <= set(body["error"]), body
    return body["error"]


def test_every_int_route_answers_404_for_an_id_past_64_bits(app, client, seeded):
    headers = seeded.headers("all_roles")
    checked = 0
    for rule in _api_int_rules(app):
        url = re.sub(r"<(?:int:)?[^<>]+>", str(HUGE), rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            resp = client.open(url, method=method, json={}, headers=headers)
            assert resp.status_code == 404, (method, url, resp.get_data(as_text=True)[:300])
            assert _error(resp)["code"] == "not_found"
            checked += 1
    assert checked > 40


@pytest.mark.parametrize("idea_id", ["99999999999999999999", str(WIDE), str(2**63)])
def test_idea_with_huge_id_is_404_for_anonymous_callers_too(client, idea_id):
    resp = client.get(f"/api/v1/ideas/{idea_id}")
    assert resp.status_code == 404
    assert _error(resp)["code"] == "not_found"


def test_ids_just_past_32_bits_answer_404_on_every_int_route(app, client, seeded):
    headers = seeded.headers("all_roles")
    for rule in _api_int_rules(app):
        url = re.sub(r"<(?:int:)?[^<>]+>", str(WIDE), rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            resp = client.open(url, method=method, json={}, headers=headers)
            assert resp.status_code == 404, (method, url, resp.get_data(as_text=True)[:300])


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/api/v1/rounds/{round_id}/ideas", {"idea_ids": [HUGE]}, "idea_ids.0"),
        ("/api/v1/rounds/{round_id}/reviewers", {"user_ids": [1, -HUGE]}, "user_ids.1"),
        (
            "/api/v1/rounds/{round_id}/assignments",
            {"idea_id": 1, "reviewer_id": HUGE},
            "reviewer_id",
        ),
        ("/api/v1/ideas", {"title": "x", "unit_id": HUGE}, "unit_id"),
        ("/api/v1/rounds/{round_id}/conflicts", {"user_id": WIDE, "idea_id": 1}, "user_id"),
    ],
)
def test_integers_past_64_bits_in_a_body_answer_422(client, seeded, path, body, field):
    resp = client.post(
        path.format(round_id=seeded.round_id), json=body, headers=seeded.headers("all_roles")
    )
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    error = _error(resp)
    assert error["code"] == "validation_failed"
    assert field in error["fields"]


@pytest.mark.parametrize(
    "url, field",
    [
        (f"/api/v1/ideas?year={HUGE}", "year"),
        (f"/api/v1/ideas?unit_id=-{HUGE}", "unit_id"),
        (f"/api/v1/criteria-sets?lineage_id={HUGE}", "lineage_id"),
        (f"/api/v1/units?parent_id={HUGE}", "parent_id"),
        (f"/api/v1/ideas?district_id={WIDE}", "district_id"),
        (f"/api/v1/ideas?page={HUGE}", "page"),
        ("/api/v1/notifications?page=1152921504606846976", "page"),
    ],
)
def test_integer_query_parameters_past_their_range_answer_422(client, seeded, url, field):
    resp = client.get(url, headers=seeded.headers("all_roles"))
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    assert field in _error(resp)["fields"]


def test_malformed_json_bodies_answer_400_with_the_error_shape(app, client, seeded):
    spec = client.get("/api/v1/openapi.json").get_json()
    headers = seeded.headers("all_roles")
    checked = 0
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            content = (op.get("requestBody") or {}).get("content", {})
            if "application/json" not in content:
                continue
            url = "/api/v1" + re.sub(r"{[^}]+}", str(seeded.round_id), path)
            for data in ('{"title": ', "[1, 2", "\xff\xfe"):
                resp = client.open(
                    url,
                    method=method.upper(),
                    data=data,
                    content_type="application/json",
                    headers=headers,
                )
                assert resp.status_code in (400, 404), (method, url, resp.status_code)
                assert _error(resp)["code"] in ("bad_request", "not_found")
            resp = client.open(url, method=method.upper(), json=[1, 2], headers=headers)
            assert resp.status_code in (400, 404, 422), (method, url, resp.status_code)
            _error(resp)
            checked += 1
    assert checked > 20


def test_openapi_documents_error_answers_uploads_and_number_fields(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            codes = {"400", "401", "403", "404", "409", "422", "429"}
            if method in ("post", "put", "patch", "delete"):
                codes |= {"413", "415"}
            assert codes <= set(op["responses"]), (method, path)
            for code in codes:
                schema = op["responses"][code]["content"]["application/json"]["schema"]
                assert schema == error_ref, (method, path, code)
            assert "default" not in op["responses"], (method, path)
    imports = spec["paths"]["/ideas/import"]["post"]
    assert "multipart/form-data" in imports["requestBody"]["content"]
    assert {"200", "201"} <= set(imports["responses"])
    attach = spec["paths"]["/ideas/{idea_id}/attachments"]["post"]["requestBody"]["content"]
    assert attach["multipart/form-data"]["schema"]["required"] == ["file"]
    criterion = spec["components"]["schemas"]["CriterionIn"]["properties"]
    assert criterion["max_points"]["type"] == "number"
    assert criterion["weight"]["type"] == "number"
    ideas = spec["paths"]["/ideas"]["get"]["responses"]["200"]["content"]["application/json"]
    assert ideas["schema"]["properties"]["items"]["type"] == "array"
    assert spec["paths"]["/criteria-sets/{set_id}"]["delete"]["responses"].keys() >= {"204"}
