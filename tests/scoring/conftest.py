"""Fixtures for the scoring engine's tests: plain data only, no application."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from scoring import Band, Criterion, IdeaInput, RecognitionLevel, ReviewInput, Rubric

D = Decimal

DEFAULT_LEVELS = (
    RecognitionLevel("DE_NGHI_TW", "Đề nghị Trung ương tôn vinh", D(85)),
    RecognitionLevel("CONG_NHAN_TINH", "Công nhận cấp tỉnh", D(70)),
    RecognitionLevel("DAT", "Đạt", D(50)),
)


@pytest.fixture
def default_rubric() -> Rubric:
    """The shipped default set of DOMAIN.md (maxima equal weights, weights sum to 100)."""
    return Rubric(
        name="Bộ tiêu chí đánh giá sáng kiến, ý tưởng — phong trào Đoàn kết sáng tạo",
        criteria=(
            Criterion(
                "TINH_MOI",
                "Tính mới, tính sáng tạo",
                D(30),
                D(30),
                bands=(
                    Band(D(27), D(30), "hoàn toàn mới"),
                    Band(D(21), D(26), "cải tiến tốt"),
                    Band(D(16), D(20), "cải tiến trung bình"),
                    Band(D(1), D(15), "cải tiến nhỏ"),
                    Band(D(0), D(0), "không mới hoặc sao chép"),
                ),
            ),
            Criterion("KHA_NANG_AP_DUNG", "Khả năng áp dụng, nhân rộng", D(25), D(25)),
            Criterion("HIEU_QUA", "Hiệu quả kinh tế - xã hội", D(30), D(30)),
            Criterion("TINH_KINH_TE", "Tính kinh tế, tiết kiệm nguồn lực", D(15), D(15)),
        ),
        levels=DEFAULT_LEVELS,
    )


@pytest.fixture
def single_rubric() -> Rubric:
    """One criterion on 0–100 with weight 1: a review's total is its points."""
    return Rubric(
        name="Một tiêu chí",
        criteria=(Criterion("DIEM", "Điểm", D(100), D(1)),),
        levels=DEFAULT_LEVELS,
    )


RoundBuilder = Callable[..., tuple[list[ReviewInput], list[IdeaInput]]]


@pytest.fixture
def round_of() -> RoundBuilder:
    """Build (reviews, ideas) for the single-criterion rubric from {idea: {reviewer: total}}.

    Ideas are submitted one day apart in id order unless ``dates`` says otherwise.
    """

    def build(
        scores: Mapping[int, Mapping[int, int | Decimal]],
        *,
        extra_ideas: tuple[int, ...] = (),
        dates: Mapping[int, datetime] | None = None,
    ) -> tuple[list[ReviewInput], list[IdeaInput]]:
        start = datetime(2021, 2, 23, 1, 0, tzinfo=UTC)
        ids = sorted({*scores, *extra_ideas})
        ideas = [IdeaInput(i, (dates or {}).get(i, start + timedelta(days=i))) for i in ids]
        reviews = [
            ReviewInput(idea, reviewer, {"DIEM": total})
            for idea, by_reviewer in scores.items()
            for reviewer, total in by_reviewer.items()
        ]
        return reviews, ideas

    return build
