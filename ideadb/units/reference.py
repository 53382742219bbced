"""Reference data: the movement's five areas and the demo province, as it stood in 2021 and as
it has stood since 1/7/2025.

Until 30/6/2025: Tỉnh Bắc Kạn with its districts, their communes, the member organisations of the
provincial Front and other units (``DISTRICTS``, ``MEMBER_ORGS``, ``OTHER_UNITS``; the demo ideas
of 2019–2024 are on these). From 1/7/2025 Bắc Kạn and Thái Nguyên form one province, Tỉnh Thái
Nguyên, without a district level: its member organisations and agencies (``CURRENT_ORGS``) and a
handful of communes and wards covering the old Bắc Kạn area (``CURRENT_COMMUNES``), directly under
the province. Each old unit names the new unit that took it over (its successor). The new
structure here is simplified demo data, not the full list of the province's units.
"""

from __future__ import annotations

from datetime import date

AREAS: list[tuple[str, str, str]] = [
    (
        "hanh_chinh",
        "Nâng cao hiệu quả công tác, cải cách thủ tục hành chính trong cơ quan hệ thống chính trị",
        "Công tác hành chính và cải cách thủ tục trong cơ quan Đảng, Nhà nước, Mặt trận",
    ),
    (
        "san_xuat_kinh_doanh",
        "Nâng cao năng suất lao động ở doanh nghiệp, hợp tác xã, tổ hợp tác, hộ gia đình",
        "Năng suất trong doanh nghiệp, hợp tác xã, hộ gia đình",
    ),
    (
        "su_nghiep",
        "Trong các đơn vị sự nghiệp (trung tâm, trường học, bệnh viện) — khoa học, công nghệ",
        "Đơn vị sự nghiệp công lập: khoa học, công nghệ, chất lượng dịch vụ",
    ),
    (
        "luc_luong_vu_trang",
        "Trong lực lượng vũ trang: Công an, Quân đội, dân quân tự vệ",
        "Quốc phòng, an ninh, trật tự",
    ),
    (
        "dan_toc_ton_giao",
        "Trong đồng bào các dân tộc, tôn giáo, kiều bào",
        "Cộng đồng dân tộc, tôn giáo, kiều bào",
    ),
]

DISTRICTS_ABOLISHED = date(2025, 7, 1)

PROVINCE = ("BK", "Tỉnh Bắc Kạn")
SUCCESSOR_PROVINCE = ("TN", "Tỉnh Thái Nguyên")

# (code, name, [(code, commune name), ...])
DISTRICTS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "BK-TP",
        "Thành phố Bắc Kạn",
        [
            ("BK-TP-DX", "Phường Đức Xuân"),
            ("BK-TP-SC", "Phường Sông Cầu"),
            ("BK-TP-DQ", "Xã Dương Quang"),
        ],
    ),
    (
        "BK-BB",
        "Huyện Ba Bể",
        [
            ("BK-BB-CR", "Thị trấn Chợ Rã"),
            ("BK-BB-NM", "Xã Nam Mẫu"),
            ("BK-BB-KN", "Xã Khang Ninh"),
        ],
    ),
    (
        "BK-BT",
        "Huyện Bạch Thông",
        [
            ("BK-BT-PT", "Thị trấn Phủ Thông"),
            ("BK-BT-CG", "Xã Cẩm Giàng"),
            ("BK-BT-QH", "Xã Quân Hà"),
        ],
    ),
    (
        "BK-CD",
        "Huyện Chợ Đồn",
        [
            ("BK-CD-BL", "Thị trấn Bằng Lũng"),
            ("BK-CD-NP", "Xã Ngọc Phái"),
            ("BK-CD-BTH", "Xã Bản Thi"),
        ],
    ),
    (
        "BK-CM",
        "Huyện Chợ Mới",
        [
            ("BK-CM-DT", "Thị trấn Đồng Tâm"),
            ("BK-CM-TM", "Xã Thanh Mai"),
            ("BK-CM-YD", "Xã Yên Đĩnh"),
        ],
    ),
    (
        "BK-NR",
        "Huyện Na Rì",
        [
            ("BK-NR-YL", "Thị trấn Yến Lạc"),
            ("BK-NR-KL", "Xã Kim Lư"),
            ("BK-NR-LT", "Xã Lương Thượng"),
        ],
    ),
    (
        "BK-NS",
        "Huyện Ngân Sơn",
        [
            ("BK-NS-NP", "Thị trấn Nà Phặc"),
            ("BK-NS-BV", "Xã Bằng Vân"),
            ("BK-NS-TQ", "Xã Thượng Quan"),
        ],
    ),
    (
        "BK-PN",
        "Huyện Pác Nặm",
        [("BK-PN-BB", "Xã Bộc Bố"), ("BK-PN-NM", "Xã Nhạn Môn"), ("BK-PN-CT", "Xã Cao Tân")],
    ),
]

MEMBER_ORGS: list[tuple[str, str]] = [
    ("BK-MTTQ", "Ủy ban MTTQ Việt Nam tỉnh Bắc Kạn"),
    ("BK-HND", "Hội Nông dân tỉnh"),
    ("BK-HPN", "Hội Liên hiệp Phụ nữ tỉnh"),
    ("BK-TD", "Tỉnh đoàn"),
    ("BK-CCB", "Hội Cựu chiến binh tỉnh"),
    ("BK-LDLD", "Liên đoàn Lao động tỉnh"),
    ("BK-LHH", "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh"),
]

