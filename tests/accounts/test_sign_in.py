"""Signing in and out through the pages, remember-me, rate limits, sign-up, passwords."""

import re

import sqlalchemy as sa

from ideadb.accounts.models import User
from tests.conftest import PASSWORD


def test_sign_in_page_is_vietnamese_with_csrf(client):
    page = client.get("/dang-nhap").get_data(as_text=True)
    assert "Đăng nhập" in page and "Mật khẩu" in page
    assert 'name="csrf_token"' in page


def test_user_signs_in_sees_role_navigation_and_signs_out(client, make_user, login):
    make_user("thuky", roles=["secretary"], full_name="Nông Thị Hoa")
    login("thuky")
    home = client.get("/").get_data(as_text=True)
    assert "Nông Thị Hoa" in home
    assert "Người dùng" not in home  # admin-only navigation is hidden
    client.submit("/dang-xuat", form_url="/")
    assert "Nông Thị Hoa" not in client.get("/").get_data(as_text=True)


def test_admin_sees_admin_navigation(client, make_user, login):
    make_user("admin", roles=["admin"])
    login("admin")
    home = client.get("/").get_data(as_text=True)
    assert "Người dùng" in home and "Đơn vị" in home and "Nhật ký" in home


def test_unknown_user_and_wrong_password_get_the_same_message(client, make_user):
    make_user("an.nv")
    wrong = client.submit("/dang-nhap", {"username": "an.nv", "password": "sai-mat-khau"})
    unknown = client.submit("/dang-nhap", {"username": "khong-co", "password": "sai-mat-khau"})
    message = "Tên đăng nhập hoặc mật khẩu không đúng."
    assert wrong.status_code == unknown.status_code == 200
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_sixth_failure_within_fifteen_minutes_is_rate_limited(client, make_user):
    make_user("an.nv")
    for _ in range(5):
        resp = client.submit("/dang-nhap", {"username": "an.nv", "password": "sai"}, form_url="/")
        assert resp.status_code == 200
    resp = client.submit("/dang-nhap", {"username": "an.nv", "password": PASSWORD}, form_url="/")
    assert resp.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in resp.get_data(as_text=True)


def test_failures_for_one_account_from_many_addresses_are_limited(client, make_user):
    make_user("an.nv")
    for i in range(5):
        token = client.csrf_token("/")
        client.post(
            "/dang-nhap",
            data={"username": "an.nv", "password": "sai", "csrf_token": token},
            environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"},
        )
    token = client.csrf_token("/")
    resp = client.post(
        "/dang-nhap",
        data={"username": "an.nv", "password": PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "10.0.0.99"},
    )
    assert resp.status_code == 429


def test_successful_sign_ins_do_not_count_towards_the_limit(client, make_user, login):
    make_user("an.nv")
    for _ in range(7):
        login("an.nv")


def test_remember_me_sets_an_httponly_cookie(client, make_user, login):
    make_user("an.nv")
    resp = login("an.nv", remember=True)
    cookies = resp.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0]
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_form_with_wrong_csrf_token_is_rejected_in_vietnamese(client, make_user):
    make_user("an.nv")
    resp = client.post(
        "/dang-nhap", data={"username": "an.nv", "password": PASSWORD, "csrf_token": "sai"}
    )
    # Not a dead-end 400 page: back to the form, the typed name kept, the password not.
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/dang-nhap")
    page = client.get("/dang-nhap").get_data(as_text=True)
    assert "Phiên làm việc đã hết hạn nên biểu mẫu chưa được gửi" in page
    assert 'value="an.nv"' in page and PASSWORD not in page
    assert "Người dùng 1" not in client.get("/").get_data(as_text=True)


def test_citizen_signs_up_as_submitter(client, db_session):
    resp = client.submit(
        "/dang-ky-tai-khoan",
        {
            "full_name": "Hoàng Thị Dung",
            "username": "dung.ht",
            "email": "",
            "unit_id": "0",
            "password": "mat-khau-moi-1",
            "confirm": "mat-khau-moi-1",
        },
    )
    assert resp.status_code == 302
    user = db_session.scalar(sa.select(User).where(User.username == "dung.ht"))
    assert user is not None
    assert user.roles == {"submitter"}
    assert "Hoàng Thị Dung" in client.get("/").get_data(as_text=True)


