"""Excel workbooks (openpyxl, write-only): a title block, a bold frozen header, 2-decimal scores.

Text that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@`` first) is stored as
a string cell with the "quote prefix" flag, so it shows and stays text even when edited.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from copy import copy
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ideadb.reports.documents import (
    INT,
    MONEY,
    SCORE,
    SIGNED,
    Column,
    Progress,
    RankedList,
    Tracker,
    criteria_columns,
    criteria_values,
    level_columns,
    looks_like_formula,
    nfc,
    ordered_sheets,
    ranked_columns,
    ranked_values,
    reviewer_labels,
    sheet_columns,
    sheet_values,
    title_lines,
)

FONT = "Times New Roman"
SCORE_FORMAT = "0.00"
INT_FORMAT = "0"
MONEY_FORMAT = "#,##0"  # shown with the reader's grouping: 1.200.000 in a Vietnamese Excel
SIGNED_FORMAT = "+0;-0;0"
_thin = Side(style="thin", color="808080")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)


class _PreparedCellsSheet(WriteOnlyWorksheet):
    """A write-only sheet whose rows are lists of ready WriteOnlyCells (or None).

    openpyxl's own conversion first tries each appended Cell as a plain value, fails, and
    formats the cell's repr for the error it swallows: half the time of a big export.
    """

    def _values_to_row(self, values, row_idx):
        for col_idx, cell in enumerate(values, 1):
            if cell is None:
                continue
            cell.column = col_idx
            cell.row = row_idx
            yield cell


class SheetWriter:
    """One write-only sheet: title lines, a header row, data rows; styles prepared once."""

    def __init__(self, wb: Workbook, title: str, columns: Sequence[Column]):
        self.ws = _PreparedCellsSheet(parent=wb, title=title)
        wb._add_sheet(self.ws)
        self.columns = list(columns)
        self.row_count = 0
        self._styles: dict[tuple, object] = {}

    # Styles are registered in the workbook once, then copied onto each cell as a StyleArray,
    # which is the fast path of openpyxl's write-only mode.
    def _style(
        self,
        *,
        bold: bool = False,
        italic: bool = False,
        size: int = 12,
        wrap: bool = False,
        fmt: str | None = None,
        header: bool = False,
        border: bool = True,
        quoted: bool = False,
        align: str | None = None,
    ):
        key = (bold, italic, size, wrap, fmt, header, border, quoted, align)
        style = self._styles.get(key)
        if style is None:
            cell = WriteOnlyCell(self.ws)
            cell.font = Font(name=FONT, size=size, bold=bold or header, italic=italic)
            cell.alignment = Alignment(
                wrap_text=wrap or header,
                vertical="center" if header else "top",
                horizontal="center" if header else align,
            )
            if header:
                cell.fill = PatternFill("solid", fgColor="DDE5F0")
            if border:
                cell.border = _BORDER
            if fmt:
                cell.number_format = fmt
            if quoted:
                cell.quotePrefix = True
            style = self._styles[key] = cell._style
        return style

    def cell(self, value, style) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws)
        if isinstance(value, str):
            # Control characters pasted from other programs cannot be stored in xlsx: drop them.
            value = ILLEGAL_CHARACTERS_RE.sub("", nfc(value))
            cell.value = value
            if looks_like_formula(value) or cell.data_type != "s":
                # "=SUM(...)" would become a formula and "#N/A" an error value: keep them text.
                cell.data_type = "s"
                style = self._style(wrap=True, quoted=True)
        elif value is not None:
            cell.value = value
        cell._style = copy(style)
        return cell

    def set_widths(self, rows: Iterable[Sequence], extra: Sequence[str] = ()) -> None:
        """Widths that fit the text: the longest value, capped; headers wrap on their words."""
        longest = [max(len(w) for w in c.header.split()) + 2 for c in self.columns]
        for row in rows:
            for i, value in enumerate(row):
                if value is None:
                    continue
                n = len(value) if isinstance(value, str) else len(f"{value:.2f}") + 1
                if n > longest[i]:
                    longest[i] = n
        for i, col in enumerate(self.columns):
            width = min(max(longest[i] + 1, 6), col.max_width)
            self.ws.column_dimensions[get_column_letter(i + 1)].width = width

    def page_setup(self, landscape: bool = True) -> None:
        ws = self.ws
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)

    def title_block(self, lines: Sequence[tuple[str, bool]]) -> None:
        width = max(1, len(self.columns))
        for text, bold in lines:
            style = self._style(bold=bold, size=13 if bold else 12, border=False)
            self.append([self.cell(text, style)])
            if width > 1:
                r = self.row_count
                self.ws.merged_cells.add(f"A{r}:{get_column_letter(width)}{r}")
        self.append([])

    def freeze(self, header_row: int, freeze_columns: int = 0) -> None:
        """Freeze above and left of the first data cell; must precede the first row written."""
        self.ws.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{header_row + 1}"
        self.ws.print_title_rows = f"{header_row}:{header_row}"

    def header(self) -> None:
        style = self._style(header=True)
        self.append([self.cell(c.header, style) for c in self.columns])

    def column_styles(self) -> list:
        styles = []
        for c in self.columns:
            if c.kind == SCORE:
                styles.append(self._style(fmt=SCORE_FORMAT))
            elif c.kind == INT:
                styles.append(self._style(fmt=INT_FORMAT, align="center"))
            elif c.kind == SIGNED:
                styles.append(self._style(fmt=SIGNED_FORMAT, align="center"))
            elif c.kind == MONEY:
                styles.append(self._style(fmt=MONEY_FORMAT, align="right"))
            else:
                styles.append(self._style(wrap=c.wrap))
        return styles

    def rows(self, rows: Iterable[Sequence]) -> None:
        """Data rows; wrap ``rows`` in a Tracker to report progress."""
        styles = self.column_styles()
        for values in rows:
            self.append([self.cell(v, s) for v, s in zip(values, styles, strict=True)])

    def append(self, cells: list) -> None:
        self.ws.append(cells)
        self.row_count += 1


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def write_table_sheet(
    wb: Workbook,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence],
    lines: Sequence[tuple[str, bool]] = (),
    *,
    freeze_columns: int = 0,
    tracker: Tracker | None = None,
) -> SheetWriter:
    sheet = SheetWriter(wb, title, columns)
    sheet.set_widths(rows)
    sheet.page_setup(landscape=len(columns) > 6)
    sheet.freeze(len(lines) + 1 + bool(lines), freeze_columns)
    if lines:
        sheet.title_block(lines)
    sheet.header()
    sheet.rows(tracker.wrap(rows) if tracker else rows)
    return sheet


RANKING_SHEET = "Xếp hạng"
SHEETS_SHEET = "Phiếu chấm"
CRITERIA_SHEET = "Bộ tiêu chí"


def write_ranked_xlsx(ranked: RankedList, out: IO[bytes], progress: Progress | None = None) -> None:
    """Sheet 1 the ranking, sheet 2 every score sheet, sheet 3 the criteria set used."""
    wb = new_workbook()
    tracker = Tracker(len(ranked.rows) + len(ranked.sheets), progress)
    cols = ranked_columns(ranked)
    rows = [ranked_values(ranked, i, row, cols) for i, row in enumerate(ranked.rows, 1)]
    ranking = write_table_sheet(
        wb,
        RANKING_SHEET,
        cols,
        rows,
        title_lines(ranked),
        freeze_columns=3,
        tracker=tracker,
    )
    del rows
    if ranked.round.alignment_line:
        ranking.append([])
        line = ranking.cell(nfc(ranked.round.alignment_line), ranking._style(border=False))
        ranking.append([line])

    scols = sheet_columns(ranked)
    labels = reviewer_labels(ranked)
    srows = [sheet_values(ranked, s, labels, scols) for s in ordered_sheets(ranked)]
    note = (
        "Tên thành viên hội đồng được hiển thị."
        if ranked.show_reviewer_names
        else "Tên thành viên hội đồng được ẩn; mỗi thành viên mang một số hiệu cố định trong đợt."
    )
    write_table_sheet(
        wb,
        SHEETS_SHEET,
        scols,
        srows,
        [(f"Phiếu chấm điểm — {nfc(ranked.round.name)}", True), (note, False)],
        freeze_columns=3,
        tracker=tracker,
    )
    del srows

    ccols = criteria_columns()
    r = ranked.round
    set_line = nfc(r.criteria_set_name) or "Bộ tiêu chí"
    if r.criteria_set_version is not None:
        set_line += f" (phiên bản {r.criteria_set_version})"
    sheet = write_table_sheet(
        wb,
        CRITERIA_SHEET,
        ccols,
        [criteria_values(c) for c in ranked.criteria],
        [
            (set_line, True),
            (f"Cách tổng hợp điểm: {nfc(r.aggregation_label)}", False),
            (
                "Điểm của một phiếu = Σ (điểm tiêu chí / điểm tối đa × trọng số), "
                "quy về thang 100 theo tổng trọng số.",
                False,
            ),
        ],
    )
    sheet.append([])
    lcols = level_columns()
    header = sheet._style(header=True)
    sheet.append([sheet.cell("Mức công nhận", sheet._style(bold=True, border=False))])
    sheet.append([sheet.cell(c.header, header) for c in lcols])
    styles = [sheet._style(), sheet._style(wrap=True), sheet._style(fmt=SCORE_FORMAT)]
    for level in ranked.levels:
        values = [level.code, level.name, float(level.min_score)]
        sheet.append([sheet.cell(v, s) for v, s in zip(values, styles, strict=True)])
    wb.save(out)