# (code, name, kind, parent district code or None for the province)
OTHER_UNITS: list[tuple[str, str, str, str | None]] = [
    ("BK-SKHCN", "Sở Khoa học và Công nghệ", "agency", None),
    ("BK-SNN", "Sở Nông nghiệp và Phát triển nông thôn", "agency", None),
    ("BK-VPUB", "Văn phòng UBND tỉnh", "agency", None),
    ("BK-BVDK", "Bệnh viện Đa khoa tỉnh Bắc Kạn", "hospital", None),
    ("BK-THPT-CVA", "Trường THPT Chuyên Bắc Kạn", "school", "BK-TP"),
    ("BK-THPT-BB", "Trường THPT Ba Bể", "school", "BK-BB"),
    ("BK-TTYT-NR", "Trung tâm Y tế huyện Na Rì", "hospital", "BK-NR"),
    ("BK-HTX-CM", "Hợp tác xã Nông nghiệp Thanh Mai", "cooperative", "BK-CM"),
    ("BK-HTX-BB", "Hợp tác xã Du lịch Nam Mẫu", "cooperative", "BK-BB"),
    ("BK-HTX-NS", "Hợp tác xã Hồi Ngân Sơn", "cooperative", "BK-NS"),
    ("BK-DN-CD", "Công ty TNHH Chè Chợ Đồn", "enterprise", "BK-CD"),
    ("BK-DN-BT", "Công ty Cổ phần Cam Bạch Thông", "enterprise", "BK-BT"),
    ("BK-CA", "Công an tỉnh Bắc Kạn", "armed_force", None),
    ("BK-QS", "Bộ Chỉ huy Quân sự tỉnh", "armed_force", None),
]


# --- Tỉnh Thái Nguyên from 1/7/2025 (two-level structure: province, then communes/wards) -------

# (code, name, kind, codes of the Bắc Kạn units it took over)
CURRENT_ORGS: list[tuple[str, str, str, list[str]]] = [
    ("TN-MTTQ", "Ủy ban MTTQ Việt Nam tỉnh Thái Nguyên", "member_org", ["BK-MTTQ"]),
    ("TN-HND", "Hội Nông dân tỉnh Thái Nguyên", "member_org", ["BK-HND"]),
    ("TN-HPN", "Hội Liên hiệp Phụ nữ tỉnh Thái Nguyên", "member_org", ["BK-HPN"]),
    ("TN-TD", "Tỉnh đoàn Thái Nguyên", "member_org", ["BK-TD"]),
    ("TN-CCB", "Hội Cựu chiến binh tỉnh Thái Nguyên", "member_org", ["BK-CCB"]),
    ("TN-LDLD", "Liên đoàn Lao động tỉnh Thái Nguyên", "member_org", ["BK-LDLD"]),
    (
        "TN-LHH",
        "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Thái Nguyên",
        "member_org",
        ["BK-LHH"],
    ),
    ("TN-SKHCN", "Sở Khoa học và Công nghệ tỉnh Thái Nguyên", "agency", ["BK-SKHCN"]),
    ("TN-SNNMT", "Sở Nông nghiệp và Môi trường tỉnh Thái Nguyên", "agency", ["BK-SNN"]),
    ("TN-VPUB", "Văn phòng UBND tỉnh Thái Nguyên", "agency", ["BK-VPUB"]),
    ("TN-BVBK", "Bệnh viện Đa khoa Bắc Kạn", "hospital", ["BK-BVDK"]),
    ("TN-CA", "Công an tỉnh Thái Nguyên", "armed_force", ["BK-CA"]),
    ("TN-QS", "Bộ Chỉ huy Quân sự tỉnh Thái Nguyên", "armed_force", ["BK-QS"]),
]

# (code, name, codes of the Bắc Kạn communes it took over); all directly under the province.
CURRENT_COMMUNES: list[tuple[str, str, list[str]]] = [
    ("TN-PBK", "Phường Bắc Kạn", ["BK-TP-SC", "BK-TP-DQ"]),
    ("TN-PDX", "Phường Đức Xuân", ["BK-TP-DX"]),
    ("TN-XBB", "Xã Ba Bể", ["BK-BB-CR", "BK-BB-NM", "BK-BB-KN"]),
    ("TN-XBT", "Xã Bạch Thông", ["BK-BT-PT", "BK-BT-CG", "BK-BT-QH"]),
    ("TN-XCD", "Xã Chợ Đồn", ["BK-CD-BL", "BK-CD-NP", "BK-CD-BTH"]),
    ("TN-XCM", "Xã Chợ Mới", ["BK-CM-DT", "BK-CM-TM", "BK-CM-YD"]),
    ("TN-XNR", "Xã Na Rì", ["BK-NR-YL", "BK-NR-KL", "BK-NR-LT"]),
    ("TN-XNS", "Xã Ngân Sơn", ["BK-NS-NP", "BK-NS-BV", "BK-NS-TQ"]),
    ("TN-XBBO", "Xã Bộc Bố", ["BK-PN-BB", "BK-PN-NM", "BK-PN-CT"]),
]
