"""Conflicts follow the unit hierarchy; nomination upward takes only the named level (default
the highest), one open round per scope, and an idea already recognised at a scope is refused
with exactly that reason."""

from __future__ import annotations

import pytest

from tests.reviews.conftest import SCORES_HIGH

SCORES_75 = {"TINH_MOI": 23, "KHA_NANG_AP_DUNG": 19, "HIEU_QUA": 22, "TINH_KINH_TE": 11}
SCORES_60 = {"TINH_MOI": 18, "KHA_NANG_AP_DUNG": 15, "HIEU_QUA": 18, "TINH_KINH_TE": 9}


def _body(criteria_set_id, **overrides):
    body = {
        "name": "Đề nghị Trung ương tôn vinh năm 2021",
        "year": 2021,
        "level": "trung_uong",
        "criteria_set_id": criteria_set_id,
        "reviewers_per_idea": 2,
        "aggregation": "mean",
        "blind": False,
        "disagreement_threshold": 20,
    }
    body.update(overrides)
    return body


# --- conflicts by the unit hierarchy --------------------------------------------------------


def test_a_district_reviewer_is_conflicted_with_its_communes_ideas_and_never_assigned(
    client, db_session, secretary, auth_headers, create_round, create_idea, create_reviewer
):
    from ideadb.reviews import rounds

    rnd = create_round(reviewers_per_idea=2)
    commune_idea = create_idea(status="eligible", unit="BK-BB-NM")
    district_idea = create_idea(status="eligible", unit="BK-BB")
    district = create_reviewer("Lường Văn Khánh", unit="BK-BB")
    commune = create_reviewer("Nông Thị Mai", unit="BK-BB-NM")
    elsewhere = [create_reviewer(unit=u) for u in ("BK-CD", "BK-CD-BL", "BK-SKHCN", "BK-NR")]
    sec = auth_headers(secretary())
    rounds.add_ideas(db_session, secretary(), rnd.id, [commune_idea.id, district_idea.id])
    rounds.add_reviewers(
        db_session, secretary(), rnd.id, [u.id for u in (district, commune, *elsewhere)]
    )
    found = client.get(f"/api/v1/rounds/{rnd.id}/conflicts", headers=sec).get_json()["items"]
    pairs = {(c["idea_id"], c["user_id"]): (c["kind"], c["reason"]) for c in found}
    assert pairs[(commune_idea.id, district.id)] == (
        "unit",
        "Thành viên thuộc đơn vị cấp trên của đơn vị có ý tưởng.",
    )
    assert pairs[(district_idea.id, commune.id)] == (
        "unit",
        "Thành viên thuộc đơn vị cấp dưới của đơn vị có ý tưởng.",
    )
    assert pairs[(commune_idea.id, commune.id)][0] == "unit"
    assert not any(
        user in {u.id for u in elsewhere} for _i, user in pairs
    )  # the province is no tie
    resp = client.post(f"/api/v1/rounds/{rnd.id}/assignments/auto", headers=sec)
    assert resp.status_code == 200, resp.get_json()
    assigned = {(a["idea_id"], a["reviewer_id"]) for a in resp.get_json()["items"]}
    assert not assigned & set(pairs)
    manual = client.post(
        f"/api/v1/rounds/{rnd.id}/assignments",
        json={"idea_id": commune_idea.id, "reviewer_id": district.id},
        headers=sec,
    )
    assert manual.status_code == 409


# --- nomination -------------------------------------------------------------------------------


@pytest.fixture
def finalized(db_session, secretary, ready_round, score_all):
    """A provincial round: ideas scored 88 (DE_NGHI_TW), 75 (CONG_NHAN_TINH), 60 (DAT)."""
    from ideadb.reviews import deliberation

    rnd, ideas, reviewers = ready_round(3, 2)
    score_all(
        rnd, by_idea={ideas[0].id: SCORES_HIGH, ideas[1].id: SCORES_75, ideas[2].id: SCORES_60}
    )
    deliberation.deliberate(db_session, secretary(), rnd.id)
    deliberation.finalize(db_session, secretary(), rnd.id)
    return rnd, ideas, reviewers


def test_nomination_takes_only_the_highest_level_by_default(
    client, db_session, secretary, auth_headers, finalized
):
    from ideadb.reviews import rounds

    rnd, ideas, _ = finalized
    sec = auth_headers(secretary())
    resp = client.post(
        "/api/v1/rounds/next",
        json={**_body(rnd.criteria_set_id), "source_round_ids": [rnd.id]},
        headers=sec,
    )
    assert resp.status_code == 201, resp.get_json()
    upper = rounds.round_ideas(db_session, secretary(), resp.get_json()["id"])
    assert [i.id for i in upper] == [ideas[0].id]  # not the "Công nhận cấp tỉnh" nor "Đạt"


def test_nomination_takes_the_level_the_round_names(
    client, db_session, secretary, auth_headers, finalized
):
    from ideadb.reviews import rounds

    rnd, ideas, _ = finalized
    sec = auth_headers(secretary())
    body = {**_body(rnd.criteria_set_id), "source_round_ids": [rnd.id]}
    resp = client.post(
        "/api/v1/rounds/next", json={**body, "nominate_level": "CONG_NHAN_TINH"}, headers=sec
    )
    assert resp.status_code == 201, resp.get_json()
    upper = rounds.round_ideas(db_session, secretary(), resp.get_json()["id"])
    assert [i.id for i in upper] == [ideas[1].id]
    resp = client.post("/api/v1/rounds/next", json={**body, "nominate_level": "XYZ"}, headers=sec)
    assert resp.status_code == 422
    assert "nominate_level" in resp.get_json()["error"]["fields"]


def test_an_idea_sits_in_one_open_round_per_scope(
    client, db_session, secretary, auth_headers, finalized
):
    rnd, ideas, _ = finalized
    sec = auth_headers(secretary())
    body = {**_body(rnd.criteria_set_id), "source_round_ids": [rnd.id]}
    assert client.post("/api/v1/rounds/next", json=body, headers=sec).status_code == 201
    again = client.post(
        "/api/v1/rounds/next", json={**body, "name": "Đợt đề nghị thứ hai"}, headers=sec
    )
    assert again.status_code == 409
    error = again.get_json()["error"]
    assert "một đợt đang diễn ra của mỗi cấp" in error["message"]
    assert ideas[0].code in error["message"] and "Đề nghị Trung ương tôn vinh" in error["message"]


def test_an_idea_already_recognised_at_the_scope_is_refused_saying_so(
    client, db_session, secretary, auth_headers, finalized, create_round
):
    _rnd, ideas, _ = finalized
    other = create_round(level="tinh", name="Đợt bổ sung cấp tỉnh năm 2021")
    resp = client.post(
        f"/api/v1/rounds/{other.id}/ideas",
        json={"idea_ids": [ideas[1].id]},
        headers=auth_headers(secretary()),
    )
    assert resp.status_code == 409
    message = resp.get_json()["error"]["message"]
    assert "Đã được công nhận ở cấp tỉnh" in message and ideas[1].code in message
    assert "mỗi sáng kiến chỉ được công nhận một lần ở mỗi cấp" in message
