"""In Chromium, on the demo data: each role's home page lists what waits with counts, and its
first next action opens a working page. Screenshots of every home page are kept."""

from __future__ import annotations

import pytest

from ideadb.extensions import db

pytestmark = pytest.mark.browser

# (role, demo account or None for the business visitor, what the home page must say)
ROLES = [
    ("citizen", "nguoidan", "Ý tưởng của tôi"),
    ("officer", "canbo.babe", "hồ sơ chờ sàng lọc"),
    ("reviewer", "hoidong1", "phiếu đã nộp"),
    ("secretary", "thuky", "Đợt theo giai đoạn"),
    ("chair", "chutich", "phiếu đã nộp"),
    ("admin", "quantri", "tài khoản"),
    ("visitor", None, "sáng kiến đã được công nhận"),
]
REFUSED = ("Không có quyền", "Không tìm thấy", "Đã có lỗi xảy ra")


@pytest.fixture
def demo_site(live_server):
    from ideadb.demo import load_demo, read_demo_passwords

    with live_server.app.app_context():
        load_demo(db.session, ideas=60)
        passwords = read_demo_passwords(live_server.app.config["INSTANCE_DIR"])
    return live_server, passwords


def test_each_role_home_page_leads_to_its_next_action(demo_site, browser_page, screenshot):
    live_server, passwords = demo_site
    page = browser_page
    shots = []
    for role, username, expected in ROLES:
        page.context.clear_cookies()
        if username:
            page.goto(live_server("/dang-nhap"))
            page.get_by_label("Tên đăng nhập").fill(username)
            page.get_by_label("Mật khẩu").fill(passwords[username])
            page.get_by_role("button", name="Đăng nhập").click()
            page.get_by_text("Xin chào").first.wait_for()
        page.goto(live_server("/"))
        page.get_by_text(expected).first.wait_for()
        assert page.locator(".home-section").count() >= 1
        # at 1280 px every menu entry stays on one line (never "Englis" / "h")
        broken = page.evaluate(
            "[...document.querySelectorAll('.site-nav .nav-link')]"
            ".filter(a => a.getClientRects().length > 1"
            " || a.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(a).lineHeight))"
            ".map(a => a.textContent.trim())"
        )
        assert not broken, (role, broken)
        shots.append(screenshot(page, f"home-{role}"))
        first = page.locator(".next-action").first
        label = first.inner_text()
        with page.expect_navigation() as nav:
            first.click()
        response = nav.value
        assert response is not None and response.status == 200, (role, label, page.url)
        body = page.locator("main").inner_text()
        assert not any(word in body for word in REFUSED), (role, label, page.url)
    for desktop, phone in shots:
        print("screenshot:", desktop, phone)
