"""Plain data of the documents ideadb exports, and the layout rules every writer shares.

The writers (``ideadb.reports.writers``) take these dataclasses and nothing else: no session,
no request. The reports service fills them from rounds, ideas and reviews; the benchmark and
the tests fill them directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import scoring
from ideadb.core.fmt import fmt_date, fmt_number
from ideadb.core.text import N_
from ideadb.core.text import nfc as text_nfc

# --- settings of an official document (Nghị định 30/2020/NĐ-CP) ------------------------------


@dataclass(frozen=True)
class DocumentSettings:
    """The texts of an official document's header and signature: settings, never literals."""

    governing_body: str = ""  # "ỦY BAN MTTQ VIỆT NAM TỈNH BẮC KẠN" (upper case, not bold)
    issuing_body: str = ""  # "HỘI ĐỒNG THẨM ĐỊNH" (upper case, bold)
    number: str = ""  # "12/DS-HĐTĐ": written as "Số: 12/DS-HĐTĐ"
    place: str = ""  # "Bắc Kạn"
    date: date | None = None
    signer_authority: str = ""  # "TM. HỘI ĐỒNG"
    signer_title: str = ""  # "CHỦ TỊCH"
    signer_name: str = ""
    recipients: tuple[str, ...] = ()  # the "Nơi nhận:" list, one entry a line


# --- a round's ranked list ---------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    min: float
    max: float
    label: str


