"""In Chromium: a user named as co-author answers the invitation from the navigation, and
sees the dossier only once they have accepted."""

import pytest
import sqlalchemy as sa

from ideadb.accounts import service as accounts
from ideadb.core.permissions import SYSTEM
from ideadb.extensions import db
from ideadb.ideas import service as ideas
from ideadb.units.models import Unit

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-thu-nghiem-dai"
TITLE = "Sổ tay điện tử một cửa cấp xã"


def test_the_invited_user_accepts_from_the_navigation(live_server, browser_page, screenshot):
    with live_server.app.app_context():
        unit = db.session.scalar(sa.select(Unit.id).where(Unit.code == "BK-BB-NM"))
        owner, invitee = (
            accounts.create_user(
                db.session,
                SYSTEM,
                username=username,
                password=PASSWORD,
                full_name=full_name,
                roles=["submitter"],
                unit_id=unit,
            )
            for username, full_name in (
                ("nguoi.dang.ky", "Người đăng ký"),
                ("dong.tac.gia", "Đồng tác giả"),
            )
        )
        idea = ideas.create_idea(
            db.session,
            owner,
            {
                "title": TITLE,
                "year": 2024,  # Xã Nam Mẫu's district ended on 1/7/2025
                "confidential_info": "Thông tin chỉ tác giả được xem.",
                "authors": [
                    {"name": "Người đăng ký", "unit": "", "share": 60},
                    {"name": "Đồng tác giả", "unit": "", "share": 40, "user_id": invitee.id},
                ],
            },
        )
        idea_id = idea.id
    page = browser_page
    page.goto(live_server("/dang-nhap"))
    page.get_by_label("Tên đăng nhập").fill("dong.tac.gia")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Xin chào").wait_for()

    response = page.goto(live_server(f"/y-tuong/{idea_id}"))
    assert response is not None and response.status == 404
    page.goto(live_server("/"))
    link = page.locator("#nav-invitations")
    assert "1" in link.inner_text()
    link.click()
    page.get_by_role("heading", name="Lời mời đồng tác giả").wait_for()
    item = page.locator(".invitation")
    assert TITLE in item.inner_text() and "Người đăng ký" in item.inner_text()
    assert "Thông tin chỉ tác giả được xem." not in page.content()
    screenshot(page, "coauthor-invitation")

    page.get_by_role("button", name="Xác nhận tôi là đồng tác giả").click()
    page.get_by_text("Đã xác nhận bạn là đồng tác giả").wait_for()
    assert page.url.endswith(f"/y-tuong/{idea_id}")
    assert "Thông tin chỉ tác giả được xem." in page.content()
    assert page.js_errors == []
