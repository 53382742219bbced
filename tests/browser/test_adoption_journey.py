"""In Chromium: a business follows a recognised initiative and asks to apply it; the owner
moves the request to agreed, then applied with its outcome; the business is told, the public
page shows where it is applied, and the statistics page's yearly adoption report counts it."""

from __future__ import annotations

import re
from datetime import date

import pytest

from ideadb.accounts import service as accounts
from ideadb.core.permissions import SYSTEM
from ideadb.extensions import db
from tests.browser.steps import sign_in, sign_out
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


YEAR = date.today().year


def recognised_idea(app) -> int:
    import sqlalchemy as sa

    from ideadb.ideas import service as ideas
    from ideadb.units.models import Unit

    with app.app_context():
        s = db.session
        unit = s.scalar(sa.select(Unit.id).where(Unit.code == "TN"))

        def user(username, roles, name, **extra):
            return accounts.create_user(
                s, SYSTEM, username=username, password=PASSWORD, full_name=name, roles=roles,
                unit_id=unit, **extra,
            )  # fmt: skip

        secretary = user("thuky", ["secretary"], "Nông Thị Hoa")
        owner = user("dan", ["submitter"], "Hoàng Văn Páo")
        user("htx", ["submitter"], "Hợp tác xã Chè Tân Cương", email="htx@example.vn")
        idea = ideas.create_idea(
            s,
            owner,
            {
                "title": "Lò sấy chè bằng nhiệt mặt trời",
                "summary": "Sấy chè búp bằng nhà kính năng lượng mặt trời.",
                "description": "Nhà kính có quạt hút ẩm; chè khô đều, không ám khói.",
                "area": "san_xuat_kinh_doanh",
                "year": YEAR,
                "unit_id": unit,
                "publish_consent": True,
            },
        )
        ideas.submit_idea(s, owner, idea.id)
        ideas.screen_idea(s, secretary, idea.id, "eligible", None)
        ideas.mark_in_review(s, secretary, [idea.id])
        ideas.record_recognition(s, secretary, idea.id, "tinh", "CONG_NHAN_TINH")
        return idea.id


def test_interest_accepted_applied_with_outcome_and_seen_in_the_yearly_report(
    live_server, browser_page, screenshot
):
    live_server.app.config["ADOPTION_MIN_SECONDS"] = 1
    idea_id = recognised_idea(live_server.app)
    page = browser_page

    # The business follows the idea, then asks to apply it.
    sign_in(page, live_server, "htx")
    page.goto(live_server(f"/sang-kien/{idea_id}"))
    page.get_by_role("button", name="Theo dõi sáng kiến").click()
    page.get_by_text("Bạn sẽ nhận thông báo khi sáng kiến được công nhận").wait_for()
    page.get_by_label("Tổ chức, doanh nghiệp").fill("Hợp tác xã Chè Tân Cương")
    page.get_by_label("Người liên hệ").fill("Đinh Văn Hùng")
    page.get_by_label("Thư điện tử").fill("htx@example.vn")
    page.get_by_label("Nội dung").fill("HTX muốn áp dụng cho 20 hộ xã viên.")
    page.wait_for_timeout(1200)  # the anti-bot minimum
    page.get_by_role("button", name="Gửi đăng ký áp dụng").click()
    page.get_by_text("Cảm ơn! Đăng ký áp dụng đã được gửi").wait_for()
    sign_out(page)

    # The owner agrees, then records the outcome.
    sign_in(page, live_server, "dan")
    page.goto(live_server(f"/y-tuong/{idea_id}"))
    card = page.locator(".adoption-interest").first
    assert "Mới đăng ký" in card.inner_text()
    card.locator("summary").click()
    card.get_by_label("Trạng thái").select_option("agreed")
    card.get_by_label("Ghi chú").fill("Đã thống nhất lịch tập huấn.")
    card.get_by_role("button", name="Lưu").click()
    page.get_by_text("Đã cập nhật đăng ký áp dụng.").wait_for()
    card = page.locator(".adoption-interest").first
    assert "Đã thống nhất" in card.locator(".interest-status").inner_text()
    options = card.get_by_label("Trạng thái").locator("option").all_inner_texts()
    assert "Mới đăng ký" not in options and "Đã liên hệ" not in options  # only forward
    card.locator("summary").click()
    card.get_by_label("Trạng thái").select_option("applied")
    card.get_by_label("Ngày áp dụng (dd/mm/yyyy)").fill(f"15/01/{YEAR}")
    card.get_by_label("Lợi ích (đồng)").fill("1.200.000")
    card.get_by_label("Kết quả áp dụng").fill("20 hộ sấy chè, giảm hao hụt 10%.")
    card.get_by_role("button", name="Lưu").click()
    page.get_by_text("Đã cập nhật đăng ký áp dụng.").wait_for()
    outcome = page.locator(".interest-outcome").first.inner_text()
    assert f"15/01/{YEAR}" in outcome and "1.200.000 đồng" in outcome
    screenshot(page, "adoption-owner")
    sign_out(page)

    # The business was told; the public page shows where the idea is applied.
    sign_in(page, live_server, "htx")
    page.goto(live_server("/thong-bao"))
    assert "đã được áp dụng tại Hợp tác xã Chè Tân Cương" in page.content()
    page.goto(live_server(f"/sang-kien/{idea_id}"))
    applied = page.locator("#applied-places").inner_text()
    assert "Hợp tác xã Chè Tân Cương" in applied and "1.200.000 đồng" in applied

    # The yearly adoption report on the statistics page.
    page.goto(live_server("/thong-ke"))
    page.locator("#year").select_option(str(YEAR))
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url(re.compile(rf"year={YEAR}"))
    totals = page.locator("#adoption-totals").inner_text()
    assert "1 nơi đã áp dụng" in totals and "1.200.000 đồng" in totals
    row = page.locator("#table-adoption-status tr[data-status='applied']").inner_text()
    assert row.split()[-1] == "1"
    area = page.locator("#table-adoption-area tbody").inner_text()
    assert "1.200.000" in area
    screenshot(page, "adoption-report")
    assert page.js_errors == []
