"""Votes cast at the same moment on PostgreSQL (threads, real connections): every
citizen's vote counts once, and an account clicking many times at once counts once."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa


@pytest.mark.postgres_only
def test_simultaneous_votes_never_double_count(app, db_session, ready_round, secretary, make_user):
    from ideadb.accounts.models import User
    from ideadb.core.errors import Conflict
    from ideadb.extensions import db
    from ideadb.reviews import votes
    from ideadb.reviews.models import PublicVote

    rnd, ideas, _ = ready_round(2, 2, public_vote={"weight": 20})
    votes.open_vote(db_session, secretary(), rnd.id)
    citizens = [make_user(email=f"dan{i}@example.vn").id for i in range(20)]
    eager = citizens[0]
    round_id, first, second = rnd.id, ideas[0].id, ideas[1].id
    db_session.remove()

    outcomes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    # 20 citizens vote for the first idea; the first of them also clicks 10 times at once
    # on the second idea.
    jobs = [(uid, first) for uid in citizens] + [(eager, second)] * 10
    barrier = threading.Barrier(len(jobs))

    def worker(user_id: int, idea_id: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                db.session.commit()  # give the connection back while waiting
                barrier.wait(timeout=60)
                votes.cast_vote(db.session(), user, round_id, idea_id)
                result = "ok"
            except Conflict:
                result = "duplicate"
            except BaseException as exc:  # reported below
                with lock:
                    errors.append(exc)
                return
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=worker, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]
    assert outcomes.count("ok") == 21 and outcomes.count("duplicate") == 9
    counts = dict(
        db.session.execute(
            sa.select(PublicVote.idea_id, sa.func.count())
            .where(PublicVote.round_id == round_id)
            .group_by(PublicVote.idea_id)
        ).all()
    )
    assert counts == {first: 20, second: 1}