def test_sign_up_errors_show_beside_the_field_and_write_nothing(client, db_session, make_user):
    make_user("trung")
    before = db_session.query(User).count()
    resp = client.submit(
        "/dang-ky-tai-khoan",
        {
            "full_name": "Lý Văn Páo",
            "username": "trung",
            "unit_id": "0",
            "password": "ngan",
            "confirm": "khac",
        },
    )
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Mật khẩu phải có ít nhất 8 ký tự." in page
    assert "Mật khẩu nhập lại không khớp." in page
    assert db_session.query(User).count() == before


def test_password_change_requires_the_current_password(client, make_user, login):
    make_user("an.nv")
    login("an.nv")
    bad = client.submit(
        "/tai-khoan/mat-khau",
        {"current_password": "sai", "new_password": "mat-khau-moi-9", "confirm": "mat-khau-moi-9"},
    )
    assert "Mật khẩu hiện tại không đúng." in bad.get_data(as_text=True)
    ok = client.submit(
        "/tai-khoan/mat-khau",
        {
            "current_password": PASSWORD,
            "new_password": "mat-khau-moi-9",
            "confirm": "mat-khau-moi-9",
        },
    )
    assert ok.status_code == 302
    client.submit("/dang-xuat", form_url="/")
    resp = client.submit("/dang-nhap", {"username": "an.nv", "password": "mat-khau-moi-9"})
    assert resp.status_code == 302


def test_deactivated_user_cannot_sign_in(client, make_user, db_session):
    from ideadb.accounts import service
    from ideadb.core.permissions import SYSTEM

    user = make_user("an.nv")
    service.update_user(db_session, SYSTEM, user.id, active=False)
    resp = client.submit("/dang-nhap", {"username": "an.nv", "password": PASSWORD})
    assert resp.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in resp.get_data(as_text=True)


def test_passwords_are_stored_as_argon2_hashes(make_user):
    user = make_user("an.nv")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_sign_in_redirect_never_leaves_the_site(client, make_user):
    make_user("an.nv")
    resp = client.submit(
        "/dang-nhap?next=https://evil.example/",
        {"username": "an.nv", "password": PASSWORD},
        form_url="/dang-nhap",
    )
    assert resp.status_code == 302
    assert not re.match(r"https?://evil", resp.headers["Location"])


def test_user_administration_pages_are_for_admins_only(client, make_user, login):
    target = make_user("thuky", roles=["secretary"])
    login("thuky")
    for url in (
        "/quan-tri/nguoi-dung",
        "/quan-tri/nguoi-dung/moi",
        f"/quan-tri/nguoi-dung/{target.id}",
    ):
        resp = client.get(url)
        assert resp.status_code == 403, url
        assert "Huyện Ba Bể" not in resp.get_data(as_text=True)


def test_an_application_without_rate_limits_does_not_switch_them_off_for_the_next(tmp_path):
    """The limiter is one object per process: each application states whether it limits."""
    from ideadb.accounts import service
    from ideadb.core.permissions import SYSTEM
    from ideadb.extensions import db
    from tests.conftest import Client, make_test_app

    # The database plays no part: both applications use their own SQLite file.
    first = make_test_app(tmp_path / "a", "sqlite", RATELIMIT_ENABLED=False)
    app = make_test_app(tmp_path / "b", "sqlite")
    app.test_client_class = Client
    with app.app_context():
        service.create_user(
            db.session(),
            SYSTEM,
            username="an.nv",
            password=PASSWORD,
            full_name="Nông Văn An",
            roles=["submitter"],
        )
    client = app.test_client()
    codes = []
    for _ in range(6):
        token = client.csrf_token("/")
        codes.append(
            client.post(
                "/dang-nhap", data={"username": "an.nv", "password": "sai", "csrf_token": token}
            ).status_code
        )
    for each in (first, app):
        with each.app_context():
            db.engine.dispose()
    assert codes[-1] == 429
