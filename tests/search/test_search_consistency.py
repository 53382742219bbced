"""The index follows the database: a change-log row in the same transaction, applied after commit."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ideadb.core.changes import IdeaChange
from ideadb.core.db import unit_of_work
from ideadb.search import engine as search_engine
from ideadb.search import service as search_service
from ideadb.search import storage
from ideadb.search.documents import Visibility

ALL = Visibility.everything()


def found(app, query: str) -> list[int]:
    eng = search_engine.engine(app.config["INDEX_DIR"])
    return [h.id for h in eng.search(query, visibility=ALL, per_page=50).items]


def logged(db_session) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(IdeaChange))


def lag(app, db_session) -> int:
    return search_service.position(db_session, app).lag


def test_a_new_idea_and_an_edit_are_searchable_right_after_commit(app, db_session, create_idea):
    from ideadb.ideas import service as ideas

    idea = create_idea()
    assert found(app, "lon den") == [idea.id]
    ideas.update_idea(db_session, idea.registrant, idea.id, {"title": "Máy sấy măng tre"})
    assert found(app, "say mang") == [idea.id]
    assert found(app, "lon den ban dia cỏ số") in ([], [idea.id])  # the old title is gone
    assert idea.id not in found(app, '"kết hợp trồng cỏ số"')
    assert logged(db_session) == 2  # the log keeps both changes for every other index
    assert lag(app, db_session) == 0


def test_status_changes_and_recognition_reach_the_index(app, db_session, create_idea, client):
    idea = create_idea(status="recognized")
    body = client.get("/api/v1/search?q=lon+den").get_json()
    assert [i["id"] for i in body["items"]] == [idea.id]
    hit = search_engine.engine(app.config["INDEX_DIR"]).search("lon den", visibility=ALL).items[0]
    assert (hit.status, hit.level, hit.published) == ("recognized", "CONG_NHAN_TINH", True)


def test_a_rolled_back_change_never_reaches_the_index(app, db_session, create_idea):
    from ideadb.ideas import service as ideas

    idea = create_idea()
    with pytest.raises(RuntimeError), unit_of_work(db_session):
        ideas.update_idea(db_session, idea.registrant, idea.id, {"title": "Lò đốt rác mini"})
        raise RuntimeError("the rest of the change failed")
    assert found(app, "lo dot rac") == []
    assert found(app, "lon den") == [idea.id]
    assert logged(db_session) == 1  # only the creation: the rolled-back change left nothing


def test_a_change_meeting_a_busy_index_is_applied_by_the_next_catch_up(
    app, db_session, create_idea
):
    from ideadb.ideas import service as ideas

    idea = create_idea()
    root = app.config["INDEX_DIR"]
    holder = search_engine.Engine(root)
    lock = storage.open_writer(storage.open_index(root, holder.generation()), 1.0)
    try:
        old = search_service.WRITE_TIMEOUT
        search_service.WRITE_TIMEOUT = 0.1
        ideas.update_idea(db_session, idea.registrant, idea.id, {"title": "Bếp đun tiết kiệm củi"})
    finally:
        search_service.WRITE_TIMEOUT = old
        lock.cancel()
    assert lag(app, db_session) == 1
    assert found(app, "bep dun") == []
    result = search_service.catch_up(app)
    assert (result.indexed, result.lag) == (1, 0)
    assert found(app, "bep dun") == [idea.id]


def test_reindex_check_lists_and_repairs_what_is_missing_or_stale(
    app, db_session, create_idea, runner
):
    a = create_idea()
    b = create_idea()
    eng = search_engine.engine(app.config["INDEX_DIR"])
    eng.remove([a.id])
    db_session.execute(sa.update(type(b)).where(type(b).id == b.id).values(title="Đổi tên"))
    db_session.commit()  # changed behind the outbox's back

    result = runner.invoke(args=["reindex", "--check", "--no-repair"])
    assert result.exit_code == 1
    assert f"Thiếu trong chỉ mục: 1 — {a.id}" in result.output
    assert f"Cũ (khác cơ sở dữ liệu): 1 — {b.id}" in result.output

    result = runner.invoke(args=["reindex", "--check"])
    assert result.exit_code == 1 and "Đã sửa 2 mục." in result.output
    result = runner.invoke(args=["reindex", "--check"])
    assert result.exit_code == 0, result.output
    assert found(app, "doi ten") == [b.id]


def test_reindex_rebuilds_beside_the_live_index_and_swaps(app, db_session, create_idea, runner):
    ideas = [create_idea() for _ in range(3)]
    eng = search_engine.engine(app.config["INDEX_DIR"])
    before = eng.generation()
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "3 ý tưởng" in result.output
    assert eng.generation() != before
    assert sorted(found(app, "lon den")) == sorted(i.id for i in ideas)
    assert runner.invoke(args=["reindex", "--check"]).exit_code == 0
