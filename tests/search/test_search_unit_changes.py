"""An idea's unit name is in its index entry: renaming the unit refreshes its ideas."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ideadb.core.changes import IdeaChange
from ideadb.core.db import unit_of_work
from ideadb.search import engine as search_engine
from ideadb.search import service as search_service
from ideadb.search.documents import Visibility
from ideadb.units import service as units


def public_ids(client, query: str) -> list[int]:
    body = client.get("/api/v1/search", query_string={"q": query}).get_json()
    return [item["id"] for item in body["items"]]


def logged(db_session) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(IdeaChange))


def lag(db_session) -> int:
    """Change-log rows this host's index has not applied."""
    return search_service.position(db_session).lag


@pytest.fixture
def admin(make_user):
    return make_user("quantri", roles=["admin"])


def test_renaming_a_unit_through_the_service_refreshes_the_ideas_of_that_unit(
    client, db_session, create_idea, unit_id, admin
):
    ours = create_idea(status="recognized", unit="BK-BB-NM", title="Máy tuốt lúa đạp chân")
    other = create_idea(status="recognized", unit="BK-BB", title="Máy tuốt lúa cải tiến")
    assert public_ids(client, '"nam mau"') == [ours.id]

    units.update_unit(db_session, admin, unit_id("BK-BB-NM"), {"name": "Xã Hồ Phiêng Toản"})

    assert public_ids(client, '"phieng toan"') == [ours.id]
    assert public_ids(client, '"Phiêng Toản"') == [ours.id]
    assert ours.id not in public_ids(client, '"nam mẫu"')
    assert other.id in public_ids(client, "tuot lua")
    assert lag(db_session) == 0
    assert search_service.check(db_session).ok


def test_renaming_a_unit_on_the_admin_page_refreshes_the_search_results(
    client, db_session, create_idea, unit_id, admin, login
):
    idea = create_idea(status="recognized", unit="BK-BB-NM")
    login("quantri")
    uid = unit_id("BK-BB-NM")
    resp = client.submit(
        f"/quan-tri/don-vi/{uid}",
        {
            "name": "Xã Nam Mẫu Phiêng Toản",
            "kind": "commune",
            "code": "BK-BB-NM",
            "parent_id": str(unit_id("BK-BB")),
            "valid_from": "",
            "valid_to": "",
            "successor_id": "0",
        },
    )
    assert resp.status_code == 302
    assert public_ids(client, '"phiêng toản"') == [idea.id]
    assert search_service.check(db_session).ok


def test_a_rolled_back_rename_leaves_the_index_and_the_change_log_as_they_were(
    client, db_session, create_idea, unit_id, admin
):
    idea = create_idea(status="recognized", unit="BK-BB-NM")
    before = logged(db_session)
    with pytest.raises(RuntimeError), unit_of_work(db_session):
        units.update_unit(db_session, admin, unit_id("BK-BB-NM"), {"name": "Xã Phiêng Toản"})
        raise RuntimeError("the rest of the change failed")
    assert public_ids(client, '"phieng toan"') == []
    assert public_ids(client, '"nam mau"') == [idea.id]
    assert logged(db_session) == before


def test_renaming_a_unit_without_ideas_records_no_idea_change(
    db_session, create_idea, unit_id, admin
):
    create_idea(unit="BK-BB-NM")
    before = logged(db_session)
    units.update_unit(db_session, admin, unit_id("BK-NR"), {"name": "Huyện Na Rì mới"})
    assert logged(db_session) == before
    assert search_service.check(db_session).ok


def test_a_unit_with_more_ideas_than_one_batch_is_caught_up_in_one_pass(
    app, db_session, create_idea, unit_id, admin, monkeypatch
):
    monkeypatch.setattr(search_service, "FOLLOW_BATCH", 2)  # four batches for seven ideas
    made = [create_idea(unit="BK-BB-NM").id for _ in range(7)]
    units.update_unit(db_session, admin, unit_id("BK-BB-NM"), {"name": "Xã Phiêng Toản"})
    eng = search_engine.engine(app.config["INDEX_DIR"])
    result = eng.search('"phiêng toản"', visibility=Visibility.everything(), per_page=50)
    assert sorted(hit.id for hit in result.items) == sorted(made)
    assert lag(db_session) == 0
