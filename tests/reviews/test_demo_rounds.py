"""The demo tells the whole story: rounds in every phase, every reviewed idea explained by a
round, every demo account with something to do on its home page; deterministic."""

from __future__ import annotations

import sqlalchemy as sa


def test_quickstart_demo_has_rounds_in_every_phase_and_work_for_every_account(app, db_session):
    from ideadb.accounts.models import User
    from ideadb.demo import DEMO_USERS, load_demo
    from ideadb.home.service import home_sections
    from ideadb.ideas.models import Idea
    from ideadb.reviews import demo as reviews_demo
    from ideadb.reviews.deliberation import discussions
    from ideadb.reviews.models import Assignment, Round, RoundIdea
    from ideadb.reviews.results import ranking, results_for_idea

    load_demo(db_session)
    rounds = db_session.scalars(sa.select(Round).order_by(Round.id)).all()
    by_status = {r.status: [x for x in rounds if x.status == r.status] for r in rounds}
    assert set(by_status) == {"draft", "reviewing", "deliberation", "finalized"}

    # No idea in a state that no round explains.
    ideas = db_session.scalars(sa.select(Idea)).all()
    in_round = dict(db_session.execute(sa.select(RoundIdea.idea_id, RoundIdea.round_id)).all())
    status_of = {r.id: r.status for r in rounds}
    for idea in ideas:
        if idea.status == "in_review":
            assert status_of[in_round[idea.id]] != "finalized", idea.title
        if idea.status in ("recognized", "not_recognized"):
            assert idea.id in in_round and status_of[in_round[idea.id]] == "finalized"
        if idea.status == "recognized":
            assert idea.recognized_round_id == in_round[idea.id]
    assert {i.status for i in ideas} >= {"in_review", "recognized", "not_recognized"}

    secretary = db_session.scalar(sa.select(User).where(User.username == "thuky"))
    # Scoring: some sheets submitted, some not.
    open_round = by_status["reviewing"][0]
    states = db_session.scalars(
        sa.select(Assignment.status).where(Assignment.round_id == open_round.id)
    ).all()
    assert "submitted" in states and {"pending_confirmation", "active"} & set(states)
    # Deliberation: a disagreement not yet resolved.
    delib = by_status["deliberation"][0]
    items = ranking(db_session, secretary, delib.id)["items"]
    assert any(i["flagged"] and not i["resolved_by"] for i in items)
    assert discussions(db_session, secretary, delib.id) == []
    # Finalized: results with scores, and one idea left without a decision for too few sheets.
    explained = []
    for rnd in by_status["finalized"]:
        for idea_id in db_session.scalars(
            sa.select(RoundIdea.idea_id).where(RoundIdea.round_id == rnd.id)
        ):
            for r in results_for_idea(db_session, secretary, idea_id):
                assert "final_score" in r
                explained.append(r["too_few_reviews"])
    assert explained.count(True) == 1

    # Every demo account has something to do: a task with a count on its home page.
    for username, *_ in DEMO_USERS:
        user = db_session.scalar(sa.select(User).where(User.username == username))
        with app.test_request_context("/"):
            tasks = [t for s in home_sections(db_session, user) for t in s.tasks]
        assert any(t.count > 0 and t.endpoint for t in tasks), username

    # Loading again adds nothing.
    assert reviews_demo.load(db_session, {}) == 0
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Round)) == len(rounds)


def test_demo_rounds_are_deterministic(db_session):
    from ideadb.demo import load_demo
    from ideadb.reviews.models import Review

    load_demo(db_session, ideas=40)
    first = sorted(
        (r.assignment_id, sorted(r.scores.items())) for r in db_session.scalars(sa.select(Review))
    )
    from ideadb.ideas import demo as ideas_demo
    from ideadb.reviews import demo as reviews_demo

    assert first  # scored sheets exist
    # The same seed gives the same targets again.
    assert ideas_demo.review_targets(40) == ideas_demo.review_targets(40)
    assert reviews_demo.SEED == 20211215
