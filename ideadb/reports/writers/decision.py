"""The recognition decision (Quyết định công nhận sáng kiến, with its annex) and the
certificate (Giấy chứng nhận sáng kiến) as Word documents in the NĐ 30/2020 layout, and the
recognition register as a spreadsheet. Writers take plain dataclasses only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from ideadb.core.fmt import fmt_date
from ideadb.reports.documents import AuthorShare, DocumentSettings, authors_text, nfc
from ideadb.reports.writers.word import OfficialDocument, TableColumn, content_width_cm

LEGAL_BASIS = (
    "Căn cứ Nghị định số 13/2012/NĐ-CP ngày 02 tháng 3 năm 2012 của Chính phủ ban hành Điều lệ "
    "Sáng kiến;",
    "Căn cứ Thông tư số 18/2013/TT-BKHCN ngày 01 tháng 8 năm 2013 của Bộ Khoa học và Công nghệ "
    "hướng dẫn thi hành một số quy định của Điều lệ Sáng kiến;",
)


@dataclass(frozen=True)
class RecognisedIdea:
    """One line of the decision's annex (and one certificate)."""

    number: str  # "15/2026": the register number
    code: str
    title: str
    authors: tuple[AuthorShare, ...]
    unit: str
    scope_label: str  # "Cấp tỉnh"
    level_name: str
    recognised: bool = True  # False: the recognition was withdrawn by an upheld appeal
    amendment: str = ""  # why this entry differs from the first decision, when it does


@dataclass(frozen=True)
class DecisionDocument:
    settings: DocumentSettings
    round_name: str
    year: int
    council: str  # who proposed: the council of the round
    ideas: Sequence[RecognisedIdea]
    issued_on: date | None


@dataclass(frozen=True)
class Certificate:
    settings: DocumentSettings
    idea: RecognisedIdea
    owner: str
    round_name: str
    decision_number: str
    decided_on: date | None


def _decision_ref(number: str, day: date | None) -> str:
    ref = f"số {nfc(number)}" if number.strip() else "số …"
    return f"{ref} ngày {fmt_date(day)}" if day else ref


def write_decision_docx(d: DecisionDocument, out: IO[bytes]) -> None:
    """The decision, then its annex (the list of recognised ideas) on a landscape-free page."""
    s = d.settings
    doc = OfficialDocument(s)
    doc.header_block(day=d.issued_on)
    doc.title("QUYẾT ĐỊNH", f"Về việc công nhận sáng kiến — {nfc(d.round_name)}")
    if s.issuing_body:
        doc.centered(s.issuing_body.upper(), bold=True, after=6)
    for line in LEGAL_BASIS:
        doc.body(line)
    doc.body(f"Căn cứ kết quả xét chọn của {nfc(d.council)};")
    doc.centered("QUYẾT ĐỊNH:", bold=True, before=6, after=6)
    recognised = [i for i in d.ideas if i.recognised]
    doc.body(
        f"Điều 1. Công nhận {len(recognised)} sáng kiến, ý tưởng năm {d.year} "
        "(có danh sách kèm theo)."
    )
    doc.body(
        "Điều 2. Các sáng kiến tại Điều 1 được ghi vào sổ theo dõi công nhận sáng kiến với số "
        "vào sổ nêu trong danh sách; tác giả được cấp Giấy chứng nhận sáng kiến."
    )
    doc.body(
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Các tác giả, đơn vị có sáng kiến "
        "và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này."
    )
    doc.spacer()
    doc.signature(
        authority=s.signer_authority,
        title=s.signer_title,
        name=s.signer_name,
        recipients=s.recipients,
    )
    doc.page_break()
    doc.centered("PHỤ LỤC", bold=True)
    doc.centered("DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN", bold=True)
    doc.centered(
        f"(Kèm theo Quyết định {_decision_ref(s.number, d.issued_on)})", italic=True, after=8
    )
    width = content_width_cm(False)
    columns = [
        TableColumn("STT", 1.0, "center"),
        TableColumn("Số vào sổ", 1.9, "center"),
        TableColumn("Tên sáng kiến", width - 1.0 - 1.9 - 3.8 - 2.9 - 2.6),
        TableColumn("Tác giả (tỷ lệ đóng góp)", 3.8),
        TableColumn("Đơn vị", 2.9),
        TableColumn("Mức công nhận", 2.6),
    ]
    rows = []
    for n, idea in enumerate(d.ideas, 1):
        level = nfc(idea.level_name) if idea.recognised else "Không công nhận"
        if idea.amendment:
            level += f"\n({nfc(idea.amendment)})"
        rows.append(
            [
                str(n),
                idea.number,
                f"{nfc(idea.title)}\n{nfc(idea.code)}" if idea.code else nfc(idea.title),
                authors_text(idea.authors, "\n"),
                nfc(idea.unit),
                level,
            ]
        )
    doc.table(columns, rows)
    doc.note(f"Danh sách gồm {len(recognised)} sáng kiến được công nhận.")
    doc.save(out)


