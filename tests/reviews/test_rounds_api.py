"""The review round through the JSON API: configure, assign, confirm, score, deliberate,
decide and finalize, with the answers API.md promises."""

from __future__ import annotations

import sqlalchemy as sa

SCORES_HIGH = {"TINH_MOI": 27, "KHA_NANG_AP_DUNG": 22, "HIEU_QUA": 26, "TINH_KINH_TE": 13}
SCORES_LOW = {"TINH_MOI": 10, "KHA_NANG_AP_DUNG": 10, "HIEU_QUA": 10, "TINH_KINH_TE": 5}


def _round_body(criteria_set_id, **overrides):
    body = {
        "name": "Đợt xét chọn năm 2021",
        "year": 2021,
        "level": "tinh",
        "criteria_set_id": criteria_set_id,
        "reviewers_per_idea": 2,
        "aggregation": "mean",
        "blind": False,
        "disagreement_threshold": 20,
    }
    body.update(overrides)
    return body


def test_secretary_runs_a_round_from_creation_to_finalize_through_the_api(
    client, auth_headers, secretary, criteria_set_id, create_idea, create_reviewer, db_session
):
    sec = auth_headers(secretary())
    resp = client.post("/api/v1/rounds", json=_round_body(criteria_set_id), headers=sec)
    assert resp.status_code == 201, resp.get_json()
    rnd = resp.get_json()
    assert rnd["status"] == "draft"
    assert set(rnd) >= {
        "id", "name", "year", "level", "criteria_set_id", "reviewers_per_idea",
        "aggregation", "blind", "disagreement_threshold", "status",
    }  # fmt: skip
    rid = rnd["id"]
    ideas = [create_idea(status="eligible") for _ in range(3)]
    reviewers = [create_reviewer() for _ in range(3)]
    resp = client.post(
        f"/api/v1/rounds/{rid}/ideas", json={"idea_ids": [i.id for i in ideas]}, headers=sec
    )
    assert resp.status_code == 200, resp.get_json()
    resp = client.post(
        f"/api/v1/rounds/{rid}/reviewers", json={"user_ids": [u.id for u in reviewers]}, headers=sec
    )
    assert resp.status_code == 200
    resp = client.post(f"/api/v1/rounds/{rid}/assignments/auto", headers=sec)
    assert resp.status_code == 200, resp.get_json()
    items = resp.get_json()["items"]
    assert len(items) == 6
    assert set(items[0]) == {"id", "idea_id", "reviewer_id"}
    resp = client.post(f"/api/v1/rounds/{rid}/open", headers=sec)
    assert resp.get_json()["status"] == "reviewing"

    for user in reviewers:
        head = auth_headers(user)
        mine = client.get("/api/v1/assignments/mine", headers=head).get_json()["items"]
        assert len(mine) == 2
        assert set(mine[0]) == {"id", "round_id", "idea_id", "status"}
        for a in mine:
            body = client.get(f"/api/v1/assignments/{a['id']}", headers=head).get_json()
            assert body["needs_confirmation"] is True
            assert set(body["idea"]) == {"id", "title"}
            resp = client.post(
                f"/api/v1/assignments/{a['id']}/confirm", json={"conflict": False}, headers=head
            )
            assert resp.get_json()["status"] == "active"
            body = client.get(f"/api/v1/assignments/{a['id']}", headers=head).get_json()
            assert body["needs_confirmation"] is False
            assert body["idea"]["summary"]
            assert [c["code"] for c in body["criteria"]] == [
                "TINH_MOI", "KHA_NANG_AP_DUNG", "HIEU_QUA", "TINH_KINH_TE",
            ]  # fmt: skip
            assert body["review"] is None
            resp = client.put(
                f"/api/v1/assignments/{a['id']}/review",
                json={"scores": SCORES_HIGH, "comments": {"TINH_MOI": "Mới"}, "comment": "Tốt",
                      "version": 0},
                headers=head,
            )  # fmt: skip
            assert resp.status_code == 200, resp.get_json()
            review = resp.get_json()
            assert review["version"] == 1
            assert review["total"] == 88.0
            resp = client.post(f"/api/v1/assignments/{a['id']}/review/submit", headers=head)
            assert resp.get_json()["status"] == "submitted"

    progress = client.get(f"/api/v1/rounds/{rid}/progress", headers=sec).get_json()
    assert progress["assignments"] == 6 and progress["submitted"] == 6
    assert {"reviewer_id", "assigned", "submitted"} <= set(progress["by_reviewer"][0])
    assert client.post(f"/api/v1/rounds/{rid}/deliberate", json={}, headers=sec).status_code == 200
    ranking = client.get(f"/api/v1/rounds/{rid}/ranking", headers=sec).get_json()
    first = ranking["items"][0]
    assert {"rank", "idea_id", "code", "title", "final_score", "n_reviews", "spread",
            "flagged", "criteria", "proposed_level"} <= set(first)  # fmt: skip
    assert first["final_score"] == 88.0 and first["proposed_level"] == "DE_NGHI_TW"
    resp = client.post(
        f"/api/v1/rounds/{rid}/decisions",
        json={"idea_id": ideas[0].id, "level": "CONG_NHAN_TINH", "note": "Hội đồng hạ mức"},
        headers=sec,
    )
    assert resp.status_code == 201, resp.get_json()
    resp = client.post(f"/api/v1/rounds/{rid}/finalize", headers=sec)
    assert resp.get_json()["status"] == "finalized"
    db_session.expire_all()
    assert [i.status for i in ideas] == ["recognized"] * 3
    assert ideas[0].recognized_level == "CONG_NHAN_TINH"
    assert ideas[1].recognized_level == "DE_NGHI_TW"


