"""In Chromium, a whole review round: the secretary creates a round with 6 ideas and 4
reviewers, assigns automatically and opens it; two reviewers confirm no conflict, score and
submit; a third declares a conflict and is replaced; the secretary resolves a disagreement and
finalizes; the submitter reads the result."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from ideadb.accounts import service as accounts
from ideadb.core.permissions import SYSTEM
from ideadb.extensions import db
from ideadb.units.models import Unit
from tests.browser.steps import sign_in, sign_out
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


HIGH = {"TINH_MOI": "27", "KHA_NANG_AP_DUNG": "22", "HIEU_QUA": "26", "TINH_KINH_TE": "13"}
LOW = {"TINH_MOI": "10", "KHA_NANG_AP_DUNG": "10", "HIEU_QUA": "10", "TINH_KINH_TE": "5"}
REVIEWERS = [
    ("hd.nong", "Nông Văn Dũng", "BK-SNN"),
    ("hd.ha", "Hà Thị Lụa", "BK-SKHCN"),
    ("hd.ly", "Lý Văn Sài", "BK-VPUB"),
    ("hd.ma", "Ma Thị Hồng", "BK-BVDK"),
]
TOPICS = [
    "Sấy hồi bằng năng lượng mặt trời",
    "Nuôi cá lồng trên hồ Ba Bể",
    "Bộ phận một cửa liên thông điện tử cấp xã",
    "Trồng cam sành theo tiêu chuẩn VietGAP",
    "Hầm biogas composite cho hộ chăn nuôi lợn đen",
    "Nước sạch tự chảy cho bản vùng cao",
]


def _unit(code: str) -> int:
    return db.session.scalar(sa.select(Unit.id).where(Unit.code == code))


def _setup(app) -> dict:
    from ideadb.criteria import reference
    from ideadb.criteria import service as criteria
    from ideadb.criteria.models import CriteriaSet
    from ideadb.ideas import service as ideas

    with app.app_context():
        criteria.load_reference_sets(db.session)
        set_id = db.session.scalar(
            sa.select(CriteriaSet.id).where(
                CriteriaSet.reference_code == reference.REFERENCE_SETS[0][0]
            )
        )
        accounts.create_user(
            db.session, SYSTEM, username="thuky", password=PASSWORD,
            full_name="Nông Thị Hoa", roles=["secretary"],
        )  # fmt: skip
        for username, name, unit in REVIEWERS:
            accounts.create_user(
                db.session, SYSTEM, username=username, password=PASSWORD, full_name=name,
                roles=["reviewer"], unit_id=_unit(unit),
            )  # fmt: skip
        idea_ids = []
        for n, title in enumerate(TOPICS, start=1):
            owner = accounts.create_user(
                db.session, SYSTEM, username=f"tacgia{n}", password=PASSWORD,
                full_name=f"Tác giả số {n}", roles=["submitter"], unit_id=_unit("BK-BB-NM"),
            )  # fmt: skip
            idea = ideas.create_idea(
                db.session,
                owner,
                {
                    "title": title,
                    "summary": f"Tóm tắt: {title.lower()} tại Bắc Kạn.",
                    "description": "Giải pháp được áp dụng thử tại hai thôn trong năm 2021.",
                    "novelty": "Lần đầu áp dụng tại địa phương.",
                    "benefits": "Tăng thu nhập, giảm chi phí.",
                    "area": "san_xuat_kinh_doanh",
                    "year": 2021,
                    "publish_consent": True,
                },
            )
            ideas.submit_idea(db.session, owner, idea.id)
            ideas.screen_idea(db.session, SYSTEM, idea.id, "eligible", None)
            idea_ids.append(idea.id)
        return {"set_id": set_id, "idea_ids": idea_ids}


def _assignments(app) -> dict[int, list[tuple[int, str]]]:
    """idea id → [(assignment id, reviewer username)] of the live assignments."""
    from ideadb.accounts.models import User
    from ideadb.reviews.models import Assignment

    with app.app_context():
        rows = db.session.execute(
            sa.select(Assignment.idea_id, Assignment.id, User.username)
            .join(User, User.id == Assignment.reviewer_id)
            .where(Assignment.status != "recused")
            .order_by(Assignment.id)
        ).all()
    out = defaultdict(list)
    for idea_id, aid, username in rows:
        out[idea_id].append((aid, username))
    return out


def score_sheet(page, live_server, aid: int, points: dict[str, str]):
    page.goto(live_server(f"/phieu-cham/{aid}"))
    page.get_by_label("Tôi xác nhận không có xung đột lợi ích với ý tưởng này").check()
    page.get_by_role("button", name="Xác nhận").click()
    page.locator("#score-sheet").wait_for()
    for code, value in points.items():
        page.locator(f"#diem-{code}").fill(value)
    page.locator("#nhan-xet-TINH_MOI").fill("Giải pháp phù hợp điều kiện miền núi.")


def test_a_round_from_creation_to_the_published_result(live_server, browser_page, screenshot):
    data = _setup(live_server.app)
    page = browser_page
    # What cannot be undone asks first in a dialog; the journey answers "OK" every time.
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))

    # The secretary creates the round, adds 6 ideas and 4 reviewers, assigns and opens it.
    sign_in(page, live_server, "thuky")
    page.locator("#nav-links").get_by_role("link", name="Đợt xét chọn").click()
    page.get_by_label("Tên đợt xét chọn").fill("Xét chọn sáng kiến cấp tỉnh năm 2021")
    page.get_by_label("Năm").fill("2021")
    page.get_by_label("Cấp xét chọn").select_option("tinh")
    page.get_by_label("Bộ tiêu chí").select_option(str(data["set_id"]))
    page.get_by_label("Số thành viên chấm mỗi ý tưởng").fill("2")
    page.get_by_label("Hạn chấm (dd/mm/yyyy)").fill("15/12/2021")
    page.get_by_role("button", name="Tạo đợt").click()
    page.get_by_text("Đã tạo đợt xét chọn.").wait_for()
    round_url = page.url
    for box in page.locator("#add-ideas input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Thêm ý tưởng đã chọn").click()
    page.get_by_text("Đã thêm ý tưởng vào đợt.").wait_for()
    for box in page.locator("#add-reviewers input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Thêm thành viên đã chọn").click()
    page.get_by_text("Đã thêm thành viên hội đồng.").wait_for()
    page.locator("#auto-assign").click()
    page.get_by_text("Đã phân công tự động.").wait_for()
    pending = page.locator("#assignment-table").get_by_text("Chờ xác nhận không xung đột")
    expect(pending).to_have_count(12)
    screenshot(page, "review-assignments")
    page.goto(round_url)
    page.locator("#open-round").click()
    page.get_by_text("Đợt xét chọn đã mở chấm").wait_for()
    sign_out(page)

    # Two reviewers who share an idea score everything; they disagree on that idea.
    by_idea = _assignments(live_server.app)
    shared_idea, pair = next(
        (i, [u for _, u in rows]) for i, rows in sorted(by_idea.items()) if len(rows) == 2
    )
    first, second = pair
    for username in (first, second):
        sign_in(page, live_server, username)
        page.locator("#nav-links").get_by_role("link", name="Phiếu chấm của tôi").click()
        own = [(i, aid) for i, rows in by_idea.items() for aid, u in rows if u == username]
        assert len(own) == 3
        expect(page.locator("#my-assignments li")).to_have_count(3)
        for idea_id, aid in sorted(own):
            points = LOW if (username == second and idea_id == shared_idea) else HIGH
            score_sheet(page, live_server, aid, points)
            expected = "35,00" if points is LOW else "88,00"
            assert page.locator("#sheet-total").inner_text() == expected
            if username == first and idea_id == shared_idea:
                page.get_by_role("button", name="Lưu nháp").click()
                page.get_by_text("Đã lưu bản nháp phiếu chấm.").wait_for()
                screenshot(page, "review-score-sheet")
            page.get_by_role("button", name="Nộp phiếu").click()
            page.get_by_text("Đã nộp phiếu chấm.").wait_for()
        sign_out(page)

    # A third reviewer declares a conflict before seeing the idea, and is replaced.
    third = next(u for u, _, _ in REVIEWERS if u not in pair)
    conflict_idea, conflict_aid = next(
        (i, aid) for i, rows in sorted(by_idea.items()) for aid, u in rows if u == third
    )
    sign_in(page, live_server, third)
    page.goto(live_server(f"/phieu-cham/{conflict_aid}"))
    page.get_by_label("Tôi có xung đột lợi ích (sẽ được thay người chấm khác)").check()
    page.get_by_label("Lý do (nếu có xung đột)").fill("Tác giả là người thân của tôi")
    page.get_by_role("button", name="Xác nhận").click()
    page.get_by_text("Đã ghi nhận xung đột lợi ích").wait_for()
    sign_out(page)
    after = _assignments(live_server.app)
    reviewers_now = [u for _, u in after[conflict_idea]]
    assert len(reviewers_now) == 2 and third not in reviewers_now

    # The secretary ends scoring, records the council's discussion of the disagreement and
    # publishes the results.
    sign_in(page, live_server, "thuky")
    page.goto(round_url + "/tien-do")
    page.get_by_label("Kết thúc chấm dù còn phiếu chưa nộp (đánh dấu là không nộp)").check()
    page.locator("#deliberate").click()
    page.get_by_text("Đã kết thúc chấm; đợt chuyển sang họp xét.").wait_for()
    page.goto(round_url + "/xep-hang")
    flag = page.locator(f"#flag-{shared_idea}")
    flag.get_by_text("Chưa xử lý").wait_for()
    page.locator("#finalize").click()
    page.get_by_text("Còn ý tưởng có chênh lệch điểm lớn chưa được xử lý").wait_for()
    flag = page.locator(f"#flag-{shared_idea}")
    flag.get_by_label("Biên bản thảo luận của hội đồng").fill(
        "Hội đồng thảo luận, thống nhất giữ mức Đạt vì hiệu quả đã được kiểm chứng."
    )
    flag.get_by_role("button", name="Ghi biên bản thảo luận").click()
    page.get_by_text("Đã ghi biên bản thảo luận.").wait_for()
    screenshot(page, "review-ranking")
    # Ideas left without enough sheets are listed with the reason; the council decides each.
    while page.locator("#decisions tr.undecided").count():
        row = page.locator("#decisions tr.undecided").first
        assert "Chưa xếp hạng" in row.inner_text()
        row.get_by_role("button", name="Ghi").click()
        page.get_by_text("Đã ghi quyết định").wait_for()
    page.locator("#finalize").click()
    page.get_by_text("Đã công bố kết quả đợt xét chọn.").wait_for()
    assert any(m.startswith("Mở chấm") for m in asked)
    assert any(m.startswith("Nộp phiếu") for m in asked)
    assert any(m.startswith("Công bố kết quả") for m in asked)
    sign_out(page)

    # The submitter of the disputed idea reads the outcome.
    n = data["idea_ids"].index(shared_idea) + 1
    sign_in(page, live_server, f"tacgia{n}")
    page.goto(live_server(f"/ket-qua-xet-chon/{shared_idea}"))
    page.get_by_text("Được công nhận").wait_for()
    assert re.search("Đạt", page.locator(".result-card").inner_text())
    screenshot(page, "review-result")
    assert not page.js_errors
