"""Every index follows the shared change log: holes, pruning, rebuilds, several hosts."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.core import changes
from ideadb.search import engine as search_engine
from ideadb.search import follow
from ideadb.search import service as search_service
from ideadb.search.documents import Visibility

ALL = Visibility.everything()


def found(app, query: str) -> list[int]:
    eng = search_engine.engine(app.config["INDEX_DIR"])
    return [h.id for h in eng.search(query, visibility=ALL, per_page=50).items]


# --- the position of an index -------------------------------------------------------------


def test_an_id_missing_from_a_range_read_is_a_hole_until_it_appears():
    pos = follow.Position(applied=10)
    pos.advance([(11, 1), (13, 2), (14, 3)], now=100.0)
    assert (pos.applied, sorted(pos.holes)) == (14, [12])
    pos.advance([(12, 9), (15, 4)], now=101.0)  # the late transaction committed
    assert (pos.applied, pos.holes) == (15, {})


def test_a_hole_is_given_up_after_the_window_and_a_sequence_jump_is_no_hole():
    pos = follow.Position(applied=1)
    pos.advance([(3, 1)], now=0.0)
    assert sorted(pos.holes) == [2]
    pos.expire(now=follow.HOLE_WINDOW.total_seconds() + 1)  # a rolled-back change
    assert pos.holes == {}
    pos.advance([(3 + follow.MAX_HOLES + 5, 1)], now=0.0)  # a sequence that jumped
    assert pos.holes == {}


# --- one host -----------------------------------------------------------------------------


def test_the_log_keeps_every_change_and_the_index_knows_where_it_stands(
    app, db_session, create_idea
):
    before = changes.latest_id(db_session)
    idea = create_idea()
    where = search_service.position(db_session)
    assert where.latest > before and where.lag == 0
    assert found(app, "lon den") == [idea.id]


def test_an_index_folder_deleted_while_serving_is_rebuilt_and_catches_up(
    app, db_session, create_idea
):
    first = create_idea()
    root = app.config["INDEX_DIR"]
    shutil.rmtree(root)
    with pytest.raises(search_engine.SearchUnavailable):
        found(app, "lon den")
    second = create_idea()  # the catch-up after this commit finds no index and rebuilds it
    assert sorted(found(app, "lon den")) == sorted([first.id, second.id])
    assert search_service.position(db_session).lag == 0


def test_an_index_behind_the_pruned_horizon_rebuilds_itself(app, db_session, create_idea):
    made = [create_idea().id for _ in range(3)]
    root = app.config["INDEX_DIR"]
    gen = search_engine.current_generation(root)
    follow.write_position(root, gen, follow.Position(applied=1))  # as if asleep for months
    app.config["SEARCH_LOG_RETENTION_DAYS"] = 0
    assert search_service.prune_log(app) > 0
    assert changes.pruned_through(db_session) > 1
    result = search_service.catch_up(app)
    assert result.rebuilt and result.lag == 0
    assert search_engine.current_generation(root) != gen
    assert sorted(found(app, "lon den")) == sorted(made)


def test_pruning_keeps_the_newest_row_and_young_rows(app, db_session, create_idea):
    create_idea()
    create_idea()
    latest = changes.latest_id(db_session)
    assert search_service.prune_log(app) == 0  # younger than 30 days
    app.config["SEARCH_LOG_RETENTION_DAYS"] = 0
    search_service.prune_log(app)
    assert changes.latest_id(db_session) == latest
    assert db_session.scalar(sa.select(sa.func.count()).select_from(changes.IdeaChange)) == 1


@pytest.mark.postgres_only
def test_a_change_committed_after_a_later_one_is_not_skipped(app, db_session, create_idea):
    """On PostgreSQL ids are taken at insert and committed in any order: the hole is revisited."""
    from ideadb.ideas.models import Idea

    late, early = create_idea(), create_idea()
    engine = db_session.get_bind()
    with Session(engine) as slow, Session(engine) as fast:
        slow.execute(sa.update(Idea).where(Idea.id == late.id).values(title="Lò sấy chè dẻo"))
        changes.record_idea_change(slow, late.id)
        slow.flush()  # takes the lower id, not committed yet
        fast.execute(sa.update(Idea).where(Idea.id == early.id).values(title="Máy cày mini"))
        changes.record_idea_change(fast, early.id)
        fast.commit()
        search_service.catch_up(app)
        assert found(app, "may cay") == [early.id]
        assert found(app, "lo say che") == []
        root = app.config["INDEX_DIR"]
        pos = follow.read_position(root, search_engine.current_generation(root))
        assert len(pos.holes) == 1
        slow.commit()
    search_service.catch_up(app)
    assert found(app, "lo say che") == [late.id]


def test_health_reports_the_database_and_the_lag_of_this_hosts_index(
    app, client, db_session, create_idea
):
    create_idea()
    body = client.get("/api/v1/health").get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["search"]["lag"] == 0
    assert body["search"]["applied"] == body["search"]["latest"] == changes.latest_id(db_session)
    root = app.config["INDEX_DIR"]
    gen = search_engine.current_generation(root)
    follow.write_position(root, gen, follow.Position(applied=body["search"]["latest"] - 1))
    assert client.get("/api/v1/health").get_json()["search"]["lag"] == 1


def test_health_answers_503_in_the_same_shape_when_the_database_is_away(tmp_path):
    from ideadb import create_app

    app = create_app(
        {
            "INSTANCE_DIR": str(tmp_path),
            "SECRET_KEY": "x",
            "TESTING": True,
            # nothing listens on port 9: the connection is refused at once
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:9/none",
        }
    )
    answer = app.test_client().get("/api/v1/health")
    assert answer.status_code == 503
    body = answer.get_json()
    assert (body["status"], body["database"]) == ("unavailable", "unavailable")
    assert set(body["search"]) == {"applied", "latest", "lag", "generation"}


def test_reindex_check_reports_the_lag_and_catches_up(app, runner, db_session, create_idea):
    idea = create_idea()
    root = app.config["INDEX_DIR"]
    gen = search_engine.current_generation(root)
    latest = changes.latest_id(db_session)
    follow.write_position(root, gen, follow.Position(applied=latest - 1))
    search_engine.engine(root).remove([idea.id])
    result = runner.invoke(args=["reindex", "--check"])
    assert f"mới nhất #{latest} (còn trễ 1)" in result.output
    assert "Đã áp dụng 1 thay đổi; còn trễ 0." in result.output
    assert result.exit_code == 0, result.output
    assert found(app, "lon den") == [idea.id]
