"""In Chromium: a business, without signing in, searches the catalogue for `nuoi lon`, narrows
by district, opens a result and registers its interest in applying it; and the registration
form shows ideas that already exist while a title is typed."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from ideadb.accounts import service as accounts
from ideadb.core.permissions import SYSTEM
from ideadb.extensions import db
from ideadb.ideas import service as ideas
from ideadb.units.models import Unit

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-thu-nghiem"


def _recognised_ideas(app) -> dict[str, int]:
    """Two recognised, public ideas about pig farming in two districts, and a draft."""
    with app.app_context():
        session = db.session

        def unit(code: str) -> int:
            return session.scalar(sa.select(Unit.id).where(Unit.code == code))

        owner = accounts.create_user(
            session,
            SYSTEM,
            username="tacgia",
            password=PASSWORD,
            full_name="Lục Văn Tâm",
            roles=["submitter"],
            unit_id=unit("BK-BB-NM"),
        )
        secretary = accounts.create_user(
            session,
            SYSTEM,
            username="thuky",
            password=PASSWORD,
            full_name="Nông Thị Hoa",
            roles=["secretary"],
        )
        made = {}
        for key, code, title in [
            ("babe", "BK-BB-NM", "Nuôi lợn đen bản địa trên đệm lót sinh học"),
            ("chodon", "BK-CD-NP", "Nuôi lợn rừng lai bằng thức ăn ủ men từ thân chuối"),
            ("draft", "BK-CD-NP", "Nuôi lợn nái sinh sản (bản nháp chưa nộp)"),
        ]:
            idea = ideas.create_idea(
                session,
                owner,
                {
                    "title": title,
                    "summary": "Hộ chăn nuôi giảm chi phí thức ăn, chuồng không mùi hôi.",
                    "description": "Ủ men vi sinh, lót chuồng bằng trấu và mùn cưa.",
                    "novelty": "Lần đầu áp dụng tại xã.",
                    "benefits": "Giảm 30% chi phí thức ăn.",
                    "area": "san_xuat_kinh_doanh",
                    "year": 2023,
                    "unit_id": unit(code),
                    "publish_consent": True,
                    "authors": [{"name": "Lục Văn Tâm", "unit": "Xã Nam Mẫu", "share": 100}],
                },
            )
            if key != "draft":
                ideas.submit_idea(session, owner, idea.id)
                ideas.screen_idea(session, secretary, idea.id, "eligible", None)
                ideas.mark_in_review(session, secretary, [idea.id])
                ideas.record_recognition(session, secretary, idea.id, "tinh", "CONG_NHAN_TINH")
            made[key] = idea.id
        return made


def test_a_business_finds_an_idea_narrows_by_district_and_registers_interest(
    live_server, browser_page, screenshot
):
    live_server.app.config["ADOPTION_MIN_SECONDS"] = 1
    made = _recognised_ideas(live_server.app)
    page = browser_page

    page.goto(live_server("/"))
    page.get_by_role("link", name="Tra cứu ý tưởng").first.click()
    page.get_by_label("Tìm ý tưởng, sáng kiến").fill("nuoi lon")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.locator("#result-count").wait_for()
    assert "Tìm thấy 2 ý tưởng" in page.locator("#result-count").inner_text()
    assert page.locator("#results mark").first.inner_text() == "Nuôi lợn"
    assert "bản nháp" not in page.content()
    screenshot(page, "search-catalogue")

    page.locator("#facet-district_id").get_by_role("link", name=re.compile("Chợ Đồn")).click()
    page.locator("#active-filters").wait_for()
    cards = page.locator("#results .search-hit")
    expect(cards).to_have_count(1)
    assert "thân chuối" in cards.first.inner_text()
    screenshot(page, "search-filtered")

    cards.first.get_by_role("link", name=re.compile("Nuôi lợn rừng")).click()
    page.wait_for_url(re.compile(rf"/sang-kien/{made['chodon']}$"))
    page.get_by_label("Tổ chức, doanh nghiệp").fill("Hợp tác xã Chăn nuôi Ngọc Phái")
    page.get_by_label("Người liên hệ").fill("Hà Văn Sơn")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Nội dung").fill("HTX muốn áp dụng cho 40 hộ thành viên.")
    page.wait_for_timeout(1200)  # people take a moment to fill the form (anti-bot minimum)
    page.get_by_role("button", name="Gửi đăng ký áp dụng").click()
    page.get_by_text("Cảm ơn! Đăng ký áp dụng đã được gửi").wait_for()
    assert "Đã có 1 tổ chức" in page.locator("#interest-count").inner_text()
    screenshot(page, "search-interest-registered")
    assert page.js_errors == []


def test_the_registration_form_shows_ideas_that_already_exist(
    live_server, browser_page, screenshot
):
    made = _recognised_ideas(live_server.app)
    page = browser_page
    page.goto(live_server("/dang-nhap"))
    page.get_by_label("Tên đăng nhập").fill("tacgia")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Xin chào").wait_for()
    page.goto(live_server("/y-tuong/dang-ky"))
    panel = page.locator("#similar-ideas")
    assert panel.is_hidden()
    page.locator("#title").fill("Nuôi lợn đen trên đệm lót sinh học cho hộ nghèo")
    panel.wait_for(state="visible")
    link = panel.get_by_role("link").first
    assert "Nuôi lợn đen bản địa" in link.inner_text()
    assert link.get_attribute("href").endswith(f"/{made['babe']}")
    screenshot(page, "search-duplicate-panel")
    assert page.js_errors == []
