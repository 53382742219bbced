"""In Chromium: the public statistics page draws its charts (desktop and 360 px), and the
secretary downloads a round's ranking from the ranking page as an xlsx that opens."""

from __future__ import annotations

import openpyxl
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from ideadb.accounts import service as accounts
from ideadb.core.permissions import SYSTEM
from ideadb.extensions import db

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-dai-1"
SCORES = [
    {"TINH_MOI": 27, "KHA_NANG_AP_DUNG": 22, "HIEU_QUA": 26, "TINH_KINH_TE": 13},
    {"TINH_MOI": 20, "KHA_NANG_AP_DUNG": 18, "HIEU_QUA": 21, "TINH_KINH_TE": 10},
    {"TINH_MOI": 12, "KHA_NANG_AP_DUNG": 10, "HIEU_QUA": 11, "TINH_KINH_TE": 6},
]
TITLES = [
    "Lò sấy hồi, quế bằng nhiệt mặt trời",
    "Bộ phận một cửa điện tử liên thông cấp xã",
    "Ủ chua cỏ voi làm thức ăn cho lợn đen",
]


def unit(code: str) -> int:
    from ideadb.units.models import Unit

    return db.session.scalar(sa.select(Unit.id).where(Unit.code == code))


def build_round(app) -> int:
    """Ideas in several districts (one recognised earlier), and a round in deliberation."""
    from ideadb.criteria import reference
    from ideadb.criteria import service as criteria
    from ideadb.criteria.models import CriteriaSet
    from ideadb.ideas import service as ideas
    from ideadb.reviews import assignments as assignment_service
    from ideadb.reviews import deliberation, rounds, sheets

    with app.app_context():
        s = db.session

        def user(username, roles, name, unit_code=None):
            return accounts.create_user(
                s,
                SYSTEM,
                username=username,
                password=PASSWORD,
                full_name=name,
                roles=roles,
                unit_id=unit(unit_code) if unit_code else None,
            )

        secretary = user("thuky", ["secretary"], "Nông Thị Hoa")
        owner = user("dan", ["submitter"], "Hoàng Văn Páo", "BK-BB-NM")
        members = [
            user(f"tv{i}", ["reviewer"], name, "BK-SKHCN")
            for i, name in enumerate(("Lục Văn Khánh", "Bế Thị Lan", "Ma Thị Hương"), 1)
        ]
        made = []
        for i, (title, commune) in enumerate(
            zip(
                [*TITLES, "Nước sạch tự chảy cho thôn vùng cao"],
                ["BK-BB-NM", "BK-CD-BL", "BK-NR-YL", "BK-BB-KN"],
                strict=True,
            )
        ):
            idea = ideas.create_idea(
                s,
                owner,
                {
                    "title": title,
                    "summary": "Giải pháp áp dụng tại địa phương.",
                    "description": "Mô tả giải pháp và cách làm.",
                    "area": ["san_xuat_kinh_doanh", "hanh_chinh", "su_nghiep", "dan_toc_ton_giao"][
                        i
                    ],
                    "year": 2021 if i < 3 else 2020,
                    "unit_id": unit(commune),
                    "publish_consent": True,
                },
            )
            ideas.submit_idea(s, owner, idea.id)
            ideas.screen_idea(s, secretary, idea.id, "eligible")
            made.append(idea)
        earlier = made.pop()
        ideas.mark_in_review(s, secretary, [earlier.id])
        ideas.record_recognition(s, secretary, earlier.id, "huyen", "CONG_NHAN_TINH")

        criteria.load_reference_sets(s)
        set_id = s.scalar(
            sa.select(CriteriaSet.id).where(
                CriteriaSet.reference_code == reference.REFERENCE_SETS[0][0]
            )
        )
        rnd = rounds.create_round(
            s,
            secretary,
            {
                "name": "Đợt xét chọn sáng kiến cấp tỉnh năm 2021",
                "year": 2021,
                "level": "tinh",
                "criteria_set_id": set_id,
                "reviewers_per_idea": 2,
                "aggregation": "mean",
                "blind": False,
                "disagreement_threshold": 40,
                "document": {"issuing_body": "Hội đồng thẩm định", "place": "Bắc Kạn"},
            },
        )
        rounds.add_ideas(s, secretary, rnd.id, [i.id for i in made])
        rounds.add_reviewers(s, secretary, rnd.id, [m.id for m in members])
        assignments = assignment_service.auto_assign(s, secretary, rnd.id)
        rounds.open_round(s, secretary, rnd.id)
        points = {idea.id: SCORES[k] for k, idea in enumerate(made)}
        for a in assignments:
            reviewer = s.get(type(owner), a.reviewer_id)
            sheets.confirm(s, reviewer, a.id, conflict=False)
            sheets.save_review(
                s,
                reviewer,
                a.id,
                scores=points[a.idea_id],
                comments={},
                comment="Nhận xét chung.",
                version=0,
            )
            sheets.submit_review(s, reviewer, a.id)
        deliberation.deliberate(s, secretary, rnd.id)
        return rnd.id


def sign_in(page, live_server, username):
    page.goto(live_server("/dang-nhap"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_statistics_page_draws_its_charts_with_data_tables(live_server, browser_page, screenshot):
    build_round(live_server.app)
    page = browser_page
    page.goto(live_server("/"))
    page.locator("#nav-links").get_by_role("link", name="Thống kê").click()
    charts = page.locator("svg.chart-svg[role=img]")
    expect(charts).to_have_count(5)
    for i in range(5):
        box = charts.nth(i).bounding_box()
        assert box and box["width"] > 200 and box["height"] > 30
    expect(page.locator("#chart-district rect.chart-bar")).to_have_count(3)
    expect(page.locator("#table-district tbody tr")).to_have_count(3)
    assert "Huyện Ba Bể" in page.locator("#table-district").inner_text()
    assert page.locator("#chart-area > title").text_content().startswith("Ý tưởng, sáng kiến")
    screenshot(page, "statistics")
    page.set_viewport_size({"width": 360, "height": 780})
    box = charts.first.bounding_box()
    assert box and box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not page.js_errors


def test_secretary_downloads_the_ranking_as_xlsx_from_the_ranking_page(
    live_server, browser_page, screenshot, tmp_path
):
    round_id = build_round(live_server.app)
    page = browser_page
    sign_in(page, live_server, "thuky")
    page.goto(live_server(f"/dot-xet-chon/{round_id}/xep-hang"))
    buttons = page.locator("#ranking-exports")
    assert buttons.is_visible()
    screenshot(page, "ranking-exports")
    buttons.get_by_role("button", name="Excel").click()
    page.wait_for_url("**/cong-viec/*")
    with page.expect_download() as info:
        page.locator("#job-download").click()
    download = info.value
    assert download.suggested_filename == f"xep-hang-dot-{round_id}-2021.xlsx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    wb = openpyxl.load_workbook(target)
    ws = wb["Xếp hạng"]
    header = next(r for r in ws.iter_rows() if r[0].value == "STT")[0].row
    titles = [ws.cell(r, 4).value for r in range(header + 1, header + 4)]
    assert titles == TITLES
    assert not page.js_errors
