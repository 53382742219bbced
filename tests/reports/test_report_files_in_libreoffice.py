"""Every exported file opens in LibreOffice: `libreoffice --headless --convert-to pdf` succeeds."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import pytest

from ideadb.reports.documents import METRICS, Summary, SummaryRow
from ideadb.reports.writers import write_ranked_list
from ideadb.reports.writers.summary import write_summary
from ideadb.reports.writers.word import write_score_sheets_docx
from tests.reports.report_samples import SETTINGS, make_ranked

REQUIRE = os.environ.get("IDEADB_REQUIRE_LIBREOFFICE") == "1"


def soffice() -> str:
    found = shutil.which("libreoffice") or shutil.which("soffice")
    if found is None:
        if REQUIRE:
            pytest.fail("IDEADB_REQUIRE_LIBREOFFICE=1 but libreoffice is not installed")
        pytest.skip("libreoffice not installed")
    return found


def yearly_summary() -> Summary:
    def row(name, n, note=""):
        counts = dict(zip(METRICS, (n, n - 1, n - 2, n - 3, 1), strict=True))
        return SummaryRow(name, None, counts, dict.fromkeys(METRICS, 1), note)

    rows = [
        row("Huyện Ba Bể", 9, "Từ 01/07/2025 đã sáp nhập vào Tỉnh Thái Nguyên"),
        row("Huyện Chợ Đồn", 6),
    ]
    total = SummaryRow(
        "Tổng cộng",
        None,
        {m: sum(r.counts[m] for r in rows) for m in METRICS},
        {m: 2 for m in METRICS},
    )
    return Summary(2021, "district", rows, total)


def test_ranked_lists_score_sheets_and_summaries_convert_to_pdf(tmp_path):
    binary = soffice()
    ranked = make_ranked(show_reviewer_names=True)
    files = []
    for fmt in ("xlsx", "csv", "docx"):
        path = tmp_path / f"xep-hang-{fmt}.{fmt}"
        with path.open("wb") as out:
            write_ranked_list(ranked, fmt, out)
        files.append(path)
    buf = io.BytesIO()
    write_score_sheets_docx(ranked, 5, buf)
    files.append(tmp_path / "phieu-cham.docx")
    files[-1].write_bytes(buf.getvalue())
    summary = yearly_summary()
    for fmt in ("xlsx", "docx"):
        path = tmp_path / f"tong-hop-{fmt}.{fmt}"
        with path.open("wb") as out:
            write_summary(summary, fmt, out, SETTINGS)
        files.append(path)

    outdir = tmp_path / "pdf"
    result = subprocess.run(
        [
            binary,
            # a profile of its own: conversions running at the same time do not collide
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for path in files:
        pdf = outdir / f"{path.stem}.pdf"
        assert pdf.exists(), f"{path.name} was not converted: {result.stdout} {result.stderr}"
        assert pdf.read_bytes().startswith(b"%PDF")
