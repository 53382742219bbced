"""What reviews give other features: final scores that search sorts by, and the similar
earlier ideas a reviewer sees beside the score sheet (without leaking who wrote the idea)."""

from __future__ import annotations

import sqlalchemy as sa

SCORES_HIGH = {"TINH_MOI": 27, "KHA_NANG_AP_DUNG": 22, "HIEU_QUA": 26, "TINH_KINH_TE": 13}
SCORES_LOW = {"TINH_MOI": 10, "KHA_NANG_AP_DUNG": 10, "HIEU_QUA": 10, "TINH_KINH_TE": 5}
SCORES_MIDDLE = {"TINH_MOI": 20, "KHA_NANG_AP_DUNG": 18, "HIEU_QUA": 20, "TINH_KINH_TE": 10}


def test_search_sorted_by_score_follows_the_final_scores_of_a_finalised_round(
    client, auth_headers, secretary, db_session, ready_round, score_all
):
    from ideadb.reviews import deliberation, results

    rnd, ideas, _reviewers = ready_round(3, 3)
    low, high, middle = ideas
    score_all(rnd, by_idea={low.id: SCORES_LOW, high.id: SCORES_HIGH, middle.id: SCORES_MIDDLE})
    deliberation.deliberate(db_session, secretary(), rnd.id)
    deliberation.finalize(db_session, secretary(), rnd.id)

    scores = results.final_scores(db_session, [i.id for i in ideas])
    assert scores[high.id] > scores[middle.id] > scores[low.id]
    body = client.get("/api/v1/search?sort=score", headers=auth_headers(secretary())).get_json()
    order = [item["id"] for item in body["items"] if item["id"] in scores]
    # Neither the order of registration nor its reverse: the scores decide.
    assert order == [high.id, middle.id, low.id]


def test_final_scores_leave_out_ideas_without_a_finalised_round(
    db_session, ready_round, score_all, secretary
):
    from ideadb.reviews import deliberation, results

    rnd, ideas, _reviewers = ready_round(2, 2)
    score_all(rnd)
    deliberation.deliberate(db_session, secretary(), rnd.id)
    assert results.final_scores(db_session, [i.id for i in ideas]) == {}
    assert results.final_scores(db_session, []) == {}


def test_a_reviewer_of_a_blind_round_sees_similar_earlier_ideas_but_not_the_authors(
    client, login, db_session, make_user, create_idea, ready_round
):
    from ideadb.reviews import sheets
    from ideadb.reviews.models import Assignment

    earlier_owner = make_user(roles=["submitter"], unit="BK-BB-NM", full_name="Lục Thị Mến")
    earlier = create_idea(
        earlier_owner,
        status="recognized",
        title="Nuôi lợn đen bản địa trên đệm lót sinh học kết hợp trồng cỏ voi",
    )
    _rnd, ideas, reviewers = ready_round(1, 2, blind=True)
    idea = ideas[0]
    user = reviewers[0]
    a = db_session.scalar(sa.select(Assignment).where(Assignment.reviewer_id == user.id))
    login(user)
    html = client.get(f"/phieu-cham/{a.id}").get_data(as_text=True)
    panel = html[html.index('id="similar-panel"') :] if 'id="similar-panel"' in html else ""
    assert earlier.title not in panel  # nothing of the idea before the reviewer confirms

    sheets.confirm(db_session, user, a.id, conflict=False)
    html = client.get(f"/phieu-cham/{a.id}").get_data(as_text=True)
    start = html.index('id="similar-panel"')
    panel = html[start : html.index("</section>", start)]
    assert f"{earlier.code} — {earlier.title}" in panel
    assert idea.title not in panel  # never the idea itself
    for author in idea.authors:
        assert author.name not in html
    assert "Lục Thị Mến" not in html
