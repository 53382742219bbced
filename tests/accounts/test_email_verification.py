"""E-mail verification of accounts: the signed, expiring link of the sign-up mail, resending
it, administrators' accounts and manual confirmation, and the API calls."""

from __future__ import annotations

import logging
import re

import pytest
import sqlalchemy as sa

from ideadb.accounts.models import User
from tests.conftest import PASSWORD, Client, make_test_app

LINK = re.compile(r"https?://\S*/tai-khoan/xac-nhan-email/(\S+)")


def _sign_up(client, username="dung.ht", email="dung@example.vn"):
    return client.submit(
        "/dang-ky-tai-khoan",
        {
            "full_name": "Hoàng Thị Dung",
            "username": username,
            "email": email,
            "unit_id": "0",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )


def _token(app, to="dung@example.vn") -> str:
    mails = [m for m in app.extensions.get("mail_outbox", []) if m["to"] == to]
    assert mails, "no verification mail"
    match = LINK.search(mails[-1]["body"])
    assert match, mails[-1]["body"]
    return match.group(1)


def _user(db_session, username="dung.ht") -> User:
    db_session.expire_all()
    return db_session.scalar(sa.select(User).where(User.username == username))


def test_sign_up_sends_a_link_that_verifies_the_address(app, client, db_session):
    resp = _sign_up(client)
    assert resp.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "gửi thư xác nhận" in home
    assert _user(db_session).email_verified_at is None
    mail = [m for m in app.extensions["mail_outbox"] if m["to"] == "dung@example.vn"][-1]
    assert "Xác nhận địa chỉ thư điện tử" in mail["subject"]
    status = client.get("/tai-khoan/xac-nhan-email").get_data(as_text=True)
    assert "chưa được xác nhận" in status
    resp = client.get(f"/tai-khoan/xac-nhan-email/{_token(app)}")
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Đã xác nhận địa chỉ thư điện tử" in page and "đã được xác nhận" in page
    assert _user(db_session).email_verified_at is not None
    # Opening it again is harmless.
    assert client.get(f"/tai-khoan/xac-nhan-email/{_token(app)}").status_code == 302


def test_a_signup_without_email_sends_nothing(app, client, db_session):
    _sign_up(client, email="")
    assert not app.extensions.get("mail_outbox")
    assert _user(db_session).email_verified_at is None


def test_tampered_expired_and_outdated_links_are_refused(app, client, db_session, monkeypatch):
    from itsdangerous import TimestampSigner

    from ideadb.accounts import verification

    _sign_up(client)
    token = _token(app)
    for bad in (token[:-3] + "abc", "khong-phai-ma", "x" * 2000):
        resp = client.get(f"/tai-khoan/xac-nhan-email/{bad}")
        assert resp.status_code == 400
        assert "không hợp lệ" in resp.get_data(as_text=True)
    # A link older than 72 hours.
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) - 73 * 3600)
    old = verification.make_token(_user(db_session))
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    resp = client.get(f"/tai-khoan/xac-nhan-email/{old}")
    assert resp.status_code == 400 and "hết hạn" in resp.get_data(as_text=True)
    # A link sent to an address the account no longer has.
    user = _user(db_session)
    with db_session.begin_nested():
        user.email = "moi@example.vn"
    db_session.commit()
    resp = client.get(f"/tai-khoan/xac-nhan-email/{token}")
    assert resp.status_code == 400
    assert _user(db_session).email_verified_at is None


def test_resend_is_a_csrf_form_and_rate_limited(app, client, db_session):
    _sign_up(client)
    before = len(app.extensions["mail_outbox"])
    # Without the CSRF token nothing is sent.
    client.post("/tai-khoan/xac-nhan-email", data={})
    assert len(app.extensions["mail_outbox"]) == before
    resp = client.submit("/tai-khoan/xac-nhan-email", {})
    assert resp.status_code == 302
    assert len(app.extensions["mail_outbox"]) == before + 1
    for _ in range(4):
        client.submit("/tai-khoan/xac-nhan-email", {})
    assert client.submit("/tai-khoan/xac-nhan-email", {}).status_code == 429
    # Once verified, the page says so and offers no button.
    client.get(f"/tai-khoan/xac-nhan-email/{_token(app)}")
    page = client.get("/tai-khoan/xac-nhan-email").get_data(as_text=True)
    assert "đã được xác nhận" in page and "resend-verification" not in page


