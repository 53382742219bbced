"""The accounts API: tokens, the current user, user creation, and the error shape of API.md."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ideadb.accounts.models import ApiToken, User
from ideadb.core.db import utcnow
from tests.conftest import PASSWORD


def error_of(resp):
    body = resp.get_json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"])
    return body["error"]


def test_token_is_issued_with_expiry_and_stored_hashed(client, make_user, db_session):
    make_user("thuky", roles=["secretary"])
    resp = client.post("/api/v1/auth/tokens", json={"username": "thuky", "password": PASSWORD})
    assert resp.status_code == 201
    body = resp.get_json()
    assert set(body) == {"token", "expires_at"}
    assert body["expires_at"].endswith(("Z", "+00:00"))
    stored = db_session.scalars(sa.select(ApiToken.token_hash)).all()
    assert body["token"] not in stored and len(stored) == 1


def test_bad_credentials_answer_401_with_the_same_message(client, make_user):
    make_user("thuky")
    wrong = client.post(
        "/api/v1/auth/tokens", json={"username": "thuky", "password": "sai-mat-khau"}
    )
    unknown = client.post(
        "/api/v1/auth/tokens", json={"username": "ai-do", "password": "sai-mat-khau"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert error_of(wrong)["message"] == error_of(unknown)["message"]


def test_token_requests_are_rate_limited_after_five_failures(client, make_user):
    make_user("thuky")
    for _ in range(5):
        assert (
            client.post(
                "/api/v1/auth/tokens", json={"username": "thuky", "password": "x"}
            ).status_code
            == 401
        )
    resp = client.post("/api/v1/auth/tokens", json={"username": "thuky", "password": PASSWORD})
    assert resp.status_code == 429
    assert error_of(resp)["code"] == "rate_limited"


def test_users_me_returns_the_token_owner(client, make_user, auth_headers, unit_id):
    make_user("canbo", roles=["unit_officer", "reviewer"], unit="BK-BB", full_name="Đàm Văn Khánh")
    resp = client.get("/api/v1/users/me", headers=auth_headers("canbo"))
    assert resp.status_code == 200
    assert resp.get_json() == {
        "id": resp.get_json()["id"],
        "username": "canbo",
        "full_name": "Đàm Văn Khánh",
        "email": None,
        "unit_id": unit_id("BK-BB"),
        "roles": ["reviewer", "unit_officer"],
        "email_verified": False,
    }


def test_missing_invalid_and_expired_tokens_answer_401(client, make_user, api_token, db_session):
    make_user("thuky")
    assert error_of(client.get("/api/v1/users/me"))["code"] == "unauthorized"
    resp = client.get("/api/v1/users/me", headers={"Authorization": "Bearer khong-hop-le"})
    assert resp.status_code == 401
    token = api_token("thuky")
    db_session.execute(sa.update(ApiToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    db_session.commit()
    assert (
        client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )


def test_deleting_the_current_token_revokes_it(client, make_user, api_token):
    make_user("thuky")
    headers = {"Authorization": f"Bearer {api_token('thuky')}"}
    assert client.delete("/api/v1/auth/tokens/current", headers=headers).status_code == 204
    assert client.get("/api/v1/users/me", headers=headers).status_code == 401


def test_admin_creates_a_user_with_several_roles(client, make_user, auth_headers, db_session):
    make_user("quantri", roles=["admin"])
    resp = client.post(
        "/api/v1/users",
        headers=auth_headers("quantri"),
        json={
            "username": "hoidong1",
            "full_name": "Triệu Thị Mai",
            "email": "mai@example.vn",
            "password": "mat-khau-dai-1",
            "unit_id": None,
            "roles": ["reviewer", "secretary"],
        },
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["roles"] == ["reviewer", "secretary"] and "password" not in body
    assert (
        client.post(
            "/api/v1/auth/tokens", json={"username": "hoidong1", "password": "mat-khau-dai-1"}
        ).status_code
        == 201
    )


@pytest.mark.parametrize("role", ["submitter", "unit_officer", "reviewer", "secretary"])
def test_only_admins_create_users(client, make_user, auth_headers, db_session, role):
    make_user("nguoi", roles=[role])
    before = db_session.scalar(sa.select(sa.func.count()).select_from(User))
    resp = client.post(
        "/api/v1/users",
        headers=auth_headers("nguoi"),
        json={
            "username": "moi123",
            "full_name": "A",
            "password": "mat-khau-dai-1",
            "unit_id": None,
            "roles": ["admin"],
        },
    )
    assert resp.status_code == 403
    assert error_of(resp)["code"] == "forbidden"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(User)) == before


def test_unknown_fields_answer_422_and_write_nothing(client, make_user, auth_headers, db_session):
    make_user("quantri", roles=["admin"])
    resp = client.post(
        "/api/v1/users",
        headers=auth_headers("quantri"),
        json={
            "username": "moi123",
            "full_name": "A",
            "password": "mat-khau-dai-1",
            "roles": ["submitter"],
            "is_superuser": True,
        },
    )
    assert resp.status_code == 422
    assert "is_superuser" in error_of(resp)["fields"]
    assert db_session.scalar(sa.select(User).where(User.username == "moi123")) is None


def test_invalid_user_fields_are_reported_per_field(client, make_user, auth_headers):
    make_user("quantri", roles=["admin"])
    resp = client.post(
        "/api/v1/users",
        headers=auth_headers("quantri"),
        json={"username": "quantri", "full_name": "A", "password": "ngan", "roles": ["vua"]},
    )
    assert resp.status_code == 422
    fields = error_of(resp)["fields"]
    assert "roles" in fields


def test_duplicate_username_is_422_with_the_field(client, make_user, auth_headers):
    make_user("quantri", roles=["admin"])
    resp = client.post(
        "/api/v1/users",
        headers=auth_headers("quantri"),
        json={
            "username": "quantri",
            "full_name": "A",
            "password": "mat-khau-dai-1",
            "roles": ["submitter"],
        },
    )
    assert resp.status_code == 422
    assert error_of(resp)["fields"]["username"] == ["Tên đăng nhập đã được sử dụng."]


def test_malformed_json_answers_400_in_the_error_shape(client, make_user, auth_headers):
    make_user("quantri", roles=["admin"])
    resp = client.post(
        "/api/v1/users",
        headers={**auth_headers("quantri"), "Content-Type": "application/json"},
        data=b'{"username": ',
    )
    assert resp.status_code == 400
    assert error_of(resp)["code"] == "bad_request"


def test_unknown_endpoint_and_wrong_method_use_the_error_shape(client):
    assert error_of(client.get("/api/v1/khong-co"))["code"] == "not_found"
    resp = client.put("/api/v1/units")
    assert resp.status_code == 405 and error_of(resp)["code"] == "method_not_allowed"


def test_body_over_the_limit_answers_413(tmp_path, make_user):
    from tests.conftest import make_test_app

    app = make_test_app(tmp_path / "small", MAX_CONTENT_LENGTH=1024)
    with app.app_context():
        resp = app.test_client().post(
            "/api/v1/auth/tokens", data=b"x" * 4096, headers={"Content-Type": "application/json"}
        )
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"] == "too_large"


def test_list_pagination_is_validated(client):
    resp = client.get("/api/v1/units?per_page=1000")
    assert resp.status_code == 422
    assert "per_page" in error_of(resp)["fields"]
    body = client.get("/api/v1/units?per_page=5&page=2").get_json()
    assert (
        body["page"] == 2
        and body["per_page"] == 5
        and len(body["items"]) == 5
        and body["total"] > 10
    )


def test_openapi_describes_every_api_route(client, app):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/auth/tokens" in spec["paths"] and "post" in spec["paths"]["/auth/tokens"]
    assert "/users/me" in spec["paths"]
    api_rules = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")}
    assert len(spec["paths"]) == len({r for r in api_rules})


def test_session_cookie_does_not_authorise_api_writes(client, make_user, login, db_session):
    make_user("quantri", roles=["admin"])
    login("quantri")
    assert client.get("/api/v1/users/me").status_code == 200  # reads use the session
    resp = client.post(
        "/api/v1/users",
        json={
            "username": "moi123",
            "full_name": "A",
            "password": "mat-khau-dai-1",
            "roles": ["submitter"],
        },
    )
    assert resp.status_code == 401
    assert db_session.scalar(sa.select(User).where(User.username == "moi123")) is None


def test_a_token_brings_every_role_of_its_user_in_one_query(make_user, db_session):
    from ideadb.accounts import service

    user = make_user("hai.vai", roles=["secretary", "reviewer", "unit_officer"], unit="BK-BB")
    token, _ = service.issue_token(db_session, user, timedelta(hours=1))
    db_session.expunge_all()  # nothing loaded before helps
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db_session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        roles = service.user_for_token(db_session, token).roles
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert roles == {"secretary", "reviewer", "unit_officer"}
    assert len(statements) == 1
