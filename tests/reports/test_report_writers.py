"""The ranked-list files: each opened with its own library and read the way a person would."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from datetime import date

import openpyxl
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from hypothesis import given, settings
from hypothesis import strategies as st

from ideadb.reports.documents import RankedRow, csv_safe, vn_date_line
from ideadb.reports.writers.word import write_score_sheet_archive, write_score_sheets_docx
from tests.reports.report_samples import (
    AT_AUTHOR,
    FORMULA_TITLE,
    MINUS_AREA,
    PLUS_UNIT,
    SETTINGS,
    make_ranked,
    nfc,
    render,
)

# --- helpers -------------------------------------------------------------------------------


def test_place_and_date_line_follows_the_leading_zero_rule():
    assert vn_date_line("Bắc Kạn", date(2021, 2, 5)) == "Bắc Kạn, ngày 05 tháng 02 năm 2021"
    assert vn_date_line("Bắc Kạn", date(2021, 2, 23)) == "Bắc Kạn, ngày 23 tháng 02 năm 2021"
    assert vn_date_line("Bắc Kạn", date(2021, 3, 1)) == "Bắc Kạn, ngày 01 tháng 3 năm 2021"
    assert vn_date_line("Thái Nguyên", date(2025, 12, 9)) == (
        "Thái Nguyên, ngày 09 tháng 12 năm 2025"
    )


def test_csv_prefix_guards_formula_looking_text_only():
    assert csv_safe("=SUM(A1)") == "'=SUM(A1)"
    assert csv_safe("+84") == "'+84"
    assert csv_safe("-x") == "'-x"
    assert csv_safe("@x") == "'@x"
    assert csv_safe("Lò sấy") == "Lò sấy"


# --- xlsx ------------------------------------------------------------------------------------


def load_xlsx(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def header_row(ws) -> int:
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == "STT" or row[0].value == "Mã":
            return row[0].row
    raise AssertionError("no header row")


def test_xlsx_has_ranking_score_sheets_and_criteria_sheets():
    wb = load_xlsx(render(make_ranked(), "xlsx"))
    assert wb.sheetnames == ["Xếp hạng", "Phiếu chấm", "Bộ tiêu chí"]


def test_xlsx_title_block_names_the_issuing_body_round_and_date():
    ws = load_xlsx(render(make_ranked(), "xlsx"))["Xếp hạng"]
    lines = [ws.cell(r, 1).value for r in range(1, 6)]
    assert lines == [
        "ỦY BAN MTTQ VIỆT NAM TỈNH BẮC KẠN",
        "HỘI ĐỒNG THẨM ĐỊNH SÁNG KIẾN",
        "DANH SÁCH ĐỀ NGHỊ CÔNG NHẬN SÁNG KIẾN, Ý TƯỞNG",
        "Đợt xét chọn sáng kiến năm 2021 — Cấp tỉnh",
        "Bắc Kạn, ngày 05 tháng 02 năm 2021",
    ]
    assert not ws.cell(1, 1).font.b and ws.cell(2, 1).font.b and ws.cell(3, 1).font.b


def test_xlsx_ranking_is_in_rank_order_with_bold_frozen_header():
    ws = load_xlsx(render(make_ranked(), "xlsx"))["Xếp hạng"]
    h = header_row(ws)
    headers = [c.value for c in ws[h]]
    assert headers[:8] == [
        "STT",
        "Hạng",
        "Mã",
        "Tên sáng kiến, ý tưởng",
        "Tác giả (tỷ lệ đóng góp)",
        "Đơn vị",
        "Huyện",
        "Lĩnh vực",
    ]
    assert "Tính mới, tính sáng tạo (tối đa 30)" in headers
    assert headers[-5:] == [
        "Điểm tổng hợp",
        "Độ chênh lệch",
        "Số phiếu",
        "Mức đề xuất",
        "Quyết định của hội đồng",
    ]
    assert all(c.font.b for c in ws[h])
    assert ws.freeze_panes == f"D{h + 1}"
    codes = [ws.cell(r, 3).value for r in range(h + 1, h + 5)]
    assert codes == ["BK-2021-0007", "BK-2021-0003", "BK-2021-0001", "BK-2021-0010"]
    assert [ws.cell(r, 1).value for r in range(h + 1, h + 5)] == [1, 2, 3, 4]
    assert [ws.cell(r, 2).value for r in range(h + 1, h + 5)] == [1, 2, 3, None]


def test_xlsx_scores_are_numbers_with_two_decimals_rounded_half_up():
    ws = load_xlsx(render(make_ranked(), "xlsx"))["Xếp hạng"]
    h = header_row(ws)
    headers = [c.value for c in ws[h]]
    final = ws.cell(h + 1, headers.index("Điểm tổng hợp") + 1)
    assert final.value == 91.76  # 91.755 half-up
    assert final.number_format == "0.00"
    mean = ws.cell(h + 1, headers.index("Hiệu quả kinh tế - xã hội (tối đa 30)") + 1)
    assert mean.value == 27.25 and mean.number_format == "0.00"
    n = ws.cell(h + 1, headers.index("Số phiếu") + 1)
    assert n.value == 2


def test_xlsx_vietnamese_text_is_nfc_byte_for_byte():
    ws = load_xlsx(render(make_ranked(), "xlsx"))["Xếp hạng"]
    h = header_row(ws)
    first = [c.value for c in ws[h + 1]]
    assert first[3] == "Cải tiến lò sấy hồi, quế bằng nhiệt mặt trời"
    assert first[3].encode() == nfc("Cải tiến lò sấy hồi, quế bằng nhiệt mặt trời").encode()
    assert first[4] == "Hoàng Văn Páo (60%); Triệu Thị Sinh (40%)"
    third_title = ws.cell(h + 3, 4).value
    assert third_title == nfc("Nuôi lợn đen bản địa an toàn sinh học")
    assert unicodedata.is_normalized("NFC", third_title)
    assert first[-2:] == ["Đề nghị Trung ương tôn vinh", "Đề nghị Trung ương tôn vinh"]
    assert ws.cell(h + 3, len(first)).value == "Không công nhận"


def test_xlsx_formula_looking_text_stays_text():
    data = render(make_ranked(), "xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet_xml = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
    ws = load_xlsx(data)["Xếp hạng"]
    h = header_row(ws)
    row = list(ws[h + 2])
    for cell, text in zip(
        (row[3], row[4], row[5], row[7]),
        (FORMULA_TITLE, f"{AT_AUTHOR} (100%)", PLUS_UNIT, MINUS_AREA),
        strict=True,
    ):
        assert cell.value == text
        assert cell.data_type == "s"
        assert cell.quotePrefix


def test_xlsx_score_sheets_hide_reviewer_names_unless_allowed():
    hidden = load_xlsx(render(make_ranked(), "xlsx"))
    ws = hidden["Phiếu chấm"]
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Thành viên 1" in values and "Thành viên 2" in values
    for wsx in hidden.worksheets:
        text = " ".join(str(c.value) for row in wsx.iter_rows() for c in row if c.value)
        assert "Lục Văn Khánh" not in text and "Bế Thị Lan" not in text

    shown = load_xlsx(render(make_ranked(show_reviewer_names=True), "xlsx"))["Phiếu chấm"]
    values = [c.value for row in shown.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Lục Văn Khánh" in values and "Bế Thị Lan" in values


def test_xlsx_score_sheets_list_every_sheet_per_idea_in_rank_order():
    ws = load_xlsx(render(make_ranked(show_reviewer_names=True), "xlsx"))["Phiếu chấm"]
    h = header_row(ws)
    headers = [c.value for c in ws[h]]
    assert headers[:3] == ["Mã", "Tên sáng kiến, ý tưởng", "Thành viên hội đồng"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=h + 1) if r[0].value]
    assert [(r[0], r[2]) for r in rows] == [
        ("BK-2021-0007", "Bế Thị Lan"),
        ("BK-2021-0007", "Lục Văn Khánh"),
        ("BK-2021-0003", "Bế Thị Lan"),
        ("BK-2021-0003", "Lục Văn Khánh"),
        ("BK-2021-0001", "Bế Thị Lan"),
        ("BK-2021-0001", "Lục Văn Khánh"),
        ("BK-2021-0010", "Lục Văn Khánh"),
    ]
    total = rows[0][headers.index("Tổng điểm")]
    assert total == 91.76
    comments = rows[0][headers.index("Nhận xét theo tiêu chí")]
    assert comments == "Tính mới, tính sáng tạo: =1+1 không phải công thức"
    assert rows[0][headers.index("Ngày nộp")] == "30/11/2021"


def test_xlsx_criteria_sheet_explains_weights_bands_and_levels():
    ws = load_xlsx(render(make_ranked(), "xlsx"))["Bộ tiêu chí"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert values[0][0] == "Bộ tiêu chí đánh giá sáng kiến, ý tưởng (phiên bản 2)"
    assert values[1][0] == "Cách tổng hợp điểm: Trung bình cộng"
    flat = {r[0]: r for r in values if r and r[0]}
    assert flat["TINH_MOI"][1:6] == [
        "Tính mới, tính sáng tạo",
        30,
        30,
        None,
        "27–30: hoàn toàn mới; 0–0: không mới hoặc sao chép",
    ]
    assert flat["HIEU_QUA"][4] == 10
    assert flat["DE_NGHI_TW"][1:3] == ["Đề nghị Trung ương tôn vinh", 85]
    assert flat["DAT"][1:3] == ["Đạt", 50]


def test_xlsx_column_widths_fit_the_text():
    ws = load_xlsx(render(make_ranked(), "xlsx"))["Xếp hạng"]
    assert ws.column_dimensions["A"].width <= 8  # STT
    assert ws.column_dimensions["D"].width >= 40  # titles, wrapped beyond 60
    assert ws.column_dimensions["D"].width <= 60


@settings(max_examples=40, deadline=None)
@given(
    prefix=st.sampled_from(["", "=", "+", "-", "@", "#N/A"]),
    text=st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
        max_size=40,
    ),
)
def test_any_title_comes_back_from_xlsx_and_csv_as_the_same_text(prefix, text):
    title = nfc(prefix + text)
    row = make_ranked().rows[0]
    ranked = make_ranked(rows=[RankedRow(**{**row.__dict__, "title": title})], sheets=[])
    ws = load_xlsx(render(ranked, "xlsx"))["Xếp hạng"]
    got = ws.cell(header_row(ws) + 1, 4).value
    assert (got or "") == title
    lines = list(csv.reader(io.StringIO(render(ranked, "csv").decode("utf-8-sig"))))
    assert lines[1][3] == csv_safe(title)


# --- csv ------------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_one_header_row_and_the_same_columns():
    data = render(make_ranked(), "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    ws = load_xlsx(render(make_ranked(), "xlsx"))["Xếp hạng"]
    assert rows[0] == [c.value for c in ws[header_row(ws)]]
    assert len(rows) == 5
    assert [r[2] for r in rows[1:]] == [
        "BK-2021-0007",
        "BK-2021-0003",
        "BK-2021-0001",
        "BK-2021-0010",
    ]
    assert rows[1][rows[0].index("Điểm tổng hợp")] == "91.76"
    assert rows[4][rows[0].index("Hạng")] == ""
    assert rows[3][3].encode("utf-8") == nfc("Nuôi lợn đen bản địa an toàn sinh học").encode()


def test_csv_prefixes_formula_looking_text_with_an_apostrophe():
    rows = list(csv.reader(io.StringIO(render(make_ranked(), "csv").decode("utf-8-sig"))))
    second = rows[2]
    assert second[3] == "'" + FORMULA_TITLE
    assert second[4] == f"'{AT_AUTHOR} (100%)"
    assert second[5] == "'" + PLUS_UNIT
    assert second[7] == "'" + MINUS_AREA
    assert rows[1][3] == "Cải tiến lò sấy hồi, quế bằng nhiệt mặt trời"


# --- docx -----------------------------------------------------------------------------------


def load_docx(data: bytes):
    return Document(io.BytesIO(data))


def cell_lines(cell) -> list[str]:
    return [p.text for p in cell.paragraphs]


def test_docx_header_block_follows_decree_30():
    doc = load_docx(render(make_ranked(), "docx"))
    left, right = doc.tables[0].rows[0].cells
    assert cell_lines(left) == [
        "ỦY BAN MTTQ VIỆT NAM TỈNH BẮC KẠN",
        "HỘI ĐỒNG THẨM ĐỊNH SÁNG KIẾN",
        "",
        "Số: 15/DS-HĐTĐ",
    ]
    assert cell_lines(right) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "",
        "Bắc Kạn, ngày 05 tháng 02 năm 2021",
    ]
    gov, issuer, rule, number = left.paragraphs
    assert not gov.runs[0].bold and issuer.runs[0].bold
    assert number.runs[0].font.size == Pt(13)
    assert (
        rule._p.pPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pBdr")
        is not None
    )
    nation, motto, motto_rule, date_line = right.paragraphs
    assert nation.runs[0].bold and nation.runs[0].font.size in (Pt(12), Pt(13))
    assert motto.runs[0].bold and motto.runs[0].font.size in (Pt(13), Pt(14))
    assert (
        motto_rule._p.pPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pBdr")
        is not None
    )
    assert date_line.runs[0].italic and not date_line.runs[0].bold


def test_docx_is_a4_times_new_roman_and_landscape_for_the_wide_table():
    doc = load_docx(render(make_ranked(), "docx"))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    margins = (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin)
    assert [round(m.mm) for m in margins] == [30, 15, 20, 20]
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.styles["Normal"].font.size in (Pt(13), Pt(14))
    defaults = doc.styles.element.xpath("//w:docDefaults//w:rFonts")[0]
    assert set(defaults.attrib.values()) == {"Times New Roman"}


def test_docx_title_is_centred_bold_upper_case():
    doc = load_docx(render(make_ranked(), "docx"))
    paragraphs = doc.paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p.text.startswith("DANH SÁCH"))
    title, subject = paragraphs[at], paragraphs[at + 1]
    assert title.text == "DANH SÁCH ĐỀ NGHỊ CÔNG NHẬN SÁNG KIẾN, Ý TƯỞNG"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and title.runs[0].bold
    assert subject.text == "Phong trào “Đoàn kết sáng tạo” năm 2021"
    assert subject.runs[0].bold


def test_docx_table_lists_the_proposed_ideas_in_rank_order():
    doc = load_docx(render(make_ranked(), "docx"))
    table = doc.tables[1]
    header = [c.text for c in table.rows[0].cells]
    assert header[:7] == [
        "STT",
        "Mã",
        "Tên sáng kiến, ý tưởng",
        "Tác giả (tỷ lệ đóng góp)",
        "Đơn vị",
        "Huyện",
        "Lĩnh vực",
    ]
    assert header[7:11] == ["TC1", "TC2", "TC3", "TC4"]
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    # the third idea was decided "not recognised"; the fourth lacks reviews and a rank
    assert [r[1] for r in body] == ["BK-2021-0007", "BK-2021-0003"]
    assert [r[0] for r in body] == ["1", "2"]
    assert [r[-1] for r in body] == ["Đề nghị Trung ương tôn vinh", "Công nhận cấp tỉnh"]
    assert header[-3:] == ["Điểm", "Số phiếu", "Mức đề nghị"]
    first = body[0]
    assert first[2] == "Cải tiến lò sấy hồi, quế bằng nhiệt mặt trời"
    assert first[3] == "Hoàng Văn Páo (60%)\nTriệu Thị Sinh (40%)"
    assert first[header.index("Điểm")] == "91,76"
    assert first[header.index("TC3")] == "27,25"
    assert body[1][2] == FORMULA_TITLE
    tbl_header = table.rows[0]._tr.trPr
    assert (
        tbl_header.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader")
        is not None
    )
    legend = next(p.text for p in doc.paragraphs if p.text.startswith("Ghi chú"))
    assert "TC1: Tính mới, tính sáng tạo (tối đa 30 điểm)" in legend


def test_docx_signature_block_and_recipients():
    doc = load_docx(render(make_ranked(), "docx"))
    left, right = doc.tables[-1].rows[0].cells
    lines = [t for t in cell_lines(right) if t]
    assert lines == ["TM. HỘI ĐỒNG", "CHỦ TỊCH", "Nông Thị Hoa"]
    assert all(p.runs[0].bold for p in right.paragraphs if p.text)
    nhan = left.paragraphs[0]
    assert nhan.text == "Nơi nhận:"
    assert nhan.runs[0].bold and nhan.runs[0].italic and nhan.runs[0].font.size == Pt(12)
    assert [p.text for p in left.paragraphs[1:]] == ["- Ban Thường trực UBMTTQ tỉnh;", "- Lưu: VT."]
    assert all(p.runs[0].font.size == Pt(11) for p in left.paragraphs[1:])


def test_docx_text_is_nfc():
    doc = load_docx(render(make_ranked(), "docx"))
    text = "\n".join(c.text for row in doc.tables[1].rows for c in row.cells)
    assert unicodedata.is_normalized("NFC", text)
    assert nfc("Nuôi lợn đen") not in text  # decided "not recognised": not proposed
    assert "Cải tiến lò sấy hồi, quế bằng nhiệt mặt trời" in text


def test_narrow_table_stays_portrait():
    from ideadb.reports.writers.word import OfficialDocument, TableColumn

    doc = OfficialDocument(SETTINGS)
    doc.header_block()
    doc.title("BÁO CÁO", "Sơ kết năm 2021")
    doc.table([TableColumn("Huyện", 8), TableColumn("Số ý tưởng", 4, "right")], [["Ba Bể", "12"]])
    out = io.BytesIO()
    doc.save(out)
    assert load_docx(out.getvalue()).sections[0].orientation == WD_ORIENT.PORTRAIT


# --- score sheets -----------------------------------------------------------------------------


def test_score_sheet_docx_has_one_page_per_idea_of_that_reviewer():
    ranked = make_ranked()
    out = io.BytesIO()
    write_score_sheets_docx(ranked, 6, out)
    doc = load_docx(out.getvalue())
    titles = [p for p in doc.paragraphs if p.text == "PHIẾU CHẤM ĐIỂM"]
    assert len(titles) == 3  # reviewer 6 scored three ideas
    texts = [p.text for p in doc.paragraphs]
    assert "Thành viên hội đồng: Bế Thị Lan" in texts
    assert "Mã sáng kiến, ý tưởng: BK-2021-0007" in texts
    score_tables = [t for t in doc.tables if t.rows[0].cells[0].text == "STT"]
    first = [[c.text for c in r.cells] for r in score_tables[0].rows]
    assert first[1][:4] == ["1", "Tính mới, tính sáng tạo", "30", "28,50"]
    assert first[-1][1:4] == ["Tổng điểm (thang 100)", "100", "91,76"]
    left, right = doc.tables[0].rows[0].cells
    # One export run, one date: the sheets carry the ranked list's date, not each submit date.
    assert cell_lines(right)[-1] == "Bắc Kạn, ngày 05 tháng 02 năm 2021"
    assert "Số:" not in " ".join(cell_lines(left))
    signature = [p.text for p in doc.tables[2].rows[0].cells[1].paragraphs if p.text]
    assert signature == ["THÀNH VIÊN HỘI ĐỒNG", "Bế Thị Lan"]


def test_score_sheet_archive_holds_one_docx_per_reviewer():
    out = io.BytesIO()
    names = write_score_sheet_archive(make_ranked(), out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as zf:
        assert sorted(zf.namelist()) == sorted(names)
        assert len(names) == 2
        for name in names:
            load_docx(zf.read(name))


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "docx"])
def test_empty_round_still_writes_a_file(fmt):
    data = render(make_ranked(rows=[], sheets=[]), fmt)
    assert data


def test_a_normalised_round_shows_the_raw_mean_beside_the_normalised_score():
    ranked = make_ranked(normalised=True)
    ws = load_xlsx(render(ranked, "xlsx"))["Xếp hạng"]
    headers = [c.value for c in ws[header_row(ws)]]
    assert "Điểm trung bình (thô)" in headers and "Điểm chuẩn hóa" in headers
    assert "Điểm tổng hợp" not in headers
    table = load_docx(render(ranked, "docx")).tables[1]
    docx_headers = [c.text for c in table.rows[0].cells]
    assert "Điểm trung bình (thô)" in docx_headers and "Điểm chuẩn hóa" in docx_headers
