"""GET /api/v1/search and GET /api/v1/ideas/{id}/similar as callers see them."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SECRET_WORD = "Xưởng ép dầu sở"


@pytest.fixture
def ideas(create_idea, make_user, unit_id):
    owner = make_user(roles=["submitter"], unit="BK-BB-NM")
    public = create_idea(owner, status="recognized")
    draft = create_idea(
        owner,
        title=f"{SECRET_WORD} bằng máy ép trục vít cho hợp tác xã",
        summary="Ép dầu hạt sở, lọc dầu bằng giấy lọc; nuôi lợn bằng bã sở.",
        area="hanh_chinh",
        year=2019,
        unit="BK-CD",
    )
    return {"owner": owner, "public": public, "draft": draft}


def test_an_anonymous_caller_finds_published_ideas_typed_without_diacritics(client, ideas):
    resp = client.get("/api/v1/search?q=nuoi+lon")
    assert resp.status_code == 200
    body = resp.get_json()
    assert set(body) == {
        "items",
        "total",
        "page",
        "per_page",
        "facets",
        "suggestion",
        "unmatched_marks",
        "notice",
    }
    assert body["unmatched_marks"] == [] and body["notice"] is None
    assert [i["id"] for i in body["items"]] == [ideas["public"].id]
    item = body["items"][0]
    assert set(item) == {
        "id",
        "code",
        "title",
        "summary",
        "area",
        "year",
        "district_id",
        "score",
        "highlights",
    }
    assert "<mark>" in item["highlights"]["title"] and "lợn" in item["highlights"]["title"]
    assert set(body["facets"]) == {"area", "year", "district_id"}


def test_a_draft_never_reaches_anonymous_callers_anywhere(client, ideas):
    for q in ["nuoi lon", "ép dầu", "ep dau so", "xuong ep", '"ép dầu"', "sở", "xuowng"]:
        body = client.get("/api/v1/search", query_string={"q": q}).get_json()
        text = repr(body).lower()
        assert ideas["draft"].id not in [i["id"] for i in body["items"]], q
        assert "xưởng" not in text and "ép dầu" not in text and "trục vít" not in text, q
        assert body["facets"]["area"].get("hanh_chinh") is None, q
        assert body["facets"]["year"].get("2019") is None, q
        assert body["total"] == len([i for i in body["items"]]), q
        assert body["suggestion"] is None or "xưởng" not in body["suggestion"].lower(), q


def test_the_owner_and_the_secretary_find_the_draft(client, ideas, auth_headers, secretary):
    for who in (ideas["owner"], secretary()):
        body = client.get('/api/v1/search?q="ep+dau"', headers=auth_headers(who)).get_json()
        assert [i["id"] for i in body["items"]] == [ideas["draft"].id]
        assert body["facets"]["year"] == {"2019": 1}


def test_filters_and_sort_follow_the_query_string(client, ideas, auth_headers, secretary):
    headers = auth_headers(secretary())
    body = client.get("/api/v1/search?q=lợn&area=hanh_chinh", headers=headers).get_json()
    assert [i["id"] for i in body["items"]] == [ideas["draft"].id]
    body = client.get("/api/v1/search?q=lợn&year=2021&sort=newest", headers=headers).get_json()
    assert [i["id"] for i in body["items"]] == [ideas["public"].id]
    district = ideas["public"].district_id
    body = client.get(f"/api/v1/search?district_id={district}", headers=headers).get_json()
    assert ideas["public"].id in [i["id"] for i in body["items"]]
    assert set(body["facets"]["district_id"]) == {str(district)}


@pytest.mark.parametrize(
    "query",
    ["year=abc", "district_id=1.5", "sort=random", "page=0", "per_page=1000", "page=x"],
)
def test_malformed_parameters_answer_400_with_the_error_shape(client, ideas, query):
    resp = client.get(f"/api/v1/search?q=lon&{query}")
    assert resp.status_code == 400
    error = resp.get_json()["error"]
    assert error["code"] == "bad_request" and error["fields"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    q=st.one_of(
        st.text(max_size=80),
        st.sampled_from(['"', "(", "AND", "title:lợn", "lợn*", "-", '"""', "\x00", "a" * 2000]),
        st.text(alphabet='"()-*:AND OR^~[]{}\\/!?\x00\x1f\u0301đ ', max_size=50),
    )
)
def test_arbitrary_queries_answer_200_or_400_never_500(client, ideas, q):
    resp = client.get("/api/v1/search", query_string={"q": q})
    assert resp.status_code in (200, 400)
    assert resp.is_json


def test_similar_ideas_need_sign_in_exclude_the_idea_and_respect_visibility(
    client, ideas, create_idea, auth_headers, make_user
):
    twin = create_idea(ideas["owner"], status="recognized")
    stranger = make_user(roles=["submitter"], unit="BK-CD")
    assert client.get(f"/api/v1/ideas/{twin.id}/similar").status_code == 401
    body = client.get(f"/api/v1/ideas/{twin.id}/similar", headers=auth_headers(stranger)).get_json()
    ids = [i["id"] for i in body["items"]]
    assert ids and ids[0] == ideas["public"].id
    assert twin.id not in ids and ideas["draft"].id not in ids
    assert set(body["items"][0]) == {"id", "code", "title", "score"}
    assert 0 < body["items"][0]["score"] <= 1
    hidden = client.get(
        f"/api/v1/ideas/{ideas['draft'].id}/similar", headers=auth_headers(stranger)
    )
    assert hidden.status_code == 404


def test_ideas_like_a_text_being_typed(client, ideas):
    body = client.get(
        "/api/v1/search/similar",
        query_string={"title": "Nuôi lợn đen bản địa", "summary": "trồng cỏ làm thức ăn cho lợn"},
    ).get_json()
    assert [i["id"] for i in body["items"]] == [ideas["public"].id]
    assert body["items"][0]["url"].endswith(f"/{ideas['public'].id}")
