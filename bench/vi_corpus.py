"""Deterministic synthetic corpus of Vietnamese ideas for the search benchmarks (demo data).

Ideas are composed from topic phrases of the movement's five areas, generic
administrative prose and local names, with realistic frequencies: a few topic phrases
per idea (Zipf-like), many function words, ~10-syllable titles, ~40-syllable summaries and
~300-syllable descriptions.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ideadb.search.documents import IdeaDoc

AREAS = ["hanh_chinh", "san_xuat_kinh_doanh", "su_nghiep", "luc_luong_vu_trang", "dan_toc_ton_giao"]
AREA_WEIGHTS = [30, 25, 30, 8, 7]

TOPICS = {
    "hanh_chinh": [
        "cải cách hành chính",
        "thủ tục hành chính",
        "một cửa liên thông",
        "dịch vụ công trực tuyến",
        "chuyển đổi số",
        "chữ ký số",
        "hồ sơ điện tử",
        "văn bản điện tử",
        "lưu trữ hồ sơ",
        "phần mềm quản lý",
        "cơ sở dữ liệu",
        "tiếp công dân",
        "giải quyết khiếu nại",
        "quản lý đất đai",
        "cấp giấy chứng nhận",
        "đăng ký hộ tịch",
        "chứng thực bản sao",
        "thu ngân sách",
        "quản lý tài sản công",
        "kiểm soát chi",
        "công tác cán bộ",
        "đánh giá công chức",
        "họp trực tuyến",
        "cổng thông tin điện tử",
        "số hóa dữ liệu",
        "bộ phận tiếp nhận",
        "trả kết quả",
        "xây dựng nông thôn mới",
        "quy chế dân chủ",
        "phản ánh kiến nghị",
        "tổng đài hỗ trợ",
        "thanh toán không dùng tiền mặt",
    ],
    "san_xuat_kinh_doanh": [
        "nuôi lợn",
        "nuôi bò",
        "nuôi gà",
        "nuôi cá",
        "nuôi ong",
        "trồng lúa",
        "trồng ngô",
        "cây chè",
        "cây quế",
        "cây hồi",
        "cam sành",
        "quýt Bắc Kạn",
        "hồng không hạt",
        "miến dong",
        "phân bón hữu cơ",
        "thức ăn chăn nuôi",
        "chuồng trại",
        "tả lợn châu Phi",
        "vắc xin",
        "giống lúa",
        "năng suất lao động",
        "máy gặt",
        "tưới nhỏ giọt",
        "tiết kiệm điện",
        "điện năng lượng mặt trời",
        "thủy điện nhỏ",
        "chế biến gỗ",
        "dây chuyền sản xuất",
        "sửa chữa máy",
        "cơ khí chế tạo",
        "sấy nông sản",
        "bảo quản sau thu hoạch",
        "sản phẩm OCOP",
        "hợp tác xã",
        "tiêu thụ nông sản",
        "thương mại điện tử",
        "đệm lót sinh học",
        "khí biogas",
        "xử lý chất thải",
        "nước sạch",
        "máy thái chuối",
        "lò sấy",
        "rau an toàn",
        "nấm sò",
        "dược liệu",
        "khai thác khoáng sản",
        "vật liệu xây dựng",
        "gạch không nung",
        "đồng ruộng",
        "cánh đồng lớn",
        "lợn đen",
        "bò thịt",
        "gà đồi",
        "cá chép",
        "ruộng bậc thang",
    ],
    "su_nghiep": [
        "dạy học",
        "học sinh",
        "giáo viên",
        "bài giảng điện tử",
        "đồ dùng dạy học",
        "thí nghiệm",
        "phòng học thông minh",
        "thư viện số",
        "kỹ năng sống",
        "đọc sách",
        "khám chữa bệnh",
        "bệnh nhân",
        "bệnh viện",
        "trạm y tế",
        "xét nghiệm",
        "tiêm chủng",
        "chăm sóc sức khỏe",
        "người cao tuổi",
        "trẻ em suy dinh dưỡng",
        "y học cổ truyền",
        "phục hồi chức năng",
        "hồ sơ sức khỏe điện tử",
        "đặt lịch khám",
        "cấp cứu",
        "kiểm soát nhiễm khuẩn",
        "bán trú",
        "học sinh dân tộc",
        "dạy tiếng Việt",
        "mầm non",
        "trung học cơ sở",
        "giáo dục nghề nghiệp",
        "khuyến nông",
        "thú y",
        "bảo vệ thực vật",
        "truyền thanh cơ sở",
        "phát thanh truyền hình",
        "thể dục thể thao",
    ],
    "luc_luong_vu_trang": [
        "phòng cháy chữa cháy",
        "an ninh trật tự",
        "camera giám sát",
        "huấn luyện chiến sĩ",
        "xe chữa cháy",
        "tuần tra biên giới",
        "cứu hộ cứu nạn",
        "phòng chống ma túy",
        "tội phạm công nghệ cao",
        "dân quân tự vệ",
        "diễn tập",
        "an toàn giao thông",
        "định danh điện tử",
        "căn cước công dân",
        "quản lý cư trú",
        "bảo vệ rừng",
        "phòng chống lụt bão",
        "tìm kiếm cứu nạn",
        "thao trường",
        "mô hình học cụ",
    ],
    "dan_toc_ton_giao": [
        "đồng bào dân tộc thiểu số",
        "tiếng Tày",
        "tiếng Nùng",
        "tiếng Dao",
        "tiếng Mông",
        "văn hóa truyền thống",
        "lễ hội",
        "hát then",
        "đàn tính",
        "nhà sàn",
        "đình chùa",
        "tín ngưỡng",
        "người có uy tín",
        "chính sách dân tộc",
        "giảm nghèo bền vững",
        "sinh kế",
        "du lịch cộng đồng",
        "homestay",
        "trang phục truyền thống",
        "dệt thổ cẩm",
        "tảo hôn",
        "hôn nhân cận huyết",
        "định canh định cư",
        "di dân",
        "vùng sâu vùng xa",
    ],
}

GENERIC = [
    "nâng cao hiệu quả",
    "tiết kiệm chi phí",
    "giảm thời gian",
    "nâng cao chất lượng",
    "công tác quản lý",
    "trên địa bàn",
    "người dân",
    "doanh nghiệp",
    "cán bộ",
    "cơ quan",
    "đơn vị",
    "hiệu quả kinh tế",
    "thu nhập",
    "đời sống",
    "môi trường",
    "phát triển",
    "ứng dụng công nghệ",
    "công nghệ thông tin",
    "giải pháp",
    "sáng kiến",
    "mô hình",
    "kinh nghiệm",
    "thực tiễn",
    "kết quả",
    "áp dụng",
    "triển khai",
    "nhân rộng",
    "tổ chức thực hiện",
    "kế hoạch",
    "báo cáo",
    "số liệu",
    "thống kê",
    "tuyên truyền",
    "vận động",
    "phối hợp",
    "chỉ đạo",
    "hướng dẫn",
    "kiểm tra",
    "giám sát",
    "đánh giá",
    "điện",
    "nước",
    "đường",
    "trường",
    "lớp",
    "xã",
    "thôn",
    "bản",
    "huyện",
    "tỉnh",
    "đồng",
    "đông",
    "động",
    "lớn",
    "nhỏ",
    "mới",
    "cũ",
    "nhanh",
    "chậm",
    "an toàn",
    "bền vững",
    "minh bạch",
    "thuận lợi",
    "khó khăn",
    "hạn chế",
    "tồn tại",
    "nguyên nhân",
]

FUNCTION = [
    "của",
    "và",
    "các",
    "những",
    "cho",
    "trong",
    "với",
    "được",
    "là",
    "có",
    "để",
    "một",
    "này",
    "đã",
    "từ",
    "theo",
    "trên",
    "tại",
    "đến",
    "không",
    "người",
    "việc",
    "khi",
    "nhằm",
    "thì",
    "như",
    "sau",
    "trước",
    "về",
    "bằng",
    "do",
    "nên",
    "cũng",
    "rất",
    "nhiều",
    "hơn",
    "đều",
    "còn",
    "vào",
    "ra",
    "lên",
    "qua",
    "giữa",
    "mỗi",
    "cùng",
    "đó",
]

VERBS = [
    "xây dựng",
    "thiết kế",
    "cải tiến",
    "đề xuất",
    "ứng dụng",
    "tổ chức",
    "hướng dẫn",
    "hỗ trợ",
    "quản lý",
    "theo dõi",
    "cải thiện",
    "đổi mới",
    "chế tạo",
    "lắp đặt",
    "vận hành",
    "số hóa",
    "kết nối",
    "chia sẻ",
    "phân tích",
    "rút ngắn",
    "tăng cường",
    "bảo đảm",
]

TITLE_PREFIX = [
    "Giải pháp",
    "Sáng kiến",
    "Mô hình",
    "Ứng dụng",
    "Cải tiến",
    "Đề tài",
    "Biện pháp",
    "Phương pháp",
    "Kinh nghiệm",
    "Xây dựng",
]

DISTRICTS = {
    1: "Thành phố Bắc Kạn",
    2: "Ba Bể",
    3: "Bạch Thông",
    4: "Chợ Đồn",
    5: "Chợ Mới",
    6: "Na Rì",
    7: "Ngân Sơn",
    8: "Pác Nặm",
}
COMMUNE_NAMES = [
    "Bằng Lãng",
    "Đồng Lạc",
    "Quảng Khê",
    "Nam Mẫu",
    "Hà Hiệu",
    "Cẩm Giàng",
    "Quang Thuận",
    "Yên Đĩnh",
    "Thanh Mai",
    "Cư Lễ",
    "Kim Hỷ",
    "Vân Tùng",
    "Thuần Mang",
    "Bộc Bố",
    "Nhạn Môn",
    "Xuất Hóa",
    "Huyền Tụng",
    "Đồng Phúc",
    "Khang Ninh",
    "Phúc Lộc",
]
SURNAMES = ["Nguyễn", "Hoàng", "Nông", "Lường", "Triệu", "Ma", "Hà", "Lý", "Đàm", "Bế", "Lục", "Vi"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu", "Kim", "Xuân"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Đông",
    "Hà",
    "Hải",
    "Hòa",
    "Lan",
    "Lợi",
    "Mai",
    "Nam",
    "Nga",
    "Phương",
    "Quý",
    "Sơn",
    "Tâm",
    "Thắng",
    "Thủy",
    "Tuấn",
    "Vân",
    "Yến",
]
STATUSES = ["draft", "submitted", "eligible", "in_review", "recognized", "not_recognized"]
STATUS_WEIGHTS = [5, 10, 10, 10, 55, 10]

# 50 fixed benchmark queries of 1-3 words; the second half is the first typed without marks.
QUERIES_ACCENTED = [
    "nuôi lợn",
    "chuyển đổi số",
    "năng suất lao động",
    "điện",
    "đồng",
    "cây quế",
    "phòng cháy chữa cháy",
    "học sinh",
    "dịch vụ công",
    "tiết kiệm điện",
    "lợn đen",
    "bệnh viện",
    "camera giám sát",
    "chữ ký số",
    "văn hóa truyền thống",
    "cam sành",
    "hồ sơ điện tử",
    "thức ăn chăn nuôi",
    "tiếng Tày",
    "giảm nghèo",
    "nước sạch",
    "bài giảng",
    "an toàn giao thông",
    "miến dong",
    "xử lý chất thải",
]


def _strip(text: str) -> str:
    from ideadb.search.text import fold

    return " ".join(fold(w) for w in text.split())


QUERIES_PLAIN = [_strip(q) for q in QUERIES_ACCENTED]
QUERIES = QUERIES_ACCENTED + QUERIES_PLAIN


class Generator:
    def __init__(self, seed: int = 20240601) -> None:
        self.rng = random.Random(seed)
        self.topic_rank = {a: list(t) for a, t in TOPICS.items()}
        self.all_topics = [t for ts in TOPICS.values() for t in ts]
        self.units = []
        uid = 100
        for did in DISTRICTS:
            for k in range(6):
                name = COMMUNE_NAMES[(did * 7 + k) % len(COMMUNE_NAMES)]
                self.units.append((uid, did, f"UBND xã {name}"))
                uid += 1
            self.units.append((uid, did, f"Trung tâm Y tế {DISTRICTS[did]}"))
            uid += 1
            self.units.append((uid, did, f"Phòng Giáo dục {DISTRICTS[did]}"))
            uid += 1

    def _zipf(self, items: list[str], s: float = 1.0) -> str:
        n = len(items)
        weights = [1.0 / (i + 1) ** s for i in range(n)]
        return self.rng.choices(items, weights=weights, k=1)[0]

    def _sentence(self, topics: list[str], n: int) -> str:
        rng = self.rng
        words: list[str] = []
        while len(words) < n:
            r = rng.random()
            if r < 0.22:
                words.extend(rng.choice(topics).split())
            elif r < 0.27:
                words.extend(self._zipf(self.all_topics).split())
            elif r < 0.55:
                words.extend(rng.choice(FUNCTION).split())
            elif r < 0.75:
                words.extend(self._zipf(GENERIC, 0.8).split())
            else:
                words.extend(rng.choice(VERBS).split())
        text = " ".join(words[:n])
        return text[0].upper() + text[1:] + "."

    def _paragraph(self, topics: list[str], n: int) -> str:
        out, total = [], 0
        while total < n:
            k = self.rng.randint(10, 22)
            out.append(self._sentence(topics, k))
            total += k
        return " ".join(out)

    def idea(self, i: int) -> IdeaDoc:
        rng = self.rng
        area = rng.choices(AREAS, weights=AREA_WEIGHTS, k=1)[0]
        main = [self._zipf(self.topic_rank[area], 0.9) for _ in range(3)]
        title_words = [
            rng.choice(TITLE_PREFIX),
            rng.choice(VERBS),
            main[0],
            rng.choice(FUNCTION),
            main[1],
        ]
        title = " ".join(title_words).split()
        while len(title) < 10:
            title.extend(
                rng.choice(
                    [rng.choice(GENERIC), main[2], "tại " + rng.choice(list(DISTRICTS.values()))]
                ).split()
            )
        title_text = " ".join(title[:12])
        uid, did, uname = rng.choice(self.units)
        year = rng.randint(2015, 2024)
        status = rng.choices(STATUSES, weights=STATUS_WEIGHTS, k=1)[0]
        people = [
            f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            for _ in range(rng.randint(1, 3))
        ]
        created = datetime(year, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 525000))
        return IdeaDoc(
            id=i,
            code=f"BK-{year}-{i:05d}",
            title=title_text,
            summary=self._paragraph(main, 40),
            description=self._paragraph(main, 300),
            novelty=self._paragraph(main, 20),
            benefits=self._paragraph(main, 20),
            people=(*people, uname),
            unit_id=uid,
            district_id=did,
            area=area,
            year=year,
            status=status,
            published=status == "recognized" and rng.random() < 0.9,
            level=rng.choice(["co_so", "huyen", "tinh"]) if status == "recognized" else None,
            final_score=round(rng.uniform(50, 98), 2)
            if status in ("recognized", "not_recognized")
            else None,
            created_at=created,
            updated_at=created,
        )


def corpus(n: int, seed: int = 20240601):
    gen = Generator(seed)
    for i in range(1, n + 1):
        yield gen.idea(i)
