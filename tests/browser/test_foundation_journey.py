"""In Chromium: home page, language switch, sign-in form, role navigation, sign-out."""

import pytest

from ideadb.accounts import service
from ideadb.core.permissions import SYSTEM
from ideadb.extensions import db

pytestmark = pytest.mark.browser


def test_admin_signs_in_sees_admin_navigation_and_signs_out(live_server, browser_page, screenshot):
    with live_server.app.app_context():
        service.create_user(
            db.session,
            SYSTEM,
            username="quantri",
            password="mat-khau-dai-1",
            full_name="Hoàng Văn Thụ",
            roles=["admin"],
        )
    page = browser_page
    page.goto(live_server("/"))
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Cơ sở dữ liệu ý tưởng, sáng kiến").is_visible()
    screenshot(page, "home")

    page.click("#lang-switch")
    assert page.get_by_role("heading", name="Idea and initiative database").is_visible()
    page.click("#lang-switch")
    assert page.get_by_role("heading", name="Cơ sở dữ liệu ý tưởng, sáng kiến").is_visible()

    page.click("#sign-in-link")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.").first.is_visible()
    page.get_by_label("Mật khẩu").fill("mat-khau-dai-1")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_text("Xin chào Hoàng Văn Thụ!").is_visible()
    nav = page.locator("#nav-links")
    assert nav.get_by_role("link", name="Người dùng").is_visible()
    assert nav.get_by_role("link", name="Nhật ký").is_visible()
    screenshot(page, "signed-in-admin")

    nav.get_by_role("link", name="Người dùng").click()
    assert page.get_by_role("cell", name="quantri").is_visible()

    page.click("#sign-out")
    assert page.get_by_text("Bạn đã đăng xuất.").is_visible()
    assert page.locator("#sign-in-link").is_visible()
    assert page.js_errors == []


def test_navigation_collapses_into_a_menu_at_360_px(live_server, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(live_server("/"))
    assert not page.locator("#sign-in-link").is_visible()
    page.get_by_role("button", name="Mở menu").click()
    page.locator("#sign-in-link").wait_for(state="visible")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
