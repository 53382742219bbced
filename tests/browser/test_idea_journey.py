"""In Chromium: a citizen registers an idea with co-authors and a file, the unit officer
returns it for supplement, the citizen fixes and resubmits, the officer accepts it."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from ideadb.accounts import service as accounts
from ideadb.core.permissions import SYSTEM
from ideadb.extensions import db
from ideadb.units.models import Unit

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + b"\0" * 64
CITIZEN_PASSWORD = "mat-khau-nguoi-dan"
OFFICER_PASSWORD = "mat-khau-can-bo"


def sign_in(page, live_server, username, password):
    page.goto(live_server("/dang-nhap"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Xin chào").wait_for()


def sign_out(page):
    page.locator("#sign-out").click()
    page.get_by_text("Bạn đã đăng xuất.").wait_for()


def test_citizen_registers_officer_returns_citizen_fixes_officer_accepts(
    live_server, browser_page, screenshot
):
    with live_server.app.app_context():
        commune = db.session.scalar(sa.select(Unit.id).where(Unit.code == "TN-XBB"))
        accounts.create_user(
            db.session,
            SYSTEM,
            username="canbo.babe",
            password=OFFICER_PASSWORD,
            full_name="Đàm Văn Khánh",
            roles=["unit_officer"],
            unit_id=commune,
        )
    page = browser_page

    # A citizen opens an account.
    page.goto(live_server("/dang-ky-tai-khoan"))
    page.get_by_label("Họ và tên").fill("Hoàng Thị Dung")
    page.get_by_label("Tên đăng nhập").fill("dung.ht")
    page.get_by_label("Thư điện tử").fill("dung@example.vn")
    page.get_by_label("Đơn vị / nơi công tác (nếu có)").select_option(label="Xã Ba Bể")
    page.get_by_label("Mật khẩu", exact=True).fill(CITIZEN_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(CITIZEN_PASSWORD)
    page.get_by_role("button", name="Tạo tài khoản").click()
    page.get_by_text("Tài khoản đã được tạo").wait_for()

    # She registers an idea with two co-authors and a file.
    page.locator("#nav-links").get_by_role("link", name="Đăng ký ý tưởng").click()
    page.get_by_label("Tên ý tưởng, sáng kiến").fill("Bản đồ số điểm du lịch cộng đồng hồ Ba Bể")
    page.get_by_label("Tóm tắt").fill("Bản đồ trực tuyến các homestay, bến thuyền và đường mòn.")
    page.get_by_label("Nội dung giải pháp").fill(
        "Thu thập tọa độ, ảnh, giá dịch vụ; cập nhật bằng điện thoại."
    )
    page.get_by_label("Lĩnh vực", exact=True).select_option("san_xuat_kinh_doanh")
    page.get_by_label("Năm").fill("2021")
    page.get_by_label("Ngày áp dụng lần đầu hoặc áp dụng thử (dd/mm/yyyy)").fill("15/03/2021")
    assert page.locator("#authors-0-name").input_value() == "Hoàng Thị Dung"
    page.locator("#authors-0-share").fill("50")
    for index, (name, unit, share) in enumerate(
        [("Triệu Văn Páo", "Thôn Pác Ngòi", "30"), ("Ma Thị Lan", "HTX Du lịch Nam Mẫu", "20")],
        start=1,
    ):
        page.get_by_role("button", name="Thêm tác giả").click()
        page.locator(f"#authors-{index}-name").fill(name)
        page.locator(f"#authors-{index}-unit").fill(unit)
        page.locator(f"#authors-{index}-share").fill(share)
    assert page.locator("#share-sum").inner_text() == "100"
    page.locator("#files").set_input_files(
        files=[{"name": "ban-do.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_label("Hiệu quả, lợi ích thu được").fill("Khách đặt phòng trực tuyến tăng 35%.")
    page.get_by_label("Tôi/chúng tôi đồng ý công khai").check()
    screenshot(page, "idea-form")
    page.get_by_role("button", name="Lưu và nộp hồ sơ").click()
    page.get_by_text("Đã nộp hồ sơ. Mã hồ sơ: BK-2021-0001.").wait_for()
    idea_url = page.url
    assert re.search(r"/y-tuong/\d+$", idea_url)
    expect(page.locator("#author-list li")).to_have_count(3)
    assert page.get_by_role("link", name="ban-do.png").is_visible()
    sign_out(page)

    # The unit officer returns it for supplement.
    sign_in(page, live_server, "canbo.babe", OFFICER_PASSWORD)
    page.locator("#nav-links").get_by_role("link", name="Ý tưởng của đơn vị").click()
    page.get_by_role("link", name="Bản đồ số điểm du lịch cộng đồng hồ Ba Bể").click()
    page.get_by_role("radio", name="Yêu cầu bổ sung").check()
    page.get_by_label("Ghi chú cho người đăng ký").fill(
        "Đề nghị bổ sung số liệu lượt khách năm 2021."
    )
    page.get_by_role("button", name="Ghi kết quả").click()
    page.get_by_text("Đã ghi kết quả sàng lọc.").wait_for()
    sign_out(page)

    # The citizen sees the note, fixes the dossier and submits again.
    sign_in(page, live_server, "dung.ht", CITIZEN_PASSWORD)
    page.goto(live_server("/thong-bao"))
    assert page.get_by_text("Đề nghị bổ sung số liệu lượt khách năm 2021.").is_visible()
    page.get_by_role("button", name="Xem hồ sơ").first.click()
    page.get_by_role("link", name="Bổ sung hồ sơ").click()
    assert page.locator("#revision-note").get_by_text("lượt khách năm 2021").is_visible()
    # The duplicate panel looks for ideas like this one, but never lists the dossier itself.
    page.wait_for_load_state("networkidle")
    own_title = "Bản đồ số điểm du lịch cộng đồng hồ Ba Bể"
    expect(page.locator("#similar-ideas li", has_text=own_title)).to_have_count(0)
    screenshot(page, "idea-returned")
    page.get_by_label("Hiệu quả, lợi ích thu được").fill(
        "Năm 2021 đón 4.200 lượt khách, khách đặt phòng trực tuyến tăng 35%."
    )
    page.get_by_role("button", name="Lưu và nộp lại").click()
    page.get_by_text("Đã nộp hồ sơ. Mã hồ sơ: BK-2021-0001.").wait_for()
    sign_out(page)

    # The officer marks it eligible.
    sign_in(page, live_server, "canbo.babe", OFFICER_PASSWORD)
    page.goto(idea_url)
    assert page.get_by_text("4.200 lượt khách").is_visible()
    page.get_by_role("radio", name="Đủ điều kiện xét chọn").check()
    page.get_by_role("button", name="Ghi kết quả").click()
    page.get_by_text("Đã ghi kết quả sàng lọc.").wait_for()
    assert page.locator("#idea-status").inner_text().strip() == "Đủ điều kiện xét chọn"
    screenshot(page, "idea-eligible")
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.js_errors == []
