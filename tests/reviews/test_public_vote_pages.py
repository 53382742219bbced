"""The public vote's pages: from the public catalogue to a round's vote page, voting with a
plain form (no JavaScript, CSRF token), clear messages instead of errors, the secretary's
open/close buttons and weight setting, and the ranking page's side-by-side scores."""

from __future__ import annotations

import sqlalchemy as sa

from tests.reviews.conftest import SCORES_HIGH

SCORES_LOWER = {"TINH_MOI": 25, "KHA_NANG_AP_DUNG": 20, "HIEU_QUA": 24, "TINH_KINH_TE": 12}


def _round(db_session, ready_round, secretary, score_all, *, deliberate=False, open_vote=True):
    from ideadb.reviews import deliberation, votes

    rnd, ideas, _reviewers = ready_round(2, 2, public_vote={"weight": 20})
    score_all(rnd, by_idea={ideas[0].id: SCORES_HIGH, ideas[1].id: SCORES_LOWER})
    if deliberate:
        deliberation.deliberate(db_session, secretary(), rnd.id)
    if open_vote:
        votes.open_vote(db_session, secretary(), rnd.id)
    return rnd, ideas


def test_citizens_find_and_use_the_vote_page(
    client, db_session, ready_round, secretary, score_all, make_user, login
):
    from ideadb.reviews.models import PublicVote

    rnd, ideas = _round(db_session, ready_round, secretary, score_all)
    catalogue = client.get("/tra-cuu").get_data(as_text=True)
    assert "/binh-chon" in catalogue
    listing = client.get("/binh-chon").get_data(as_text=True)
    assert rnd.name in listing and f"/binh-chon/{rnd.id}" in listing
    page = client.get(f"/binh-chon/{rnd.id}").get_data(as_text=True)
    assert ideas[0].title in page and ideas[1].title in page
    assert "đăng nhập" in page and "vote-button" not in page
    # An unverified account is told how to verify, and gets no button.
    make_user("chua", full_name="Chưa Xác Nhận")
    login("chua")
    page = client.get(f"/binh-chon/{rnd.id}").get_data(as_text=True)
    assert "chưa xác nhận địa chỉ thư điện tử" in page and "vote-button" not in page
    client.submit("/dang-xuat", form_url="/")
    # A verified citizen votes with the form.
    make_user("dan", email="dan@example.vn")
    login("dan")
    url = f"/binh-chon/{rnd.id}"
    page = client.get(url).get_data(as_text=True)
    assert page.count("vote-button") == 2
    vote_url = f"/binh-chon/{rnd.id}/y-tuong/{ideas[1].id}"
    resp = client.submit(vote_url, form_url=url)
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Cảm ơn bạn đã bình chọn" in page and "Bạn đã bình chọn" in page
    assert page.count("vote-button") == 1
    # A second vote for the same idea: a clear message, still one vote.
    resp = client.submit(vote_url, form_url=url, follow_redirects=True)
    assert resp.status_code == 200
    assert "chỉ được bình chọn một lần" in resp.get_data(as_text=True)
    # Without the CSRF token nothing is counted.
    client.post(f"/binh-chon/{rnd.id}/y-tuong/{ideas[0].id}", data={})
    count = db_session.scalar(sa.select(sa.func.count()).select_from(PublicVote))
    assert count == 1


def test_vote_pages_answer_bad_addresses_with_404(client, make_user, login):
    assert client.get("/binh-chon/999999").status_code == 404
    assert client.get("/binh-chon/99999999999999999999999").status_code == 404
    make_user("dan", email="dan@example.vn")
    login("dan")
    resp = client.submit("/binh-chon/999999/y-tuong/1", form_url="/binh-chon")
    assert resp.status_code == 404
    assert "/binh-chon" in client.get("/binh-chon").get_data(as_text=True)


def test_the_secretary_sets_the_weight_and_opens_and_closes_the_vote(
    client, db_session, ready_round, secretary, score_all, login
):
    from ideadb.reviews.models import Round

    rnd, _ideas = _round(db_session, ready_round, secretary, score_all, open_vote=False)
    login(secretary())
    page = client.get(f"/dot-xet-chon/{rnd.id}").get_data(as_text=True)
    assert "Tỷ trọng bình chọn công khai" in page and f"/binh-chon/{rnd.id}" in page
    vote_page = client.get(f"/binh-chon/{rnd.id}").get_data(as_text=True)
    assert "Chưa mở" in vote_page and "open-vote" in vote_page
    resp = client.submit(f"/binh-chon/{rnd.id}/mo", form_url=f"/binh-chon/{rnd.id}")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Đã mở bình chọn công khai" in page and "close-vote" in page
    resp = client.submit(f"/binh-chon/{rnd.id}/dong", form_url=f"/binh-chon/{rnd.id}")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Đã kết thúc bình chọn công khai" in page and "Đã kết thúc" in page
    db_session.expire_all()
    assert db_session.get(Round, rnd.id).vote_closes_at is not None


def test_a_new_round_gets_its_weight_from_the_form(
    client, db_session, secretary, criteria_set_id, login
):
    from ideadb.reviews.models import Round

    login(secretary())
    data = {
        "name": "Đợt có bình chọn",
        "year": "2021",
        "level": "tinh",
        "criteria_set_id": str(criteria_set_id),
        "reviewers_per_idea": "2",
        "aggregation": "mean",
        "disagreement_threshold": "20",
        "chair_id": "0",
        "public_vote_weight": "20",
    }
    resp = client.submit("/dot-xet-chon", data)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    rnd = db_session.scalar(sa.select(Round).where(Round.name == "Đợt có bình chọn"))
    assert rnd.public_vote_weight == 20
    bad = client.submit("/dot-xet-chon", {**data, "public_vote_weight": "80"})
    assert bad.status_code == 200
    bad = client.submit("/dot-xet-chon", {**data, "public_vote_weight": "mười"})
    assert bad.status_code == 200


def test_the_ranking_page_shows_council_public_and_total(
    client, db_session, ready_round, secretary, score_all, make_user, login
):
    from ideadb.reviews import votes

    rnd, ideas = _round(db_session, ready_round, secretary, score_all, deliberate=True)
    for i in range(2):
        votes.cast_vote(db_session, make_user(email=f"d{i}@example.vn"), rnd.id, ideas[1].id)
    login(secretary())
    page = client.get(f"/dot-xet-chon/{rnd.id}/xep-hang").get_data(as_text=True)
    assert "Điểm hội đồng" in page and "Điểm bình chọn" in page
    assert "80% điểm hội đồng + 20% điểm bình chọn" in page
    table = page[page.index('id="ranking-table"') :]
    assert table.index(ideas[1].title) < table.index(ideas[0].title)
    assert "84,8" in table
