"""A small ranked list with Vietnamese text, formula-looking cells, a decision and an idea
short of reviews: the data the writer tests read back."""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, date, datetime

from ideadb.reports.documents import (
    AuthorShare,
    Band,
    CriterionInfo,
    DocumentSettings,
    LevelInfo,
    RankedList,
    RankedRow,
    ReviewSheet,
    RoundInfo,
)
from ideadb.reports.writers import write_ranked_list

FORMULA_TITLE = '=HYPERLINK("http://example.invalid/x","Bấm vào đây")'
PLUS_UNIT = "+84 Hợp tác xã Quảng Khê"
AT_AUTHOR = "@Lý Thị Mai"
MINUS_AREA = "-Trong đồng bào các dân tộc"

CRITERIA = (
    CriterionInfo(
        "TINH_MOI",
        "Tính mới, tính sáng tạo",
        30,
        30,
        bands=(Band(27, 30, "hoàn toàn mới"), Band(0, 0, "không mới hoặc sao chép")),
    ),
    CriterionInfo("KHA_NANG_AP_DUNG", "Khả năng áp dụng, nhân rộng", 25, 25),
    CriterionInfo("HIEU_QUA", "Hiệu quả kinh tế - xã hội", 30, 30, min_points=10),
    CriterionInfo("TINH_KINH_TE", "Tính kinh tế, tiết kiệm nguồn lực", 15, 15),
)
LEVELS = (
    LevelInfo("DE_NGHI_TW", "Đề nghị Trung ương tôn vinh", 85),
    LevelInfo("CONG_NHAN_TINH", "Công nhận cấp tỉnh", 70),
    LevelInfo("DAT", "Đạt", 50),
)
SETTINGS = DocumentSettings(
    governing_body="Ủy ban MTTQ Việt Nam tỉnh Bắc Kạn",
    issuing_body="Hội đồng thẩm định sáng kiến",
    number="15/DS-HĐTĐ",
    place="Bắc Kạn",
    date=date(2021, 2, 5),
    signer_authority="TM. Hội đồng",
    signer_title="Chủ tịch",
    signer_name="Nông Thị Hoa",
    recipients=("Ban Thường trực UBMTTQ tỉnh;", "Lưu: VT."),
)


def crit(a, b, c, d):
    return {"TINH_MOI": a, "KHA_NANG_AP_DUNG": b, "HIEU_QUA": c, "TINH_KINH_TE": d}


def make_ranked(**overrides) -> RankedList:
    # One title is given in decomposed form (NFD): every file must carry it composed (NFC).
    nfd_title = unicodedata.normalize("NFD", "Nuôi lợn đen bản địa an toàn sinh học")
    rows = [
        RankedRow(
            1,
            11,
            "BK-2021-0007",
            "Cải tiến lò sấy hồi, quế bằng nhiệt mặt trời",
            (AuthorShare("Hoàng Văn Páo", 60), AuthorShare("Triệu Thị Sinh", 40)),
            "Hợp tác xã Nông nghiệp Quảng Khê",
            "Huyện Ba Bể",
            "Nâng cao năng suất lao động ở doanh nghiệp, hợp tác xã, tổ hợp tác, hộ gia đình",
            crit(28.5, 23, 27.25, 13),
            91.755,
            91.755,
            4.0,
            2,
            False,
            "DE_NGHI_TW",
            "DE_NGHI_TW",
            True,
        ),
        RankedRow(
            2,
            12,
            "BK-2021-0003",
            FORMULA_TITLE,
            (AuthorShare(AT_AUTHOR, 100),),
            PLUS_UNIT,
            "Huyện Chợ Đồn",
            MINUS_AREA,
            crit(22, 18, 21, 11),
            74.5,
            74.5,
            12.0,
            2,
            True,
            "CONG_NHAN_TINH",
            None,
            False,
        ),
        RankedRow(
            3,
            13,
            "BK-2021-0001",
            nfd_title,
            (AuthorShare("Giàng A Lử", 100),),
            "Ủy ban nhân dân xã Nam Mẫu",
            "Huyện Pác Nặm",
            "Trong đồng bào các dân tộc, tôn giáo, kiều bào",
            crit(10, 10, 12, 5),
            38.0,
            38.0,
            2.0,
            2,
            False,
            None,
            None,
            True,
        ),
        RankedRow(
            None,
            14,
            "BK-2021-0010",
            "Bộ phận một cửa điện tử liên thông cấp xã",
            (AuthorShare("Ma Thị Hương", 100),),
            "Ủy ban nhân dân xã Nam Mẫu",
            "Huyện Ba Bể",
            "Nâng cao hiệu quả công tác, cải cách thủ tục hành chính",
            crit(20, 20, 20, 10),
            66.0,
            66.0,
            0.0,
            1,
            False,
            "DAT",
            None,
            False,
        ),
    ]
    when = datetime(2021, 11, 30, 3, 0, tzinfo=UTC)
    sheets = []
    for row in rows:
        for reviewer_id, name in ((5, "Lục Văn Khánh"), (6, "Bế Thị Lan")):
            if row.n_reviews == 1 and reviewer_id == 6:
                continue
            sheets.append(
                ReviewSheet(
                    row.idea_id,
                    row.code,
                    row.title,
                    reviewer_id,
                    name,
                    dict(row.criteria),
                    {"TINH_MOI": "=1+1 không phải công thức"},
                    "Ý tưởng thiết thực cho bà con vùng cao.",
                    row.final_score,
                    "submitted",
                    "Đã nộp phiếu",
                    when,
                )
            )
    data = {
        "round": RoundInfo(
            3,
            "Đợt xét chọn sáng kiến năm 2021",
            2021,
            "Cấp tỉnh",
            "Trung bình cộng",
            "Bộ tiêu chí đánh giá sáng kiến, ý tưởng",
            2,
        ),
        "document": SETTINGS,
        "criteria": CRITERIA,
        "levels": LEVELS,
        "rows": rows,
        "sheets": sheets,
        "show_reviewer_names": False,
        "subject": "Phong trào “Đoàn kết sáng tạo” năm 2021",
    }
    data.update(overrides)
    return RankedList(**data)


def render(ranked: RankedList, fmt: str) -> bytes:
    out = io.BytesIO()
    write_ranked_list(ranked, fmt, out)
    return out.getvalue()


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
