"""In Chromium, the public vote changes a ranking: the council scored two ideas (88 and 81
points) and the round gives 20 points to a public vote; the secretary opens the vote; a
citizen signs up, confirms the address from the e-mail and votes from the public catalogue;
two more verified citizens vote; the idea with fewer council points now ranks first."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from ideadb.accounts import service as accounts
from ideadb.core.permissions import SYSTEM
from ideadb.extensions import db
from ideadb.units.models import Unit
from tests.browser.steps import sign_in, sign_out
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


HIGH = {"TINH_MOI": 27, "KHA_NANG_AP_DUNG": 22, "HIEU_QUA": 26, "TINH_KINH_TE": 13}  # 88
LOWER = {"TINH_MOI": 25, "KHA_NANG_AP_DUNG": 20, "HIEU_QUA": 24, "TINH_KINH_TE": 12}  # 81
TITLES = ("Sấy hồi bằng năng lượng mặt trời", "Nước sạch tự chảy cho bản vùng cao")


def _unit(code: str) -> int:
    return db.session.scalar(sa.select(Unit.id).where(Unit.code == code))


def _user(username, name, roles, **kwargs):
    return accounts.create_user(
        db.session, SYSTEM, username=username, password=PASSWORD, full_name=name,
        roles=roles, **kwargs,
    )  # fmt: skip


def _setup(app) -> dict:
    from ideadb.criteria import reference
    from ideadb.criteria import service as criteria
    from ideadb.criteria.models import CriteriaSet
    from ideadb.ideas import service as ideas
    from ideadb.reviews import assignments, deliberation, rounds, sheets
    from ideadb.reviews.models import Assignment

    with app.app_context():
        criteria.load_reference_sets(db.session)
        set_id = db.session.scalar(
            sa.select(CriteriaSet.id).where(
                CriteriaSet.reference_code == reference.REFERENCE_SETS[0][0]
            )
        )
        secretary = _user("thuky", "Nông Thị Hoa", ["secretary"])
        reviewers = [
            _user("hd.nong", "Nông Văn Dũng", ["reviewer"], unit_id=_unit("BK-SNN")),
            _user("hd.ha", "Hà Thị Lụa", ["reviewer"], unit_id=_unit("BK-SKHCN")),
        ]
        idea_ids = []
        for n, title in enumerate(TITLES, start=1):
            owner = _user(f"tacgia{n}", f"Tác giả số {n}", ["submitter"], unit_id=_unit("BK-BB-NM"))
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
                    "unit_id": _unit("BK-BB-NM"),
                    "publish_consent": True,
                },
            )
            ideas.submit_idea(db.session, owner, idea.id)
            ideas.screen_idea(db.session, secretary, idea.id, "eligible", None)
            idea_ids.append(idea.id)
        rnd = rounds.create_round(
            db.session,
            secretary,
            {
                "name": "Xét chọn sáng kiến cấp tỉnh năm 2021",
                "year": 2021,
                "level": "tinh",
                "criteria_set_id": set_id,
                "reviewers_per_idea": 2,
                "public_vote": {"weight": 20},
            },
        )
        rounds.add_ideas(db.session, secretary, rnd.id, idea_ids)
        rounds.add_reviewers(db.session, secretary, rnd.id, [u.id for u in reviewers])
        assignments.auto_assign(db.session, secretary, rnd.id)
        rounds.open_round(db.session, secretary, rnd.id)
        for a in db.session.scalars(sa.select(Assignment).where(Assignment.round_id == rnd.id)):
            sheets.confirm(db.session, a.reviewer, a.id, conflict=False)
            points = HIGH if a.idea_id == idea_ids[0] else LOWER
            sheets.save_review(
                db.session, a.reviewer, a.id, scores=points, comments={}, comment="", version=0
            )
            sheets.submit_review(db.session, a.reviewer, a.id)
        deliberation.deliberate(db.session, secretary, rnd.id)
        for n in (2, 3):
            _user(f"dan{n}", f"Người dân số {n}", ["submitter"], email=f"dan{n}@example.vn")
        return {"round_id": rnd.id, "idea_ids": idea_ids}


def _ranking_titles(page) -> list[str]:
    rows = page.locator("#ranking-table tbody tr")
    return [rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())]


def test_public_votes_let_an_idea_overtake_in_the_ranking(live_server, browser_page, screenshot):
    data = _setup(live_server.app)
    rid = data["round_id"]
    page = browser_page

    # The secretary sees the council's order, then opens the vote.
    sign_in(page, live_server, "thuky")
    page.goto(live_server(f"/dot-xet-chon/{rid}/xep-hang"))
    titles = _ranking_titles(page)
    assert TITLES[0] in titles[0] and TITLES[1] in titles[1]
    page.goto(live_server(f"/dot-xet-chon/{rid}"))
    page.locator("#public-vote-link").click()
    page.locator("#open-vote").click()
    page.get_by_text("Đã mở bình chọn công khai.").wait_for()
    sign_out(page)

    # A citizen signs up, confirms the address from the e-mail, and votes.
    page.goto(live_server("/dang-ky-tai-khoan"))
    page.get_by_label("Họ và tên").fill("Triệu Thị Mai")
    page.get_by_label("Tên đăng nhập").fill("mai.tt")
    page.get_by_label("Thư điện tử").fill("mai@example.vn")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Tạo tài khoản").click()
    page.get_by_text("Tài khoản đã được tạo").wait_for()
    mail = [m for m in live_server.app.extensions["mail_outbox"] if m["to"] == "mai@example.vn"]
    link = re.search(r"https?://\S+/tai-khoan/xac-nhan-email/\S+", mail[-1]["body"]).group(0)
    page.goto(link)
    page.get_by_text("Đã xác nhận địa chỉ thư điện tử").wait_for()
    page.goto(live_server("/tra-cuu"))
    page.locator("#public-votes-link a").click()
    page.get_by_role("link", name="Xét chọn sáng kiến cấp tỉnh năm 2021").click()
    card = page.locator(f"#idea-{data['idea_ids'][1]}")
    card.locator(".vote-button").click()
    page.get_by_text("Cảm ơn bạn đã bình chọn").wait_for()
    assert "Bạn đã bình chọn" in page.locator(f"#idea-{data['idea_ids'][1]}").inner_text()
    screenshot(page, "public-vote")
    sign_out(page)

    # Two more verified citizens vote for the same idea.
    for username in ("dan2", "dan3"):
        sign_in(page, live_server, username)
        page.goto(live_server(f"/binh-chon/{rid}"))
        page.locator(f"#idea-{data['idea_ids'][1]} .vote-button").click()
        page.get_by_text("Cảm ơn bạn đã bình chọn").wait_for()
        sign_out(page)
    page.goto(live_server(f"/binh-chon/{rid}"))
    counts = page.locator(f"#idea-{data['idea_ids'][1]} .vote-count").inner_text()
    assert counts == "3"

    # The idea with fewer council points now ranks first: council, public and total side by side.
    sign_in(page, live_server, "thuky")
    page.goto(live_server(f"/dot-xet-chon/{rid}/xep-hang"))
    titles = _ranking_titles(page)
    assert TITLES[1] in titles[0] and TITLES[0] in titles[1]
    first = page.locator("#ranking-table tbody tr").first
    assert first.locator(".council-score").inner_text() == "81,00"
    assert first.locator(".public-share").inner_text().startswith("100")
    assert first.locator(".final-score").inner_text() == "84,80"
    screenshot(page, "public-vote-ranking")
    assert not page.js_errors
