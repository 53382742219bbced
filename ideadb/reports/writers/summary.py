"""The yearly summary report as xlsx, csv or docx, and the open-data CSV."""

from __future__ import annotations

from typing import IO, Any

from ideadb.core.fmt import fmt_number
from ideadb.reports.adoption import (
    ADOPTION_SHEET,
    AdoptionTable,
    adoption_columns,
    adoption_status_line,
    adoption_title,
    adoption_values,
)
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
from ideadb.reports.writers.csvfile import write_csv_section, write_table_csv
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


def _adoption_rows(adoption: AdoptionTable) -> list[list]:
    return [adoption_values(r) for r in adoption.rows] + [adoption_values(adoption.total)]


def _adoption_notes(adoption: AdoptionTable) -> list[str]:
    return [
        adoption_status_line(adoption),
        f"Tổng lợi ích: {fmt_number(adoption.report.benefit_vnd)} đồng.",
    ]


def write_summary(
    s: Summary,
    fmt: str,
    out: IO[bytes],
    document: DocumentSettings,
    adoption: AdoptionTable | None = None,
) -> None:
    cols = summary_columns(s)
    rows = [summary_values(r) for r in s.rows] + [summary_values(s.total)]
    title = summary_title(s)
    if fmt == "csv":
        write_table_csv(cols, rows, out)
        if adoption is not None:
            # A second table after an empty line: its title, header, rows and notes.
            write_csv_section(
                adoption_title(adoption),
                adoption_columns(),
                _adoption_rows(adoption),
                out,
                _adoption_notes(adoption),
            )
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
        if adoption is not None:
            extra = write_table_sheet(
                wb,
                ADOPTION_SHEET,
                adoption_columns(),
                _adoption_rows(adoption),
                [(adoption_title(adoption), True)],
            )
            extra.append([])
            style = extra._style(italic=True, border=False)
            for note in _adoption_notes(adoption):
                extra.append([extra.cell(note, style)])
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
        if adoption is not None:
            a_cols = adoption_columns()
            a_widths = fit_columns(a_cols, landscape)
            doc.spacer()
            doc.note(adoption_title(adoption), italic=False)
            a_rows = [
                [cell_text(v, c.kind) for v, c in zip(row, a_cols, strict=True)]
                for row in _adoption_rows(adoption)
            ]
            doc.table(
                [
                    TableColumn(c.header, w, align_of(c))
                    for c, w in zip(a_cols, a_widths, strict=True)
                ],
                a_rows,
                bold_rows={len(a_rows) - 1},
            )
            for note in _adoption_notes(adoption):
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
