"""The public vote through the JSON API (API.md: Public vote): the round's ``public_vote``,
opening and closing, who may vote, one vote per account and idea, the tally, and the final
score that combines the council's and the public's parts in the ranking and its exports."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.reviews.conftest import SCORES_HIGH

SCORES_LOWER = {"TINH_MOI": 25, "KHA_NANG_AP_DUNG": 20, "HIEU_QUA": 24, "TINH_KINH_TE": 12}  # 81


def _error(resp, status):
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:300])
    body = resp.get_json()
    assert set(body) == {"error"} and body["error"]["message"]
    return body["error"]


@pytest.fixture
def voting_round(db_session, ready_round, secretary, score_all):
    """A round with a 20-point public vote, two scored ideas (88 and 81), the vote open."""
    from ideadb.reviews import votes

    def make(*, open_vote: bool = True, deliberate: bool = False):
        rnd, ideas, reviewers = ready_round(2, 2, public_vote={"weight": 20})
        score_all(rnd, by_idea={ideas[0].id: SCORES_HIGH, ideas[1].id: SCORES_LOWER})
        if deliberate:
            from ideadb.reviews import deliberation

            deliberation.deliberate(db_session, secretary(), rnd.id)
        if open_vote:
            votes.open_vote(db_session, secretary(), rnd.id)
        return rnd, ideas, reviewers

    return make


@pytest.fixture
def citizen(make_user):
    """A citizen whose e-mail address is verified (an administrator gave it)."""
    counter = {"n": 0}

    def make(**kwargs):
        counter["n"] += 1
        return make_user(email=f"dan{counter['n']}@example.vn", **kwargs)

    return make


def test_a_round_carries_its_public_vote(client, auth_headers, secretary, criteria_set_id):
    sec = auth_headers(secretary())
    body = {
        "name": "Đợt có bình chọn",
        "year": 2021,
        "level": "tinh",
        "criteria_set_id": criteria_set_id,
        "public_vote": {"weight": 20, "opens_at": "2021-05-01T08:00:00+07:00", "closes_at": None},
    }
    resp = client.post("/api/v1/rounds", json=body, headers=sec)
    assert resp.status_code == 201, resp.get_json()
    pv = resp.get_json()["public_vote"]
    assert pv["weight"] == 20 and pv["closes_at"] is None
    assert pv["opens_at"].startswith("2021-05-01T01:00:00")
    rid = resp.get_json()["id"]
    assert client.get(f"/api/v1/rounds/{rid}", headers=sec).get_json()["public_vote"] == pv
    # Without one: null.
    body.pop("public_vote")
    assert client.post("/api/v1/rounds", json=body, headers=sec).get_json()["public_vote"] is None
    # PATCH the weight alone keeps the dates; null removes the vote (in draft).
    resp = client.patch(f"/api/v1/rounds/{rid}", json={"public_vote": {"weight": 30}}, headers=sec)
    assert resp.get_json()["public_vote"] == {**pv, "weight": 30}
    resp = client.patch(f"/api/v1/rounds/{rid}", json={"public_vote": None}, headers=sec)
    assert resp.get_json()["public_vote"] is None


@pytest.mark.parametrize(
    "value",
    [
        {"weight": 51},
        {"weight": -1},
        {"weight": "20"},
        {"weight": True},
        {"weight": 2**70},
        {},
        {"weight": 20, "opens_at": "hôm qua"},
        {"weight": 20, "opens_at": "2021-05-01T08:00:00"},
        {"weight": 20, "opens_at": 5},
        {"weight": 20, "opens_at": "2021-05-02T08:00:00Z", "closes_at": "2021-05-01T08:00:00Z"},
        "20",
        [20],
    ],
)
def test_a_bad_public_vote_is_422_never_500(
    client, auth_headers, secretary, criteria_set_id, value
):
    body = {
        "name": "Đợt",
        "year": 2021,
        "level": "tinh",
        "criteria_set_id": criteria_set_id,
        "public_vote": value,
    }
    error = _error(client.post("/api/v1/rounds", json=body, headers=auth_headers(secretary())), 422)
    assert any(k.startswith("public_vote") for k in error["fields"])


def test_the_weight_is_frozen_once_scoring_opened(client, auth_headers, secretary, voting_round):
    rnd, _ideas, _ = voting_round(open_vote=False)
    sec = auth_headers(secretary())
    resp = client.patch(
        f"/api/v1/rounds/{rnd.id}", json={"public_vote": {"weight": 50}}, headers=sec
    )
    _error(resp, 409)
    # The same weight (only dates change) is accepted.
    resp = client.patch(
        f"/api/v1/rounds/{rnd.id}",
        json={"public_vote": {"weight": 20, "closes_at": "2031-01-01T00:00:00Z"}},
        headers=sec,
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["public_vote"]["closes_at"].startswith("2031-01-01")


def test_opening_and_closing_the_vote(client, auth_headers, secretary, voting_round, citizen):
    from ideadb.audit.models import AuditEvent
    from ideadb.extensions import db

    rnd, ideas, _ = voting_round(open_vote=False)
    sec = auth_headers(secretary())
    anyone = auth_headers(citizen())
    # Before it opens nobody outside the round sees a tally, and nobody votes.
    _error(client.get(f"/api/v1/rounds/{rnd.id}/votes"), 404)
    _error(client.post(f"/api/v1/rounds/{rnd.id}/ideas/{ideas[0].id}/vote", headers=anyone), 409)
    _error(client.post(f"/api/v1/rounds/{rnd.id}/vote/open", headers=anyone), 403)
    _error(client.post(f"/api/v1/rounds/{rnd.id}/vote/open"), 401)
    resp = client.post(f"/api/v1/rounds/{rnd.id}/vote/open", headers=sec)
    assert resp.status_code == 200 and resp.get_json()["public_vote"]["opens_at"]
    _error(client.post(f"/api/v1/rounds/{rnd.id}/vote/open", headers=sec), 409)
    assert client.get(f"/api/v1/rounds/{rnd.id}/votes").status_code == 200
    resp = client.post(f"/api/v1/rounds/{rnd.id}/vote/close", headers=sec)
    assert resp.status_code == 200 and resp.get_json()["public_vote"]["closes_at"]
    _error(client.post(f"/api/v1/rounds/{rnd.id}/vote/close", headers=sec), 409)
    _error(client.post(f"/api/v1/rounds/{rnd.id}/ideas/{ideas[0].id}/vote", headers=anyone), 409)
    # The tally stays readable after the vote.
    assert client.get(f"/api/v1/rounds/{rnd.id}/votes").status_code == 200
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(
            AuditEvent.object_type == "round", AuditEvent.object_id == str(rnd.id)
        )
    ).all()
    assert "round.vote_open" in actions and "round.vote_close" in actions


def test_a_round_without_a_public_vote(client, auth_headers, secretary, ready_round, citizen):
    rnd, ideas, _ = ready_round(2, 2)
    _error(
        client.post(f"/api/v1/rounds/{rnd.id}/vote/open", headers=auth_headers(secretary())), 409
    )
    _error(client.get(f"/api/v1/rounds/{rnd.id}/votes"), 404)
    resp = client.post(
        f"/api/v1/rounds/{rnd.id}/ideas/{ideas[0].id}/vote", headers=auth_headers(citizen())
    )
    _error(resp, 404)


def test_verified_citizens_vote_once_per_idea(client, auth_headers, voting_round, citizen):
    rnd, ideas, _ = voting_round()
    a, b = auth_headers(citizen()), auth_headers(citizen())
    url = f"/api/v1/rounds/{rnd.id}/ideas/{ideas[1].id}/vote"
    resp = client.post(url, headers=a)
    assert resp.status_code == 201 and resp.get_json() == {"votes": 1}
    error = _error(client.post(url, headers=a), 409)
    assert "một lần" in error["message"]
    assert client.post(url, headers=b).get_json() == {"votes": 2}
    # The same citizen may vote for another idea of the round.
    other = f"/api/v1/rounds/{rnd.id}/ideas/{ideas[0].id}/vote"
    assert client.post(other, headers=a).get_json() == {"votes": 1}
    tally = client.get(f"/api/v1/rounds/{rnd.id}/votes").get_json()
    assert tally == {
        "items": [
            {"idea_id": ideas[1].id, "code": ideas[1].code, "title": ideas[1].title, "votes": 2},
            {"idea_id": ideas[0].id, "code": ideas[0].code, "title": ideas[0].title, "votes": 1},
        ]
    }


def test_who_may_not_vote(
    client, auth_headers, db_session, voting_round, make_user, secretary, citizen, create_reviewer
):
    from ideadb.accounts import service
    from ideadb.core.permissions import SYSTEM

    rnd, ideas, reviewers = voting_round()
    url = f"/api/v1/rounds/{rnd.id}/ideas/{ideas[0].id}/vote"
    _error(client.post(url), 401)
    # A citizen who has not confirmed the address.
    unverified = service.sign_up(
        db_session,
        username="chua-xac-nhan",
        password="mat-khau-thu-nghiem",
        full_name="Lý Văn Chưa",
        email="chua@example.vn",
    )
    assert (
        "thư điện tử" in _error(client.post(url, headers=auth_headers(unverified)), 403)["message"]
    )
    no_email = make_user()
    _error(client.post(url, headers=auth_headers(no_email)), 403)
    # The idea's owner (its registrant), even with a verified address.
    owner = ideas[0].registrant
    service.update_user(db_session, SYSTEM, owner.id, email="chu@example.vn")
    assert "Tác giả" in _error(client.post(url, headers=auth_headers(owner)), 403)["message"]
    # ... but the owner may vote for another idea of the round.
    other = f"/api/v1/rounds/{rnd.id}/ideas/{ideas[1].id}/vote"
    assert client.post(other, headers=auth_headers(owner)).status_code == 201
    # The round's panel and staff.
    for user in (reviewers[0], secretary()):
        service.update_user(db_session, SYSTEM, user.id, email=f"u{user.id}@example.vn")
        _error(client.post(url, headers=auth_headers(user)), 403)
    admin = make_user(roles=["admin"], email="qtv@example.vn")
    _error(client.post(url, headers=auth_headers(admin)), 403)
    # A reviewer of another round is a citizen here.
    outsider = create_reviewer(email="ngoai@example.vn")
    assert client.post(url, headers=auth_headers(outsider)).status_code == 201
    assert client.get(f"/api/v1/rounds/{rnd.id}/votes").get_json()["items"][0]["votes"] == 1


def test_a_linked_coauthor_may_not_vote(client, auth_headers, db_session, voting_round, citizen):
    from ideadb.ideas.models import Author

    rnd, ideas, _ = voting_round()
    coauthor = citizen()
    author = ideas[1].authors[0]
    db_session.execute(sa.update(Author).where(Author.id == author.id).values(user_id=coauthor.id))
    db_session.commit()
    url = f"/api/v1/rounds/{rnd.id}/ideas/{ideas[1].id}/vote"
    _error(client.post(url, headers=auth_headers(coauthor)), 403)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/rounds/999999/ideas/1/vote",
        "/api/v1/rounds/99999999999999999999999/ideas/1/vote",
        "/api/v1/rounds/{rid}/ideas/999999/vote",
        "/api/v1/rounds/{rid}/ideas/99999999999999999999/vote",
        "/api/v1/rounds/{rid}/ideas/{other}/vote",
    ],
)
def test_unknown_rounds_and_ideas_are_404(
    client, auth_headers, voting_round, citizen, create_idea, path
):
    rnd, _ideas, _ = voting_round()
    other = create_idea(status="eligible")
    resp = client.post(
        path.format(rid=rnd.id, other=other.id), headers=auth_headers(citizen()), json={"x": 1}
    )
    _error(resp, 404)
    _error(client.get("/api/v1/rounds/99999999999999999999999/votes"), 404)


def test_votes_are_rate_limited(app, client, auth_headers, voting_round, citizen):
    rnd, ideas, _ = voting_round()
    app.config["VOTE_RATE_LIMIT"] = "2 per minute"
    head = auth_headers(citizen())
    url = f"/api/v1/rounds/{rnd.id}/ideas/{ideas[0].id}/vote"
    assert client.post(url, headers=head).status_code == 201
    assert client.post(url, headers=head).status_code == 409
    assert _error(client.post(url, headers=head), 429)["code"] == "rate_limited"


def test_votes_change_the_ranking_side_by_side(
    client, auth_headers, secretary, voting_round, citizen
):
    rnd, ideas, _ = voting_round(deliberate=True)
    sec = auth_headers(secretary())
    before = client.get(f"/api/v1/rounds/{rnd.id}/ranking", headers=sec).get_json()
    assert before["public_vote"]["weight"] == 20
    assert [i["idea_id"] for i in before["items"]] == [ideas[0].id, ideas[1].id]
    first = before["items"][0]
    assert first["council_score"] == 88.0 and first["public_share"] == 0.0
    assert first["final_score"] == 70.4  # 80% of 88, nobody voted yet
    for _ in range(3):
        resp = client.post(
            f"/api/v1/rounds/{rnd.id}/ideas/{ideas[1].id}/vote", headers=auth_headers(citizen())
        )
        assert resp.status_code == 201
    client.post(
        f"/api/v1/rounds/{rnd.id}/ideas/{ideas[0].id}/vote", headers=auth_headers(citizen())
    )
    after = client.get(f"/api/v1/rounds/{rnd.id}/ranking", headers=sec).get_json()
    top, second = after["items"]
    assert (top["idea_id"], top["rank"]) == (ideas[1].id, 1)
    assert (top["council_score"], top["public_share"], top["votes"]) == (81.0, 100.0, 3)
    assert top["final_score"] == 84.8
    assert (second["council_score"], second["public_share"], second["votes"]) == (88.0, 33.33, 1)
    assert second["final_score"] == 77.07  # 70.4 + 20% × 33.33…
    # Exports show the three scores side by side.
    resp = client.get(f"/api/v1/rounds/{rnd.id}/export?format=csv", headers=sec)
    assert resp.status_code == 200
    text = resp.get_data().decode("utf-8-sig")
    header = text.splitlines()[0] if "Điểm hội đồng" in text.splitlines()[0] else text
    assert "Điểm hội đồng (80%)" in header and "Điểm bình chọn (20%)" in header
    assert "84,8" in text or "84.8" in text


def test_a_finalized_round_keeps_its_combined_scores(
    client, auth_headers, secretary, voting_round, citizen
):
    rnd, ideas, _ = voting_round(deliberate=True)
    sec = auth_headers(secretary())
    for _ in range(2):
        client.post(
            f"/api/v1/rounds/{rnd.id}/ideas/{ideas[1].id}/vote", headers=auth_headers(citizen())
        )
    resp = client.post(f"/api/v1/rounds/{rnd.id}/finalize", headers=sec)
    assert resp.status_code == 200, resp.get_json()
    late = client.post(
        f"/api/v1/rounds/{rnd.id}/ideas/{ideas[0].id}/vote", headers=auth_headers(citizen())
    )
    _error(late, 409)
    _error(client.post(f"/api/v1/rounds/{rnd.id}/vote/open", headers=sec), 409)
    ranking = client.get(f"/api/v1/rounds/{rnd.id}/ranking", headers=sec).get_json()
    assert ranking["items"][0]["idea_id"] == ideas[1].id
    votes = client.get(f"/api/v1/rounds/{rnd.id}/votes").get_json()["items"]
    assert [v["votes"] for v in votes] == [2, 0]


def test_a_citizens_votes_are_in_their_personal_data(client, auth_headers, voting_round, citizen):
    rnd, ideas, _ = voting_round()
    head = auth_headers(citizen())
    client.post(f"/api/v1/rounds/{rnd.id}/ideas/{ideas[1].id}/vote", headers=head)
    data = client.get("/api/v1/users/me/personal-data", headers=head).get_json()
    assert [(v["round_id"], v["idea_id"]) for v in data["public_votes"]] == [(rnd.id, ideas[1].id)]
    assert data["account"]["email_verified_at"]