@dataclass(frozen=True)
class CriterionInfo:
    code: str
    name: str
    max_points: float
    weight: float
    min_points: float | None = None
    bands: tuple[Band, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class LevelInfo:
    code: str
    name: str
    min_score: float


@dataclass(frozen=True)
class AuthorShare:
    name: str
    share: int | None = None
    unit: str = ""


@dataclass(frozen=True)
class RoundInfo:
    id: int
    name: str
    year: int
    level_label: str = ""  # "Cấp tỉnh"
    aggregation_label: str = ""  # "Trung bình cộng"
    criteria_set_name: str = ""
    criteria_set_version: int | None = None
    # The template the set follows and where it departs (with the justification), or "".
    alignment_line: str = ""


@dataclass(frozen=True)
class RankedRow:
    """One idea of the ranking, in the order the ranking gives."""

    rank: int | None
    idea_id: int
    code: str
    title: str
    authors: tuple[AuthorShare, ...] = ()
    unit: str = ""
    district: str = ""
    area: str = ""
    criteria: dict[str, float | None] = field(default_factory=dict)  # mean points by code
    final_score: float | None = None  # the score the ranking uses
    raw_score: float | None = None  # plain mean of the totals (shown beside a normalised score)
    spread: float | None = None
    n_reviews: int = 0
    flagged: bool = False
    proposed_level: str | None = None  # recognition level code
    decision: str | None = None  # staged or final level code; None = not decided / not recognised
    decided: bool = (
        False  # a decision was staged or made (decision None then means "not recognised")
    )
    # With a public vote (API.md: Public vote): the council's score, the public share, votes.
    council_score: float | None = None
    public_share: float | None = None
    votes: int | None = None


@dataclass(frozen=True)
class ReviewSheet:
    """One reviewer's score sheet for one idea."""

    idea_id: int
    idea_code: str
    idea_title: str
    reviewer_id: int
    reviewer_name: str  # always filled; writers hide it unless names are allowed
    scores: dict[str, float | None] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    comment: str = ""
    total: float | None = None
    status: str = ""  # submitted | missed | recused | ... (the assignment's state)
    status_label: str = ""
    submitted_at: datetime | None = None


@dataclass
class RankedList:
    """Everything the ranked-list files of one round show."""

    round: RoundInfo
    document: DocumentSettings
    criteria: Sequence[CriterionInfo]
    levels: Sequence[LevelInfo]
    rows: Sequence[RankedRow]
    sheets: Sequence[ReviewSheet] = ()
    show_reviewer_names: bool = False
    normalised: bool = False  # the final score is normalised (z-score): show the raw mean too
    title: str = "DANH SÁCH ĐỀ NGHỊ CÔNG NHẬN SÁNG KIẾN, Ý TƯỞNG"
    subject: str = ""
    intro: str = ""
    generated_at: datetime | None = None
    public_vote_weight: int | None = None  # the round's public vote share (None: no vote)

    def level_name(self, code: str | None) -> str:
        if code is None:
            return ""
        for level in self.levels:
            if level.code == code:
                return level.name
        return code

    def decision_text(self, row: RankedRow) -> str:
        if row.decision is not None:
            return self.level_name(row.decision)
        return NOT_RECOGNISED if row.decided else ""

    def proposal_level(self, row: RankedRow) -> str | None:
        """The level a proposal names: the council's decision, else the proposed level of a
        ranked idea (an idea short of reviews has no rank and is proposed only by decision)."""
        if row.decided:
            return row.decision
        return row.proposed_level if row.rank is not None else None


# --- progress of long writes --------------------------------------------------------------------

Progress = Callable[[int, int], None]  # (done, total): the command line draws a bar with it


class Tracker:
    """Counts written rows and reports every 50th (and the last) to a progress callback."""

    def __init__(self, total: int, progress: Progress | None):
        self.total, self.done, self.progress = total, 0, progress

    def wrap(self, items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            yield item
            self.done += 1
            if self.progress and (self.done % 50 == 0 or self.done == self.total):
                self.progress(self.done, self.total)


# --- labels ------------------------------------------------------------------------------------

NOT_RECOGNISED = "Không công nhận"

# --- values --------------------------------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def nfc(text: Any) -> str:
    return text_nfc(None if text is None else str(text))


def round2(value: float | Decimal | None) -> float | None:
    """Half-up to 2 decimals from the written decimal form, as the API shows scores."""
    if value is None:
        return None
    return float(scoring.round_half_up(scoring.to_fraction(value)))


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def csv_safe(text: str) -> str:
    """Text for a CSV cell: a leading ' keeps =, +, -, @, tab, CR from being read as a formula.

    This is the OWASP advice for CSV. Spreadsheet programs show the quote, so a reader sees the
    cell is text; numbers are written as numbers and are never prefixed.
    """
    return "'" + text if looks_like_formula(text) else text


def authors_text(authors: Iterable[AuthorShare], sep: str = "; ") -> str:
    """'Hoàng Văn Páo (60%); Lý Thị Mai (40%)' — the form the import reads back."""
    parts = []
    for a in authors:
        parts.append(f"{nfc(a.name)} ({a.share}%)" if a.share is not None else nfc(a.name))
    return sep.join(parts)


def vn_date_line(place: str, day: date | None) -> str:
    """'Bắc Kạn, ngày 05 tháng 02 năm 2021': day below 10 and month below 3 take a leading 0."""
    if day is None:
        return f"{nfc(place)}, ngày … tháng … năm …" if place else ""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{nfc(place)}, {text}" if place else text[0].upper() + text[1:]


def number_line(number: str) -> str:
    number = nfc(number).strip()
    if not number:
        return "Số:      /"
    return number if number.startswith("Số") else f"Số: {number}"


def upper(text: str) -> str:
    return nfc(text).upper()


def fmt_weight(value: float) -> str:
    """30 or 2,5: a maximum, weight or band bound as people write it."""
    return str(int(value)) if float(value).is_integer() else fmt_number(value, 2)


def bands_text(bands: Iterable[Band]) -> str:
    return "; ".join(f"{fmt_weight(b.min)}–{fmt_weight(b.max)}: {nfc(b.label)}" for b in bands)


# --- columns shared by xlsx, csv and docx --------------------------------------------------------

TEXT, INT, SCORE, SIGNED = "text", "int", "score", "signed"  # SIGNED: a change, +3 / -2
MONEY = "money"  # whole đồng: 1.200.000 in spreadsheets and documents, digits only in CSV


def signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    max_width: int = 40  # characters, for spreadsheets
    wrap: bool = False
    docx_cm: float = 2.0  # width in a Word table


def ranked_columns(ranked: RankedList) -> list[Column]:
    cols = [
        Column("stt", "STT", INT, 6, docx_cm=1.0),
        Column("rank", "Hạng", INT, 7, docx_cm=1.2),
        Column("code", "Mã", TEXT, 16, docx_cm=3.3),
        Column("title", "Tên sáng kiến, ý tưởng", TEXT, 60, wrap=True, docx_cm=6.0),
        Column("authors", "Tác giả (tỷ lệ đóng góp)", TEXT, 45, wrap=True, docx_cm=4.2),
        Column("unit", "Đơn vị", TEXT, 40, wrap=True, docx_cm=3.6),
        Column("district", "Huyện", TEXT, 22, wrap=True, docx_cm=2.4),
        Column("area", "Lĩnh vực", TEXT, 40, wrap=True, docx_cm=3.4),
    ]
    for c in ranked.criteria:
        cols.append(
            Column(
                f"c:{c.code}",
                f"{nfc(c.name)} (tối đa {fmt_weight(c.max_points)})",
                SCORE,
                16,
                wrap=True,
                docx_cm=1.8,
            )
        )
    if ranked.public_vote_weight is not None:
        w = ranked.public_vote_weight
        cols.append(
            Column("council", f"Điểm hội đồng ({100 - w}%)", SCORE, 14, wrap=True, docx_cm=1.8)
        )
        cols.append(Column("public", f"Điểm bình chọn ({w}%)", SCORE, 14, wrap=True, docx_cm=1.8))
        cols.append(Column("votes", "Lượt bình chọn", INT, 10, docx_cm=1.45))
    if ranked.normalised:
        cols.append(Column("raw", "Điểm trung bình (thô)", SCORE, 14, wrap=True, docx_cm=1.8))
        cols.append(Column("final", "Điểm chuẩn hóa", SCORE, 14, wrap=True, docx_cm=1.8))
    else:
        cols.append(Column("final", "Điểm tổng hợp", SCORE, 14, wrap=True, docx_cm=1.8))
    cols += [
        Column("spread", "Độ chênh lệch", SCORE, 12, wrap=True, docx_cm=1.7),
        Column("n_reviews", "Số phiếu", INT, 9, docx_cm=1.45),
        Column("proposed", "Mức đề xuất", TEXT, 30, wrap=True, docx_cm=3.0),
        Column("decision", "Quyết định của hội đồng", TEXT, 30, wrap=True, docx_cm=3.0),
    ]
    return cols


def ranked_values(
    ranked: RankedList, stt: int, row: RankedRow, cols: Sequence[Column]
) -> list[Any]:
    values: dict[str, Any] = {
        "stt": stt,
        "rank": row.rank,
        "code": nfc(row.code),
        "title": nfc(row.title),
        "authors": authors_text(row.authors),
        "unit": nfc(row.unit),
        "district": nfc(row.district),
        "area": nfc(row.area),
        "raw": round2(row.raw_score),
        "final": round2(row.final_score),
        "council": round2(row.council_score),
        "public": round2(row.public_share),
        "votes": row.votes,
        "spread": round2(row.spread),
        "n_reviews": row.n_reviews,
        "proposed": ranked.level_name(row.proposed_level),
        "decision": ranked.decision_text(row),
        "proposal": ranked.level_name(ranked.proposal_level(row)),
    }
    out: list[Any] = []
    for col in cols:
        if col.key.startswith("c:"):
            out.append(round2(row.criteria.get(col.key[2:])))
        else:
            out.append(values[col.key])
    return out


def reviewer_labels(ranked: RankedList) -> dict[int, str]:
    """Reviewer names when allowed, else a stable 'Thành viên k' per reviewer."""
    ids = sorted({s.reviewer_id for s in ranked.sheets})
    if ranked.show_reviewer_names:
        names = {s.reviewer_id: nfc(s.reviewer_name) for s in ranked.sheets}
        return {i: names[i] for i in ids}
    return {rid: f"Thành viên {k}" for k, rid in enumerate(ids, 1)}


def sheet_columns(ranked: RankedList) -> list[Column]:
    cols = [
        Column("code", "Mã", TEXT, 16),
        Column("title", "Tên sáng kiến, ý tưởng", TEXT, 50, wrap=True),
        Column("reviewer", "Thành viên hội đồng", TEXT, 30),
    ]
    cols += [Column(f"c:{c.code}", nfc(c.name), SCORE, 14, wrap=True) for c in ranked.criteria]
    cols += [
        Column("total", "Tổng điểm", SCORE, 11),
        Column("status", "Trạng thái", TEXT, 16),
        Column("submitted_at", "Ngày nộp", TEXT, 12),
        Column("comment", "Nhận xét chung", TEXT, 60, wrap=True),
        Column("comments", "Nhận xét theo tiêu chí", TEXT, 60, wrap=True),
    ]
    return cols


def sheet_values(
    ranked: RankedList, sheet: ReviewSheet, labels: dict[int, str], cols: Sequence[Column]
) -> list:
    by_code = {c.code: c for c in ranked.criteria}
    comments = "; ".join(
        f"{nfc(by_code[code].name) if code in by_code else code}: {nfc(text)}"
        for code, text in sheet.comments.items()
        if text
    )
    values = {
        "code": nfc(sheet.idea_code),
        "title": nfc(sheet.idea_title),
        "reviewer": labels.get(sheet.reviewer_id, ""),
        "total": round2(sheet.total),
        "status": nfc(sheet.status_label or sheet.status),
        "submitted_at": fmt_date(sheet.submitted_at),
        "comment": nfc(sheet.comment),
        "comments": comments,
    }
    return [
        round2(sheet.scores.get(col.key[2:])) if col.key.startswith("c:") else values[col.key]
        for col in cols
    ]


def ordered_sheets(ranked: RankedList) -> list[ReviewSheet]:
    """Score sheets in the ranking's order of ideas, then by reviewer label."""
    position = {row.idea_id: i for i, row in enumerate(ranked.rows)}
    labels = reviewer_labels(ranked)
    return sorted(
        ranked.sheets,
        key=lambda s: (position.get(s.idea_id, len(position)), labels.get(s.reviewer_id, "")),
    )


def criteria_columns() -> list[Column]:
    return [
        Column("code", "Mã", TEXT, 22),
        Column("name", "Tiêu chí", TEXT, 40, wrap=True),
        Column("max", "Điểm tối đa", SCORE, 12),
        Column("weight", "Trọng số", SCORE, 10),
        Column("min", "Điểm tối thiểu (loại nếu thấp hơn)", SCORE, 16, wrap=True),
        Column("bands", "Thang điểm", TEXT, 80, wrap=True),
        Column("description", "Hướng dẫn", TEXT, 60, wrap=True),
    ]


def criteria_values(c: CriterionInfo) -> list:
    return [
        nfc(c.code),
        nfc(c.name),
        float(c.max_points),
        float(c.weight),
        None if c.min_points is None else float(c.min_points),
        bands_text(c.bands),
        nfc(c.description),
    ]


def level_columns() -> list[Column]:
    return [
        Column("code", "Mã", TEXT, 22),
        Column("name", "Mức công nhận", TEXT, 40, wrap=True),
        Column("min", "Điểm tối thiểu", SCORE, 12),
    ]


def title_lines(ranked: RankedList) -> list[tuple[str, bool]]:
    """The title block of spreadsheets as (text, bold): issuing body, document, round, date."""
    d = ranked.document
    lines = []
    if d.governing_body:
        lines.append((upper(d.governing_body), False))
    if d.issuing_body:
        lines.append((upper(d.issuing_body), True))
    lines.append((nfc(ranked.title), True))
    r = ranked.round
    round_line = round_with_year(r, " — ")
    if r.level_label:
        round_line += f" — {nfc(r.level_label)}"
    lines.append((round_line, False))
    date_line = vn_date_line(d.place, d.date)
    if date_line:
        lines.append((date_line, False))
    return lines


def round_with_year(r: RoundInfo, sep: str = " ") -> str:
    """The round's name with its year, unless the name already says it ("... năm 2021")."""
    name = nfc(r.name)
    return name if str(r.year) in name else f"{name}{sep}năm {r.year}"


def export_filename(ranked: RankedList, extension: str) -> str:
    """An ASCII file name: 'xep-hang-dot-12-2021.xlsx'."""
    return f"xep-hang-dot-{ranked.round.id}-{ranked.round.year}.{extension}"


# --- the yearly summary ---------------------------------------------------------------------------

GROUP_LABELS = {
    "district": N_("Huyện"),
    "unit": N_("Đơn vị"),
    "member_org": N_("Tổ chức thành viên"),
    "area": N_("Lĩnh vực"),
}
METRICS = ("registered", "submitted", "eligible", "reviewed", "recognized")
METRIC_LABELS = {
    "registered": N_("Đăng ký"),
    "submitted": N_("Đã nộp"),
    "eligible": N_("Đủ điều kiện"),
    "reviewed": N_("Đã đưa vào xét chọn"),
    "recognized": N_("Được công nhận"),
}
TOTAL_LABEL = N_("Tổng cộng")


@dataclass
class SummaryRow:
    group: str
    group_id: int | str | None
    counts: dict[str, int]
    previous: dict[str, int]
    note: str = ""

    @property
    def change(self) -> dict[str, int]:
        return {m: self.counts[m] - self.previous[m] for m in METRICS}

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "group_id": self.group_id,
            **self.counts,
            "previous": dict(self.previous),
            "change": self.change,
            "note": self.note,
        }


@dataclass
class Summary:
    year: int
    group_by: str
    rows: list[SummaryRow]
    total: SummaryRow
    scope: str = ""  # "" = the whole database; else the unit an officer reports for

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "group_by": self.group_by,
            "scope": self.scope or None,
            "rows": [r.as_dict() for r in self.rows],
            "total": self.total.as_dict(),
        }


