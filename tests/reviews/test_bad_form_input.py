"""Forms of the review pages posted with values that are not ids or versions: the secretary
and the reviewer get a Vietnamese message on the page, never a server error, and nothing is
written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

NOT_IDS = ["abc", "1.5", "1e3", "-4", "0", "99999999999999999999999"]
REFUSED = "Dữ liệu gửi lên không hợp lệ"


def _round_events(db_session, round_id: int) -> list[str]:
    from ideadb.audit.models import AuditEvent

    return list(
        db_session.scalars(
            sa.select(AuditEvent.action).where(
                AuditEvent.object_type == "round", AuditEvent.object_id == str(round_id)
            )
        )
    )


@pytest.mark.parametrize("value", NOT_IDS)
def test_ideas_and_reviewers_that_are_not_ids_are_refused_in_vietnamese(
    client, login, secretary, db_session, create_round, create_idea, create_reviewer, value
):
    from ideadb.reviews import rounds

    rnd = create_round()
    idea = create_idea(status="eligible")
    reviewer = create_reviewer()
    before = _round_events(db_session, rnd.id)
    login(secretary())
    page = f"/dot-xet-chon/{rnd.id}"
    for url, field, good in (
        (f"{page}/y-tuong", "ideas-idea_ids", idea.id),
        (f"{page}/hoi-dong", "panel-user_ids", reviewer.id),
    ):
        resp = client.submit(url, {field: [str(good), value]}, form_url=page, follow_redirects=True)
        assert resp.status_code == 200
        assert REFUSED in resp.get_data(as_text=True)
    db_session.expire_all()
    assert rounds.round_ideas(db_session, secretary(), rnd.id) == []
    assert rounds.panel(db_session, secretary(), rnd.id) == []
    assert _round_events(db_session, rnd.id) == before


@pytest.mark.parametrize("value", NOT_IDS)
def test_an_assignment_or_a_conflict_naming_no_id_is_refused_and_nothing_changes(
    client, login, secretary, db_session, ready_round, value
):
    from ideadb.reviews import assignments, conflicts

    rnd, ideas, reviewers = ready_round(1, 3, open=False)
    before = [
        (a.id, a.status) for a in assignments.list_assignments(db_session, secretary(), rnd.id)
    ]
    login(secretary())
    page = f"/dot-xet-chon/{rnd.id}/phan-cong"
    for data in (
        {"assign-idea_id": value, "assign-reviewer_id": str(reviewers[2].id)},
        {"assign-idea_id": str(ideas[0].id), "assign-reviewer_id": value},
    ):
        resp = client.submit(page, data, form_url=page, follow_redirects=True)
        assert resp.status_code == 200
        assert REFUSED in resp.get_data(as_text=True)
    resp = client.submit(
        f"/dot-xet-chon/{rnd.id}/xung-dot",
        {"conflict-idea_id": value, "conflict-user_id": str(reviewers[0].id),
         "conflict-reason": "Người thân của tác giả"},
        form_url=page,
        follow_redirects=True,
    )  # fmt: skip
    assert resp.status_code == 200 and REFUSED in resp.get_data(as_text=True)
    db_session.expire_all()
    after = [
        (a.id, a.status) for a in assignments.list_assignments(db_session, secretary(), rnd.id)
    ]
    assert after == before
    assert all(
        c.kind != "secretary" for c in conflicts.list_conflicts(db_session, secretary(), rnd.id)
    )


@pytest.mark.parametrize("version", ["abc", "-1", "1.5", "99999999999999999999999"])
def test_a_score_sheet_with_a_broken_version_is_refused_and_not_saved(
    client, login, db_session, ready_round, version
):
    from ideadb.reviews import sheets
    from ideadb.reviews.models import Assignment

    _rnd, _ideas, reviewers = ready_round(1, 2)
    user = reviewers[0]
    a = db_session.scalar(sa.select(Assignment).where(Assignment.reviewer_id == user.id))
    sheets.confirm(db_session, user, a.id, conflict=False)
    login(user)
    resp = client.submit(
        f"/phieu-cham/{a.id}",
        {"version": version, "diem-TINH_MOI": "20", "action": "submit", "confirmed": "1"},
    )
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert REFUSED in html and "diem-TINH_MOI" in html
    db_session.expire_all()
    assert sheets.review_of(db_session, a) is None


def test_a_sheet_that_cannot_be_submitted_is_not_saved_either(
    client, login, db_session, ready_round
):
    """Save and submit are one step: an incomplete sheet sent with "submit" leaves the stored
    sheet as it was, and the page keeps what was typed."""
    from ideadb.reviews import sheets
    from ideadb.reviews.models import Assignment

    _rnd, _ideas, reviewers = ready_round(1, 2)
    user = reviewers[0]
    a = db_session.scalar(sa.select(Assignment).where(Assignment.reviewer_id == user.id))
    sheets.confirm(db_session, user, a.id, conflict=False)
    sheets.save_review(
        db_session, user, a.id, scores={"TINH_MOI": 10}, comments={}, comment="", version=0
    )
    login(user)
    resp = client.submit(
        f"/phieu-cham/{a.id}",
        {"version": "1", "diem-TINH_MOI": "25", "action": "submit", "confirmed": "1"},
    )
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Phiếu chấm chưa đủ điểm mọi tiêu chí." in html and 'value="25"' in html
    db_session.expire_all()
    review = sheets.review_of(db_session, a)
    assert (review.scores, review.version, review.status) == ({"TINH_MOI": "10.00"}, 1, "draft")
    # The same page, completed, then submits: the version it holds is still the stored one.
    resp = client.submit(
        f"/phieu-cham/{a.id}",
        {"version": "1", "diem-TINH_MOI": "25", "diem-KHA_NANG_AP_DUNG": "20",
         "diem-HIEU_QUA": "25", "diem-TINH_KINH_TE": "12", "action": "submit", "confirmed": "1"},
    )  # fmt: skip
    assert resp.status_code == 302
    db_session.expire_all()
    assert sheets.review_of(db_session, a).status == "submitted"


def test_the_api_answers_a_wrong_round_in_vietnamese_with_the_fields(
    client, auth_headers, secretary, criteria_set_id, db_session
):
    from ideadb.reviews import rounds

    sec = auth_headers(secretary())
    resp = client.post(
        "/api/v1/rounds",
        json={
            "year": 2021,
            "level": "xa",
            "aggregation": "max",
            "criteria_set_id": criteria_set_id,
        },
        headers=sec,
    )
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert fields["name"] == ["Vui lòng nhập tên đợt xét chọn."]
    assert fields["level"][0].startswith("Cấp xét chọn phải là một trong:")
    assert fields["aggregation"][0].startswith("Cách tổng hợp phải là một trong:")
    assert (
        rounds.list_rounds(client.application.extensions["sqlalchemy"].session(), secretary()) == []
    )
