"""In Chromium: the secretary builds a four-criterion set with bands, watches the live weight
total and the score-sheet preview, and activates the set."""

import pytest

from ideadb.accounts import service
from ideadb.core.permissions import SYSTEM
from ideadb.extensions import db

pytestmark = pytest.mark.browser

CRITERIA = [
    ("TINH_MOI", "Tính mới, tính sáng tạo", "30", "30"),
    ("KHA_NANG_AP_DUNG", "Khả năng áp dụng, nhân rộng", "25", "25"),
    ("HIEU_QUA", "Hiệu quả kinh tế - xã hội", "30", "30"),
    ("TINH_KINH_TE", "Tính kinh tế, tiết kiệm nguồn lực", "15", "15"),
]
BANDS = [("27", "30", "Hoàn toàn mới"), ("21", "26", "Cải tiến tốt"), ("0", "20", "Cải tiến nhỏ")]


def test_secretary_builds_a_set_with_bands_previews_it_and_activates_it(
    live_server, browser_page, screenshot
):
    with live_server.app.app_context():
        service.create_user(
            db.session,
            SYSTEM,
            username="thuky",
            password="mat-khau-dai-1",
            full_name="Nông Thị Hoa",
            roles=["secretary"],
        )
    page = browser_page
    page.goto(live_server("/dang-nhap"))
    page.get_by_label("Tên đăng nhập").fill("thuky")
    page.get_by_label("Mật khẩu").fill("mat-khau-dai-1")
    page.get_by_role("button", name="Đăng nhập").click()
    page.locator("#nav-links").get_by_role("link", name="Bộ tiêu chí").click()
    page.click("#new-set")

    page.get_by_label("Tên bộ tiêu chí").fill("Bộ tiêu chí xét chọn sáng kiến năm 2021")
    page.get_by_label("Căn cứ").fill("Kế hoạch số 139/KH-MTTQ-BTT ngày 23/02/2021")
    for index, (code, name, top, weight) in enumerate(CRITERIA):
        if index:
            # Adding a row is a submit button: the page comes back with what was typed.
            page.get_by_role("button", name="Thêm tiêu chí").click()
        page.fill(f"#criteria-{index}-code", code)
        page.fill(f"#criteria-{index}-name", name)
        page.fill(f"#criteria-{index}-max_points", top)
        page.fill(f"#criteria-{index}-weight", weight)
        if index == 2:
            # The live total follows the typing, before anything is sent.
            assert page.locator("#weight-total").inner_text() == "85"
            assert "khác 100" in page.locator("#weight-note").inner_text()
    assert page.locator("#weight-total").inner_text() == "100"
    assert page.locator("#weight-note").inner_text() == "đủ 100"
    page.fill("#criteria-3-weight", "15,5")
    assert page.locator("#weight-total").inner_text() == "100,5"
    page.fill("#criteria-3-weight", "15")

    for band, (low, high, label) in enumerate(BANDS):
        page.get_by_role("button", name="Thêm khoảng điểm cho tiêu chí 1").click()
        page.fill(f"#criteria-0-levels-{band}-min", low)
        page.fill(f"#criteria-0-levels-{band}-max", high)
        page.fill(f"#criteria-0-levels-{band}-label", label)
    page.fill("#criteria-0-levels-0-guidance", "Chưa từng được áp dụng ở đâu")
    page.get_by_role("button", name="Thêm mức công nhận").click()
    page.fill("#recognition_levels-0-code", "CONG_NHAN_TINH")
    page.fill("#recognition_levels-0-name", "Công nhận cấp tỉnh")
    page.fill("#recognition_levels-0-min_score", "70")
    assert page.locator("#criteria-3-code").input_value() == "TINH_KINH_TE"
    assert page.locator("#weight-total").inner_text() == "100"
    screenshot(page, "criteria-editor")

    # A mistake is shown beside its field, and what was typed stays.
    page.fill("#criteria-0-levels-2-max", "21")
    page.click("#save-set")
    assert page.locator("#form-errors").is_visible()
    assert page.get_by_text("chồng lấn với khoảng 21–26").first.is_visible()
    page.fill("#criteria-0-levels-2-max", "20")
    page.click("#save-set")

    assert page.get_by_text("Đã lưu bản nháp bộ tiêu chí.").is_visible()
    assert page.locator("#set-status").inner_text() == "Bản nháp"
    assert page.locator("#set-total-weight").inner_text() == "100"
    assert page.get_by_text("27–30: Hoàn toàn mới").is_visible()

    page.click("#preview-set")
    assert page.get_by_role("heading", name="Phiếu chấm điểm").is_visible()
    assert page.get_by_text("Chưa từng được áp dụng ở đâu").is_visible()
    page.get_by_label("Điểm (0–30)").first.fill("27")
    page.fill("#diem-KHA_NANG_AP_DUNG", "20,5")
    page.fill("#diem-HIEU_QUA", "25")
    page.fill("#diem-TINH_KINH_TE", "12")
    assert page.locator("#sheet-total").inner_text() == "84,50"
    page.fill("#diem-TINH_KINH_TE", "16")
    assert page.locator("#sheet-total").inner_text() == "—"
    assert "is-invalid" in (page.locator("#diem-TINH_KINH_TE").get_attribute("class") or "")
    page.fill("#diem-TINH_KINH_TE", "12")
    screenshot(page, "criteria-sheet-preview")
    # The server computes the same total when the form is sent.
    page.get_by_role("button", name="Tính tổng điểm").click()
    assert page.locator("#sheet-total").inner_text() == "84,50"

    page.get_by_role("link", name="Quay lại bộ tiêu chí").click()
    page.click("#activate-set")
    assert page.get_by_text("Bộ tiêu chí đã được đưa vào áp dụng.").is_visible()
    assert page.locator("#set-status").inner_text() == "Đang áp dụng"
    assert not page.locator("#edit-set").is_visible()
    screenshot(page, "criteria-activated")
    assert page.js_errors == []
