"""Word documents (python-docx) in the layout of Nghị định 30/2020/NĐ-CP, Phụ lục I.

A4, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman; the two-column header
(governing body and issuing body left, the national motto right, each with its rule), the place
and date line, the centred document type and subject, the body, a table, the signature block on
the right and "Nơi nhận:" on the left. Landscape when a table is too wide for portrait.

Big tables are written as WordprocessingML text and parsed once: python-docx's row-by-row API
copies XML per cell and takes minutes for a 2,000-row list.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt

from ideadb.core.fmt import fmt_number
from ideadb.reports.documents import (
    INT,
    MONEY,
    SCORE,
    SIGNED,
    TEXT,
    Column,
    DocumentSettings,
    Progress,
    RankedList,
    ReviewSheet,
    Tracker,
    fmt_weight,
    nfc,
    number_line,
    ranked_columns,
    ranked_values,
    round_with_year,
    signed,
    upper,
    vn_date_line,
)

FONT = "Times New Roman"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PAGE_W_MM, PAGE_H_MM = 210, 297
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TWIPS_PER_CM = 567
_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def content_width_cm(landscape: bool) -> float:
    width = PAGE_H_MM if landscape else PAGE_W_MM
    return (width - MARGINS_MM["left"] - MARGINS_MM["right"]) / 10


@dataclass(frozen=True)
class TableColumn:
    header: str
    width_cm: float
    align: str = "left"  # left | center | right


class OfficialDocument:
    """One Word document with the administrative layout; add parts in reading order."""

    def __init__(self, settings: DocumentSettings, *, landscape: bool = False):
        self.settings = settings
        self.landscape = landscape
        self.doc = Document()
        self._setup_styles()
        self._setup_page()

    # -- page and styles ------------------------------------------------------------------
    def _setup_page(self) -> None:
        section = self.doc.sections[0]
        if self.landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(PAGE_H_MM), Mm(PAGE_W_MM)
        else:
            section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
        section.top_margin = Mm(MARGINS_MM["top"])
        section.bottom_margin = Mm(MARGINS_MM["bottom"])
        section.left_margin = Mm(MARGINS_MM["left"])
        section.right_margin = Mm(MARGINS_MM["right"])

    def _setup_styles(self) -> None:
        styles = self.doc.styles
        # Document defaults name the theme fonts, which win over a style's plain font name in
        # Word: replace them so that every run, Vietnamese included, is Times New Roman.
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        fonts = rpr.find(qn("w:rFonts"))
        for attr in list(fonts.attrib):
            del fonts.attrib[attr]
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), FONT)
        lang = rpr.find(qn("w:lang"))
        lang.set(qn("w:val"), "vi-VN")
        normal = styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(14)
        fmt = normal.paragraph_format
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.line_spacing = 1.0
        table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
        table_text.base_style = normal
        table_text.font.size = Pt(11)
        table_text.paragraph_format.space_before = Pt(2)
        table_text.paragraph_format.space_after = Pt(2)

    # -- small helpers ----------------------------------------------------------------------
    @staticmethod
    def _run(paragraph, text: str, *, size: float, bold=False, italic=False):
        run = paragraph.add_run(nfc(text))
        run.font.size = Pt(size)
        run.bold = bold
        run.italic = italic
        return run

    def _para(
        self,
        container,
        text: str = "",
        *,
        size: float = 14,
        bold=False,
        italic=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before: float = 0,
        after: float = 0,
    ):
        p = container.add_paragraph()
        p.alignment = align
        p.paragraph_format.space_before = Pt(before)
        p.paragraph_format.space_after = Pt(after)
        if text:
            self._run(p, text, size=size, bold=bold, italic=italic)
        return p

    @staticmethod
    def _rule(paragraph, cell_width_cm: float, length_cm: float) -> None:
        """A centred horizontal line of the given length: the paragraph's bottom border."""
        side = max(0.0, (cell_width_cm - length_cm) / 2)
        paragraph.paragraph_format.left_indent = Cm(side)
        paragraph.paragraph_format.right_indent = Cm(side)
        ppr = paragraph._p.get_or_add_pPr()
        ppr.append(
            parse_xml(
                f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" '
                f'w:color="000000"/></w:pBdr>'
            )
        )
        # An empty, tiny paragraph: the line sits just below the text above.
        paragraph.paragraph_format.line_spacing = Pt(3)

    @staticmethod
    def _borderless(table) -> None:
        tbl_pr = table._tbl.tblPr
        tbl_pr.append(
            parse_xml(
                f"<w:tblBorders {nsdecls('w')}>"
                + "".join(
                    f'<w:{side} w:val="nil"/>'
                    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
                )
                + "</w:tblBorders>"
            )
        )

    def _two_columns(self, left_cm: float, right_cm: float):
        table = self.doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        self._borderless(table)
        for cell, width in zip(table.rows[0].cells, (left_cm, right_cm), strict=True):
            cell.width = Cm(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
        for col, width in zip(table.columns, (left_cm, right_cm), strict=True):
            col.width = Cm(width)
        return table.rows[0].cells

    # -- parts ------------------------------------------------------------------------------
    def header_block(self, *, with_number: bool = True, day=None) -> None:
        s = self.settings
        total = content_width_cm(self.landscape)
        left_cm = total * 0.4
        right_cm = total - left_cm
        left, right = self._two_columns(left_cm, right_cm)
        if s.governing_body:
            self._para(left, upper(s.governing_body), size=13)
        if s.issuing_body:
            self._para(left, upper(s.issuing_body), size=13, bold=True)
        # The rule under the issuing body: about 40% of its (upper-case bold) text width.
        text_cm = len(s.issuing_body or s.governing_body or "x") * 13 * 0.65 / 72 * 2.54
        self._rule(self._para(left), left_cm, min(max(text_cm * 0.4, 1.5), left_cm * 0.6))
        if with_number:
            self._para(left, number_line(s.number), size=13, before=6)

        self._para(right, NATION, size=12, bold=True)
        self._para(right, MOTTO, size=13, bold=True)
        # As long as the motto: Times New Roman bold 13 pt is about half an em per character.
        self._rule(self._para(right), right_cm, len(MOTTO) * 13 * 0.5 / 72 * 2.54)
        date_line = vn_date_line(s.place, day if day is not None else s.date)
        if date_line:
            self._para(right, date_line, size=14, italic=True, before=6)

    def title(self, document_type: str, subject: str = "") -> None:
        self._para(self.doc, upper(document_type), size=14, bold=True, before=18)
        if subject:
            self._para(self.doc, subject, size=14, bold=True, before=2)
        self._para(self.doc, "", size=6, after=6)

    def body(self, text: str) -> None:
        for line in nfc(text).split("\n"):
            p = self._para(self.doc, line, size=14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6)
            p.paragraph_format.first_line_indent = Cm(1.27)
            p.paragraph_format.line_spacing = 1.2

    def centered(
        self, text: str, *, bold=False, italic=False, before: float = 0, after: float = 0
    ) -> None:
        """A centred line of body size (a heading inside the text, an annex's title)."""
        self._para(self.doc, text, size=14, bold=bold, italic=italic, before=before, after=after)

    def label_line(self, label: str, value: str) -> None:
        p = self._para(self.doc, align=WD_ALIGN_PARAGRAPH.LEFT, after=4)
        self._run(p, f"{label}: ", size=14, bold=True)
        self._run(p, value, size=14)

    def note(self, text: str, *, italic: bool = True, size: float = 12) -> None:
        self._para(
            self.doc, text, size=size, italic=italic, align=WD_ALIGN_PARAGRAPH.LEFT, before=4
        )

    def table(
        self,
        columns: Sequence[TableColumn],
        rows: Iterable[Sequence[str]],
        *,
        bold_rows: Iterable[int] = (),
    ) -> None:
        """A bordered table with a repeating bold header; cells are text, '\\n' breaks lines."""
        body = self.doc.element.body
        table = table_element(columns, rows, set(bold_rows))
        sect_pr = body.find(qn("w:sectPr"))
        if sect_pr is None:
            body.append(table)
        else:
            sect_pr.addprevious(table)

    def signature(self, *, authority: str, title: str, name: str, recipients=()) -> None:
        total = content_width_cm(self.landscape)
        right_cm = min(9.0, total * 0.5)
        left, right = self._two_columns(total - right_cm, right_cm)
        if recipients:
            self._para(
                left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT
            )
            for item in recipients:
                item = nfc(item).strip()
                if not item.startswith(("-", "–")):
                    item = f"- {item}"
                self._para(left, item, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
        else:
            self._para(left)
        if authority:
            self._para(right, upper(authority), size=14, bold=True)
        if title:
            self._para(right, upper(title), size=14, bold=True)
        for _ in range(4):
            self._para(right, "", size=14)
        self._para(right, name, size=14, bold=True)

    def spacer(self, points: float = 12) -> None:
        self._para(self.doc, "", size=points)

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def save(self, out: IO[bytes]) -> None:
        self.doc.save(out)


def _xml_text(text: str) -> str:
    return escape(_INVALID_XML.sub("", nfc(text)))


def _runs(text: str, bold: bool) -> str:
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    parts = []
    for i, line in enumerate(str(text).split("\n")):
        br = "<w:br/>" if i else ""
        parts.append(f'<w:r>{rpr}{br}<w:t xml:space="preserve">{_xml_text(line)}</w:t></w:r>')
    return "".join(parts)


_JC = {"left": "left", "center": "center", "right": "right"}


def table_element(columns: Sequence[TableColumn], rows: Iterable[Sequence[str]], bold_rows=()):
    widths = [round(c.width_cm * TWIPS_PER_CM) for c in columns]
    border = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
    parts = [
        f"<w:tbl {nsdecls('w')}><w:tblPr>",
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>',
        "<w:tblBorders>",
        *(f"<w:{side} {border}/>" for side in ("top", "left", "bottom", "right")),
        f"<w:insideH {border}/><w:insideV {border}/></w:tblBorders>",
        '<w:tblLayout w:type="fixed"/>',
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
        '</w:tblCellMar><w:tblLook w:val="04A0" w:firstRow="1"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
    ]
    cell_open = [
        f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p><w:pPr>' for w in widths
    ]
    header_cells = "".join(
        f'{cell_open[i]}<w:pStyle w:val="TableText"/><w:jc w:val="center"/></w:pPr>'
        f"{_runs(c.header, True)}</w:p></w:tc>"
        for i, c in enumerate(columns)
    )
    parts.append(f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header_cells}</w:tr>")
    prefix = [
        f'{cell_open[i]}<w:pStyle w:val="TableText"/><w:jc w:val="{_JC[c.align]}"/></w:pPr>'
        for i, c in enumerate(columns)
    ]
    bold = set(bold_rows)
    for n, row in enumerate(rows):
        b = n in bold
        cells = "".join(
            f"{prefix[i]}{_runs(value, b) if value else ''}</w:p></w:tc>"
            for i, value in enumerate(row)
        )
        parts.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>")
    parts.append("</w:tbl>")
    return parse_xml("".join(parts))


def fit_columns(columns: Sequence[Column], landscape: bool) -> list[float]:
    """Widths on the page: numbers keep their natural width, text columns share the rest."""
    total = content_width_cm(landscape)
    fixed = sum(c.docx_cm for c in columns if c.kind != TEXT)
    text = sum(c.docx_cm for c in columns if c.kind == TEXT)
    scale = max(total - fixed, 1.0) / text if text else 1.0
    return [c.docx_cm * scale if c.kind == TEXT else c.docx_cm for c in columns]


def needs_landscape(columns: Sequence[Column]) -> bool:
    return sum(c.docx_cm for c in columns) > content_width_cm(False) * 1.15


def cell_text(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == SCORE:
        return fmt_number(value, 2)
    if kind == INT:
        return str(value)
    if kind == SIGNED:
        return signed(value)
    if kind == MONEY:
        return fmt_number(value)
    return nfc(value)


def align_of(col: Column) -> str:
    if col.kind in (SCORE, MONEY):
        return "right"
    return "center" if col.kind in (INT, SIGNED) else "left"


# --- the ranked list: a proposal for recognition ---------------------------------------------------


def docx_ranked_columns(ranked: RankedList) -> tuple[list[Column], list[str]]:
    """The columns of the proposal: criteria shortened to TC1.. with a legend below it.

    A signed proposal shows the level proposed (the council's decision when one is staged);
    spread and the separate proposed/decided columns stay in the spreadsheet.
    """
    cols, legend = [], []
    k = 0
    for col in ranked_columns(ranked):
        if col.key in ("rank", "spread", "proposed"):
            continue  # the list is in rank order: STT is the rank
        if col.key == "decision":
            col = Column("proposal", "Mức đề nghị", TEXT, docx_cm=2.8)
        elif col.key.startswith("c:"):
            k += 1
            crit = next(c for c in ranked.criteria if c.code == col.key[2:])
            legend.append(f"TC{k}: {nfc(crit.name)} (tối đa {fmt_weight(crit.max_points)} điểm)")
            col = Column(col.key, f"TC{k}", SCORE, docx_cm=1.35)
        elif col.key in ("raw", "final"):
            col = Column(
                col.key,
                (
                    ("Điểm cuối cùng" if ranked.public_vote_weight is not None else "Điểm")
                    if col.key == "final" and not ranked.normalised
                    else col.header
                ),
                SCORE,
                docx_cm=1.5,
            )
        cols.append(col)
    return cols, legend


def write_ranked_docx(
    ranked: RankedList,
    out: IO[bytes],
    *,
    proposal_only: bool = True,
    progress: Progress | None = None,
) -> None:
    """The proposal for recognition: rows with a proposed (or decided) level, in rank order."""
    cols, legend = docx_ranked_columns(ranked)
    landscape = needs_landscape(cols)
    widths = fit_columns(cols, landscape)
    rows = [r for r in ranked.rows if not proposal_only or ranked.proposal_level(r) is not None]
    doc = OfficialDocument(ranked.document, landscape=landscape)
    doc.header_block()
    doc.title(ranked.title, ranked.subject or round_with_year(ranked.round))
    if ranked.intro:
        doc.body(ranked.intro)
    kinds = [c.kind for c in cols]
    body_rows = (
        [cell_text(v, k) for v, k in zip(ranked_values(ranked, i, row, cols), kinds, strict=True)]
        for i, row in enumerate(Tracker(len(rows), progress).wrap(rows), 1)
    )
    table_cols = [TableColumn(c.header, w, align_of(c)) for c, w in zip(cols, widths, strict=True)]
    doc.table(table_cols, _with_newlines(body_rows, cols))
    notes = [f"Danh sách gồm {len(rows)} sáng kiến, ý tưởng."]
    if legend:
        notes.append("Ghi chú: " + "; ".join(legend) + ".")
    if ranked.round.aggregation_label:
        notes.append(
            f"Điểm tổng hợp theo thang 100; cách tổng hợp: {nfc(ranked.round.aggregation_label)}."
        )
    if ranked.round.alignment_line:
        notes.append(nfc(ranked.round.alignment_line))
    for line in notes:
        doc.note(line)
    doc.spacer()
    d = ranked.document
    doc.signature(
        authority=d.signer_authority,
        title=d.signer_title,
        name=d.signer_name,
        recipients=d.recipients,
    )
    doc.save(out)


def _with_newlines(rows: Iterable[list[str]], cols: Sequence[Column]):
    """Authors one a line in Word cells."""
    idx = next((i for i, c in enumerate(cols) if c.key == "authors"), None)
    for row in rows:
        if idx is not None:
            row[idx] = row[idx].replace("; ", "\n")
        yield row


# --- score sheets (phiếu chấm điểm) -------------------------------------------------------------


def write_score_sheets_docx(ranked: RankedList, reviewer_id: int, out: IO[bytes]) -> None:
    """One reviewer's score sheets of a round, one page per idea, as the council files them."""
    from ideadb.reports.documents import ordered_sheets

    sheets = [s for s in ordered_sheets(ranked) if s.reviewer_id == reviewer_id]
    doc = OfficialDocument(ranked.document, landscape=False)
    width = content_width_cm(False)
    columns = [
        TableColumn("STT", 1.2, "center"),
        TableColumn("Tiêu chí", width - 1.2 - 2.2 - 2.2 - 5.0),
        TableColumn("Điểm tối đa", 2.2, "center"),
        TableColumn("Điểm chấm", 2.2, "center"),
        TableColumn("Nhận xét", 5.0),
    ]
    for n, sheet in enumerate(sheets):
        if n:
            doc.page_break()
        # One export run, one date: every sheet carries the date of the ranked list.
        doc.header_block(with_number=False, day=ranked.document.date)
        doc.title("PHIẾU CHẤM ĐIỂM", f"Sáng kiến, ý tưởng — {nfc(ranked.round.name)}")
        doc.label_line("Thành viên hội đồng", nfc(sheet.reviewer_name))
        doc.label_line("Mã sáng kiến, ý tưởng", nfc(sheet.idea_code))
        doc.label_line("Tên sáng kiến, ý tưởng", nfc(sheet.idea_title))
        if sheet.status != "submitted":
            doc.label_line("Trạng thái phiếu", nfc(sheet.status_label or sheet.status))
        rows = [
            [
                str(i),
                nfc(c.name),
                fmt_weight(c.max_points),
                cell_text(sheet.scores.get(c.code), SCORE),
                nfc(sheet.comments.get(c.code, "")),
            ]
            for i, c in enumerate(ranked.criteria, 1)
        ]
        rows.append(["", "Tổng điểm (thang 100)", "100", cell_text(sheet.total, SCORE), ""])
        doc.spacer(6)
        doc.table(columns, rows, bold_rows={len(rows) - 1})
        doc.spacer(6)
        doc.label_line("Nhận xét chung", nfc(sheet.comment) or "…")
        doc.spacer(6)
        doc.signature(authority="Thành viên hội đồng", title="", name=nfc(sheet.reviewer_name))
    if not sheets:
        doc.header_block(with_number=False)
        doc.title("PHIẾU CHẤM ĐIỂM", nfc(ranked.round.name))
        doc.body("Thành viên này không có phiếu chấm trong đợt.")
    doc.save(out)


def score_sheet_filename(sheet: ReviewSheet, index: int) -> str:
    return f"phieu-cham-{index:02d}-thanh-vien-{sheet.reviewer_id}.docx"


def write_score_sheet_archive(
    ranked: RankedList, out: IO[bytes], progress: Progress | None = None
) -> list[str]:
    """A zip of one docx per reviewer; returns the names of the files inside."""
    import io

    first: dict[int, ReviewSheet] = {}
    for s in sorted(ranked.sheets, key=lambda s: s.reviewer_id):
        first.setdefault(s.reviewer_id, s)
    names = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        tracker = Tracker(len(first), progress)
        for k, (reviewer_id, sheet) in enumerate(tracker.wrap(list(first.items())), 1):
            buf = io.BytesIO()
            write_score_sheets_docx(ranked, reviewer_id, buf)
            name = score_sheet_filename(sheet, k)
            zf.writestr(name, buf.getvalue())
            names.append(name)
    return names
