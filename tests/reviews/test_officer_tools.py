"""The officer's and secretary's tools (issue 14, point 11), on SQLite and PostgreSQL: bulk
submit of drafts, every eligible idea added to a round at once, the chair on the panel,
withdrawing an assignment, reminders only while sheets are open, statistics for every year."""

from __future__ import annotations

import sqlalchemy as sa

from ideadb.audit.models import AuditEvent


def _events(db_session, action: str, object_id: int) -> list[AuditEvent]:
    return db_session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == action, AuditEvent.object_id == str(object_id)
        )
    ).all()


def test_drafts_are_submitted_together_or_not_at_all(client, login, make_user, create_idea):
    officer = make_user("canbo", roles=["unit_officer", "submitter"], unit="BK-BB")
    done = [create_idea(officer, title=f"Sáng kiến nhập từ tệp số {n}") for n in (1, 2)]
    bare = create_idea(officer, title="Hồ sơ thiếu tóm tắt", summary="")
    login("canbo")
    page = client.get("/y-tuong/nop-hang-loat").get_data(as_text=True)
    assert all(i.title in page for i in [*done, bare]) and "Chọn tất cả" in page

    refused = client.submit(
        "/y-tuong/nop-hang-loat", {"idea_ids": [str(i.id) for i in [*done, bare]]}
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Chưa nộp hồ sơ nào" in text and "Hồ sơ thiếu tóm tắt: Vui lòng nhập tóm tắt." in text
    assert all(client.get(f"/y-tuong/{i.id}").status_code == 200 for i in done)
    from ideadb.extensions import db
    from ideadb.ideas.models import Idea

    db.session.expire_all()
    assert {db.session.get(Idea, i.id).status for i in done} == {"draft"}

    ok = client.submit("/y-tuong/nop-hang-loat", {"idea_ids": [str(i.id) for i in done]})
    assert ok.status_code == 302
    db.session.expire_all()
    submitted = [db.session.get(Idea, i.id) for i in done]
    assert {i.status for i in submitted} == {"submitted"} and all(i.code for i in submitted)
    assert "Đã nộp 2 hồ sơ." in client.get("/y-tuong/nop-hang-loat").get_data(as_text=True)
    # Another person's draft cannot be slipped in.
    other = create_idea(title="Bản nháp của người khác")
    slipped = client.submit("/y-tuong/nop-hang-loat", {"idea_ids": [str(other.id)]})
    assert slipped.status_code in (403, 404, 422)
    db.session.expire_all()
    assert db.session.get(Idea, other.id).status == "draft"


def test_every_eligible_idea_added_at_once_and_the_list_can_be_filtered(
    client, login, secretary, create_round, create_idea, db_session
):
    from ideadb.reviews import rounds

    rnd = create_round()
    ideas = [create_idea(status="eligible") for _ in range(3)]
    login(secretary())
    page = client.get(f"/dot-xet-chon/{rnd.id}").get_data(as_text=True)
    assert "data-pick-filter" in page and "Chọn tất cả ý tưởng đang hiện" in page
    assert "Thêm tất cả 3 ý tưởng đủ điều kiện" in page
    resp = client.submit(
        f"/dot-xet-chon/{rnd.id}/y-tuong", {"all": "1"}, form_url=f"/dot-xet-chon/{rnd.id}"
    )
    assert resp.status_code == 302
    in_round = {i.id for i in rounds.round_ideas(db_session, secretary(), rnd.id)}
    assert in_round == {i.id for i in ideas}


def test_the_chair_sits_on_the_panel(db_session, create_round, make_user, secretary):
    from ideadb.reviews import rounds

    chair = make_user("chutich", roles=["secretary", "reviewer"], full_name="Lục Văn Thành")
    rnd = create_round(chair_id=chair.id)
    assert [u.id for u in rounds.panel(db_session, secretary(), rnd.id)] == [chair.id]
    assert _events(db_session, "round.add_reviewers", rnd.id)
    other = make_user("chutich2", roles=["reviewer"])
    rounds.update_round(db_session, secretary(), rnd.id, {"chair_id": other.id})
    assert {u.id for u in rounds.panel(db_session, secretary(), rnd.id)} == {chair.id, other.id}


def test_withdraw_an_assignment_but_not_a_submitted_sheet(
    client, login, secretary, ready_round, score_all, db_session
):
    from ideadb.reviews.models import Assignment

    rnd, _ideas, _ = ready_round(n_ideas=2, n_reviewers=3)
    rows = db_session.scalars(
        sa.select(Assignment).where(Assignment.round_id == rnd.id).order_by(Assignment.id)
    ).all()
    first = rows[0]
    login(secretary())
    url = f"/dot-xet-chon/{rnd.id}/phan-cong"
    page = client.get(url).get_data(as_text=True)
    assert f"/phan-cong/{first.id}/rut" in page
    resp = client.submit(f"{url}/{first.id}/rut", {"reason": "Đi công tác dài ngày"}, form_url=url)
    assert resp.status_code == 302
    db_session.expire_all()
    assert db_session.get(Assignment, first.id).status == "recused"
    event = _events(db_session, "assignment.recuse", first.id)[-1]
    assert event.after["reason"] == "Đi công tác dài ngày"

    score_all(rnd)
    submitted = db_session.scalars(
        sa.select(Assignment).where(Assignment.round_id == rnd.id, Assignment.status == "submitted")
    ).first()
    page = client.get(url).get_data(as_text=True)
    assert f"/phan-cong/{submitted.id}/rut" not in page
    refused = client.submit(f"{url}/{submitted.id}/rut", {}, form_url=url)
    assert refused.status_code == 302
    assert "Chỉ rút được phân công chưa nộp phiếu." in client.get(url).get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Assignment, submitted.id).status == "submitted"


def test_remind_only_while_sheets_are_open(client, login, secretary, ready_round, score_all):
    rnd, _, _ = ready_round(n_ideas=2, n_reviewers=2)
    login(secretary())
    page = client.get(f"/dot-xet-chon/{rnd.id}/tien-do").get_data(as_text=True)
    assert 'id="remind-all"' in page and ">Nhắc</button>" in page
    score_all(rnd)
    page = client.get(f"/dot-xet-chon/{rnd.id}/tien-do").get_data(as_text=True)
    assert 'id="remind-all"' not in page and ">Nhắc</button>" not in page


def test_statistics_show_every_year_and_n_beside_rates(client, create_idea, db_session):
    from ideadb.reports import service

    create_idea(submit=True, year=2019)
    create_idea(status="recognized", year=2021)
    stats = service.statistics(db_session)
    assert [y for y, _n, _r in stats.by_year] == [2019, 2020, 2021]
    assert stats.by_year[1] == (2020, 0, 0)
    assert stats.years == [2019, 2020, 2021]
    page = client.get("/thong-ke").get_data(as_text=True)
    assert "2021 (n = 1)" in page
