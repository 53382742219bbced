"""In Chromium: a unit officer uploads a spreadsheet to check it; the page waits with a progress
bar until the worker has checked it, then imports the checked file with one button and finds
the drafts."""

from __future__ import annotations

import pytest

from ideadb.accounts import service as accounts
from ideadb.core import jobs
from ideadb.core.permissions import SYSTEM
from ideadb.extensions import db
from tests.ideas.test_import import ROW_A, ROW_B, xlsx_file

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-dai-1"


def officer(app) -> None:
    import sqlalchemy as sa

    from ideadb.units.models import Unit

    with app.app_context():
        unit = db.session.scalar(sa.select(Unit.id).where(Unit.code == "BK-BB"))
        accounts.create_user(
            db.session, SYSTEM, username="canbo.babe", password=PASSWORD,
            full_name="Cán bộ Ba Bể", roles=["unit_officer"], unit_id=unit,
        )  # fmt: skip


def test_officer_checks_a_file_waits_for_the_worker_then_imports_it(
    live_server, browser_page, screenshot, tmp_path
):
    app = live_server.app
    app.config["JOBS_INLINE"] = False
    officer(app)
    upload = tmp_path / "y-tuong.xlsx"
    upload.write_bytes(xlsx_file([ROW_A, ROW_B]))
    page = browser_page
    page.goto(live_server("/dang-nhap"))
    page.get_by_label("Tên đăng nhập").fill("canbo.babe")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.goto(live_server("/y-tuong/nhap-tu-tep"))
    page.get_by_label("Tệp .xlsx hoặc .csv").set_input_files(str(upload))
    page.get_by_label("Chỉ kiểm tra, chưa nhập").check()
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    page.wait_for_url("**/y-tuong/nhap-tu-tep/*")
    assert page.locator("#import-job").get_attribute("data-status") == "pending"
    assert page.locator("#import-progress").is_visible()
    screenshot(page, "import-waiting")

    worker = jobs.Worker(app, poll=0.2)
    worker.start_thread()
    try:
        # The page reloads itself every 2 seconds until the worker has checked the file.
        page.locator("#import-checked").wait_for(timeout=20000)
        assert (
            "Tệp hợp lệ: 2 dòng sẵn sàng để nhập." in page.locator("#import-checked").inner_text()
        )
        screenshot(page, "import-checked")
        page.get_by_role("button", name="Nhập 2 ý tưởng này").click()
        page.locator("#import-done").wait_for(timeout=20000)
        assert "Đã nhập 2 ý tưởng từ tệp" in page.locator("#import-done").inner_text()
    finally:
        worker.stop()
    page.locator("#import-drafts").click()
    assert page.get_by_text(ROW_A["title"]).first.is_visible()
    assert page.get_by_text(ROW_B["title"]).first.is_visible()
    assert not page.js_errors
