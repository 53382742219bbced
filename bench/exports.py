"""Time and peak memory of the ranked-list exports of a large round.

    python bench/exports.py [--ideas 2000] [--reviews 5] [--formats xlsx,docx,csv]

Builds a synthetic round (the default criteria set, Vietnamese titles, authors, units,
comments on every sheet) in memory and writes each format to a temporary file, one format per
child process so that each peak is measured alone. Peak memory is the child's maximum resident
set size (ru_maxrss), which includes the interpreter and the libraries (about 60 MB); the
Python-heap peak from tracemalloc is printed beside it. Targets: under 5 s and 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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

CRITERIA = (
    CriterionInfo(
        "TINH_MOI",
        "Tính mới, tính sáng tạo",
        30,
        30,
        bands=(
            Band(27, 30, "hoàn toàn mới"),
            Band(21, 26, "cải tiến tốt"),
            Band(16, 20, "cải tiến trung bình"),
            Band(1, 15, "cải tiến nhỏ"),
            Band(0, 0, "không mới hoặc sao chép"),
        ),
    ),
    CriterionInfo("KHA_NANG_AP_DUNG", "Khả năng áp dụng, nhân rộng", 25, 25),
    CriterionInfo("HIEU_QUA", "Hiệu quả kinh tế - xã hội", 30, 30),
    CriterionInfo("TINH_KINH_TE", "Tính kinh tế, tiết kiệm nguồn lực", 15, 15),
)
LEVELS = (
    LevelInfo("DE_NGHI_TW", "Đề nghị Trung ương tôn vinh", 85),
    LevelInfo("CONG_NHAN_TINH", "Công nhận cấp tỉnh", 70),
    LevelInfo("DAT", "Đạt", 50),
)
TOPICS = (
    "Ứng dụng chế phẩm sinh học trong ủ phân chuồng trồng lúa",
    "Mô hình nuôi lợn đen bản địa theo hướng an toàn sinh học",
    "Cải tiến lò sấy hồi, quế bằng nhiệt mặt trời",
    "Bộ phận một cửa điện tử liên thông cấp xã",
    "Hệ thống nước sạch tự chảy cho thôn vùng cao",
    "Số hóa hồ sơ học sinh dân tộc nội trú",
    "Hầm biogas composite cho hộ chăn nuôi quy mô nhỏ",
    "Quy trình nhân giống cam sành sạch bệnh",
    "Du lịch cộng đồng gắn với hồ Ba Bể",
    "Phần mềm nhắc lịch tiêm chủng cho trạm y tế xã",
)
NAMES = (
    "Hoàng Văn Páo",
    "Lý Thị Mai",
    "Nông Văn Dũng",
    "Triệu Thị Sinh",
    "Giàng A Lử",
    "Ma Thị Hương",
    "Bàn Văn Quý",
    "Đinh Thị Thu",
)
UNITS = (
    "Hợp tác xã Nông nghiệp Quảng Khê",
    "Trường Phổ thông Dân tộc Nội trú tỉnh",
    "Trung tâm Y tế huyện Chợ Đồn",
    "Ủy ban nhân dân xã Nam Mẫu",
    "Công an huyện Ngân Sơn",
)
DISTRICTS = ("Huyện Ba Bể", "Huyện Chợ Đồn", "Huyện Na Rì", "Thành phố Bắc Kạn", "Huyện Pác Nặm")
AREAS = (
    "Nâng cao năng suất lao động ở doanh nghiệp, hợp tác xã, tổ hợp tác, hộ gia đình",
    "Nâng cao hiệu quả công tác, cải cách thủ tục hành chính trong cơ quan hệ thống chính trị",
    "Trong các đơn vị sự nghiệp (trung tâm, trường học, bệnh viện) — khoa học, công nghệ",
)


def synthetic_round(n_ideas: int, reviews: int, seed: int = 7) -> RankedList:
    rng = random.Random(seed)
    n_reviewers = max(reviews * 3, 15)
    reviewer_names = {
        rid: f"{NAMES[rid % len(NAMES)]} ({rid})" for rid in range(1, n_reviewers + 1)
    }
    rows, sheets = [], []
    start = datetime(2021, 11, 20, 8, tzinfo=UTC)
    for i in range(1, n_ideas + 1):
        panel = rng.sample(range(1, n_reviewers + 1), reviews)
        totals, per_crit = [], {c.code: [] for c in CRITERIA}
        title = f"{TOPICS[i % len(TOPICS)]} — giải pháp số {i}"
        code = f"BK-2021-{i:04d}"
        for rid in panel:
            scores = {
                c.code: rng.randint(int(c.max_points * 0.4), int(c.max_points)) for c in CRITERIA
            }
            total = sum(scores[c.code] / c.max_points * c.weight for c in CRITERIA)
            totals.append(total)
            for code_, v in scores.items():
                per_crit[code_].append(v)
            sheets.append(
                ReviewSheet(
                    idea_id=i,
                    idea_code=code,
                    idea_title=title,
                    reviewer_id=rid,
                    reviewer_name=reviewer_names[rid],
                    scores=scores,
                    comments={"TINH_MOI": "Giải pháp có cải tiến so với cách làm cũ ở địa phương."},
                    comment="Đề nghị bổ sung số liệu hiệu quả sau một năm áp dụng.",
                    total=total,
                    status="submitted",
                    status_label="Đã nộp phiếu",
                    submitted_at=start + timedelta(minutes=i),
                )
            )
        final = sum(totals) / len(totals)
        level = next((lv.code for lv in LEVELS if final >= lv.min_score), None)
        rows.append(
            RankedRow(
                rank=None,
                idea_id=i,
                code=code,
                title=title,
                authors=(
                    AuthorShare(NAMES[i % len(NAMES)], 60),
                    AuthorShare(NAMES[(i + 3) % len(NAMES)], 40),
                ),
                unit=UNITS[i % len(UNITS)],
                district=DISTRICTS[i % len(DISTRICTS)],
                area=AREAS[i % len(AREAS)],
                criteria={k: sum(v) / len(v) for k, v in per_crit.items()},
                final_score=final,
                raw_score=final,
                spread=max(totals) - min(totals),
                n_reviews=reviews,
                proposed_level=level,
            )
        )
    rows.sort(key=lambda r: -(r.final_score or 0))
    rows = [RankedRow(**{**r.__dict__, "rank": k}) for k, r in enumerate(rows, 1)]
    return RankedList(
        round=RoundInfo(
            id=1,
            name="Đợt xét chọn sáng kiến năm 2021",
            year=2021,
            level_label="Cấp tỉnh",
            aggregation_label="Trung bình cộng",
            criteria_set_name="Bộ tiêu chí đánh giá sáng kiến, ý tưởng",
            criteria_set_version=1,
        ),
        document=DocumentSettings(
            governing_body="Ủy ban MTTQ Việt Nam tỉnh Bắc Kạn",
            issuing_body="Hội đồng thẩm định",
            number="15/DS-HĐTĐ",
            place="Bắc Kạn",
            date=date(2021, 12, 15),
            signer_authority="TM. Hội đồng",
            signer_title="Chủ tịch",
            signer_name="Nông Thị Hoa",
            recipients=("Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam;", "Lưu: VT."),
        ),
        criteria=CRITERIA,
        levels=LEVELS,
        rows=rows,
        sheets=sheets,
        show_reviewer_names=True,
    )


def run_one(fmt: str, n_ideas: int, reviews: int) -> dict:
    from ideadb.reports.writers import write_ranked_list

    ranked = synthetic_round(n_ideas, reviews)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"round.{fmt}"
        started = time.perf_counter()
        with open(path, "wb") as out:
            write_ranked_list(ranked, fmt, out)
        seconds = time.perf_counter() - started
        size = path.stat().st_size
    _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "format": fmt,
        "seconds": seconds,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_mb": base_rss / 1024,
        "heap_peak_mb": heap_peak / 2**20,
        "size_kb": size / 1024,
    }


def time_only(fmt: str, n_ideas: int, reviews: int) -> tuple[float, float]:
    """The same export without tracemalloc (whose bookkeeping slows allocation-heavy code):
    wall-clock seconds and this process's CPU seconds (less sensitive to a busy machine)."""
    from ideadb.reports.writers import write_ranked_list

    ranked = synthetic_round(n_ideas, reviews)
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / f"r.{fmt}", "wb") as out:
        started, cpu = time.perf_counter(), time.process_time()
        write_ranked_list(ranked, fmt, out)
        return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=2000)
    parser.add_argument("--reviews", type=int, default=5)
    parser.add_argument("--formats", default="xlsx,docx,csv")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = run_one(args.child, args.ideas, args.reviews)
        result["seconds_untraced"], result["cpu_seconds"] = time_only(
            args.child, args.ideas, args.reviews
        )
        print(json.dumps(result))
        return
    print(
        f"Ranked list of {args.ideas} ideas × {args.reviews} reviews "
        f"({args.ideas * args.reviews} score sheets), Python {sys.version.split()[0]}"
    )
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"{'format':<6} {'time s':>7} {'CPU s':>6} {'peak RSS MB':>12} {'heap peak MB':>13} "
        f"{'file KB':>8}"
    )
    for fmt in args.formats.split(","):
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                fmt,
                "--ideas",
                str(args.ideas),
                "--reviews",
                str(args.reviews),
            ],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"{r['format']:<6} {r['seconds_untraced']:>7.2f} {r['cpu_seconds']:>6.2f} "
            f"{r['rss_mb']:>12.1f} "
            f"{r['heap_peak_mb']:>13.1f} {r['size_kb']:>8.0f}"
        )
    print("targets: < 5 s and < 300 MB per file")


if __name__ == "__main__":
    main()
