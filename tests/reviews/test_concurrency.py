"""Fifty reviewers saving and submitting at once on PostgreSQL (threads, real connections):
no score is lost, no sheet is duplicated, a stale tab never overwrites a newer save."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

FULL = {"TINH_MOI": 25, "KHA_NANG_AP_DUNG": 20, "HIEU_QUA": 24, "TINH_KINH_TE": 12}


def _run(app, jobs, timeout=60):
    from ideadb.extensions import db

    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def worker(job):
        with app.app_context():
            try:
                barrier.wait(timeout=timeout)
                job()
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout * 2)
    assert not errors, errors[:3]


@pytest.mark.postgres_only
def test_fifty_reviewers_saving_and_submitting_at_once_lose_nothing(app, db_session, ready_round):
    from ideadb.accounts.models import User
    from ideadb.core.errors import StaleVersion
    from ideadb.extensions import db
    from ideadb.reviews import assignments, sheets
    from ideadb.reviews.models import Assignment, Review

    rnd, _ideas, _reviewers = ready_round(25, 50)
    round_id = rnd.id
    pairs = [
        (a.id, a.reviewer_id)
        for a in db_session.scalars(sa.select(Assignment).where(Assignment.round_id == rnd.id))
    ]
    assert len(pairs) == 50 and len({r for _, r in pairs}) == 50
    for aid, rid in pairs:
        sheets.confirm(db_session, db_session.get(User, rid), aid, conflict=False)
    db_session.remove()

    # Two tabs of every reviewer save a first draft at the same moment: one wins per sheet.
    winners: dict[int, int] = {}
    stale: list[int] = []
    lock = threading.Lock()

    def first_save(aid: int, rid: int, points: int):
        def job():
            actor = db.session.get(User, rid)
            try:
                sheets.save_review(
                    db.session, actor, aid,
                    scores={"TINH_MOI": points}, comments={}, comment="", version=0,
                )  # fmt: skip
            except StaleVersion:
                with lock:
                    stale.append(aid)
            else:
                with lock:
                    assert aid not in winners
                    winners[aid] = points

        return job

    jobs = []
    for n, (aid, rid) in enumerate(pairs):
        jobs.append(first_save(aid, rid, 10 + n % 10))
        jobs.append(first_save(aid, rid, 20 + n % 10))
    _run(app, jobs)
    assert sorted(winners) == sorted(aid for aid, _ in pairs)
    assert sorted(stale) == sorted(aid for aid, _ in pairs)

    # Everyone completes the sheet with the version they read, then submits, all at once.
    def complete(aid: int, rid: int):
        def job():
            actor = db.session.get(User, rid)
            review = sheets.save_review(
                db.session, actor, aid,
                scores={**FULL, "TINH_KINH_TE": rid % 15}, comments={"HIEU_QUA": f"r{rid}"},
                comment="", version=1,
            )  # fmt: skip
            assert review.version == 2
            sheets.submit_review(db.session, actor, aid)

        return job

    _run(app, [complete(aid, rid) for aid, rid in pairs])
    reviews = db_session.scalars(
        sa.select(Review).join(Assignment).where(Assignment.round_id == round_id)
    ).all()
    assert len(reviews) == 50
    by_assignment = {r.assignment_id: r for r in reviews}
    for aid, rid in pairs:
        review = by_assignment[aid]
        assert review.status == "submitted" and review.version == 3
        assert review.scores["TINH_KINH_TE"] == f"{rid % 15}.00"
        assert review.comments == {"HIEU_QUA": f"r{rid}"}
    progress = assignments.progress(db_session, _secretary(db_session), round_id)
    assert progress["submitted"] == 50


def _secretary(session):
    from ideadb.accounts.models import User, UserRole

    return session.scalar(
        sa.select(User).join(UserRole).where(UserRole.role == "secretary").limit(1)
    )


@pytest.mark.postgres_only
def test_two_tabs_submitting_one_sheet_at_once_submit_it_once(app, db_session, ready_round):
    from ideadb.accounts.models import User
    from ideadb.core.errors import Conflict
    from ideadb.extensions import db
    from ideadb.reviews import sheets
    from ideadb.reviews.models import Assignment

    rnd, _ideas, _reviewers = ready_round(1, 2)
    a = db_session.scalar(sa.select(Assignment).where(Assignment.round_id == rnd.id).limit(1))
    actor = db_session.get(User, a.reviewer_id)
    sheets.confirm(db_session, actor, a.id, conflict=False)
    sheets.save_review(db_session, actor, a.id, scores=FULL, comments={}, comment="", version=0)
    aid, rid = a.id, a.reviewer_id
    db_session.remove()
    outcomes: list[str] = []

    def job():
        try:
            sheets.submit_review(db.session, db.session.get(User, rid), aid)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    _run(app, [job, job, job])
    assert sorted(outcomes) == ["conflict", "conflict", "ok"]
