"""Bulk import of ideas from .xlsx and .csv: every row checked, all rows or none written."""

import csv
import io
import unicodedata
from datetime import date, datetime

import openpyxl
import pytest
import sqlalchemy as sa

from ideadb.audit.models import AuditEvent
from ideadb.ideas import import_rows, importer, service
from ideadb.ideas.models import Idea, IdeaRevision

HEADERS = {c.field: c.header for c in importer.COLUMNS}

ROW_A = {
    "title": "Sấy vỏ quế bằng lò sấy sinh khối tại xã Nam Mẫu",
    "summary": "Lò sấy dùng cành quế khô làm chất đốt, vỏ quế không còn bị mốc.",
    "description": "Trước đây vỏ quế được phơi ngoài trời nên hay bị mốc khi mưa kéo dài.",
    "novelty": "Lần đầu tận dụng cành, lá quế làm chất đốt tại xã.",
    "benefits": "Thời gian làm khô giảm từ 7 ngày xuống 2 ngày.",
    "area": "san_xuat_kinh_doanh",
    "year": 2021,
    "unit_id": "BK-BB-NM",
    "authors": "Hoàng Văn Páo - Hợp tác xã Quế Nam Mẫu (60%); Triệu Thị Mai (40%)",
    "applied_from": "15/03/2021",
    "publish_consent": "Có",
    "owner_name": "Hợp tác xã Quế Nam Mẫu",
    "application_conditions": "Có mặt bằng khoảng 30 m².",
    "confidential_info": "Tỷ lệ phối trộn chất đốt.",
}
ROW_B = {
    "title": "Tiếp nhận hồ sơ lưu động tại nhà văn hóa thôn Pác Ngòi",
    "summary": "Công chức mang máy tính xuống thôn tiếp nhận hồ sơ mỗi tháng một lần.",
    "area": "Nâng cao hiệu quả công tác, cải cách thủ tục hành chính trong cơ quan hệ thống "
    "chính trị",
    "year": "2022",
    "unit_id": "Huyện Ba Bể",
    "authors": "Đàm Thị Nhài",
    "publish_consent": "Không",
}


def xlsx_file(rows, headers=None, *, guide_sheet=False) -> bytes:
    """A workbook with a header row of Vietnamese column names and one row per dict."""
    headers = headers or [c.field for c in importer.COLUMNS]
    book = openpyxl.Workbook()
    sheet = book.active
    if guide_sheet:
        sheet.title = "Hướng dẫn"
        sheet.append(["Ghi mỗi ý tưởng trên một dòng của trang tiếp theo."])
        sheet = book.create_sheet("Ý tưởng")
    sheet.append([HEADERS.get(h, h) for h in headers])
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(rows, *, delimiter=",", bom=True, headers=None) -> bytes:
    headers = headers or [c.field for c in importer.COLUMNS]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([HEADERS.get(h, h) for h in headers])
    for row in rows:
        writer.writerow(["" if row.get(h) is None else row.get(h) for h in headers])
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def post_file(client, headers, data: bytes, name: str, *, dry_run=False):
    url = "/api/v1/ideas/import" + ("?dry_run=1" if dry_run else "")
    return client.post(
        url,
        data={"file": (io.BytesIO(data), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


def idea_count(db_session) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(Idea))


@pytest.fixture
def officer(make_user):
    return make_user("canbo.babe", roles=["unit_officer"], unit="BK-BB", full_name="Đàm Văn Khánh")


def test_officer_imports_a_clean_xlsx_filled_in_the_downloaded_template(
    client, db_session, officer, auth_headers, unit_id
):
    book = openpyxl.load_workbook(io.BytesIO(importer.template_xlsx(db_session)))
    assert book.sheetnames[0] == "Hướng dẫn"
    sheet = book["Ý tưởng"]
    fields = [import_rows._HEADER_INDEX[import_rows._header_key(c.value)] for c in sheet[1]]
    for row in (ROW_A, ROW_B):
        sheet.append([row.get(f) for f in fields])
    out = io.BytesIO()
    book.save(out)

    resp = post_file(client, auth_headers(officer), out.getvalue(), "y-tuong.xlsx")
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json() == {"created": 2, "errors": []}

    ideas = db_session.scalars(sa.select(Idea).order_by(Idea.id)).all()
    assert [i.title for i in ideas] == [ROW_A["title"], ROW_B["title"]]
    first, second = ideas
    assert first.status == "draft" and first.registrant_id == officer.id
    assert first.unit_id == unit_id("BK-BB-NM") and first.district_id == unit_id("BK-BB")
    assert first.area == "san_xuat_kinh_doanh" and first.year == 2021
    assert first.applied_from == date(2021, 3, 15)
    assert first.publish_consent is True
    assert first.owner_name == "Hợp tác xã Quế Nam Mẫu"
    assert first.confidential_info == "Tỷ lệ phối trộn chất đốt."
    assert [(a.name, a.unit, a.share) for a in first.authors] == [
        ("Hoàng Văn Páo", "Hợp tác xã Quế Nam Mẫu", 60),
        ("Triệu Thị Mai", "Xã Nam Mẫu", 40),
    ]
    # Area matched by its name, unit by its name, a single author needs no share.
    assert second.area == "hanh_chinh" and second.unit_id == unit_id("BK-BB")
    assert second.year == 2022 and second.publish_consent is False
    assert [(a.name, a.share) for a in second.authors] == [("Đàm Thị Nhài", 100)]
    event = db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "idea.import"))
    assert event.actor_id == officer.id and event.after["created"] == 2