def summary_columns(s: Summary) -> list[Column]:
    cols = [Column("group", GROUP_LABELS[s.group_by], TEXT, 45, wrap=True, docx_cm=5.0)]
    for m in METRICS:
        cols.append(Column(m, METRIC_LABELS[m], INT, 12, wrap=True, docx_cm=1.9))
    for m in ("registered", "recognized"):
        cols.append(
            Column(
                f"change_{m}",
                f"{METRIC_LABELS[m]}: tăng/giảm so với {s.year - 1}",
                SIGNED,
                16,
                wrap=True,
                docx_cm=2.1,
            )
        )
    cols.append(Column("note", "Ghi chú", TEXT, 40, wrap=True, docx_cm=3.5))
    return cols


def summary_values(row: SummaryRow) -> list:
    return [
        row.group,
        *(row.counts[m] for m in METRICS),
        row.change["registered"],
        row.change["recognized"],
        row.note,
    ]


def summary_title(s: Summary) -> str:
    scope = f" — {s.scope}" if s.scope else ""
    return (
        f"Tổng hợp ý tưởng, sáng kiến năm {s.year} theo {GROUP_LABELS[s.group_by].lower()}{scope}"
    )


def summary_notes(s: Summary) -> list[str]:
    """What the counts mean, printed under the table of every summary file."""
    return [
        f"Số liệu năm {s.year}; các cột tăng/giảm so sánh với năm {s.year - 1}.",
        f"{METRIC_LABELS['registered']}: mọi hồ sơ của năm (kể cả bản nháp, đã rút); "
        f"{METRIC_LABELS['submitted']}: đã nộp; {METRIC_LABELS['eligible']}: đã được xác nhận "
        f"đủ điều kiện; {METRIC_LABELS['reviewed']}: đang hoặc đã được hội đồng chấm; "
        f"{METRIC_LABELS['recognized']}: đã được công nhận.",
        "Đơn vị đã sáp nhập hoặc giải thể được báo cáo theo tên tại thời điểm đăng ký; "
        "cột Ghi chú nêu đơn vị kế thừa.",
    ]


