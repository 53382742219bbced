"""The decision and the certificate: reopened with python-docx, converted to PDF by
LibreOffice (skipped only where LibreOffice is absent; CI sets IDEADB_REQUIRE_LIBREOFFICE=1),
and the register spreadsheet read back with openpyxl."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from ideadb.reports.documents import AuthorShare, DocumentSettings
from ideadb.reports.writers.decision import (
    Certificate,
    DecisionDocument,
    RecognisedIdea,
    RegisterLine,
    write_certificate_docx,
    write_decision_docx,
    write_register_xlsx,
)

REQUIRE = os.environ.get("IDEADB_REQUIRE_LIBREOFFICE") == "1"
OUT = Path(__file__).resolve().parents[2] / "bench" / "out"

SETTINGS = DocumentSettings(
    governing_body="Ủy ban MTTQ Việt Nam tỉnh Bắc Kạn",
    issuing_body="Ban Thường trực",
    number="25/QĐ-MTTQ-BTT",
    place="Bắc Kạn",
    date=date(2026, 2, 5),
    signer_authority="TM. Ban Thường trực",
    signer_title="Phó Chủ tịch",
    signer_name="Hoàng Văn Páo",
    recipients=("Như Điều 3;", "Lưu: VT."),
)
IDEAS = (
    RecognisedIdea(
        number="1/2026",
        code="BK-2025-0012",
        title="Mô hình nuôi lợn đen bản địa kết hợp trồng cỏ voi ở xã Nam Mẫu",
        authors=(AuthorShare("Hoàng Văn Páo", 60), AuthorShare("Lý Thị Mai", 40)),
        unit="Xã Nam Mẫu",
        scope_label="Cấp tỉnh",
        level_name="Công nhận cấp tỉnh",
    ),
    RecognisedIdea(
        number="2/2026",
        code="BK-2025-0031",
        title="Bộ phận một cửa điện tử cấp xã",
        authors=(AuthorShare("Nông Thị Hoa", 100),),
        unit="UBND xã Quảng Khê",
        scope_label="Cấp tỉnh",
        level_name="Đạt",
        amendment="Sửa đổi theo kết quả giải quyết khiếu nại ngày 20/02/2026",
    ),
)


def _decision() -> DecisionDocument:
    return DecisionDocument(
        settings=SETTINGS,
        round_name="Đợt xét chọn sáng kiến cấp tỉnh năm 2025",
        year=2025,
        council="Hội đồng thẩm định sáng kiến tỉnh",
        ideas=IDEAS,
        issued_on=SETTINGS.date,
    )


def _certificate() -> Certificate:
    return Certificate(
        settings=SETTINGS,
        idea=IDEAS[0],
        owner="Xã Nam Mẫu",
        round_name="Đợt xét chọn sáng kiến cấp tỉnh năm 2025",
        decision_number=SETTINGS.number,
        decided_on=SETTINGS.date,
    )


def _all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def test_decision_docx_follows_the_nd30_layout_and_carries_the_annex():
    buf = io.BytesIO()
    write_decision_docx(_decision(), buf)
    doc = Document(io.BytesIO(buf.getvalue()))
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    text = _all_text(doc)
    for expected in (
        "ỦY BAN MTTQ VIỆT NAM TỈNH BẮC KẠN",
        "BAN THƯỜNG TRỰC",
        "Số: 25/QĐ-MTTQ-BTT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Bắc Kạn, ngày 05 tháng 02 năm 2026",
        "QUYẾT ĐỊNH",
        "Điều 1. Công nhận 2 sáng kiến",
        "PHỤ LỤC",
        "(Kèm theo Quyết định số 25/QĐ-MTTQ-BTT ngày 05/02/2026)",
        "1/2026",
        "Hoàng Văn Páo (60%)",
        "Sửa đổi theo kết quả giải quyết khiếu nại",
        "Nơi nhận:",
    ):
        assert expected in text, expected
    bold_runs = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    assert "QUYẾT ĐỊNH" in bold_runs
    fonts = {r.font.name for p in doc.paragraphs for r in p.runs if r.font.name}
    assert fonts <= {"Times New Roman"}


def test_certificate_docx_names_authors_shares_level_number_and_date():
    buf = io.BytesIO()
    write_certificate_docx(_certificate(), buf)
    text = _all_text(Document(io.BytesIO(buf.getvalue())))
    for expected in (
        "GIẤY CHỨNG NHẬN SÁNG KIẾN",
        "Mô hình nuôi lợn đen bản địa",
        "Hoàng Văn Páo (60%); Lý Thị Mai (40%)",
        "Công nhận cấp tỉnh",
        "Cấp tỉnh",
        "1/2026",
        "Số: 1/2026/GCN",
        "Bắc Kạn, ngày 05 tháng 02 năm 2026",
        "Xã Nam Mẫu",
    ):
        assert expected in text, expected


def test_register_xlsx_reads_back_with_one_line_per_version():
    lines = [
        RegisterLine(
            number="1/2026",
            version=v,
            status=s,
            code="BK-2025-0012",
            title="=Mô hình nuôi lợn đen",
            authors=(AuthorShare("Hoàng Văn Páo", 100),),
            unit="Xã Nam Mẫu",
            scope_label="Cấp tỉnh",
            level_name=level,
            round_name="Đợt 2025",
            decided_on=date(2026, 2, 5),
            note="",
        )
        for v, s, level in ((1, "Công nhận", "Đạt"), (2, "Công nhận", "Công nhận cấp tỉnh"))
    ]
    buf = io.BytesIO()
    write_register_xlsx("SỔ THEO DÕI CÔNG NHẬN SÁNG KIẾN", "Năm 2026", lines, buf)
    ws = load_workbook(io.BytesIO(buf.getvalue())).active
    assert ws["A1"].value == "SỔ THEO DÕI CÔNG NHẬN SÁNG KIẾN"
    assert ws["A2"].value == "Năm 2026"
    assert [ws.cell(row=r, column=2).value for r in (5, 6)] == [1, 2]
    assert ws["E5"].value.startswith("'=")  # never a formula


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if REQUIRE:
            pytest.fail("IDEADB_REQUIRE_LIBREOFFICE=1 but LibreOffice is not installed")
        pytest.skip("LibreOffice not installed")
    return found


def test_decision_and_certificate_convert_to_pdf_and_page_one_renders(tmp_path):
    soffice()
    from ideadb.reports.decisions import to_pdf

    for name, write, data in (
        ("quyet-dinh", write_decision_docx, _decision()),
        ("giay-chung-nhan", write_certificate_docx, _certificate()),
    ):
        buf = io.BytesIO()
        write(data, buf)
        pdf = to_pdf(buf.getvalue())
        assert pdf.startswith(b"%PDF")
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        if shutil.which("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(path),
                 str(tmp_path / name)],
                check=True,
                timeout=60,
            )  # fmt: skip
            png = tmp_path / f"{name}.png"
            assert png.stat().st_size > 5_000
            if OUT.parent.exists():
                OUT.mkdir(exist_ok=True)
                shutil.copy(png, OUT / f"{name}-trang-1.png")
