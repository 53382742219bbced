"""The upload page of the bulk import: template downloads, the error table, dry run, import."""

import io

import openpyxl
import sqlalchemy as sa

from ideadb.ideas.models import Idea
from tests.ideas.test_import import ROW_A, ROW_B, csv_file, xlsx_file

PAGE = "/y-tuong/nhap-tu-tep"


def upload(client, data: bytes, name: str, **extra):
    return client.submit(
        PAGE,
        {"file": (io.BytesIO(data), name), **extra},
        content_type="multipart/form-data",
    )


def test_officer_finds_the_page_in_the_navigation_with_template_links(client, make_user, login):
    make_user("canbo.babe", roles=["unit_officer"], unit="BK-BB")
    login("canbo.babe")
    assert "Nhập từ tệp" in client.get("/").get_data(as_text=True)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Nhập ý tưởng từ tệp" in page
    assert "Huyện Ba Bể và các đơn vị trực thuộc" in page
    assert f"{PAGE}/mau.xlsx" in page and f"{PAGE}/mau.csv" in page
    assert "<script>" not in page and 'style="' not in page


def test_templates_download_as_attachments(client, make_user, login):
    make_user("thuky", roles=["secretary"])
    login("thuky")
    xlsx = client.get(f"{PAGE}/mau.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.headers["Content-Disposition"] == 'attachment; filename="mau-nhap-y-tuong.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames[:2] == ["Hướng dẫn", "Ý tưởng"]
    csv = client.get(f"{PAGE}/mau.csv")
    assert csv.status_code == 200 and csv.data.startswith(b"\xef\xbb\xbf")
    assert client.get(f"{PAGE}/mau.pdf").status_code == 404


def test_a_file_with_errors_shows_a_table_of_row_column_message_and_writes_nothing(
    client, db_session, make_user, login
):
    make_user("canbo.babe", roles=["unit_officer"], unit="BK-BB")
    login("canbo.babe")
    bad = {**ROW_A, "authors": "Hoàng Văn Páo (70%); Triệu Thị Mai (40%)"}
    resp = upload(client, xlsx_file([ROW_B, bad]), "y-tuong.xlsx")
    assert resp.status_code == 302  # to the page of this import (a job)
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Tệp có 1 lỗi; chưa nhập dòng nào." in page
    assert 'id="import-errors"' in page
    assert '<td class="text-nowrap">3</td>' in page
    assert "<td>Tác giả</td>" in page
    assert "Tổng tỷ lệ đóng góp của các tác giả phải bằng 100% (hiện là 110%)." in page
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 0


def test_dry_run_reports_the_rows_ready_and_import_redirects_to_my_drafts(
    client, db_session, make_user, login
):
    make_user("canbo.babe", roles=["unit_officer"], unit="BK-BB")
    login("canbo.babe")
    data = csv_file([ROW_A, ROW_B], delimiter=";")
    checked = upload(client, data, "y-tuong.csv", dry_run="y")
    assert checked.status_code == 302
    page = client.get(checked.headers["Location"]).get_data(as_text=True)
    assert "Tệp hợp lệ: 2 dòng sẵn sàng để nhập." in page
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 0

    done = upload(client, data, "y-tuong.csv")
    assert done.status_code == 302
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Đã nhập 2 ý tưởng từ tệp (bản nháp, chờ nộp)." in page
    mine = client.get("/y-tuong/cua-toi?status=draft").get_data(as_text=True)
    assert ROW_A["title"] in mine and ROW_B["title"] in mine


def test_missing_file_is_reported_beside_the_field(client, make_user, login):
    make_user("thuky", roles=["secretary"])
    login("thuky")
    resp = client.submit(PAGE, {}, content_type="multipart/form-data")
    assert resp.status_code == 200
    assert "Vui lòng chọn tệp cần nhập." in resp.get_data(as_text=True)


def test_submitter_may_not_open_the_import_page(client, make_user, login):
    make_user("dung", roles=["submitter"], unit="BK-BB-NM")
    login("dung")
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}/mau.xlsx").status_code == 403
    assert "Nhập từ tệp" not in client.get("/").get_data(as_text=True)
