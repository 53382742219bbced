"""Four rounds finalised at the same moment on PostgreSQL (threads, real connections): the
year's register numbers run 1..n with no gap and no number given twice."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from tests.reviews.conftest import SCORES_HIGH


@pytest.mark.postgres_only
def test_concurrent_finalizes_number_the_register_without_gaps_or_reuse(
    app, db_session, secretary, ready_round, score_all
):
    from ideadb.accounts.models import User
    from ideadb.extensions import db
    from ideadb.reviews import deliberation
    from ideadb.reviews.models import RegisterEntry

    round_ids = []
    for k in range(4):
        rnd, _ideas, _ = ready_round(3, 2, name=f"Đợt {k + 1} năm 2021")
        score_all(rnd, points=SCORES_HIGH)
        deliberation.deliberate(db_session, secretary(), rnd.id)
        round_ids.append(rnd.id)
    secretary_id = secretary().id
    db_session.remove()

    barrier = threading.Barrier(len(round_ids))
    errors: list[BaseException] = []

    def finalize(round_id: int):
        with app.app_context():
            try:
                actor = db.session.get(User, secretary_id)
                barrier.wait(timeout=60)
                deliberation.finalize(db.session, actor, round_id)
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=finalize, args=(rid,)) for rid in round_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]

    rows = db_session.execute(
        sa.select(RegisterEntry.year, RegisterEntry.number, RegisterEntry.round_id)
    ).all()
    assert len(rows) == 12
    assert len({r.year for r in rows}) == 1
    assert sorted(r.number for r in rows) == list(range(1, 13))
    # Each round's ideas got numbers of one transaction: its three are consecutive.
    for rid in round_ids:
        mine = sorted(r.number for r in rows if r.round_id == rid)
        assert mine == list(range(mine[0], mine[0] + 3))
