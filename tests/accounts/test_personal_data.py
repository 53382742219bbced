"""Personal data (Nghị định 13/2023/NĐ-CP): a person downloads what we hold and closes the account."""

from __future__ import annotations

import json

from tests.conftest import PASSWORD

WITHDRAWN = "Tác giả đã rút thông tin"


def _author_names(client, headers, idea_id):
    body = client.get(f"/api/v1/ideas/{idea_id}", headers=headers).get_json()
    return [a["name"] for a in body["authors"]]


def test_privacy_notice_is_public(client):
    page = client.get("/quyen-rieng-tu")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Nghị định 13/2023/NĐ-CP" in text
    assert "Quyền của bạn" in text


def test_download_holds_account_and_own_ideas_and_nothing_of_others(
    client, login, make_user, create_idea
):
    owner = make_user("tacgia", full_name="Hoàng Thị Mai", email="mai@example.vn")
    other = make_user("nguoikhac", full_name="Lý Văn Pao")
    mine = create_idea(owner, title="Sổ tay điện tử cho hộ trồng quế")
    create_idea(other, title="Bể lọc nước sạch cho bản vùng cao")
    login(owner)

    page = client.get("/tai-khoan/du-lieu-ca-nhan")
    assert page.status_code == 200
    assert "Tải về dữ liệu của tôi" in page.get_data(as_text=True)

    download = client.get("/tai-khoan/du-lieu-ca-nhan.json")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    text = download.get_data(as_text=True)
    assert "Hoàng Thị Mai" in text  # readable Vietnamese, not \\u escapes
    data = json.loads(text)
    assert data["account"]["username"] == "tacgia"
    assert data["account"]["email"] == "mai@example.vn"
    assert [i["title"] for i in data["ideas"]["ideas"]] == ["Sổ tay điện tử cho hộ trồng quế"]
    assert data["ideas"]["ideas"][0]["id"] == mine.id
    assert "Bể lọc nước sạch" not in text
    assert "password" not in json.dumps(data["account"])


def test_download_needs_sign_in(client):
    response = client.get("/tai-khoan/du-lieu-ca-nhan.json")
    assert response.status_code == 302
    assert "/dang-nhap" in response.headers["Location"]


def test_closing_anonymises_account_and_withdraws_name_except_from_recognised(
    client, login, make_user, create_idea, auth_headers, secretary
):
    owner = make_user("tacgia", full_name="Hoàng Thị Mai", email="mai@example.vn")
    draft = create_idea(owner, submit=True, title="Sổ tay điện tử cho hộ trồng quế")
    recognised = create_idea(
        owner, status="recognized", title="Lò sấy hồi bằng năng lượng mặt trời"
    )
    staff = auth_headers(secretary())
    assert _author_names(client, staff, draft.id) == ["Hoàng Thị Mai"]
    found = client.get("/api/v1/search?q=Hoàng Thị Mai", headers=staff).get_json()
    assert draft.id in [i["id"] for i in found["items"]]

    login(owner)
    page = client.submit(
        "/tai-khoan/dong-tai-khoan",
        {"password": PASSWORD, "understood": "y"},
        form_url="/tai-khoan/du-lieu-ca-nhan",
    )
    assert page.status_code == 302
    follow = client.get(page.headers["Location"])
    assert "Tài khoản của bạn đã được đóng." in follow.get_data(as_text=True)

    assert _author_names(client, staff, draft.id) == [WITHDRAWN]
    assert _author_names(client, staff, recognised.id) == ["Hoàng Thị Mai"]  # public record
    # The idea itself stays, with its text.
    body = client.get(f"/api/v1/ideas/{draft.id}", headers=staff).get_json()
    assert body["title"] == "Sổ tay điện tử cho hộ trồng quế"

    # The account can no longer sign in, by page or by API, with the old name or password.
    assert (
        client.post(
            "/api/v1/auth/tokens", json={"username": "tacgia", "password": PASSWORD}
        ).status_code
        == 401
    )
    users = client.get("/api/v1/users?q=Mai", headers=auth_headers_admin(client, make_user))
    assert "Hoàng Thị Mai" not in users.get_data(as_text=True)

    # The search index no longer shows the withdrawn name.
    found = client.get("/api/v1/search?q=Hoàng Thị Mai", headers=staff).get_json()
    assert draft.id not in [i["id"] for i in found["items"]]


