"""Time the ranking of a large round: 5,000 ideas × 5 reviews × 4 criteria, every aggregation.

Run from the repository root:  python bench/scoring.py [--ideas N] [--reviews K] [--repeat R]
Prints, per aggregation, the best and median wall time of ``rank_round`` (validation of every
sheet, totals, aggregation, per-criterion means, knock-outs, levels, tie-breaks and the
round's reliability) and of a what-if re-ranking under other weights.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

# This file is itself named scoring.py: put the repository root first so that the package,
# not this script, is what ``import scoring`` finds.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring import (
    Aggregation,
    Band,
    Criterion,
    IdeaInput,
    RecognitionLevel,
    ReviewInput,
    Rubric,
    rank_round,
    what_if,
)

RUBRIC = Rubric(
    name="Bộ tiêu chí đánh giá sáng kiến, ý tưởng",
    criteria=(
        Criterion(
            "TINH_MOI",
            "Tính mới, tính sáng tạo",
            Decimal(30),
            Decimal(30),
            min_points=Decimal(5),
            bands=(
                Band(Decimal(27), Decimal(30), "hoàn toàn mới"),
                Band(Decimal(21), Decimal(26), "cải tiến tốt"),
            ),
        ),
        Criterion("KHA_NANG_AP_DUNG", "Khả năng áp dụng, nhân rộng", Decimal(25), Decimal(25)),
        Criterion("HIEU_QUA", "Hiệu quả kinh tế - xã hội", Decimal(30), Decimal(30)),
        Criterion(
            "TINH_KINH_TE",
            "Tính kinh tế, tiết kiệm nguồn lực",
            Decimal(15),
            Decimal(15),
            step=Decimal("0.5"),
        ),
    ),
    levels=(
        RecognitionLevel("DE_NGHI_TW", "Đề nghị Trung ương tôn vinh", Decimal(85)),
        RecognitionLevel("CONG_NHAN_TINH", "Công nhận cấp tỉnh", Decimal(70)),
        RecognitionLevel("DAT", "Đạt", Decimal(50)),
    ),
)


def make_round(
    n_ideas: int, per_idea: int, n_reviewers: int, seed: int = 4
) -> tuple[list[ReviewInput], list[IdeaInput]]:
    rng = random.Random(seed)
    start = datetime(2021, 11, 1, tzinfo=UTC)
    ideas = [
        IdeaInput(i, start + timedelta(minutes=rng.randrange(60 * 24 * 30)))
        for i in range(1, n_ideas + 1)
    ]
    leniency = {r: rng.uniform(-0.15, 0.15) for r in range(1, n_reviewers + 1)}
    reviews = []
    for idea in ideas:
        quality = rng.random()
        for reviewer in rng.sample(range(1, n_reviewers + 1), per_idea):
            points: dict[str, object] = {}
            for c in RUBRIC.criteria:
                share = min(max(quality + leniency[reviewer] + rng.gauss(0, 0.1), 0), 1)
                top = int(c.max_points)
                if c.step == Decimal("0.5"):
                    points[c.code] = Decimal(round(share * top * 2)) / 2
                else:
                    points[c.code] = round(share * top)
            reviews.append(ReviewInput(idea.idea_id, reviewer, points))
    return reviews, ideas


def timed(fn, repeat: int) -> tuple[float, float, float]:
    """Best and median wall time, and best CPU time of this process (steadier on a busy
    machine), in seconds."""
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return min(walls), statistics.median(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=5000)
    parser.add_argument("--reviews", type=int, default=5)
    parser.add_argument("--reviewers", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    reviews, ideas = make_round(args.ideas, args.reviews, args.reviewers)
    print(
        f"round: {len(ideas)} ideas × {args.reviews} reviews ({len(reviews)} sheets) × "
        f"{len(RUBRIC.criteria)} criteria, {args.reviewers} reviewers; Python "
        f"{sys.version.split()[0]}; best / median of {args.repeat} runs"
    )
    print(
        f"{'aggregation':<16}{'rank_round: wall best / median, CPU':>40}{'what-if (weights)':>34}"
    )
    for aggregation in Aggregation:
        ranking = rank_round(
            RUBRIC,
            reviews,
            ideas,
            aggregation=aggregation,
            reviewers_per_idea=args.reviews,
            disagreement_threshold=15,
        )
        best, med, cpu = timed(
            lambda a=aggregation: rank_round(
                RUBRIC,
                reviews,
                ideas,
                aggregation=a,
                reviewers_per_idea=args.reviews,
                disagreement_threshold=15,
            ),
            args.repeat,
        )
        w_best, w_med, w_cpu = timed(
            lambda r=ranking: what_if(r, RUBRIC, reviews, ideas, weights={"HIEU_QUA": 40}),
            args.repeat,
        )
        print(
            f"{aggregation.value:<16}{best * 1000:>18.0f} / {med * 1000:>5.0f} ms, {cpu * 1000:>4.0f} ms"
            f"{w_best * 1000:>18.0f} / {w_med * 1000:>5.0f} ms, {w_cpu * 1000:>4.0f} ms"
        )
    alpha = ranking.reliability.alpha if ranking.reliability else None
    print(f"reliability: alpha = {float(alpha):.3f} on {ranking.reliability.n_ideas} ideas")


if __name__ == "__main__":
    main()