def test_adding_an_idea_that_is_not_eligible_answers_409_naming_it(
    client, auth_headers, secretary, create_round, create_idea
):
    rnd = create_round()
    draft = create_idea(submit=True)
    ok = create_idea(status="eligible")
    resp = client.post(
        f"/api/v1/rounds/{rnd.id}/ideas",
        json={"idea_ids": [ok.id, draft.id]},
        headers=auth_headers(secretary()),
    )
    assert resp.status_code == 409
    assert draft.code in resp.get_json()["error"]["message"]


def test_a_panel_member_must_hold_the_reviewer_role(
    client, auth_headers, secretary, create_round, make_user
):
    rnd = create_round()
    plain = make_user(roles=["submitter"])
    resp = client.post(
        f"/api/v1/rounds/{rnd.id}/reviewers",
        json={"user_ids": [plain.id]},
        headers=auth_headers(secretary()),
    )
    assert resp.status_code == 422
    assert "user_ids" in resp.get_json()["error"]["fields"]


def test_automatic_assignment_that_is_impossible_answers_409_with_the_reason(
    client, auth_headers, secretary, create_round, create_idea, create_reviewer, db_session
):
    from ideadb.reviews import rounds

    rnd = create_round(reviewers_per_idea=2)
    idea = create_idea(status="eligible", unit="BK-SKHCN")
    same_unit = create_reviewer(unit="BK-SKHCN")
    other = create_reviewer(unit="BK-SNN")
    rounds.add_ideas(db_session, secretary(), rnd.id, [idea.id])
    rounds.add_reviewers(db_session, secretary(), rnd.id, [same_unit.id, other.id])
    resp = client.post(
        f"/api/v1/rounds/{rnd.id}/assignments/auto", headers=auth_headers(secretary())
    )
    assert resp.status_code == 409
    error = resp.get_json()["error"]
    assert idea.code in error["message"] and same_unit.full_name in error["message"]
    assert error["fields"]["idea_ids"] == [str(idea.id)]


def test_manual_assignment_of_an_author_is_refused_with_409(
    client, auth_headers, secretary, create_round, create_idea, create_reviewer, db_session
):
    from ideadb.reviews import rounds

    reviewer = create_reviewer(name="Hoàng Văn Páo", unit="BK-SNN")
    idea = create_idea(
        status="eligible",
        authors=[{"name": "Hoàng  văn Páo", "unit": "HTX", "share": 100}],
    )
    rnd = create_round()
    rounds.add_ideas(db_session, secretary(), rnd.id, [idea.id])
    rounds.add_reviewers(db_session, secretary(), rnd.id, [reviewer.id])
    resp = client.post(
        f"/api/v1/rounds/{rnd.id}/assignments",
        json={"idea_id": idea.id, "reviewer_id": reviewer.id},
        headers=auth_headers(secretary()),
    )
    assert resp.status_code == 409


def test_secretary_dismisses_a_false_automatic_conflict_with_a_logged_reason(
    client, auth_headers, secretary, create_round, create_idea, create_reviewer, db_session
):
    from ideadb.audit.models import AuditEvent
    from ideadb.reviews import rounds

    reviewer = create_reviewer(unit="BK-SNN")
    idea = create_idea(status="eligible", unit="BK-SNN")
    rnd = create_round(reviewers_per_idea=1)
    rounds.add_ideas(db_session, secretary(), rnd.id, [idea.id])
    rounds.add_reviewers(db_session, secretary(), rnd.id, [reviewer.id])
    sec = auth_headers(secretary())
    conflicts = client.get(f"/api/v1/rounds/{rnd.id}/conflicts", headers=sec).get_json()["items"]
    assert [c["kind"] for c in conflicts] == ["unit"]
    resp = client.post(
        f"/api/v1/rounds/{rnd.id}/conflicts/{conflicts[0]['id']}/dismiss",
        json={"reason": "Khác phòng, không liên quan"},
        headers=sec,
    )
    assert resp.get_json()["dismissed"] is True
    items = client.post(f"/api/v1/rounds/{rnd.id}/assignments/auto", headers=sec).get_json()
    assert items["items"][0]["reviewer_id"] == reviewer.id
    event = db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "conflict.dismiss"))
    assert event.after["dismiss_reason"] == "Khác phòng, không liên quan"


