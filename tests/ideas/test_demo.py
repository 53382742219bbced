"""Demo ideas: at least 200, every state, published ones, deterministic, bulk = services."""

import re
import unicodedata

import sqlalchemy as sa

from ideadb.accounts.models import Notification, User
from ideadb.audit.models import AuditEvent
from ideadb.demo import DEMO_USERS, load_demo
from ideadb.ideas import demo, service
from ideadb.ideas.models import STATUS_VALUES, Idea, IdeaCodeCounter, IdeaRevision
from ideadb.units.models import Unit
from tests.conftest import make_test_app

TEXT_FIELDS = ("title", "summary", "description", "novelty", "benefits")


def test_demo_loads_at_least_200_ideas_in_every_state_in_natural_nfc_vietnamese(db_session):
    load_demo(db_session)
    ideas = db_session.scalars(sa.select(Idea).order_by(Idea.id)).all()
    assert len(ideas) >= 200
    assert {i.status for i in ideas} == set(STATUS_VALUES)
    assert len({i.area for i in ideas}) == 5
    districts = {u.id: u.code for u in db_session.scalars(sa.select(Unit))}
    assert len({districts[i.district_id] for i in ideas if i.district_id}) == 8
    assert {i.year for i in ideas} == set(range(2019, 2025))
    published = [i for i in ideas if service.is_published(i)]
    assert published and all(i.status == "recognized" for i in published)
    registrants = {u.username for u in db_session.scalars(sa.select(User))}
    assert registrants >= {u[0] for u in DEMO_USERS}
    demo_ids = {
        u.id
        for u in db_session.scalars(sa.select(User))
        if u.username in dict.fromkeys(name for name, *_ in DEMO_USERS)
    }
    for idea in ideas:
        assert idea.registrant_id in demo_ids
        for key in TEXT_FIELDS:
            assert unicodedata.is_normalized("NFC", getattr(idea, key))
        assert sum(a.share for a in idea.authors) == 100
        assert all(unicodedata.is_normalized("NFC", a.name) for a in idea.authors)
        if idea.status != "draft" and idea.code:
            assert re.fullmatch(rf"BK-{idea.year}-\d{{4}}", idea.code)
    assert len({i.title for i in ideas}) == len(ideas)


def test_demo_is_deterministic_and_loading_again_adds_nothing(db_session):
    titles = [i["title"] for _, i, _, _ in demo.plan(40)]
    assert titles == [i["title"] for _, i, _, _ in demo.plan(40)]
    load_demo(db_session, ideas=40)
    assert db_session.scalars(sa.select(Idea.title).order_by(Idea.id)).all() == titles
    assert demo.load(db_session, 40) == 0
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 40


def test_a_bigger_demo_tops_up_the_ideas_already_loaded(db_session):
    load_demo(db_session, ideas=12)
    first = db_session.scalars(sa.select(Idea.title).order_by(Idea.id)).all()
    seen = []
    added = demo.load(db_session, 30, progress=seen.append)
    assert added == 18 and sum(seen) == 30
    titles = db_session.scalars(sa.select(Idea.title).order_by(Idea.id)).all()
    assert titles[:12] == first
    assert titles == [i["title"] for _, i, _, _ in demo.plan(30)]


def test_demo_command_reports_progress(runner, db_session):
    from ideadb.cli import main

    result = runner.invoke(main, args=["demo", "--ideas", "15"])
    assert result.exit_code == 0, result.output
    assert "Dữ liệu mẫu" in result.output and "Xong sau" in result.output
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 15


def _dump(app) -> dict:
    """Everything the demo wrote, by content rather than by timestamps."""
    from ideadb.extensions import db

    with app.app_context():
        session = db.session
        users = dict(session.execute(sa.select(User.id, User.username)).all())
        units = dict(session.execute(sa.select(Unit.id, Unit.code)).all())
        ideas = []
        for idea in session.scalars(sa.select(Idea).order_by(Idea.id)):
            ideas.append(
                {
                    "snapshot": service.snapshot(idea),
                    "id": idea.id,
                    "registrant": users.get(idea.registrant_id),
                    "unit": units.get(idea.unit_id),
                    "district": units.get(idea.district_id),
                    "version": idea.version,
                    "submitted": idea.submitted_at is not None,
                    "screening": (
                        idea.screening_note,
                        users.get(idea.screened_by_id),
                        idea.screened_at is not None,
                    ),
                    "recognition": (
                        idea.recognized_level,
                        idea.recognized_scope,
                        idea.recognized_round_id,
                        idea.recognized_at is not None,
                    ),
                    "public_override": idea.public_override,
                }
            )
        events = [
            (e.action, users.get(e.actor_id), e.object_type, e.object_id, e.before, e.after)
            for e in session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.object_type == "idea", AuditEvent.action != "demo.load")
                .order_by(AuditEvent.id)
            )
        ]
        revisions = [
            (r.idea_id, r.version, r.action, users.get(r.actor_id), r.snapshot)
            for r in session.scalars(sa.select(IdeaRevision).order_by(IdeaRevision.id))
        ]
        notices = sorted(
            (users.get(n.user_id), n.text, n.link, n.read_at)
            for n in session.scalars(sa.select(Notification))
        )
        counters = session.execute(
            sa.select(IdeaCodeCounter.prefix, IdeaCodeCounter.year, IdeaCodeCounter.last).order_by(
                IdeaCodeCounter.year
            )
        ).all()
        return {
            "ideas": ideas,
            "events": events,
            "revisions": revisions,
            "notices": notices,
            "counters": counters,
        }


def test_bulk_loading_writes_exactly_what_the_service_calls_write(db_backend, tmp_path):
    from ideadb.demo import ensure_demo_users
    from ideadb.extensions import db

    dumps = {}
    for bulk in (False, True):
        # A fresh database each time (on PostgreSQL the same one, emptied).
        other = make_test_app(tmp_path / ("bulk" if bulk else "services"), db_backend)
        with other.app_context():
            ensure_demo_users(db.session)
            assert demo.load(db.session, 45, bulk=bulk) == 45
            db.session.remove()
        dumps[bulk] = _dump(other)
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
    services, bulk = dumps[False], dumps[True]
    assert len(services["ideas"]) == 45
    # Review and its outcome are the rounds' part (ideadb.reviews.demo), not the ideas' load.
    reviewed = {"in_review", "recognized", "not_recognized"}
    assert {i["snapshot"]["status"] for i in services["ideas"]} == set(STATUS_VALUES) - reviewed
    assert services["notices"], "screening notifies the people of an idea"
    for key in ("ideas", "events", "revisions", "notices", "counters"):
        assert bulk[key] == services[key], key
