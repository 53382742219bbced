"""In Chromium, after the decision: the secretary finalizes a round and reads the decision's
links; the owner downloads the certificate and appeals; the secretary upholds the appeal; the
register shows the amended entry (a second version of the same number)."""

from __future__ import annotations

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


HIGH = {"TINH_MOI": 27, "KHA_NANG_AP_DUNG": 22, "HIEU_QUA": 26, "TINH_KINH_TE": 13}
MIDDLE = {"TINH_MOI": 18, "KHA_NANG_AP_DUNG": 15, "HIEU_QUA": 18, "TINH_KINH_TE": 9}
TOPICS = ("Sấy hồi bằng năng lượng mặt trời", "Nước sạch tự chảy cho bản vùng cao")


def _setup(app) -> dict:
    """A round in deliberation: the first idea scores high, the second just above 'Đạt'."""
    from ideadb.criteria import reference
    from ideadb.criteria import service as criteria
    from ideadb.criteria.models import CriteriaSet
    from ideadb.ideas import service as ideas
    from ideadb.reviews import assignments, deliberation, rounds, sheets
    from ideadb.reviews.models import Assignment

    with app.app_context():
        s = db.session
        unit = s.scalar(sa.select(Unit.id).where(Unit.code == "BK-BB-NM"))
        criteria.load_reference_sets(s)
        set_id = s.scalar(
            sa.select(CriteriaSet.id).where(
                CriteriaSet.reference_code == reference.REFERENCE_SETS[0][0]
            )
        )
        sec = accounts.create_user(
            s, SYSTEM, username="thuky", password=PASSWORD, full_name="Nông Thị Hoa",
            roles=["secretary"],
        )  # fmt: skip
        reviewers = [
            accounts.create_user(
                s,
                SYSTEM,
                username=f"hd{n}",
                password=PASSWORD,
                full_name=f"Thành viên {n}",
                roles=["reviewer"],
            )
            for n in (1, 2)
        ]
        idea_ids = []
        for n, title in enumerate(TOPICS, 1):
            owner = accounts.create_user(
                s, SYSTEM, username=f"tacgia{n}", password=PASSWORD,
                full_name=f"Hoàng Văn Páo {n}", roles=["submitter"], unit_id=unit,
            )  # fmt: skip
            idea = ideas.create_idea(
                s,
                owner,
                {
                    "title": title,
                    "summary": f"Tóm tắt: {title.lower()}.",
                    "description": "Giải pháp được áp dụng thử tại hai thôn trong năm 2021.",
                    "novelty": "Lần đầu áp dụng tại địa phương.",
                    "benefits": "Tăng thu nhập, giảm chi phí.",
                    "area": "san_xuat_kinh_doanh",
                    "year": 2021,
                    "publish_consent": True,
                },
            )
            ideas.submit_idea(s, owner, idea.id)
            ideas.screen_idea(s, SYSTEM, idea.id, "eligible", None)
            idea_ids.append(idea.id)
        rnd = rounds.create_round(
            s,
            sec,
            {
                "name": "Xét chọn sáng kiến cấp tỉnh năm 2021",
                "year": 2021,
                "level": "tinh",
                "criteria_set_id": set_id,
                "reviewers_per_idea": 2,
                "aggregation": "mean",
                "blind": False,
                "disagreement_threshold": 20,
                "document": {
                    "governing_body": "Ủy ban MTTQ Việt Nam tỉnh Bắc Kạn",
                    "issuing_body": "Ban Thường trực",
                    "number": "25/QĐ-MTTQ-BTT",
                    "place": "Bắc Kạn",
                    "authority": "TM. Ban Thường trực",
                    "signer_title": "Phó Chủ tịch",
                    "signer_name": "Lý Thị Mai",
                },
            },
        )
        rounds.add_ideas(s, sec, rnd.id, idea_ids)
        rounds.add_reviewers(s, sec, rnd.id, [u.id for u in reviewers])
        assignments.auto_assign(s, sec, rnd.id)
        rounds.open_round(s, sec, rnd.id)
        for a in s.scalars(sa.select(Assignment).where(Assignment.round_id == rnd.id)).all():
            sheets.confirm(s, a.reviewer, a.id, conflict=False)
            points = HIGH if a.idea_id == idea_ids[0] else MIDDLE
            sheets.save_review(
                s, a.reviewer, a.id, scores=points, comments={}, comment="", version=0
            )
            sheets.submit_review(s, a.reviewer, a.id)
        deliberation.deliberate(s, sec, rnd.id)
        return {"round_id": rnd.id, "idea_ids": idea_ids}


