"""Exporting a real round's ranking: the API, the page, the command line, and who may."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from docx import Document

HIGH = {"TINH_MOI": 27, "KHA_NANG_AP_DUNG": 22, "HIEU_QUA": 26, "TINH_KINH_TE": 13}
MID = {"TINH_MOI": 22, "KHA_NANG_AP_DUNG": 18, "HIEU_QUA": 21, "TINH_KINH_TE": 11}
LOW = {"TINH_MOI": 10, "KHA_NANG_AP_DUNG": 10, "HIEU_QUA": 10, "TINH_KINH_TE": 5}
DOCUMENT = {
    "governing_body": "Ủy ban MTTQ Việt Nam tỉnh Bắc Kạn",
    "issuing_body": "Hội đồng thẩm định sáng kiến",
    "number": "07/DS-HĐTĐ",
    "place": "Bắc Kạn",
    "subject": "Phong trào “Đoàn kết sáng tạo” năm 2021",
    "authority": "TM. Hội đồng",
    "signer_title": "Chủ tịch",
    "signer_name": "Hoàng Văn Thụ",
    "recipients": "Ban Thường trực UBMTTQ tỉnh;\nLưu: VT.",
}


@pytest.fixture
def scored(db_session, secretary, ready_round, score_all, make_user):
    """A round in deliberation: three ideas scored high, middle and low by two reviewers each;
    the chair (a reviewer) sits on the panel and scores too."""
    from ideadb.reviews import deliberation

    chair = make_user(roles=["reviewer"], full_name="Hoàng Văn Thụ")
    rnd, ideas, reviewers = ready_round(3, 3, document=DOCUMENT, chair_id=chair.id)
    ideas[0].title = '=HYPERLINK("http://example.invalid","Nuôi cá ao")'
    db_session.commit()
    score_all(rnd, by_idea={ideas[0].id: MID, ideas[1].id: HIGH, ideas[2].id: LOW})
    deliberation.deliberate(db_session, secretary(), rnd.id)
    return rnd, ideas, reviewers, chair


def ranking_codes(client, headers, rnd):
    resp = client.get(f"/api/v1/rounds/{rnd.id}/ranking", headers=headers)
    assert resp.status_code == 200
    return [i["code"] for i in resp.get_json()["items"]]


def test_secretary_exports_the_ranking_as_xlsx_in_rank_order(
    client, scored, secretary, auth_headers
):
    rnd, ideas, reviewers, _chair = scored
    headers = auth_headers(secretary())
    resp = client.get(f"/api/v1/rounds/{rnd.id}/export?format=xlsx", headers=headers)
    assert resp.status_code == 200
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    assert f"xep-hang-dot-{rnd.id}-2021.xlsx" in resp.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames == ["Xếp hạng", "Phiếu chấm", "Bộ tiêu chí"]
    ws = wb["Xếp hạng"]
    header = next(r for r in ws.iter_rows() if r[0].value == "STT")[0].row
    codes = [ws.cell(r, 3).value for r in range(header + 1, header + 4)]
    assert codes == ranking_codes(client, headers, rnd)
    assert codes == [ideas[1].code, ideas[0].code, ideas[2].code]
    titles = {ws.cell(r, 3).value: ws.cell(r, 4) for r in range(header + 1, header + 4)}
    formula = titles[ideas[0].code]
    assert formula.value.startswith("=HYPERLINK") and formula.data_type == "s"
    assert ws.cell(1, 1).value == "ỦY BAN MTTQ VIỆT NAM TỈNH BẮC KẠN"
    sheets = wb["Phiếu chấm"]
    names = {c.value for row in sheets.iter_rows() for c in row}
    assert {u.full_name for u in reviewers} & names  # the secretary sees who scored
    criteria = [c.value for c in next(wb["Bộ tiêu chí"].iter_rows(min_row=5, max_row=5))]
    assert criteria[:2] == ["Mã", "Tiêu chí"]


def test_scores_in_the_export_match_the_api_ranking(client, scored, secretary, auth_headers):
    rnd, *_ = scored
    headers = auth_headers(secretary())
    items = client.get(f"/api/v1/rounds/{rnd.id}/ranking", headers=headers).get_json()["items"]
    resp = client.get(f"/api/v1/rounds/{rnd.id}/export?format=csv", headers=headers)
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    header = rows[0]
    for item, row in zip(items, rows[1:], strict=True):
        assert row[header.index("Mã")] == item["code"]
        assert row[header.index("Điểm tổng hợp")] == f"{item['final_score']:.2f}"
        assert row[header.index("Số phiếu")] == str(item["n_reviews"])


def test_word_proposal_carries_the_rounds_document_settings(
    client, scored, secretary, auth_headers
):
    rnd, ideas, *_ = scored
    resp = client.get(
        f"/api/v1/rounds/{rnd.id}/export?format=docx", headers=auth_headers(secretary())
    )
    assert resp.status_code == 200
    doc = Document(io.BytesIO(resp.data))
    left, right = doc.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "ỦY BAN MTTQ VIỆT NAM TỈNH BẮC KẠN",
        "HỘI ĐỒNG THẨM ĐỊNH SÁNG KIẾN",
        "",
        "Số: 07/DS-HĐTĐ",
    ]
    assert right.paragraphs[-1].text.startswith("Bắc Kạn, ngày ")
    texts = [p.text for p in doc.paragraphs]
    assert "DANH SÁCH ĐỀ NGHỊ CÔNG NHẬN SÁNG KIẾN, Ý TƯỞNG" in texts
    assert "Phong trào “Đoàn kết sáng tạo” năm 2021" in texts
    table = doc.tables[1]
    codes = [row.cells[1].text for row in table.rows[1:]]
    assert codes[0] == ideas[1].code  # the best first; the low one is not proposed
    assert ideas[2].code not in codes
    signature = [p.text for p in doc.tables[-1].rows[0].cells[1].paragraphs if p.text]
    assert signature == ["TM. HỘI ĐỒNG", "CHỦ TỊCH", "Hoàng Văn Thụ"]


def test_score_sheet_archive_holds_one_document_per_reviewer(
    client, scored, secretary, auth_headers
):
    rnd, _ideas, reviewers, chair = scored
    members = [*reviewers, chair]  # the chair is on the panel
    resp = client.get(
        f"/api/v1/rounds/{rnd.id}/export?format=sheets", headers=auth_headers(secretary())
    )
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(resp.data)) as zf:
        names = zf.namelist()
        assert len(names) == len(members)
        people = set()
        for name in names:
            doc = Document(io.BytesIO(zf.read(name)))
            people |= {p.text for p in doc.paragraphs if p.text.startswith("Thành viên hội đồng:")}
    assert people == {f"Thành viên hội đồng: {u.full_name}" for u in members}


def test_the_chair_may_export(client, scored, auth_headers):
    rnd, _ideas, _reviewers, chair = scored
    resp = client.get(f"/api/v1/rounds/{rnd.id}/export?format=xlsx", headers=auth_headers(chair))
    assert resp.status_code == 200


def test_reviewers_may_not_export_the_ranking(client, scored, auth_headers):
    rnd, _ideas, reviewers, _chair = scored
    resp = client.get(
        f"/api/v1/rounds/{rnd.id}/export?format=xlsx", headers=auth_headers(reviewers[0])
    )
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "forbidden"
    assert resp.mimetype == "application/json"


def test_anonymous_export_is_unauthorised(client, scored):
    rnd, *_ = scored
    resp = client.get(f"/api/v1/rounds/{rnd.id}/export?format=csv")
    assert resp.status_code == 401


def test_no_export_before_deliberation(client, ready_round, secretary, auth_headers):
    rnd, *_ = ready_round(2, 2)
    resp = client.get(
        f"/api/v1/rounds/{rnd.id}/export?format=xlsx", headers=auth_headers(secretary())
    )
    assert resp.status_code == 403


def test_unknown_format_and_unknown_round(client, scored, secretary, auth_headers):
    rnd, *_ = scored
    headers = auth_headers(secretary())
    bad = client.get(f"/api/v1/rounds/{rnd.id}/export?format=pdf", headers=headers)
    assert bad.status_code == 422 and "format" in bad.get_json()["error"]["fields"]
    assert client.get("/api/v1/rounds/9999/export", headers=headers).status_code == 404


def test_ranking_page_offers_the_downloads_and_the_link_serves_xlsx(
    client, scored, secretary, login
):
    rnd, *_ = scored
    login(secretary())
    page = client.get(f"/dot-xet-chon/{rnd.id}/xep-hang").get_data(as_text=True)
    assert 'id="ranking-exports"' in page
    assert f'action="/bao-cao/dot/{rnd.id}/xuat"' in page
    job_page = client.submit(
        f"/bao-cao/dot/{rnd.id}/xuat",
        {"format": "xlsx"},
        form_url=f"/dot-xet-chon/{rnd.id}/xep-hang",
        follow_redirects=True,
    )
    assert 'id="job-download"' in job_page.get_data(as_text=True)
    resp = client.get(f"{job_page.request.path}/tai-ve")
    assert resp.status_code == 200
    openpyxl.load_workbook(io.BytesIO(resp.data))
    assert client.get(f"/bao-cao/dot/{rnd.id}/tai-ve?format=xlsx").status_code == 200  # direct
    index = client.get("/bao-cao/").get_data(as_text=True)
    assert rnd.name in index and f'action="/bao-cao/dot/{rnd.id}/xuat"' in index


def test_reviewer_gets_403_from_the_download_page(client, scored, login):
    rnd, _ideas, reviewers, _chair = scored
    login(reviewers[0])
    assert client.get(f"/bao-cao/dot/{rnd.id}/tai-ve?format=xlsx").status_code == 403
    refused = client.submit(f"/bao-cao/dot/{rnd.id}/xuat", {"format": "xlsx"}, form_url="/bao-cao/")
    assert refused.status_code == 403
    assert 'id="round-exports"' not in client.get("/bao-cao/").get_data(as_text=True)


def test_command_line_export_writes_the_file_with_progress(runner, scored, tmp_path):
    rnd, ideas, *_ = scored
    target = tmp_path / "xep-hang.docx"
    result = runner.invoke(args=["export", str(rnd.id), "--format", "docx", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Đã ghi" in result.output
    doc = Document(str(target))
    assert doc.tables[1].rows[1].cells[1].text == ideas[1].code


def test_command_line_export_of_an_unknown_round_fails_cleanly(runner, tmp_path):
    result = runner.invoke(args=["export", "4242", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0
    assert "Không tìm thấy" in result.output


def test_a_slow_export_does_not_hold_up_other_requests(live_server, monkeypatch):
    """The file is prepared in its own request thread; nothing global is locked meanwhile."""
    import threading
    import urllib.request

    from ideadb.reports import service

    started, release = threading.Event(), threading.Event()

    def slow_open_data(session, base_url=""):
        started.set()
        release.wait(10)
        return []

    monkeypatch.setattr(service, "open_data", slow_open_data)
    result = {}

    def download():
        with urllib.request.urlopen(live_server("/du-lieu-mo/sang-kien.csv"), timeout=20) as r:
            result["status"] = r.status

    worker = threading.Thread(target=download)
    worker.start()
    try:
        assert started.wait(10)
        with urllib.request.urlopen(live_server("/thong-ke"), timeout=5) as other:
            assert other.status == 200
        assert "status" not in result  # the export is still being prepared
    finally:
        release.set()
        worker.join(20)
    assert result["status"] == 200
