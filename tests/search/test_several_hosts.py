"""Two hosts (two instance folders, two indexes) on one database, each with its own worker.

What README's production section promises: a change made through either host is found
through the other within seconds, without any reindex, and a request never waits for the
index.
"""

from __future__ import annotations

import shutil
import time

import pytest

from ideadb.core import jobs
from ideadb.core.permissions import SYSTEM
from ideadb.search import engine as search_engine
from ideadb.search.documents import Visibility
from tests.conftest import PG_URL, make_test_app

ALL = Visibility.everything()
FINDABLE_WITHIN = 2.0


@pytest.fixture
def hosts(tmp_path, db_backend):
    """Host A and host B: one database, separate index folders, a worker thread each."""
    url = PG_URL if db_backend == "postgres" else f"sqlite:///{tmp_path / 'shared.sqlite'}"
    made = []
    for name in ("a", "b"):
        app = make_test_app(
            tmp_path / name, db_backend, SQLALCHEMY_DATABASE_URI=url, JOBS_INLINE=False
        )
        app.config["WORKER_POLL_SECONDS"] = 0.1
        worker = jobs.Worker(app, name=f"host-{name}")
        made.append((app, worker, worker.start_thread()))
    yield [app for app, _, _ in made]
    for app, worker, thread in made:
        worker.stop()
        thread.join(timeout=30)
        from ideadb.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _owner(app):
    from ideadb.accounts import service as accounts
    from ideadb.extensions import db
    from ideadb.units.models import Unit

    with app.app_context():
        unit = db.session.scalar(db.select(Unit.id).where(Unit.code == "BK-BB-NM"))
        user = accounts.create_user(
            db.session,
            SYSTEM,
            username="chuho",
            password="mat-khau-thu-nghiem",
            full_name="Chủ hộ",
            roles=["submitter"],
            unit_id=unit,
        )
        return user.id, unit


def _create(app, owner_id, unit_id, title):
    from ideadb.accounts.models import User
    from ideadb.extensions import db
    from ideadb.ideas import service

    with app.app_context():
        owner = db.session.get(User, owner_id)
        idea = service.create_idea(
            db.session,
            owner,
            {
                "title": title,
                "summary": "Tóm tắt để thử hai máy chủ.",
                "area": "san_xuat_kinh_doanh",
                "year": 2024,  # Xã Nam Mẫu's district ended on 30/06/2025
                "unit_id": unit_id,
            },
        )
        idea_id = idea.id
        db.session.remove()
        return idea_id


def _edit(app, owner_id, idea_id, title):
    from ideadb.accounts.models import User
    from ideadb.extensions import db
    from ideadb.ideas import service

    with app.app_context():
        service.update_idea(db.session, db.session.get(User, owner_id), idea_id, {"title": title})
        db.session.remove()


def _wait_found(app, query: str, idea_id: int) -> float:
    """Seconds until ``idea_id`` is the answer to ``query`` through ``app``'s index."""
    eng = search_engine.engine(app.config["INDEX_DIR"])
    started = time.monotonic()
    while True:
        hits = [h.id for h in eng.search(query, visibility=ALL, per_page=5).items]
        if hits == [idea_id]:
            return time.monotonic() - started
        if time.monotonic() - started > FINDABLE_WITHIN:
            raise AssertionError(f"{query!r} not found through the other host: {hits}")
        time.sleep(0.02)


WORDS = [
    "bèo", "cói", "dứa", "gấc", "hồi", "khế", "lạc", "mơ", "nghệ", "ổi",
    "quế", "rau", "sắn", "tỏi", "ươi", "vải", "xoài", "yến", "chè", "đào",
]  # fmt: skip


def test_changes_through_either_host_are_found_through_the_other(hosts):
    a, b = hosts
    owner_id, unit_id = _owner(a)
    delays = []
    for n, word in enumerate(WORDS):
        writer, reader = (a, b) if n % 2 == 0 else (b, a)
        idea_id = _create(writer, owner_id, unit_id, f"Sấy {word} bằng năng lượng mặt trời số {n}")
        delays.append(_wait_found(reader, f'"sấy {word}"', idea_id))
        _edit(reader, owner_id, idea_id, f"Ủ {word} lên men truyền thống số {n}")
        delays.append(_wait_found(writer, f'"ủ {word}"', idea_id))
        assert _wait_found(reader, f'"ủ {word}"', idea_id) < FINDABLE_WITHIN
    assert max(delays) < FINDABLE_WITHIN


def test_an_index_folder_deleted_while_serving_is_rebuilt_by_its_worker(hosts):
    a, b = hosts
    owner_id, unit_id = _owner(a)
    first = _create(a, owner_id, unit_id, "Máy bóc vỏ lạc cải tiến")
    _wait_found(b, '"bóc vỏ lạc"', first)
    shutil.rmtree(b.config["INDEX_DIR"])
    second = _create(a, owner_id, unit_id, "Máy tách hạt ngô cải tiến")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            _wait_found(b, '"tách hạt ngô"', second)
            break
        except (AssertionError, search_engine.SearchUnavailable):
            time.sleep(0.1)
    assert _wait_found(b, '"tách hạt ngô"', second) < FINDABLE_WITHIN
    assert _wait_found(b, '"bóc vỏ lạc"', first) < FINDABLE_WITHIN


def test_a_request_does_not_wait_for_the_index_and_the_worker_applies_it(tmp_path, db_backend):
    """Without a worker running, an edit commits and answers; the index follows only when
    ``ideadb worker`` runs (here once)."""
    app = make_test_app(tmp_path, db_backend, JOBS_INLINE=False)
    owner_id, unit_id = _owner(app)
    client = app.test_client()
    idea_id = _create(app, owner_id, unit_id, "Bếp đun cải tiến tiết kiệm củi")
    from ideadb.extensions import db
    from ideadb.search import service as search_service

    with app.app_context():
        assert search_service.position(db.session).lag >= 1  # committed, not yet indexed
        db.session.remove()
    eng = search_engine.engine(app.config["INDEX_DIR"])
    assert eng.search('"bếp đun"', visibility=ALL).total == 0
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert [h.id for h in eng.search('"bếp đun"', visibility=ALL).items] == [idea_id]
    health = client.get("/api/v1/health").get_json()
    assert health["search"]["lag"] == 0
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