def test_finalize_certificate_appeal_upheld_and_amended_register(
    live_server, browser_page, screenshot, tmp_path
):
    from docx import Document

    data = _setup(live_server.app)
    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())  # "Công bố kết quả?" asks first
    round_url = live_server(f"/dot-xet-chon/{data['round_id']}")
    second = data["idea_ids"][1]

    # The secretary publishes the results; the decision's downloads appear.
    sign_in(page, live_server, "thuky")
    page.goto(round_url + "/xep-hang")
    page.locator("#finalize").click()
    page.get_by_text("Đã công bố kết quả đợt xét chọn.").wait_for()
    page.locator("#after-decision").wait_for()
    with page.expect_download() as info:
        page.locator("#decision-docx").click()
    decision = tmp_path / "quyet-dinh.docx"
    info.value.save_as(decision)
    text = "\n".join(p.text for p in Document(str(decision)).paragraphs)
    assert "QUYẾT ĐỊNH" in text and "25/QĐ-MTTQ-BTT" in text
    sign_out(page)

    # The owner of the second idea downloads the certificate and appeals for a higher level.
    sign_in(page, live_server, "tacgia2")
    page.goto(live_server(f"/ket-qua-xet-chon/{second}"))
    page.get_by_text("Được công nhận").wait_for()
    certificate = page.locator(".certificate").first
    number = certificate.get_attribute("data-number")
    assert number and number.startswith("2/")
    with page.expect_download() as info:
        page.locator(f"#certificate-docx-{data['round_id']}").click()
    path = tmp_path / "giay-chung-nhan.docx"
    info.value.save_as(path)
    cert_text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "GIẤY CHỨNG NHẬN SÁNG KIẾN" in cert_text and number in cert_text
    # An empty reason is stopped by the form itself (required) and by the server (API test).
    assert page.get_by_label("Lý do khiếu nại").get_attribute("required") is not None
    page.get_by_label("Lý do khiếu nại").fill(
        "Sáng kiến đã áp dụng tại 12 thôn, đề nghị hội đồng xem xét mức công nhận cấp tỉnh."
    )
    page.locator("#appeal-form button").click()
    page.get_by_text("Đã gửi khiếu nại").wait_for()
    assert "Đang chờ giải quyết" in page.locator("#appeals").inner_text()
    screenshot(page, "after-decision-result")
    sign_out(page)

    # The secretary upholds it with the provincial level.
    sign_in(page, live_server, "thuky")
    page.goto(round_url + "/khieu-nai")
    card = page.locator(".appeal").first
    card.get_by_label("Chấp nhận khiếu nại").check()
    card.get_by_label("Quyết định mới (khi chấp nhận)").select_option("CONG_NHAN_TINH")
    card.get_by_label("Trả lời khiếu nại").fill(
        "Hội đồng xác minh số liệu áp dụng, chấp nhận khiếu nại, công nhận cấp tỉnh."
    )
    card.get_by_role("button", name="Ghi kết quả giải quyết").click()
    page.get_by_text("Đã giải quyết khiếu nại").wait_for()
    assert "Được chấp nhận" in page.locator(".appeal").first.inner_text()

    # The register keeps the number and shows the amendment as a second version.
    page.goto(live_server("/so-cong-nhan"))
    lines = page.locator(f'.register-line[data-number="{number}"]')
    expect(lines).to_have_count(2)
    assert "Sửa đổi theo kết quả giải quyết khiếu nại" in lines.nth(1).inner_text()
    assert "Công nhận cấp tỉnh" in lines.nth(1).inner_text()
    screenshot(page, "after-decision-register")
    sign_out(page)

    # The owner sees the answer and the new level.
    sign_in(page, live_server, "tacgia2")
    page.goto(live_server(f"/ket-qua-xet-chon/{second}"))
    assert "Được chấp nhận" in page.locator("#appeals").inner_text()
    assert "Công nhận cấp tỉnh" in page.locator("#certificates").inner_text()
    assert not page.js_errors
