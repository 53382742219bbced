"""The ideas API of API.md: shapes, status codes, Vietnamese validation messages."""

import re

import sqlalchemy as sa

from ideadb.ideas.models import Idea

IDEA_FIELDS = {
    "id",
    "code",
    "title",
    "summary",
    "description",
    "novelty",
    "benefits",
    "area",
    "year",
    "district_id",
    "unit_id",
    "applied_from",
    "authors",
    "publish_consent",
    "status",
    "submitted_at",
    "created_at",
    "updated_at",
}

BODY = {
    "title": "Sổ tay điện tử một cửa cấp xã",
    "summary": "Tra cứu thủ tục hành chính bằng mã QR tại bộ phận một cửa.",
    "description": "Mỗi thủ tục có mã QR dẫn tới hướng dẫn, biểu mẫu và thời hạn giải quyết.",
    "novelty": "Lần đầu áp dụng tại huyện.",
    "benefits": "Giảm 40% thời gian chờ của người dân.",
    "area": "hanh_chinh",
    "year": 2021,
    "applied_from": "2021-03-15",
    "publish_consent": True,
    "authors": [
        {"name": "Hoàng Thị Dung", "unit": "UBND xã Nam Mẫu", "share": 60},
        {"name": "Ma Văn Sơn", "unit": "UBND xã Nam Mẫu", "share": 40},
    ],
}


def test_submitter_registers_an_idea_as_a_draft_with_every_field(
    client, make_user, auth_headers, unit_id
):
    make_user("dung", unit="BK-BB-NM")
    resp = client.post("/api/v1/ideas", json=BODY, headers=auth_headers("dung"))
    assert resp.status_code == 201, resp.get_json()
    idea = resp.get_json()
    assert set(idea) >= IDEA_FIELDS
    assert idea["status"] == "draft" and idea["code"] is None
    assert idea["unit_id"] == unit_id("BK-BB-NM")
    assert idea["district_id"] == unit_id("BK-BB")
    assert idea["applied_from"] == "2021-03-15"
    assert [(a["name"], a["share"]) for a in idea["authors"]] == [
        ("Hoàng Thị Dung", 60),
        ("Ma Văn Sơn", 40),
    ]
    assert re.match(r"\d{4}-\d\d-\d\dT.*(\+00:00|Z)$", idea["created_at"])


def test_authors_default_to_the_registrant(client, make_user, auth_headers):
    make_user("dung", full_name="Hoàng Thị Dung", unit="BK-BB-NM")
    resp = client.post(
        "/api/v1/ideas", json={"title": "Bếp đun tiết kiệm củi"}, headers=auth_headers("dung")
    )
    assert resp.status_code == 201
    assert resp.get_json()["authors"] == [
        {
            "name": "Hoàng Thị Dung",
            "unit": "Xã Nam Mẫu",
            "share": 100,
            "user_id": 1,
            "invitation": None,  # linked to the registrant themself: nothing to consent to
        }
    ]


def test_shares_not_summing_to_100_are_refused_in_vietnamese(client, make_user, auth_headers):
    make_user("dung")
    body = dict(BODY, authors=[{"name": "A", "share": 60}, {"name": "B", "share": 30}])
    resp = client.post("/api/v1/ideas", json=body, headers=auth_headers("dung"))
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert "100%" in error["fields"]["authors"][0]


def test_bad_area_unknown_unit_and_wrong_types_are_field_errors(client, make_user, auth_headers):
    make_user("dung")
    body = dict(BODY, area="khong_co", unit_id=99999)
    fields = client.post("/api/v1/ideas", json=body, headers=auth_headers("dung")).get_json()[
        "error"
    ]["fields"]
    assert fields["area"] == ["Lĩnh vực không hợp lệ."]
    assert fields["unit_id"] == ["Đơn vị không tồn tại."]
    resp = client.post(
        "/api/v1/ideas", json=dict(BODY, year="hai nghìn"), headers=auth_headers("dung")
    )
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"]["year"] == ["Phải là số nguyên."]
    resp = client.post("/api/v1/ideas", json={"summary": "x"}, headers=auth_headers("dung"))
    assert resp.get_json()["error"]["fields"]["title"] == ["Trường này là bắt buộc."]


def test_anonymous_cannot_register(client):
    resp = client.post("/api/v1/ideas", json=BODY)
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthorized"


def test_reviewer_only_cannot_register(client, make_user, auth_headers):
    make_user("hoidong", roles=["reviewer"])
    assert (
        client.post("/api/v1/ideas", json=BODY, headers=auth_headers("hoidong")).status_code == 403
    )


