"""The yearly summary report as xlsx, csv or docx, and the open-data CSV."""

from __future__ import annotations

from typing import IO, Any

from ideadb.reports.documents import (
    DocumentSettings,
    Summary,
    open_data_columns,
    open_data_values,
    summary_columns,
    summary_notes,
    summary_title,
    summary_values,
    upper,
    vn_date_line,
)
from ideadb.reports.writers.csvfile import write_table_csv
from ideadb.reports.writers.excel import new_workbook, write_table_sheet
from ideadb.reports.writers.word import (
    OfficialDocument,
    TableColumn,
    align_of,
    cell_text,
    fit_columns,
    needs_landscape,
)

SUMMARY_SHEET = "Tổng hợp"
SUMMARY_FORMATS = ("xlsx", "csv", "docx")


def write_summary(s: Summary, fmt: str, out: IO[bytes], document: DocumentSettings) -> None:
    cols = summary_columns(s)
    rows = [summary_values(r) for r in s.rows] + [summary_values(s.total)]
    title = summary_title(s)
    if fmt == "csv":
        write_table_csv(cols, rows, out)
    elif fmt == "xlsx":
        lines: list[tuple[str, bool]] = []
        if document.governing_body:
            lines.append((upper(document.governing_body), False))
        if document.issuing_body:
            lines.append((upper(document.issuing_body), True))
        lines.append(("BÁO CÁO SƠ KẾT", True))
        lines.append((title, True))
        date_line = vn_date_line(document.place, document.date)
        if date_line:
            lines.append((date_line, False))
        wb = new_workbook()
        sheet = write_table_sheet(wb, SUMMARY_SHEET, cols, rows, lines)
        sheet.append([])
        note_style = sheet._style(italic=True, border=False)
        for note in summary_notes(s):
            sheet.append([sheet.cell(note, note_style)])
        wb.save(out)
    elif fmt == "docx":
        landscape = needs_landscape(cols)
        widths = fit_columns(cols, landscape)
        doc = OfficialDocument(document, landscape=landscape)
        doc.header_block()
        doc.title("BÁO CÁO", title)
        table_cols = [
            TableColumn(c.header, w, align_of(c)) for c, w in zip(cols, widths, strict=True)
        ]
        kinds = [c.kind for c in cols]
        text_rows = [[cell_text(v, k) for v, k in zip(row, kinds, strict=True)] for row in rows]
        doc.table(table_cols, text_rows, bold_rows={len(text_rows) - 1})
        for note in summary_notes(s):
            doc.note(note)
        doc.spacer()
        doc.signature(
            authority=document.signer_authority,
            title=document.signer_title,
            name=document.signer_name,
            recipients=document.recipients,
        )
        doc.save(out)
    else:
        raise ValueError(f"unknown format {fmt!r}")


def write_open_data_csv(rows: list[dict[str, Any]], out: IO[bytes]) -> None:
    write_table_csv(open_data_columns(), (open_data_values(r) for r in rows), out)
