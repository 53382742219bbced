"""Demo review rounds: every phase of a round, told with the demo accounts.

``load(session, targets)`` takes the demo ideas that ``ideadb.ideas.demo`` left eligible on
their way to review and brings them there through the review services, as the council would:

- one finalized round per year for the ideas decided that year (scores that lead to the
  levels of the default criteria set, reasons for some decisions, and one idea without a
  decision because one of its two sheets was never submitted);
- a round in deliberation where two members disagree widely on one idea (not yet resolved);
- a round open for scoring where each member has submitted some sheets and has others to do;
- a round being set up (ideas, panel and assignments, not yet opened).

Every idea "in review" is in a round; every decided idea is decided by a finalized round.
Deterministic (no randomness but a seeded one); loading again adds nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.accounts.models import User
from ideadb.core.db import unit_of_work
from ideadb.criteria import reference
from ideadb.criteria.models import CriteriaSet
from ideadb.ideas.models import Idea, IdeaStatus
from ideadb.reviews import assignments, deliberation, rounds, sheets
from ideadb.reviews.models import Assignment, AssignmentStatus, Round

S = IdeaStatus
A = AssignmentStatus
SEED = 20211215
PANEL = ("hoidong1", "hoidong2", "hoidong3", "hoidong4", "chutich")
# Largest number of ideas taken through rounds (quickstart's 240 ideas need about 110).
MAX_IDEAS = 400
# Weighted totals (on 100) that lead to each outcome of the default set's levels.
TARGET_TOTALS = {
    "DE_NGHI_TW": (86, 93),
    "CONG_NHAN_TINH": (71, 83),
    "DAT": (53, 67),
    None: (30, 46),
}
LEVEL_WEIGHTS = (("CONG_NHAN_TINH", 55), ("DAT", 30), ("DE_NGHI_TW", 15))
COMMENTS = {
    "TINH_MOI": (
        "Cách làm mới so với thực tế địa phương.",
        "Có cải tiến nhưng chưa rõ điểm khác biệt.",
        "Giải pháp sáng tạo, phù hợp điều kiện miền núi.",
    ),
    "HIEU_QUA": (
        "Hiệu quả được chứng minh bằng số liệu trước và sau khi áp dụng.",
        "Cần bổ sung số liệu về hiệu quả kinh tế.",
        "Lợi ích thiết thực cho người dân trong vùng.",
    ),
}
OVERALL = (
    "Đề nghị nhân rộng ở các xã có điều kiện tương tự.",
    "Hồ sơ đầy đủ, trình bày rõ ràng.",
    "Cần tiếp tục theo dõi kết quả áp dụng trong năm tới.",
)
NOTES = {
    "DE_NGHI_TW": "Hội đồng thống nhất đề nghị Trung ương tôn vinh vì hiệu quả nhân rộng lớn.",
    None: "Giải pháp chưa chứng minh được hiệu quả khi áp dụng ở quy mô rộng.",
}


def already_loaded(session: Session) -> bool:
    return session.scalar(sa.select(Round.id).limit(1)) is not None


def _people(session: Session) -> dict[str, User]:
    names = (*PANEL, "thuky")
    return {u.username: u for u in session.scalars(sa.select(User).where(User.username.in_(names)))}


def _default_set_id(session: Session) -> int | None:
    code = reference.REFERENCE_SETS[0][0]
    return session.scalar(sa.select(CriteriaSet.id).where(CriteriaSet.reference_code == code))


def _points(rubric, total: float, rng: random.Random) -> dict[str, str]:
    """Points per criterion (halves) that add up to about ``total`` on 100."""
    out = {}
    for c in rubric.criteria:
        share = Decimal(str(total)) / 100 * Decimal(c.max_points)
        share += Decimal(rng.choice((-1, -0.5, 0, 0.5, 1)))
        share = max(Decimal(0), min(Decimal(c.max_points), share))
        out[c.code] = str((share * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2)
    return out


class _Council:
    def __init__(self, session: Session):
        self.session = session
        self.people = _people(session)
        self.secretary = self.people["thuky"]
        self.panel = [self.people[name] for name in PANEL if name in self.people]
        self.set_id = _default_set_id(session)
        self.rng = random.Random(SEED)

    def round(self, name: str, year: int, ideas: list[Idea], **fields: Any) -> Round:
        data = {
            "name": name,
            "year": year,
            "level": "tinh",
            "criteria_set_id": self.set_id,
            "reviewers_per_idea": 2,
            "aggregation": "mean",
            "blind": False,
            "disagreement_threshold": 20,
            "show_details_to_submitters": True,
            "chair_id": self.people["chutich"].id if "chutich" in self.people else None,
            "document": {
                "governing_body": "Ủy ban MTTQ Việt Nam tỉnh Bắc Kạn",
                "issuing_body": "Ban Thường trực",
                "place": "Bắc Kạn",
                "signer_title": "Phó Chủ tịch",
                "signer_name": "Lục Văn Thành",
            },
        }
        data.update(fields)
        sec = self.secretary
        rnd = rounds.create_round(self.session, sec, data)
        rounds.add_ideas(self.session, sec, rnd.id, [i.id for i in ideas])
        rounds.add_reviewers(self.session, sec, rnd.id, [u.id for u in self.panel])
        assignments.auto_assign(self.session, sec, rnd.id)
        return rnd

    def live(self, rnd: Round) -> list[Assignment]:
        return list(
            self.session.scalars(
                sa.select(Assignment)
                .where(
                    Assignment.round_id == rnd.id,
                    Assignment.status.in_([A.PENDING_CONFIRMATION, A.ACTIVE]),
                )
                .order_by(Assignment.idea_id, Assignment.id)
            )
        )

    def score(self, a: Assignment, total: float, submit: bool = True) -> None:
        reviewer = a.reviewer
        if a.status == A.PENDING_CONFIRMATION:
            sheets.confirm(self.session, reviewer, a.id, conflict=False)
        rubric = sheets.rubric_for(self.session, a.round)
        rng = self.rng
        comments = {code: rng.choice(texts) for code, texts in COMMENTS.items()}
        sheets.save_review(
            self.session,
            reviewer,
            a.id,
            scores=_points(rubric, total, rng),
            comments=comments,
            comment=rng.choice(OVERALL),
            version=0,
        )
        if submit:
            sheets.submit_review(self.session, reviewer, a.id)


def _total(level: str | None, rng: random.Random) -> float:
    low, high = TARGET_TOTALS[level]
    return rng.randint(low, high)


def load(session: Session, targets: dict[str, tuple[str, int]]) -> int:
    """Bring the demo ideas named in ``targets`` (title → (state, year)) through rounds;
    returns how many rounds were made (0 when rounds exist already)."""
    if already_loaded(session):
        return 0
    with unit_of_work(session):  # one transaction: one commit, one search catch-up
        return _load(session, targets)


def _load(session: Session, targets: dict[str, tuple[str, int]]) -> int:
    council = _Council(session)
    if len(council.panel) < 3 or council.set_id is None:
        return 0
    eligible = {
        i.title: i
        for i in session.scalars(sa.select(Idea).where(Idea.status == S.ELIGIBLE).order_by(Idea.id))
    }
    chosen = [(eligible[t], s, y) for t, (s, y) in targets.items() if t in eligible]
    chosen = chosen[:MAX_IDEAS]
    decided = [(i, s, y) for i, s, y in chosen if s != S.IN_REVIEW]
    in_review = [i for i, s, _ in chosen if s == S.IN_REVIEW]
    made = 0
    rng = council.rng
    # Finalized rounds, one per year, oldest first.
    years = sorted({y for _, _, y in decided})
    for n, year in enumerate(years):
        wanted = {
            i.id: (rng.choices([lv for lv, _ in LEVEL_WEIGHTS], [w for _, w in LEVEL_WEIGHTS])[0]
                   if s == S.RECOGNIZED else None)
            for i, s, y in decided if y == year
        }  # fmt: skip
        ideas = [i for i, _, y in decided if y == year]
        rnd = council.round(
            f"Xét chọn sáng kiến cấp tỉnh năm {year}",
            year,
            ideas,
            deadline=date(year, 12, 15),
        )
        rounds.open_round(session, council.secretary, rnd.id)
        # The latest year: one idea loses a sheet (its reviewer never submits), so the round
        # has too few reviews to rank it and takes no decision on it.
        short = (
            next((i for i in wanted if wanted[i] is None), None) if n == len(years) - 1 else None
        )
        skipped = False
        for a in council.live(rnd):
            if a.idea_id == short and not skipped:
                skipped = True
                continue
            council.score(a, _total(wanted[a.idea_id], rng))
        deliberation.deliberate(session, council.secretary, rnd.id, force=skipped)
        for idea_id, level in wanted.items():
            if level in NOTES and idea_id != short and rng.random() < 0.5:
                deliberation.stage_decision(
                    session, council.secretary, rnd.id, idea_id, level, NOTES[level]
                )
        if short is not None:
            # Too few sheets to rank it: the council decides it explicitly before publishing.
            deliberation.stage_decision(
                session,
                council.secretary,
                rnd.id,
                short,
                None,
                "Chỉ có 1/2 phiếu chấm hợp lệ; hội đồng quyết định chưa công nhận.",
            )
        deliberation.finalize(session, council.secretary, rnd.id)
        made += 1
    today = date.today()
    half = len(in_review) // 2
    # In deliberation: every sheet in, two members far apart on the first idea.
    if in_review[:half]:
        rnd = council.round(
            f"Xét chọn sáng kiến cấp tỉnh năm {today.year} — đợt 1",
            today.year,
            in_review[:half],
            deadline=today - timedelta(days=3),
        )
        rounds.open_round(session, council.secretary, rnd.id)
        first = None
        for a in council.live(rnd):
            if first is None:
                first = a.idea_id
                council.score(a, 88)
                continue
            council.score(a, 40 if a.idea_id == first else _total("CONG_NHAN_TINH", rng))
        deliberation.deliberate(session, council.secretary, rnd.id)
        made += 1
    # Open for scoring: each member has submitted some sheets and has some still to do.
    if in_review[half:]:
        rnd = council.round(
            f"Xét chọn sáng kiến cấp tỉnh năm {today.year} — đợt 2",
            today.year,
            in_review[half:],
            deadline=today + timedelta(days=14),
        )
        rounds.open_round(session, council.secretary, rnd.id)
        # Each member submits the first half of their sheets (rounded down): someone with
        # one sheet still has it to do.
        mine: dict[int, list[Assignment]] = {}
        for a in council.live(rnd):
            mine.setdefault(a.reviewer_id, []).append(a)
        for rows in mine.values():
            for a in rows[: len(rows) // 2]:
                council.score(a, _total("DAT", rng))
        made += 1
    # Being set up: a few eligible ideas, the panel and assignments, not yet opened.
    waiting = list(
        session.scalars(
            sa.select(Idea).where(Idea.status == S.ELIGIBLE).order_by(Idea.year.desc(), Idea.id)
        )
    )
    if len(waiting) > 4:
        council.round(
            f"Xét chọn sáng kiến cấp tỉnh năm {today.year + 1}",
            today.year + 1,
            waiting[:4],
            deadline=date(today.year + 1, 11, 30),
        )
        made += 1
    return made
