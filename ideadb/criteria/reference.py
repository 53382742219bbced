"""The criteria sets shipped with ideadb: examples a council edits (by revising), not law."""

from __future__ import annotations

from typing import Any

from ideadb.criteria.alignment import default_constraints

DEFAULT_SET_CODE = "MAC_DINH_DKST"
LEGAL_SET_CODE = "DIEU_KIEN_SANG_KIEN"


def _band(low: int, high: int, label: str, guidance: str = "") -> dict[str, Any]:
    return {"min": low, "max": high, "label": label, "guidance": guidance}


DEFAULT_SET: dict[str, Any] = {
    "name": "Bộ tiêu chí đánh giá sáng kiến, ý tưởng — phong trào Đoàn kết sáng tạo",
    "basis": (
        "Bộ tiêu chí mẫu theo tiêu chí của Trung ương về phong trào “Đoàn kết sáng tạo, nâng "
        "cao năng suất, chất lượng, hiệu quả, hội nhập quốc tế”; Hội đồng điều chỉnh cho phù hợp "
        "bằng cách tạo phiên bản mới."
    ),
    "criteria": [
        {
            "code": "TINH_MOI",
            "name": "Tính mới, tính sáng tạo",
            "description": "Giải pháp mới hay cải tiến so với những gì đã có tại cơ sở.",
            "max_points": 30,
            "weight": 30,
            "levels": [
                _band(27, 30, "Hoàn toàn mới", "Chưa từng được áp dụng hay công bố ở đâu."),
                _band(21, 26, "Cải tiến tốt", "Cải tiến lớn, thay đổi rõ cách làm cũ."),
                _band(16, 20, "Cải tiến trung bình"),
                _band(1, 15, "Cải tiến nhỏ"),
                _band(0, 0, "Không mới hoặc sao chép"),
            ],
        },
        {
            "code": "KHA_NANG_AP_DUNG",
            "name": "Khả năng áp dụng, nhân rộng",
            "description": "Phạm vi giải pháp đã hoặc có thể được áp dụng.",
            "max_points": 25,
            "weight": 25,
            "levels": [
                _band(21, 25, "Áp dụng, nhân rộng toàn quốc"),
                _band(16, 20, "Áp dụng, nhân rộng trong tỉnh"),
                _band(11, 15, "Áp dụng, nhân rộng trong huyện"),
                _band(1, 10, "Áp dụng tại cơ sở"),
                _band(0, 0, "Chưa áp dụng"),
            ],
        },
        {
            "code": "HIEU_QUA",
            "name": "Hiệu quả kinh tế - xã hội",
            "description": (
                "Lợi ích đo được: tiền, thời gian tiết kiệm được, số người được phục vụ."
            ),
            "max_points": 30,
            "weight": 30,
            "levels": [
                _band(25, 30, "Hiệu quả rất cao", "Có số liệu đo được, lợi ích lớn và rõ ràng."),
                _band(19, 24, "Hiệu quả cao"),
                _band(13, 18, "Hiệu quả khá"),
                _band(1, 12, "Hiệu quả thấp hoặc chưa rõ"),
                _band(0, 0, "Chưa chứng minh được hiệu quả"),
            ],
        },
        {
            "code": "TINH_KINH_TE",
            "name": "Tính kinh tế, tiết kiệm nguồn lực",
            "description": "Chi phí để áp dụng so với lợi ích mang lại.",
            "max_points": 15,
            "weight": 15,
            "levels": [
                _band(13, 15, "Chi phí rất thấp so với lợi ích"),
                _band(9, 12, "Chi phí thấp"),
                _band(5, 8, "Chi phí tương xứng với lợi ích"),
                _band(1, 4, "Chi phí cao"),
                _band(0, 0, "Chi phí không tương xứng"),
            ],
        },
    ],
    "recognition_levels": [
        {"code": "DE_NGHI_TW", "name": "Đề nghị Trung ương tôn vinh", "min_score": 85},
        {"code": "CONG_NHAN_TINH", "name": "Công nhận cấp tỉnh", "min_score": 70},
        {"code": "DAT", "name": "Đạt", "min_score": 50},
    ],
}

_MET = [_band(1, 1, "Đạt"), _band(0, 0, "Không đạt")]

LEGAL_SET: dict[str, Any] = {
    "name": "Điều kiện công nhận sáng kiến (đạt / không đạt)",
    "basis": (
        "Nghị định 13/2012/NĐ-CP ban hành Điều lệ Sáng kiến, Điều 3: sáng kiến được công nhận "
        "khi có tính mới trong phạm vi cơ sở, đã được áp dụng hoặc áp dụng thử và có khả năng "
        "mang lại lợi ích thiết thực. Mỗi điều kiện chấm 1 (đạt) hoặc 0 (không đạt); điều kiện "
        "được coi là đạt khi ít nhất một nửa số phiếu chấm đạt, và phải đạt cả ba điều kiện."
    ),
    "criteria": [
        {
            "code": "TINH_MOI",
            "name": "Có tính mới trong phạm vi cơ sở",
            "description": "Chưa được áp dụng, công bố hay nêu trong tài liệu nào tại cơ sở.",
            "max_points": 1,
            "weight": 1,
            "min_points": "0.5",
            "step": 1,
            "levels": _MET,
        },
        {
            "code": "DA_AP_DUNG",
            "name": "Đã được áp dụng hoặc áp dụng thử",
            "description": "Có xác nhận của cơ sở về việc áp dụng hoặc áp dụng thử.",
            "max_points": 1,
            "weight": 1,
            "min_points": "0.5",
            "step": 1,
            "levels": _MET,
        },
        {
            "code": "LOI_ICH",
            "name": "Có khả năng mang lại lợi ích thiết thực",
            "description": "Lợi ích kinh tế, xã hội hoặc hiệu quả công việc được nêu rõ.",
            "max_points": 1,
            "weight": 1,
            "min_points": "0.5",
            "step": 1,
            "levels": _MET,
        },
    ],
    "recognition_levels": [{"code": "DAT", "name": "Đạt", "min_score": 50}],
}

#: (reference code, body) in loading order.
REFERENCE_SETS: tuple[tuple[str, dict[str, Any]], ...] = (
    (DEFAULT_SET_CODE, DEFAULT_SET),
    (LEGAL_SET_CODE, LEGAL_SET),
)

DEFAULT_TEMPLATE_CODE = "DKST-MAU"

#: The default set is shipped as a template: an example of the central guideline that a
#: province edits (the four criteria required; weights and level thresholds within ±10).
REFERENCE_TEMPLATES: dict[str, dict[str, Any]] = {
    DEFAULT_SET_CODE: {
        "issuer": "Mẫu của phong trào (ví dụ — tỉnh chỉnh sửa cho phù hợp)",
        "code": DEFAULT_TEMPLATE_CODE,
        "version": 1,
        "constraints": default_constraints(DEFAULT_SET),
    },
}