def test_reviewer_declaring_a_conflict_is_recused_and_replaced(
    client, auth_headers, db_session, ready_round
):
    _rnd, _ideas, reviewers = ready_round(2, 3)
    user = reviewers[0]
    head = auth_headers(user)
    mine = client.get("/api/v1/assignments/mine", headers=head).get_json()["items"]
    target = mine[0]
    resp = client.post(
        f"/api/v1/assignments/{target['id']}/confirm",
        json={"conflict": True, "reason": "Tôi từng góp ý cho nhóm tác giả"},
        headers=head,
    )
    assert resp.get_json()["status"] == "recused"
    assert client.get(f"/api/v1/assignments/{target['id']}", headers=head).status_code == 404
    from ideadb.reviews.models import Assignment

    live = db_session.scalars(
        sa.select(Assignment.reviewer_id).where(
            Assignment.idea_id == target["idea_id"], Assignment.status != "recused"
        )
    ).all()
    assert len(live) == 2 and user.id not in live


def test_a_stale_version_answers_409_and_keeps_the_newer_sheet(client, auth_headers, ready_round):
    _rnd, _ideas, reviewers = ready_round(1, 2)
    head = auth_headers(reviewers[0])
    aid = client.get("/api/v1/assignments/mine", headers=head).get_json()["items"][0]["id"]
    client.post(f"/api/v1/assignments/{aid}/confirm", json={"conflict": False}, headers=head)
    url = f"/api/v1/assignments/{aid}/review"
    first = client.put(url, json={"scores": {"TINH_MOI": 20}, "version": 0}, headers=head)
    assert first.get_json()["version"] == 1
    second = client.put(url, json={"scores": {"TINH_MOI": 25}, "version": 1}, headers=head)
    assert second.get_json()["version"] == 2
    stale = client.put(url, json={"scores": {"TINH_MOI": 5}, "version": 1}, headers=head)
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "stale_version"
    again = client.put(url, json={"scores": {"TINH_MOI": 5}, "version": 0}, headers=head)
    assert again.status_code == 409
    sheet = client.get(f"/api/v1/assignments/{aid}", headers=head).get_json()["review"]
    assert sheet["scores"] == {"TINH_MOI": 25.0} and sheet["version"] == 2


def test_points_outside_the_range_answer_422_and_submit_needs_every_criterion(
    client, auth_headers, ready_round
):
    _rnd, _ideas, reviewers = ready_round(1, 2)
    head = auth_headers(reviewers[0])
    aid = client.get("/api/v1/assignments/mine", headers=head).get_json()["items"][0]["id"]
    url = f"/api/v1/assignments/{aid}/review"
    before = client.put(url, json={"scores": {"TINH_MOI": 20}, "version": 0}, headers=head)
    assert before.status_code == 409  # not confirmed yet
    client.post(f"/api/v1/assignments/{aid}/confirm", json={"conflict": False}, headers=head)
    too_high = client.put(url, json={"scores": {"TINH_MOI": 31}, "version": 0}, headers=head)
    assert too_high.status_code == 422
    assert "scores.TINH_MOI" in too_high.get_json()["error"]["fields"]
    negative = client.put(url, json={"scores": {"HIEU_QUA": -1}, "version": 0}, headers=head)
    assert negative.status_code == 422
    partial = client.put(url, json={"scores": {"TINH_MOI": 20}, "version": 0}, headers=head)
    assert partial.status_code == 200
    resp = client.post(f"/api/v1/assignments/{aid}/review/submit", headers=head)
    assert resp.status_code == 422
    assert "scores.HIEU_QUA" in resp.get_json()["error"]["fields"]
    client.put(url, json={"scores": SCORES_HIGH, "version": 1}, headers=head)
    assert client.post(f"/api/v1/assignments/{aid}/review/submit", headers=head).status_code == 200
    after = client.put(url, json={"scores": SCORES_LOW, "version": 3}, headers=head)
    assert after.status_code == 409