# --- open data ------------------------------------------------------------------------------------

OPEN_DATA_FIELDS: list[tuple[str, str]] = [
    ("id", N_("Số hiệu nội bộ của ý tưởng trong cơ sở dữ liệu")),
    ("code", N_("Số đăng ký, ví dụ BK-2021-0042")),
    ("title", N_("Tên sáng kiến, ý tưởng")),
    ("summary", N_("Tóm tắt")),
    ("description", N_("Mô tả giải pháp")),
    ("novelty", N_("Tính mới")),
    ("benefits", N_("Lợi ích, hiệu quả đạt được")),
    ("field_of_application", N_("Lĩnh vực có thể áp dụng")),
    ("application_conditions", N_("Điều kiện cần thiết để áp dụng")),
    ("area", N_("Mã lĩnh vực của phong trào (hanh_chinh, san_xuat_kinh_doanh, ...)")),
    ("area_name", N_("Tên lĩnh vực")),
    ("year", N_("Năm đăng ký")),
    ("district", N_("Huyện (theo địa giới tại thời điểm đăng ký)")),
    ("unit", N_("Đơn vị (tại thời điểm đăng ký)")),
    ("authors", N_("Tác giả và tỷ lệ đóng góp (%)")),
    ("applied_from", N_("Ngày áp dụng lần đầu hoặc áp dụng thử (yyyy-mm-dd)")),
    ("recognized_scope", N_("Cấp công nhận: co_so, huyen, tinh, trung_uong")),
    ("recognized_level", N_("Mã mức công nhận của bộ tiêu chí")),
    ("recognized_at", N_("Ngày công nhận (yyyy-mm-dd)")),
    ("url", N_("Trang công khai của sáng kiến")),
]


def open_data_columns() -> list[Column]:
    return [Column(name, name, TEXT, 40) for name, _ in OPEN_DATA_FIELDS]


def open_data_values(row: dict[str, Any]) -> list:
    out = []
    for name, _ in OPEN_DATA_FIELDS:
        value = row[name]
        if name == "authors":
            value = "; ".join(f"{a['name']} ({a['share']}%)" for a in value)
        out.append("" if value is None else value if isinstance(value, str) else str(value))
    return out