def test_submit_assigns_a_code_and_screening_follows_api(client, make_user, auth_headers, app):
    make_user("dung", unit="BK-BB-NM", email="dung@example.vn")
    make_user("canbo", roles=["unit_officer"], unit="BK-BB")
    owner = auth_headers("dung")
    officer = auth_headers("canbo")
    idea = client.post("/api/v1/ideas", json=BODY, headers=owner).get_json()
    resp = client.post(f"/api/v1/ideas/{idea['id']}/submit", headers=owner)
    assert resp.status_code == 200
    submitted = resp.get_json()
    assert submitted["status"] == "submitted"
    assert submitted["code"] == "BK-2021-0001"
    assert submitted["submitted_at"]

    resp = client.patch(f"/api/v1/ideas/{idea['id']}", json={"title": "Khác"}, headers=owner)
    assert resp.status_code == 409

    resp = client.post(
        f"/api/v1/ideas/{idea['id']}/screen",
        json={"decision": "needs_revision", "note": "Bổ sung số liệu thời gian chờ."},
        headers=officer,
    )
    assert resp.status_code == 200 and resp.get_json()["status"] == "needs_revision"
    assert any("Bổ sung số liệu" in m["body"] for m in app.extensions["mail_outbox"])

    resp = client.patch(
        f"/api/v1/ideas/{idea['id']}", json={"benefits": "Giảm 45% thời gian chờ."}, headers=owner
    )
    assert resp.status_code == 200 and resp.get_json()["benefits"] == "Giảm 45% thời gian chờ."
    again = client.post(f"/api/v1/ideas/{idea['id']}/submit", headers=owner).get_json()
    assert again["status"] == "submitted" and again["code"] == "BK-2021-0001"

    resp = client.post(
        f"/api/v1/ideas/{idea['id']}/screen", json={"decision": "eligible"}, headers=officer
    )
    assert resp.get_json()["status"] == "eligible"
    resp = client.post(f"/api/v1/ideas/{idea['id']}/withdraw", headers=owner)
    assert resp.get_json()["status"] == "withdrawn"
    resp = client.post(f"/api/v1/ideas/{idea['id']}/withdraw", headers=owner)
    assert resp.status_code == 409


def test_screen_rejects_an_unknown_decision(client, create_idea, secretary, auth_headers):
    idea = create_idea(submit=True)
    resp = client.post(
        f"/api/v1/ideas/{idea.id}/screen",
        json={"decision": "ok"},
        headers=auth_headers(secretary()),
    )
    assert resp.status_code == 422 and "decision" in resp.get_json()["error"]["fields"]


def test_list_filters_and_paginates_what_the_caller_may_see(
    client, make_user, create_idea, auth_headers, unit_id
):
    dung = make_user("dung", unit="BK-BB-NM")
    create_idea(dung, area="hanh_chinh", year=2020)
    create_idea(dung, area="san_xuat_kinh_doanh", year=2021, submit=True)
    create_idea()  # someone else's draft
    headers = auth_headers("dung")
    body = client.get("/api/v1/ideas", headers=headers).get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 20
    assert {"id", "code", "title", "status"} <= set(body["items"][0])
    assert client.get("/api/v1/ideas?status=submitted", headers=headers).get_json()["total"] == 1
    assert client.get("/api/v1/ideas?area=hanh_chinh", headers=headers).get_json()["total"] == 1
    assert client.get("/api/v1/ideas?year=2020", headers=headers).get_json()["total"] == 1
    district = unit_id("BK-BB")
    assert (
        client.get(f"/api/v1/ideas?district_id={district}", headers=headers).get_json()["total"]
        == 2
    )
    assert (
        client.get("/api/v1/ideas?per_page=1", headers=headers).get_json()["items"].__len__() == 1
    )
    assert client.get("/api/v1/ideas?status=nope", headers=headers).status_code == 422
    assert client.get("/api/v1/ideas").status_code == 401


def test_ideas_the_caller_may_not_see_are_404(client, make_user, create_idea, auth_headers):
    idea = create_idea()
    make_user("other")
    resp = client.get(f"/api/v1/ideas/{idea.id}", headers=auth_headers("other"))
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/ideas/{idea.id}").status_code == 404
    assert client.get("/api/v1/ideas/999999").status_code == 404


def test_published_idea_is_public_without_confidential_fields(client, create_idea):
    idea = create_idea(status="recognized", confidential_info="Công thức men ủ bí mật")
    resp = client.get(f"/api/v1/ideas/{idea.id}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "recognized" and body["published"] is True
    assert "confidential_info" not in body and "Công thức" not in resp.get_data(as_text=True)
    assert all(set(a) == {"name", "unit", "share"} for a in body["authors"])


def test_patch_with_a_stale_version_is_409(client, make_user, auth_headers):
    make_user("dung")
    headers = auth_headers("dung")
    idea = client.post("/api/v1/ideas", json=BODY, headers=headers).get_json()
    ok = client.patch(
        f"/api/v1/ideas/{idea['id']}", json={"title": "A", "version": 1}, headers=headers
    )
    assert ok.status_code == 200 and ok.get_json()["version"] == 2
    stale = client.patch(
        f"/api/v1/ideas/{idea['id']}", json={"title": "B", "version": 1}, headers=headers
    )
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"


def test_every_edit_leaves_a_revision_and_an_audit_event(
    client, make_user, auth_headers, db_session
):
    from ideadb.audit.models import AuditEvent
    from ideadb.ideas.models import IdeaRevision

    make_user("dung")
    headers = auth_headers("dung")
    idea = client.post("/api/v1/ideas", json=BODY, headers=headers).get_json()
    client.patch(f"/api/v1/ideas/{idea['id']}", json={"title": "Tên mới"}, headers=headers)
    revisions = db_session.scalars(
        sa.select(IdeaRevision)
        .where(IdeaRevision.idea_id == idea["id"])
        .order_by(IdeaRevision.version)
    ).all()
    assert [r.snapshot["title"] for r in revisions] == [BODY["title"], "Tên mới"]
    event = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "idea.update")
    ).one()
    assert event.before == {"title": BODY["title"]} and event.after == {"title": "Tên mới"}


def test_openapi_documents_the_idea_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/ideas",
        "/ideas/{idea_id}",
        "/ideas/{idea_id}/submit",
        "/ideas/{idea_id}/screen",
    ):
        assert path in paths
    assert db_idea_count_is_unchanged_by_docs()


def db_idea_count_is_unchanged_by_docs():
    return Idea.__tablename__ == "ideas"
