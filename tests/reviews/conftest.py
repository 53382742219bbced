"""Factories of the review rounds' tests: a criteria set, rounds, panels, a scored round."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

SCORES_HIGH = {"TINH_MOI": 27, "KHA_NANG_AP_DUNG": 22, "HIEU_QUA": 26, "TINH_KINH_TE": 13}
SCORES_LOW = {"TINH_MOI": 10, "KHA_NANG_AP_DUNG": 10, "HIEU_QUA": 10, "TINH_KINH_TE": 5}


@pytest.fixture
def criteria_set_id(db_session):
    """The shipped default criteria set (4 criteria, weights 30/25/30/15), active."""
    from ideadb.criteria import reference, service
    from ideadb.criteria.models import CriteriaSet

    service.load_reference_sets(db_session)
    code = reference.REFERENCE_SETS[0][0]
    return db_session.scalar(sa.select(CriteriaSet.id).where(CriteriaSet.reference_code == code))


@pytest.fixture
def create_round(db_session, secretary, criteria_set_id):
    """create_round(name=..., blind=True, ...) through the service, by the secretary."""
    from ideadb.reviews import rounds

    def make(**overrides):
        data = {
            "name": "Đợt xét chọn sáng kiến cấp tỉnh năm 2021",
            "year": 2021,
            "level": "tinh",
            "criteria_set_id": criteria_set_id,
            "reviewers_per_idea": 2,
            "aggregation": "mean",
            "blind": False,
            "disagreement_threshold": 20,
        }
        data.update(overrides)
        return rounds.create_round(db_session, secretary(), data)

    return make


@pytest.fixture
def create_reviewer(make_user):
    """A council member (role reviewer) of a unit."""

    def make(name: str | None = None, unit: str = "BK-SKHCN", **kwargs):
        return make_user(roles=["reviewer"], unit=unit, full_name=name, **kwargs)

    return make


@pytest.fixture
def ready_round(db_session, secretary, create_round, create_idea, create_reviewer):
    """A round with ``n_ideas`` eligible ideas and ``n_reviewers`` reviewers, auto-assigned
    and (``open=True``) opened. Returns (round, ideas, reviewers)."""
    from ideadb.reviews import assignments, rounds

    def make(n_ideas: int = 3, n_reviewers: int = 3, *, open: bool = True, **round_fields):
        rnd = create_round(**round_fields)
        ideas = [create_idea(status="eligible") for _ in range(n_ideas)]
        reviewers = [create_reviewer() for _ in range(n_reviewers)]
        rounds.add_ideas(db_session, secretary(), rnd.id, [i.id for i in ideas])
        rounds.add_reviewers(db_session, secretary(), rnd.id, [u.id for u in reviewers])
        assignments.auto_assign(db_session, secretary(), rnd.id)
        if open:
            rounds.open_round(db_session, secretary(), rnd.id)
        return rnd, ideas, reviewers

    return make


@pytest.fixture
def score_all(db_session):
    """Confirm and submit every open assignment of a round with the given points."""
    from ideadb.reviews import sheets
    from ideadb.reviews.models import Assignment

    def run(rnd, points=None, by_idea=None):
        rows = db_session.scalars(
            sa.select(Assignment)
            .where(
                Assignment.round_id == rnd.id,
                Assignment.status.in_(["pending_confirmation", "active"]),
            )
            .order_by(Assignment.id)
        ).all()
        for a in rows:
            reviewer = a.reviewer
            if a.status == "pending_confirmation":
                sheets.confirm(db_session, reviewer, a.id, conflict=False)
            scores = (by_idea or {}).get(a.idea_id) or points or SCORES_HIGH
            if callable(scores):
                scores = scores(a)
            review = sheets.review_of(db_session, a)
            sheets.save_review(
                db_session,
                reviewer,
                a.id,
                scores=scores,
                comments={},
                comment="Nhận xét chung.",
                version=review.version if review else 0,
            )
            sheets.submit_review(db_session, reviewer, a.id)

    return run


DOCUMENT = {
    "governing_body": "Ủy ban MTTQ Việt Nam tỉnh Bắc Kạn",
    "issuing_body": "Ban Thường trực",
    "number": "25/QĐ-MTTQ-BTT",
    "place": "Bắc Kạn",
    "authority": "TM. Ban Thường trực",
    "signer_title": "Phó Chủ tịch",
    "signer_name": "Hoàng Văn Páo",
}


@pytest.fixture
def finalized(db_session, secretary, ready_round, score_all):
    """A finalized round of 3 ideas: two recognised (high scores), one not (low scores)."""
    from ideadb.reviews import deliberation

    def make(**round_fields):
        rnd, ideas, reviewers = ready_round(3, 3, document=DOCUMENT, **round_fields)
        low = ideas[2].id
        score_all(rnd, points=lambda a: SCORES_LOW if a.idea_id == low else SCORES_HIGH)
        deliberation.deliberate(db_session, secretary(), rnd.id)
        deliberation.finalize(db_session, secretary(), rnd.id)
        return rnd, ideas, reviewers

    return make
