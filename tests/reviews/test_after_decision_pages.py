"""The pages after the decision: the owner's certificate and appeal, the secretary's answer,
the register and its spreadsheet, the document settings; bad input answers in Vietnamese."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.reviews.conftest import DOCUMENT


def test_owner_downloads_the_certificate_and_appeals_from_the_result_page(
    client,
    login,
    finalized,
):
    rnd, ideas, _ = finalized()
    idea = ideas[1]
    login(idea.registrant)
    page = client.get(f"/ket-qua-xet-chon/{idea.id}").get_data(as_text=True)
    assert "Giấy chứng nhận sáng kiến" in page and "appeal-form" in page
    resp = client.get(f"/ket-qua-xet-chon/{idea.id}/giay-chung-nhan.docx?round_id={rnd.id}")
    assert resp.status_code == 200 and resp.data[:2] == b"PK"
    url = f"/ket-qua-xet-chon/{idea.id}/khieu-nai"
    resp = client.submit(
        url, {"reason": ""}, form_url=f"/ket-qua-xet-chon/{idea.id}", follow_redirects=True
    )
    assert "Vui lòng nêu lý do khiếu nại." in resp.get_data(as_text=True)
    resp = client.submit(
        url,
        {"reason": "Đề nghị xem lại hiệu quả kinh tế đã áp dụng."},
        form_url=f"/ket-qua-xet-chon/{idea.id}",
        follow_redirects=True,
    )
    text = resp.get_data(as_text=True)
    assert "Đã gửi khiếu nại" in text and "Đang chờ giải quyết" in text
    assert client.get(f"/ket-qua-xet-chon/{2**70}/giay-chung-nhan.docx").status_code == 404


def test_secretary_answers_an_appeal_on_the_round_page(
    client,
    login,
    secretary,
    finalized,
    db_session,
):
    from ideadb.reviews import appeals

    rnd, ideas, _ = finalized()
    appeal = appeals.file_appeal(db_session, ideas[2].registrant, ideas[2].id, "Xin xét lại.")
    login(secretary())
    page_url = f"/dot-xet-chon/{rnd.id}/khieu-nai"
    assert "Xin xét lại." in client.get(page_url).get_data(as_text=True)
    url = f"/khieu-nai/{appeal.id}/giai-quyet"
    resp = client.submit(
        url, {f"a{appeal.id}-outcome": "upheld"}, form_url=page_url, follow_redirects=True
    )
    assert "Vui lòng chọn kết quả và ghi nội dung trả lời khiếu nại." in resp.get_data(as_text=True)
    resp = client.submit(
        url,
        {
            f"a{appeal.id}-outcome": "upheld",
            f"a{appeal.id}-decision": "DAT",
            f"a{appeal.id}-note": "Số liệu bổ sung đạt yêu cầu mức Đạt.",
        },
        form_url=page_url,
        follow_redirects=True,
    )
    text = resp.get_data(as_text=True)
    assert "Đã giải quyết khiếu nại" in text and "Được chấp nhận" in text
    register = client.get(f"/so-cong-nhan?year={rnd.finalized_at.year}").get_data(as_text=True)
    assert f"3/{rnd.finalized_at.year}" in register


def test_register_page_filters_and_exports_and_refuses_bad_years(
    client,
    login,
    secretary,
    finalized,
):
    rnd, ideas, _ = finalized()
    login(secretary())
    year = rnd.finalized_at.year
    page = client.get(f"/so-cong-nhan?year={year}&scope=tinh").get_data(as_text=True)
    assert ideas[0].title in page and f"1/{year}" in page
    assert ideas[0].title not in client.get("/so-cong-nhan?scope=huyen").get_data(as_text=True)
    resp = client.get(f"/so-cong-nhan.xlsx?year={year}")
    ws = load_workbook(io.BytesIO(resp.data)).active
    assert ws["A1"].value == "SỔ THEO DÕI CÔNG NHẬN SÁNG KIẾN" and ws["A2"].value == f"Năm {year}"
    for bad in ("abc", str(2**70), "-5"):
        resp = client.get(f"/so-cong-nhan?year={bad}")
        assert resp.status_code == 422 and "Năm không hợp lệ." in resp.get_data(as_text=True)
    resp = client.get("/so-cong-nhan?scope=mars")
    assert resp.status_code == 422


def test_document_settings_stay_editable_after_finalize_and_empty_ones_are_warned(
    client, login, secretary, ready_round, score_all, db_session
):
    from ideadb.reviews import deliberation

    rnd, _ideas, _ = ready_round(1, 2)
    score_all(rnd)
    deliberation.deliberate(db_session, secretary(), rnd.id)
    deliberation.finalize(db_session, secretary(), rnd.id)
    login(secretary())
    ranking = client.get(f"/dot-xet-chon/{rnd.id}/xep-hang").get_data(as_text=True)
    assert "Thông tin văn bản còn trống" in ranking and "số văn bản" in ranking
    url = f"/dot-xet-chon/{rnd.id}/van-ban"
    resp = client.submit(
        url, dict(DOCUMENT, recipients="Như trên;\nLưu: VT."), follow_redirects=True
    )
    assert "Đã lưu thông tin văn bản." in resp.get_data(as_text=True)
    ranking = client.get(f"/dot-xet-chon/{rnd.id}/xep-hang").get_data(as_text=True)
    assert "Thông tin văn bản còn trống" not in ranking