@pytest.mark.parametrize(
    ("delimiter", "bom"), [(",", True), (",", False), (";", True), (";", False)]
)
def test_clean_csv_imports_with_or_without_bom_and_either_delimiter(
    client, db_session, officer, auth_headers, delimiter, bom
):
    data = csv_file([ROW_A, ROW_B], delimiter=delimiter, bom=bom)
    assert data.startswith(b"\xef\xbb\xbf") == bom
    resp = post_file(client, auth_headers(officer), data, "y-tuong.csv")
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["created"] == 2
    titles = db_session.scalars(sa.select(Idea.title).order_by(Idea.id)).all()
    assert titles == [ROW_A["title"], ROW_B["title"]]
    authors = db_session.scalars(sa.select(Idea).order_by(Idea.id)).first().authors
    assert [a.share for a in authors] == [60, 40]


def test_one_bad_row_writes_nothing_and_names_row_column_and_message(
    client, db_session, officer, auth_headers
):
    bad = {**ROW_B, "title": "Một dòng thiếu năm", "year": None}
    data = xlsx_file([ROW_A, ROW_B, bad, ROW_A | {"title": "Dòng cuối hợp lệ"}])
    resp = post_file(client, auth_headers(officer), data, "y-tuong.xlsx")
    assert resp.status_code == 422
    body = resp.get_json()
    assert body["created"] == 0
    assert body["errors"] == [
        {
            "row": 4,
            "field": "year",
            "column": "Năm",
            "message": "Vui lòng ghi năm (bốn chữ số, ví dụ 2021).",
        }
    ]
    assert body["error"]["code"] == "validation_failed"
    assert idea_count(db_session) == 0


def test_shares_not_summing_to_100_are_reported_with_the_total(db_session, officer):
    row = {**ROW_A, "authors": "Hoàng Văn Páo (50%); Triệu Thị Mai (40%)"}
    result = importer.import_ideas(db_session, officer, "a.xlsx", xlsx_file([ROW_B, row]))
    assert [e.as_dict() for e in result.errors] == [
        {
            "row": 3,
            "field": "authors",
            "column": "Tác giả",
            "message": "Tổng tỷ lệ đóng góp của các tác giả phải bằng 100% (hiện là 90%).",
        }
    ]
    assert result.created == 0 and idea_count(db_session) == 0


@pytest.mark.parametrize(
    ("authors", "message"),
    [
        (
            "Hoàng Văn Páo; Triệu Thị Mai",
            "Thiếu tỷ lệ đóng góp của “Hoàng Văn Páo”, “Triệu Thị Mai”",
        ),
        ("Hoàng Văn Páo (60,5%); Triệu Thị Mai (39,5%)", "phải là số nguyên phần trăm"),
        ("Hoàng Văn Páo (0%); Triệu Thị Mai (100%)", "phải từ 1 đến 100%"),
    ],
)
def test_author_shares_must_be_given_whole_and_positive(db_session, officer, authors, message):
    result = importer.import_ideas(
        db_session, officer, "a.csv", csv_file([{**ROW_A, "authors": authors}])
    )
    assert len(result.errors) >= 1 and result.errors[0].column == "Tác giả"
    assert message in result.errors[0].message
    assert idea_count(db_session) == 0


