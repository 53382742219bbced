"""The yearly summary: counts against ideas built through the services, merged units,
permissions, and the files the page and the API hand out."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from docx import Document

from ideadb.core.permissions import SYSTEM
from ideadb.units import service as units

STAGES = (
    "draft",
    "submitted",
    "eligible",
    "ineligible",
    "in_review",
    "recognized",
    "not_recognized",
    "withdrawn",
)


@pytest.fixture
def data(db_session, create_idea, make_user, unit_id):
    """2021: one idea in every state in Ba Bể, two recognised in Chợ Đồn, two in a cooperative
    that merged in 2023; 2020: one submitted idea in Ba Bể."""
    for status in STAGES:
        create_idea(status=status, unit="BK-BB-NM", year=2021, area="san_xuat_kinh_doanh")
    for _ in range(2):
        create_idea(status="recognized", unit="BK-CD-BL", year=2021, area="su_nghiep")
    create_idea(status="submitted", unit="BK-BB-KN", year=2020, area="hanh_chinh")
    old = units.create_unit(
        db_session,
        SYSTEM,
        {
            "name": "Hợp tác xã Nông nghiệp Quảng Khê",
            "kind": "cooperative",
            "parent_id": unit_id("BK-BB"),
        },
    )
    new = units.create_unit(
        db_session,
        SYSTEM,
        {"name": "Hợp tác xã Dịch vụ Ba Bể", "kind": "cooperative", "parent_id": unit_id("BK-BB")},
    )
    owner = make_user(roles=["submitter"], unit="BK-BB-NM")
    for status in ("recognized", "eligible"):
        create_idea(owner, status=status, unit_id=old.id, year=2021, area="san_xuat_kinh_doanh")
    units.retire_unit(db_session, SYSTEM, old.id, date(2023, 6, 30), new.id)
    create_idea(owner, status="submitted", unit_id=new.id, year=2024, area="san_xuat_kinh_doanh")
    return {"old": old, "new": new}


def counts(row):
    return [row[k] for k in ("registered", "submitted", "eligible", "reviewed", "recognized")]


def get_summary(client, headers, **params):
    resp = client.get("/api/v1/reports/summary", query_string=params, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_summary_by_district_counts_every_stage_and_totals(client, data, make_user, auth_headers):
    headers = auth_headers(make_user(roles=["secretary"]))
    body = get_summary(client, headers, year=2021, group_by="district")
    rows = {r["group"]: r for r in body["rows"]}
    assert set(rows) == {"Huyện Ba Bể", "Huyện Chợ Đồn"}
    # Ba Bể: 8 states + 2 ideas of the merged cooperative (recognised, eligible)
    assert counts(rows["Huyện Ba Bể"]) == [10, 8, 6, 4, 2]
    assert counts(rows["Huyện Chợ Đồn"]) == [2, 2, 2, 2, 2]
    assert counts(body["total"]) == [12, 10, 8, 6, 4]
    assert body["total"]["group"] == "Tổng cộng"
    assert body["year"] == 2021 and body["group_by"] == "district"


def test_summary_shows_the_change_from_the_previous_year(client, data, make_user, auth_headers):
    headers = auth_headers(make_user(roles=["secretary"]))
    rows = {r["group"]: r for r in get_summary(client, headers, year=2021)["rows"]}
    ba_be = rows["Huyện Ba Bể"]
    assert ba_be["previous"]["registered"] == 1 and ba_be["previous"]["submitted"] == 1
    assert ba_be["change"]["registered"] == 9 and ba_be["change"]["recognized"] == 2


def test_districts_abolished_later_carry_a_note_of_their_successor(
    client, data, make_user, auth_headers
):
    headers = auth_headers(make_user(roles=["secretary"]))
    rows = {r["group"]: r for r in get_summary(client, headers, year=2021)["rows"]}
    assert rows["Huyện Ba Bể"]["note"] == "Từ 01/07/2025 đã sáp nhập vào Tỉnh Thái Nguyên"


def test_merged_unit_is_reported_under_its_old_name_with_its_successor(
    client, data, make_user, auth_headers
):
    headers = auth_headers(make_user(roles=["secretary"]))
    rows = {r["group"]: r for r in get_summary(client, headers, year=2021, group_by="unit")["rows"]}
    old = rows["Hợp tác xã Nông nghiệp Quảng Khê"]
    assert counts(old) == [2, 2, 2, 1, 1]
    assert old["note"] == "Từ 01/07/2023 đã sáp nhập vào Hợp tác xã Dịch vụ Ba Bể"
    assert old["group_id"] == data["old"].id
    assert "Hợp tác xã Dịch vụ Ba Bể" not in rows
    later = get_summary(client, headers, year=2024, group_by="unit")["rows"]
    assert [(r["group"], r["registered"], r["note"]) for r in later] == [
        ("Hợp tác xã Dịch vụ Ba Bể", 1, "")
    ]


def test_summary_by_area_uses_the_area_names(client, data, make_user, auth_headers):
    headers = auth_headers(make_user(roles=["secretary"]))
    rows = get_summary(client, headers, year=2021, group_by="area")["rows"]
    # administrative reform had one idea in 2020 and none in 2021: it stays, with its change
    assert [(r["group"], r["registered"], r["change"]["registered"]) for r in rows] == [
        (
            "Nâng cao hiệu quả công tác, cải cách thủ tục hành chính trong cơ quan hệ thống chính trị",
            0,
            -1,
        ),
        ("Nâng cao năng suất lao động ở doanh nghiệp, hợp tác xã, tổ hợp tác, hộ gia đình", 10, 10),
        (
            "Trong các đơn vị sự nghiệp (trung tâm, trường học, bệnh viện) — khoa học, công nghệ",
            2,
            2,
        ),
    ]


def test_unit_officer_sees_only_the_units_below_their_own(client, data, make_user, auth_headers):
    officer = make_user(roles=["unit_officer"], unit="BK-CD")
    body = get_summary(client, auth_headers(officer), year=2021)
    assert [r["group"] for r in body["rows"]] == ["Huyện Chợ Đồn"]
    assert counts(body["total"]) == [2, 2, 2, 2, 2]
    assert body["scope"] == "Huyện Chợ Đồn"


@pytest.mark.parametrize("roles", [["submitter"], ["reviewer"]])
def test_submitters_and_reviewers_may_not_read_the_summary(client, make_user, auth_headers, roles):
    resp = client.get(
        "/api/v1/reports/summary?year=2021", headers=auth_headers(make_user(roles=roles))
    )
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "forbidden"


def test_anonymous_summary_request_is_unauthorised(client):
    resp = client.get("/api/v1/reports/summary?year=2021")
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    "query, field",
    [("group_by=commune", "group_by"), ("format=pdf", "format"), ("year=abc", "year")],
)
def test_bad_summary_parameters_answer_422_naming_the_field(
    client, make_user, auth_headers, query, field
):
    headers = auth_headers(make_user(roles=["secretary"]))
    resp = client.get(f"/api/v1/reports/summary?{query}", headers=headers)
    assert resp.status_code == 422
    assert field in resp.get_json()["error"]["fields"]


def test_summary_xlsx_and_csv_from_the_api_carry_rows_and_total(
    client, data, make_user, auth_headers
):
    headers = auth_headers(make_user(roles=["secretary"]))
    resp = client.get("/api/v1/reports/summary?year=2021&format=xlsx", headers=headers)
    assert resp.status_code == 200
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    assert "tong-hop-2021-district.xlsx" in resp.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(resp.data))["Tổng hợp"]
    table = [[c.value for c in row] for row in ws.iter_rows()]
    header_at = next(i for i, r in enumerate(table) if r[0] == "Huyện")
    assert table[header_at][1:6] == [
        "Đăng ký",
        "Đã nộp",
        "Đủ điều kiện",
        "Đã đưa vào xét chọn",
        "Được công nhận",
    ]
    body = table[header_at + 1 : header_at + 4]
    assert [r[0] for r in body] == ["Huyện Ba Bể", "Huyện Chợ Đồn", "Tổng cộng"]
    assert body[2][1:6] == [12, 10, 8, 6, 4]
    assert body[0][6] == 9 and ws.cell(header_at + 2, 7).number_format == "+0;-0;0"

    resp = client.get("/api/v1/reports/summary?year=2021&format=csv", headers=headers)
    assert resp.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    total = next(r for r in rows if r and r[0] == "Tổng cộng")  # the adoption table follows
    assert rows[0][0] == "Huyện" and total[:6] == ["Tổng cộng", "12", "10", "8", "6", "4"]


def test_summary_page_shows_the_table_and_downloads_a_word_report(client, data, make_user, login):
    login(make_user(roles=["secretary"]))
    page = client.get("/bao-cao/tong-hop?year=2021&group_by=district").get_data(as_text=True)
    assert "Huyện Ba Bể" in page and "Từ 01/07/2025 đã sáp nhập vào Tỉnh Thái Nguyên" in page
    assert 'id="summary-total"' in page and "style=" not in page
    assert 'action="/bao-cao/tong-hop/xuat"' in page
    job_page = client.submit(
        "/bao-cao/tong-hop/xuat",
        {
            "year": 2021,
            "group_by": "district",
            "format": "docx",
            "governing_body": "Ủy ban MTTQ Việt Nam tỉnh Bắc Kạn",
            "issuing_body": "Ban Thường trực",
            "number": "25/BC-MTTQ-BTT",
            "place": "Bắc Kạn",
            "date": "05/02/2022",
            "signer_authority": "TM. Ban Thường trực",
            "signer_title": "Phó Chủ tịch",
            "signer_name": "Hoàng Thị Dung",
            "recipients": "Ban Thường trực UBTƯ MTTQ Việt Nam;\nLưu: VT.",
        },
        form_url="/bao-cao/tong-hop?year=2021&group_by=district",
        follow_redirects=True,
    )
    assert job_page.status_code == 200
    job_html = job_page.get_data(as_text=True)
    assert 'data-status="done"' in job_html and "tong-hop-2021-district.docx" in job_html
    job_path = job_page.request.path
    resp = client.get(f"{job_path}/tai-ve")
    assert resp.status_code == 200
    doc = Document(io.BytesIO(resp.data))
    left, right = doc.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "ỦY BAN MTTQ VIỆT NAM TỈNH BẮC KẠN",
        "BAN THƯỜNG TRỰC",
        "",
        "Số: 25/BC-MTTQ-BTT",
    ]
    assert right.paragraphs[-1].text == "Bắc Kạn, ngày 05 tháng 02 năm 2022"
    table = doc.tables[1]
    assert table.rows[-1].cells[0].text == "Tổng cộng"
    assert [c.text for c in table.rows[-1].cells[1:6]] == ["12", "10", "8", "6", "4"]
    signature = [p.text for p in doc.tables[-1].rows[0].cells[1].paragraphs if p.text]
    assert signature == ["TM. BAN THƯỜNG TRỰC", "PHÓ CHỦ TỊCH", "Hoàng Thị Dung"]


def test_summary_page_is_closed_to_submitters(client, make_user, login):
    login(make_user(roles=["submitter"]))
    assert client.get("/bao-cao/tong-hop").status_code == 403


def test_summary_by_member_organisation(client, create_idea, make_user, auth_headers):
    create_idea(status="eligible", unit="BK-HND", year=2022)
    create_idea(status="recognized", unit="BK-HND", year=2022)
    create_idea(status="submitted", unit="BK-TD", year=2022)
    create_idea(status="submitted", unit="BK-BB-NM", year=2022)
    headers = auth_headers(make_user(roles=["admin"]))
    body = get_summary(client, headers, year=2022, group_by="member_org")
    assert [(r["group"], r["registered"], r["recognized"]) for r in body["rows"]] == [
        ("Hội Nông dân tỉnh", 2, 1),
        ("Tỉnh đoàn", 1, 0),
        ("Không thuộc tổ chức thành viên", 1, 0),
    ]
    assert body["rows"][-1]["group_id"] is None


def test_reports_index_offers_what_the_role_may_use(client, make_user, login):
    login(make_user(roles=["unit_officer"], unit="BK-CD"))
    page = client.get("/bao-cao/").get_data(as_text=True)
    assert "Báo cáo tổng hợp theo năm" in page and "Phạm vi: Huyện Chợ Đồn" in page
    assert "/thong-ke" in page and "/du-lieu-mo" in page