def auth_headers_admin(client, make_user):
    make_user("quantri-kiemtra", roles=["admin"])
    token = client.post(
        "/api/v1/auth/tokens", json={"username": "quantri-kiemtra", "password": PASSWORD}
    ).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_wrong_password_or_missing_confirmation_closes_nothing(client, login, make_user):
    owner = make_user("tacgia", full_name="Hoàng Thị Mai")
    login(owner)
    wrong = client.submit(
        "/tai-khoan/dong-tai-khoan",
        {"password": "sai-mat-khau", "understood": "y"},
        form_url="/tai-khoan/du-lieu-ca-nhan",
    )
    assert wrong.status_code == 422
    assert "Mật khẩu không đúng." in wrong.get_data(as_text=True)
    unconfirmed = client.submit(
        "/tai-khoan/dong-tai-khoan", {"password": PASSWORD}, form_url="/tai-khoan/du-lieu-ca-nhan"
    )
    assert unconfirmed.status_code == 422
    assert "Vui lòng xác nhận trước khi đóng tài khoản." in unconfirmed.get_data(as_text=True)
    # Still signed in and still able to get a token.
    assert client.get("/tai-khoan/du-lieu-ca-nhan").status_code == 200
    token = client.post("/api/v1/auth/tokens", json={"username": "tacgia", "password": PASSWORD})
    assert token.status_code == 201


def test_api_export_and_close(client, make_user, auth_headers, create_idea):
    owner = make_user("tacgia", full_name="Hoàng Thị Mai")
    create_idea(owner, title="Sổ tay điện tử cho hộ trồng quế")
    headers = auth_headers(owner)
    data = client.get("/api/v1/users/me/personal-data", headers=headers)
    assert data.status_code == 200
    assert data.get_json()["account"]["full_name"] == "Hoàng Thị Mai"
    assert client.get("/api/v1/users/me/personal-data").status_code == 401

    bad = client.post("/api/v1/users/me/close", json={"password": "sai"}, headers=headers)
    assert bad.status_code == 422
    assert bad.get_json()["error"]["fields"]["password"] == ["Mật khẩu không đúng."]
    missing = client.post("/api/v1/users/me/close", json={}, headers=headers)
    assert missing.status_code == 422

    closed = client.post("/api/v1/users/me/close", json={"password": PASSWORD}, headers=headers)
    assert closed.status_code == 204
    # The token that closed the account no longer works.
    assert client.get("/api/v1/users/me", headers=headers).status_code == 401


def test_invitations_are_exported_and_unanswered_ones_declined_on_closing(
    client, make_user, auth_headers, create_idea
):
    owner = make_user("chuhoso", full_name="Triệu Văn Sinh")
    invited = make_user("duocmoi", full_name="Hà Thị Lan")
    idea = create_idea(owner, title="Bể lọc nước sạch cho bản vùng cao")
    patched = client.patch(
        f"/api/v1/ideas/{idea.id}",
        json={
            "authors": [
                {"name": "Triệu Văn Sinh", "unit": "", "share": 70},
                {"name": "Hà Thị Lan", "unit": "", "share": 30, "user_id": invited.id},
            ]
        },
        headers=auth_headers(owner),
    )
    assert patched.status_code == 200, patched.get_json()
    headers = auth_headers(invited)
    data = client.get("/api/v1/users/me/personal-data", headers=headers).get_json()
    assert [(i["idea_id"], i["status"]) for i in data["ideas"]["author_invitations"]] == [
        (idea.id, "pending")
    ]
    closed = client.post("/api/v1/users/me/close", json={"password": PASSWORD}, headers=headers)
    assert closed.status_code == 204
    body = client.get(f"/api/v1/ideas/{idea.id}", headers=auth_headers(owner)).get_json()
    states = [a["invitation"]["status"] for a in body["authors"] if a.get("invitation")]
    assert states == ["declined"]
