"""Steps the browser journeys share."""

from __future__ import annotations

from tests.conftest import PASSWORD


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(live_server("/dang-nhap"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Xin chào").wait_for()


def sign_out(page) -> None:
    page.locator("#sign-out").click()
    page.get_by_text("Bạn đã đăng xuất.").wait_for()