def write_certificate_docx(c: Certificate, out: IO[bytes]) -> None:
    """The certificate (Thông tư 18/2013: title, authors, owner, scope, number, date)."""
    s = c.settings
    settings = DocumentSettings(
        governing_body=s.governing_body,
        issuing_body=s.issuing_body,
        number=f"Số: {c.idea.number}/GCN",
        place=s.place,
        date=c.decided_on,
        signer_authority=s.signer_authority,
        signer_title=s.signer_title,
        signer_name=s.signer_name,
    )
    doc = OfficialDocument(settings)
    doc.header_block(day=c.decided_on)
    doc.title("GIẤY CHỨNG NHẬN SÁNG KIẾN")
    if s.issuing_body:
        doc.centered(f"{s.issuing_body.upper()} CHỨNG NHẬN", bold=True, after=8)
    doc.label_line("Tên sáng kiến", nfc(c.idea.title))
    if c.idea.code:
        doc.label_line("Mã hồ sơ", nfc(c.idea.code))
    doc.label_line("Tác giả (tỷ lệ đóng góp)", authors_text(c.idea.authors))
    if c.owner:
        doc.label_line("Chủ sở hữu sáng kiến", nfc(c.owner))
    doc.label_line("Phạm vi ảnh hưởng", nfc(c.idea.scope_label))
    doc.label_line("Mức công nhận", nfc(c.idea.level_name))
    doc.label_line("Số vào sổ theo dõi", c.idea.number)
    doc.label_line("Được công nhận theo Quyết định", _decision_ref(c.decision_number, c.decided_on))
    if c.idea.amendment:
        doc.label_line("Ghi chú", nfc(c.idea.amendment))
    doc.spacer()
    doc.signature(authority=s.signer_authority, title=s.signer_title, name=s.signer_name)
    doc.save(out)


# --- the register as a spreadsheet --------------------------------------------------------------


@dataclass(frozen=True)
class RegisterLine:
    number: str
    version: int
    status: str
    code: str
    title: str
    authors: tuple[AuthorShare, ...]
    unit: str
    scope_label: str
    level_name: str
    round_name: str
    decided_on: date | None
    note: str


REGISTER_HEADERS = (
    ("Số vào sổ", 12),
    ("Lần ghi", 8),
    ("Tình trạng", 16),
    ("Mã hồ sơ", 16),
    ("Tên sáng kiến", 50),
    ("Tác giả (tỷ lệ đóng góp)", 40),
    ("Đơn vị", 32),
    ("Cấp công nhận", 14),
    ("Mức công nhận", 26),
    ("Đợt xét chọn", 36),
    ("Ngày quyết định", 14),
    ("Ghi chú", 40),
)


def write_register_xlsx(title: str, subtitle: str, lines: Sequence[RegisterLine], out) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "So theo doi"
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append([nfc(title)])
    ws["A1"].font = Font(name="Times New Roman", bold=True, size=13)
    ws.append([nfc(subtitle)])
    ws["A2"].font = Font(name="Times New Roman", italic=True, size=12)
    ws.append([])
    ws.append([h for h, _ in REGISTER_HEADERS])
    for col, (_, width) in enumerate(REGISTER_HEADERS, 1):
        cell = ws.cell(row=4, column=col)
        cell.font = Font(name="Times New Roman", bold=True, size=11)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = border
        ws.column_dimensions[get_column_letter(col)].width = width
    for line in lines:
        ws.append(
            [
                line.number,
                line.version,
                nfc(line.status),
                nfc(line.code),
                _safe(nfc(line.title)),
                _safe(authors_text(line.authors)),
                _safe(nfc(line.unit)),
                nfc(line.scope_label),
                nfc(line.level_name),
                _safe(nfc(line.round_name)),
                fmt_date(line.decided_on),
                _safe(nfc(line.note)),
            ]
        )
        for col in range(1, len(REGISTER_HEADERS) + 1):
            cell = ws.cell(row=ws.max_row, column=col)
            cell.font = Font(name="Times New Roman", size=11)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = border
    ws.freeze_panes = "A5"
    wb.save(out)


def _safe(text: str) -> str:
    """Text a spreadsheet never reads as a formula."""
    return "'" + text if text.startswith(("=", "+", "-", "@")) else text