def test_authors_may_be_written_with_workplace_and_percent_without_brackets():
    authors, problems = importer.parse_authors(
        "Lý Văn Páo – Trạm Y tế xã Cao Tân 70%;\nSùng Thị Dính: 30 %", "Huyện Pác Nặm"
    )
    assert problems == []
    assert authors == [
        {"name": "Lý Văn Páo", "unit": "Trạm Y tế xã Cao Tân", "share": 70},
        {"name": "Sùng Thị Dính", "unit": "Huyện Pác Nặm", "share": 30},
    ]


def test_unknown_unit_is_reported_and_nothing_written(db_session, officer):
    row = {**ROW_A, "unit_id": "Xã Không Có"}
    result = importer.import_ideas(db_session, officer, "a.xlsx", xlsx_file([row, ROW_B]))
    assert [e.as_dict() for e in result.errors] == [
        {
            "row": 2,
            "field": "unit_id",
            "column": "Đơn vị",
            "message": "Không tìm thấy đơn vị “Xã Không Có”; hãy ghi mã hoặc đúng tên đơn vị.",
        }
    ]
    assert idea_count(db_session) == 0


def test_units_and_areas_match_by_code_or_name_without_diacritics(db_session, officer, unit_id):
    row = {**ROW_A, "unit_id": "xa nam mau", "area": "SAN_XUAT_KINH_DOANH"}
    result = importer.import_ideas(db_session, officer, "a.csv", csv_file([row]))
    assert result.errors == [] and result.created == 1
    idea = db_session.scalar(sa.select(Idea))
    assert idea.unit_id == unit_id("BK-BB-NM") and idea.area == "san_xuat_kinh_doanh"


def test_dates_are_read_as_dd_mm_yyyy_text_or_excel_dates(db_session, officer):
    rows = [
        {**ROW_A, "title": "Ngày ghi dạng chữ", "applied_from": "05/03/2021"},
        {**ROW_A, "title": "Ngày một chữ số", "applied_from": "5/3/2021"},
        {**ROW_A, "title": "Ô ngày của Excel", "applied_from": datetime(2020, 11, 2)},
    ]
    result = importer.import_ideas(db_session, officer, "a.xlsx", xlsx_file(rows))
    assert result.errors == []
    got = dict(db_session.execute(sa.select(Idea.title, Idea.applied_from)).all())
    assert got == {
        "Ngày ghi dạng chữ": date(2021, 3, 5),
        "Ngày một chữ số": date(2021, 3, 5),
        "Ô ngày của Excel": date(2020, 11, 2),
    }


@pytest.mark.parametrize("text", ["31/02/2021", "2021/15/03", "tháng 3"])
def test_impossible_or_unreadable_dates_are_reported(db_session, officer, text):
    result = importer.import_ideas(
        db_session, officer, "a.csv", csv_file([{**ROW_A, "applied_from": text}])
    )
    assert [(e.row, e.field) for e in result.errors] == [(2, "applied_from")]
    assert "dd/mm/yyyy" in result.errors[0].message
    assert idea_count(db_session) == 0


def test_a_cell_holding_a_formula_is_imported_as_its_text(db_session, officer):
    formula = '=HYPERLINK("http://vi-du.vn/y-tuong","Xem chi tiết")'
    rows = [{**ROW_A, "title": formula, "benefits": "=1+1"}]
    result = importer.import_ideas(db_session, officer, "a.xlsx", xlsx_file(rows))
    assert result.errors == []
    idea = db_session.scalar(sa.select(Idea))
    assert idea.title == formula
    assert idea.benefits == "=1+1"


def test_the_data_sheet_is_found_after_a_guide_sheet(db_session, officer):
    data = xlsx_file([ROW_A], guide_sheet=True)
    result = importer.import_ideas(db_session, officer, "a.xlsx", data)
    assert result.errors == [] and result.created == 1


def test_text_is_stored_in_nfc_even_when_the_file_is_decomposed(db_session, officer):
    decomposed = unicodedata.normalize("NFD", ROW_A["title"])
    assert decomposed != ROW_A["title"]
    result = importer.import_ideas(
        db_session, officer, "a.csv", csv_file([{**ROW_A, "title": decomposed}])
    )
    assert result.errors == []
    assert db_session.scalar(sa.select(Idea.title)) == ROW_A["title"]