def test_secretary_reopens_a_submitted_sheet_and_it_is_logged(
    client, auth_headers, secretary, ready_round, score_all, db_session
):
    from ideadb.audit.models import AuditEvent

    rnd, _ideas, reviewers = ready_round(1, 2)
    score_all(rnd)
    head = auth_headers(reviewers[0])
    aid = client.get("/api/v1/assignments/mine", headers=head).get_json()["items"][0]["id"]
    resp = client.post(
        f"/api/v1/assignments/{aid}/review/reopen",
        json={"reason": "Nhập nhầm điểm tiêu chí 2"},
        headers=auth_headers(secretary()),
    )
    assert resp.get_json()["status"] == "draft"
    event = db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "review.reopen"))
    assert event.after["reason"] == "Nhập nhầm điểm tiêu chí 2"
    sheet = client.get(f"/api/v1/assignments/{aid}", headers=head).get_json()["review"]
    resp = client.put(
        f"/api/v1/assignments/{aid}/review",
        json={"scores": SCORES_LOW, "version": sheet["version"]},
        headers=head,
    )
    assert resp.status_code == 200


def test_deliberation_waits_for_every_sheet_unless_forced(
    client, auth_headers, secretary, ready_round
):
    rnd, _ideas, reviewers = ready_round(2, 2)
    sec = auth_headers(secretary())
    resp = client.post(f"/api/v1/rounds/{rnd.id}/deliberate", json={}, headers=sec)
    assert resp.status_code == 409
    resp = client.post(f"/api/v1/rounds/{rnd.id}/deliberate", json={"force": True}, headers=sec)
    assert resp.get_json()["status"] == "deliberation"
    mine = client.get("/api/v1/assignments/mine", headers=auth_headers(reviewers[0])).get_json()
    assert {a["status"] for a in mine["items"]} == {"missed"}


def test_a_flagged_idea_blocks_finalize_until_the_discussion_is_recorded(
    client, auth_headers, secretary, ready_round, score_all
):
    rnd, ideas, _reviewers = ready_round(1, 2)
    flip = {"n": 0}

    def alternate(a):
        flip["n"] += 1
        return SCORES_HIGH if flip["n"] % 2 else SCORES_LOW

    score_all(rnd, points=alternate)
    sec = auth_headers(secretary())
    client.post(f"/api/v1/rounds/{rnd.id}/deliberate", json={}, headers=sec)
    flagged = client.get(f"/api/v1/rounds/{rnd.id}/disagreements", headers=sec).get_json()
    assert [i["idea_id"] for i in flagged["items"]] == [ideas[0].id]
    resp = client.post(f"/api/v1/rounds/{rnd.id}/finalize", headers=sec)
    assert resp.status_code == 409
    assert ideas[0].code in resp.get_json()["error"]["message"]
    resp = client.post(
        f"/api/v1/rounds/{rnd.id}/discussions",
        json={"idea_id": ideas[0].id, "note": "Hội đồng thống nhất mức Đạt."},
        headers=sec,
    )
    assert resp.status_code == 201
    assert client.post(f"/api/v1/rounds/{rnd.id}/finalize", headers=sec).status_code == 200


def test_an_idea_is_recognised_once_per_scope(
    client, auth_headers, secretary, ready_round, score_all, db_session, create_round
):
    from ideadb.reviews import assignments, deliberation, rounds

    rnd, ideas, reviewers = ready_round(1, 2)
    score_all(rnd)
    deliberation.deliberate(db_session, secretary(), rnd.id)
    deliberation.finalize(db_session, secretary(), rnd.id)
    # A second provincial round cannot recognise the same initiative again.
    again = create_round(level="tinh")
    rounds.add_reviewers(db_session, secretary(), again.id, [u.id for u in reviewers])
    resp = client.post(
        "/api/v1/rounds/next",
        json={**_round_body(again.criteria_set_id, level="tinh"), "source_round_ids": [rnd.id]},
        headers=auth_headers(secretary()),
    )
    assert resp.status_code == 422
    resp = client.post(
        "/api/v1/rounds/next",
        json={**_round_body(again.criteria_set_id, level="trung_uong", name="Đề nghị Trung ương"),
              "source_round_ids": [rnd.id]},
        headers=auth_headers(secretary()),
    )  # fmt: skip
    assert resp.status_code == 201, resp.get_json()
    upper = resp.get_json()
    upper_ideas = rounds.round_ideas(db_session, secretary(), upper["id"])
    assert [i.id for i in upper_ideas] == [ideas[0].id]
    # The nominated idea is scored again and recognised at the national scope.
    rounds.add_reviewers(db_session, secretary(), upper["id"], [u.id for u in reviewers])
    assignments.auto_assign(db_session, secretary(), upper["id"])
    upper_round = rounds.open_round(db_session, secretary(), upper["id"])
    score_all(upper_round)
    deliberation.deliberate(db_session, secretary(), upper["id"])
    deliberation.finalize(db_session, secretary(), upper["id"])
    db_session.expire_all()
    assert (ideas[0].status, ideas[0].recognized_scope) == ("recognized", "trung_uong")
    # Another provincial round cannot take it in again.
    resp = client.post(
        f"/api/v1/rounds/{again.id}/ideas",
        json={"idea_ids": [ideas[0].id]},
        headers=auth_headers(secretary()),
    )
    assert resp.status_code == 409