def test_accounts_made_by_an_administrator_are_verified(
    client, make_user, auth_headers, db_session
):
    from ideadb.accounts import service
    from ideadb.core.permissions import SYSTEM

    admin = make_user(roles=["admin"], email="qtv@example.vn")
    assert admin.email_verified
    head = auth_headers(admin)
    resp = client.post(
        "/api/v1/users",
        json={
            "username": "can.bo",
            "full_name": "Cán Bộ",
            "email": "canbo@example.vn",
            "password": PASSWORD,
            "unit_id": None,
            "roles": ["unit_officer"],
        },
        headers=head,
    )
    assert resp.status_code == 201 and resp.get_json()["email_verified"] is True
    plain = make_user()
    assert not plain.email_verified
    # An administrator setting an address vouches for it.
    service.update_user(db_session, SYSTEM, plain.id, email="dan@example.vn")
    assert _user(db_session, plain.username).email_verified
    me = client.get("/api/v1/users/me", headers=auth_headers(plain)).get_json()
    assert me["email_verified"] is True


def test_the_api_confirms_and_resends(app, client, db_session, auth_headers):
    _sign_up(client)
    client.submit("/dang-xuat", form_url="/")
    head = auth_headers("dung.ht")
    assert client.get("/api/v1/users/me", headers=head).get_json()["email_verified"] is False
    resp = client.post("/api/v1/users/me/email-verification", headers=head)
    assert resp.status_code == 202 and resp.get_json() == {"sent": True}
    bad = client.post("/api/v1/auth/email-verification", json={"token": "sai"})
    assert bad.status_code == 422 and "token" in bad.get_json()["error"]["fields"]
    assert client.post("/api/v1/auth/email-verification", json={}).status_code in (400, 422)
    resp = client.post("/api/v1/auth/email-verification", json={"token": _token(app)})
    assert resp.status_code == 200 and resp.get_json()["email_verified"] is True
    again = client.post("/api/v1/users/me/email-verification", headers=head)
    assert again.status_code == 409 and again.get_json()["error"]["message"]
    assert client.post("/api/v1/users/me/email-verification").status_code == 401


@pytest.fixture
def mailless_client(tmp_path, db_backend):
    """An application with no mail server (and no capture): nothing can be sent."""
    app = make_test_app(tmp_path, db_backend, MAIL_CAPTURE=False)
    app.test_client_class = Client
    with app.app_context():
        yield app, app.test_client()
        from ideadb.extensions import db

        db.session.remove()
        if db_backend == "postgres":
            db.engine.dispose()


def test_without_mail_the_link_is_logged_and_an_admin_confirms(mailless_client, caplog):
    from ideadb.accounts import service
    from ideadb.core.permissions import SYSTEM
    from ideadb.extensions import db

    app, client = mailless_client
    with caplog.at_level(logging.WARNING, logger="ideadb.accounts.verification"):
        _sign_up(client)
    assert any("/tai-khoan/xac-nhan-email/" in r.getMessage() for r in caplog.records)
    home = client.get("/").get_data(as_text=True)
    assert "liên hệ quản trị viên" in home
    assert not app.extensions.get("mail_outbox")
    client.submit("/dang-xuat", form_url="/")
    service.create_user(
        db.session,
        SYSTEM,
        username="qtv",
        password=PASSWORD,
        full_name="Quản Trị",
        roles=["admin"],
    )
    client.submit("/dang-nhap", {"username": "qtv", "password": PASSWORD})
    user = _user(db.session)
    page = client.get(f"/quan-tri/nguoi-dung/{user.id}").get_data(as_text=True)
    assert "chưa được xác nhận" in page
    resp = client.submit(
        f"/quan-tri/nguoi-dung/{user.id}/xac-nhan-email", form_url=f"/quan-tri/nguoi-dung/{user.id}"
    )
    assert resp.status_code == 302
    assert _user(db.session).email_verified
    page = client.get(f"/quan-tri/nguoi-dung/{user.id}").get_data(as_text=True)
    assert "đã được xác nhận" in page


def test_create_user_with_an_email_is_verified(runner, db_session):
    from ideadb.cli import main

    result = runner.invoke(
        main,
        args=[
            "create-user", "dan.cli", "--password", "mat-khau-dai-1", "--role", "submitter",
            "--email", "cli@example.vn",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _user(db_session, "dan.cli").email_verified
