"""In Chromium: home page, language switch, sign-in form, role navigation, sign-out."""

import pytest
from playwright.sync_api import expect

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
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Cơ sở dữ liệu ý tưởng, sáng kiến")).to_be_visible()
    screenshot(page, "home")

    page.click("#lang-switch")
    expect(page.get_by_role("heading", name="Idea and initiative database")).to_be_visible()
    page.click("#lang-switch")
    expect(page.get_by_role("heading", name="Cơ sở dữ liệu ý tưởng, sáng kiến")).to_be_visible()

    page.click("#sign-in-link")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.").first).to_be_visible()
    page.get_by_label("Mật khẩu").fill("mat-khau-dai-1")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Xin chào Hoàng Văn Thụ!")).to_be_visible()
    nav = page.locator("#nav-links")
    expect(nav.get_by_role("link", name="Người dùng")).to_be_visible()
    expect(nav.get_by_role("link", name="Nhật ký")).to_be_visible()
    screenshot(page, "signed-in-admin")

    nav.get_by_role("link", name="Người dùng").click()
    expect(page.get_by_role("cell", name="quantri")).to_be_visible()

    page.click("#sign-out")
    expect(page.get_by_text("Bạn đã đăng xuất.")).to_be_visible()
    expect(page.locator("#sign-in-link")).to_be_visible()
    assert page.js_errors == []


def test_navigation_collapses_into_a_menu_at_360_px(live_server, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(live_server("/"))
    expect(page.locator("#sign-in-link")).to_be_hidden()
    page.locator("#nav-toggle").click()  # a <details> menu: works without JavaScript too
    page.locator("#sign-in-link").wait_for(state="visible")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