def test_missing_required_columns_are_reported_on_the_header_row(db_session, officer):
    data = csv_file([ROW_A], headers=["title", "summary", "year"])
    result = importer.import_ideas(db_session, officer, "a.csv", data)
    assert [(e.row, e.column) for e in result.errors] == [
        (1, "Lĩnh vực"),
        (1, "Tác giả"),
    ]
    assert all(e.message.startswith("Thiếu cột bắt buộc") for e in result.errors)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("cu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "(.xls) không được hỗ trợ"),
        (
            "y-tuong.csv",
            "Tên ý tưởng,Năm\r\nÝ tưởng,2021\r\n".encode("utf-16"),
            "UTF-8",
        ),
        ("hong.xlsx", b"PK\x03\x04 not really a zip", "bị hỏng"),
        ("rong.csv", b"", "Tệp rỗng"),
        ("anh.png", b"\x89PNG\r\n\x1a\n", "Chỉ nhận tệp .xlsx hoặc .csv"),
    ],
)
def test_unreadable_files_get_one_vietnamese_error(db_session, officer, name, data, message):
    result = importer.import_ideas(db_session, officer, name, data)
    assert len(result.errors) == 1
    assert result.errors[0].row is None and result.errors[0].field == "file"
    assert message in result.errors[0].message


def test_dry_run_checks_every_row_and_writes_nothing(client, db_session, officer, auth_headers):
    data = xlsx_file([ROW_A, ROW_B])
    resp = post_file(client, auth_headers(officer), data, "y-tuong.xlsx", dry_run=True)
    assert resp.status_code == 200
    assert resp.get_json() == {"created": 2, "errors": []}
    assert idea_count(db_session) == 0
    bad = post_file(
        client,
        auth_headers(officer),
        xlsx_file([{**ROW_A, "area": "khong_co"}]),
        "y-tuong.xlsx",
        dry_run=True,
    )
    assert bad.status_code == 422
    assert bad.get_json()["errors"][0]["field"] == "area"


def test_submitter_gets_403_and_anonymous_gets_401(client, make_user, auth_headers, db_session):
    make_user("dung", roles=["submitter"], unit="BK-BB-NM")
    data = xlsx_file([ROW_A])
    resp = post_file(client, auth_headers("dung"), data, "y-tuong.xlsx")
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "forbidden"
    anonymous = post_file(client, {}, data, "y-tuong.xlsx")
    assert anonymous.status_code == 401
    assert idea_count(db_session) == 0


def test_unit_officer_imports_only_into_own_unit_and_units_below(db_session, officer):
    outside = {**ROW_B, "title": "Ý tưởng của huyện Na Rì", "unit_id": "BK-NR"}
    result = importer.import_ideas(db_session, officer, "a.xlsx", xlsx_file([ROW_A, outside]))
    assert [(e.row, e.field) for e in result.errors] == [(3, "unit_id")]
    assert "Huyện Ba Bể" in result.errors[0].message
    assert idea_count(db_session) == 0


def test_blank_unit_means_the_officers_own_unit(db_session, officer, unit_id):
    result = importer.import_ideas(
        db_session, officer, "a.csv", csv_file([{**ROW_B, "unit_id": None}])
    )
    assert result.errors == []
    assert db_session.scalar(sa.select(Idea.unit_id)) == unit_id("BK-BB")


def test_secretary_imports_into_any_unit(db_session, make_user, unit_id):
    secretary = make_user("thuky", roles=["secretary"], unit="BK-MTTQ")
    row = {**ROW_B, "unit_id": "BK-CA", "district_id": "Huyện Pác Nặm"}
    result = importer.import_ideas(db_session, secretary, "a.csv", csv_file([row]))
    assert result.errors == [] and result.created == 1
    idea = db_session.scalar(sa.select(Idea))
    assert idea.unit_id == unit_id("BK-CA") and idea.district_id == unit_id("BK-PN")
    assert idea.registrant_id == secretary.id


def test_the_service_rules_apply_to_every_row(db_session, officer):
    too_long = {**ROW_A, "summary": "x" * (service.MAX_TEXT + 1)}
    wrong_district = {**ROW_B, "district_id": "BK-NR"}
    result = importer.import_ideas(
        db_session, officer, "a.csv", csv_file([too_long, wrong_district])
    )
    assert [(e.row, e.field, e.message) for e in result.errors] == [
        (2, "summary", f"Tối đa {service.MAX_TEXT} ký tự."),
        (3, "district_id", "Đơn vị không thuộc huyện đã chọn."),
    ]
    assert idea_count(db_session) == 0


def test_imported_idea_is_what_registration_through_the_service_makes(db_session, officer, unit_id):
    result = importer.import_ideas(db_session, officer, "a.csv", csv_file([ROW_A]))
    imported = db_session.get(Idea, result.idea_ids[0])
    payload = {
        **{k: v for k, v in ROW_A.items() if k not in ("unit_id", "authors", "publish_consent")},
        "unit_id": unit_id("BK-BB-NM"),
        "applied_from": date(2021, 3, 15),
        "publish_consent": True,
        "field_of_application": "",
        "authors": [
            {"name": "Hoàng Văn Páo", "unit": "Hợp tác xã Quế Nam Mẫu", "share": 60},
            {"name": "Triệu Thị Mai", "unit": "Xã Nam Mẫu", "share": 40},
        ],
    }
    registered = service.create_idea(db_session, officer, payload)
    assert service.snapshot(imported) == service.snapshot(registered)
    assert (imported.status, imported.version, imported.registrant_id) == (
        registered.status,
        registered.version,
        registered.registrant_id,
    )

    def trail(idea):
        events = db_session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.object_type == "idea", AuditEvent.object_id == str(idea.id)
            )
        ).all()
        revisions = db_session.scalars(
            sa.select(IdeaRevision).where(IdeaRevision.idea_id == idea.id)
        ).all()
        return [(e.action, e.actor_id, e.before, e.after) for e in events], [
            (r.version, r.action, r.actor_id, r.snapshot) for r in revisions
        ]

    assert trail(imported) == trail(registered)
    # The owner can go on exactly as with a form registration.
    service.submit_idea(db_session, officer, imported.id)
    assert imported.status == "submitted" and imported.code is not None


def test_command_line_import_dry_run_then_import(runner, db_session, tmp_path, officer):
    path = tmp_path / "y-tuong.xlsx"
    path.write_bytes(xlsx_file([ROW_A, ROW_B]))
    dry = runner.invoke(args=["import", str(path), "--dry-run", "--user", "canbo.babe"])
    assert dry.exit_code == 0, dry.output
    assert "2 dòng hợp lệ" in dry.output
    assert idea_count(db_session) == 0
    done = runner.invoke(args=["import", str(path), "--user", "canbo.babe"])
    assert done.exit_code == 0, done.output
    assert "Đã nhập 2 ý tưởng" in done.output
    assert idea_count(db_session) == 2


def test_command_line_import_lists_errors_and_fails(runner, db_session, tmp_path):
    path = tmp_path / "y-tuong.csv"
    path.write_bytes(csv_file([{**ROW_A, "unit_id": "Xã Không Có"}]))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert "Dòng 2, cột “Đơn vị”: Không tìm thấy đơn vị “Xã Không Có”" in result.output
    assert "không có --user" in result.output
    assert idea_count(db_session) == 0


def test_csv_template_is_the_header_row_with_a_bom():
    data = importer.template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == [c.header for c in importer.COLUMNS]


def test_xlsx_template_documents_every_column_on_its_first_sheet(db_session):
    book = openpyxl.load_workbook(io.BytesIO(importer.template_xlsx(db_session)))
    guide = book.worksheets[0]
    documented = {row[0] for row in guide.iter_rows(values_only=True) if row and row[0]}
    assert {c.header for c in importer.COLUMNS} <= documented
    # Areas by name, never by internal code, in the guide and in the cell's list.
    cells = {str(v) for row in guide.iter_rows(values_only=True) for v in row if v}
    assert not {"hanh_chinh", "san_xuat_kinh_doanh", "dan_toc_ton_giao"} & cells
    names = [row[0] for row in book["Lĩnh vực"].iter_rows(min_row=2, values_only=True)]
    assert len(names) == 5 and all(n in cells for n in names)
    assert any(n.startswith("Nâng cao năng suất lao động") for n in names)
    validations = book["Ý tưởng"].data_validations.dataValidation
    assert any(v.formula1 == "'Lĩnh vực'!$A$2:$A$6" for v in validations)
    assert [c.value for c in book["Ý tưởng"][1]] == [c.header for c in importer.COLUMNS]
    assert "BK-BB-NM" in {row[0] for row in book["Đơn vị"].iter_rows(values_only=True)}


def test_rows_beyond_a_wrong_sheet_size_in_the_file_are_still_read(db_session, officer):
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx_file([ROW_A, ROW_B])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":  # claims a single row
                data = re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:P1"/>', data)
            target.writestr(item, data)
    result = importer.import_ideas(db_session, officer, "a.xlsx", out.getvalue())
    assert result.errors == [] and result.created == 2
