"""The review pages without JavaScript: the secretary configures and runs a round, a reviewer
confirms and scores, the submitter reads the result."""

from __future__ import annotations

import sqlalchemy as sa


def _form_ids(html: str, name: str) -> list[str]:
    import re

    return re.findall(rf'name="{name}"[^>]*value="(\d+)"', html) + re.findall(
        rf'value="(\d+)"[^>]*name="{name}"', html
    )


def test_secretary_creates_and_configures_a_round_through_the_pages(
    client, login, secretary, criteria_set_id, create_idea, create_reviewer
):
    idea = create_idea(status="eligible")
    reviewers = [create_reviewer() for _ in range(2)]
    login(secretary())
    resp = client.submit(
        "/dot-xet-chon",
        {
            "name": "Đợt xét chọn cấp tỉnh 2021",
            "year": "2021",
            "level": "tinh",
            "criteria_set_id": str(criteria_set_id),
            "reviewers_per_idea": "2",
            "aggregation": "mean",
            "disagreement_threshold": "20",
            "deadline": "15/12/2021",
            "chair_id": "0",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    page_url = resp.headers["Location"]
    html = client.get(page_url).get_data(as_text=True)
    assert "Đợt xét chọn cấp tỉnh 2021" in html and "15/12/2021" in html
    rid = page_url.rstrip("/").split("/")[-1]
    resp = client.submit(
        f"/dot-xet-chon/{rid}/y-tuong", {"ideas-idea_ids": [str(idea.id)]}, form_url=page_url
    )
    assert resp.status_code == 302
    resp = client.submit(
        f"/dot-xet-chon/{rid}/hoi-dong",
        {"panel-user_ids": [str(u.id) for u in reviewers]},
        form_url=page_url,
    )
    html = client.get(page_url).get_data(as_text=True)
    assert idea.title in html and reviewers[0].full_name in html
    client.submit(f"/dot-xet-chon/{rid}/phan-cong-tu-dong", {}, form_url=page_url)
    html = client.get(f"/dot-xet-chon/{rid}/phan-cong").get_data(as_text=True)
    assert html.count("Chờ xác nhận không xung đột") == 2
    resp = client.submit(f"/dot-xet-chon/{rid}/mo-cham", {"confirmed": "1"}, form_url=page_url)
    html = client.get(page_url).get_data(as_text=True)
    assert "Đang chấm điểm" in html


def test_reviewer_confirms_scores_saves_and_submits_without_javascript(
    client, login, ready_round, db_session
):
    from ideadb.reviews.models import Assignment

    _rnd, ideas, reviewers = ready_round(1, 2)
    user = reviewers[0]
    aid = db_session.scalar(sa.select(Assignment.id).where(Assignment.reviewer_id == user.id))
    login(user)
    html = client.get("/phieu-cham").get_data(as_text=True)
    assert ideas[0].title in html
    html = client.get(f"/phieu-cham/{aid}").get_data(as_text=True)
    assert "confirm-form" in html and ideas[0].summary not in html
    resp = client.submit(
        f"/phieu-cham/{aid}/xac-nhan", {"conflict": "no"}, form_url=f"/phieu-cham/{aid}"
    )
    assert resp.status_code == 302
    html = client.get(f"/phieu-cham/{aid}").get_data(as_text=True)
    assert ideas[0].summary in html and "diem-TINH_MOI" in html
    resp = client.submit(
        f"/phieu-cham/{aid}",
        {"version": "0", "diem-TINH_MOI": "31", "action": "save"},
    )
    assert resp.status_code == 200
    assert "vượt quá điểm tối đa" in resp.get_data(as_text=True)
    resp = client.submit(
        f"/phieu-cham/{aid}",
        {"version": "0", "diem-TINH_MOI": "27", "nhan-xet-TINH_MOI": "Mới ở địa phương",
         "action": "save"},
    )  # fmt: skip
    assert resp.status_code == 302
    html = client.get(f"/phieu-cham/{aid}").get_data(as_text=True)
    assert "Mới ở địa phương" in html and 'value="27"' in html
    # A second tab still holding version 0 saves: it is told another tab changed the sheet.
    resp = client.submit(
        f"/phieu-cham/{aid}", {"version": "0", "diem-TINH_MOI": "5", "action": "save"}
    )
    assert "Phiếu đã được thay đổi ở một thẻ khác." in resp.get_data(as_text=True)
    resp = client.submit(
        f"/phieu-cham/{aid}",
        {"version": "1", "diem-TINH_MOI": "27", "diem-KHA_NANG_AP_DUNG": "22",
         "diem-HIEU_QUA": "26", "diem-TINH_KINH_TE": "13,5", "action": "submit",
         "confirmed": "1"},
    )  # fmt: skip
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    html = client.get(f"/phieu-cham/{aid}").get_data(as_text=True)
    assert "Phiếu đã nộp" in html and "88,50" in html


def test_submitter_sees_outcome_means_and_comments_without_reviewer_names(
    client, login, ready_round, score_all, secretary, db_session, make_user, create_idea,
    create_reviewer,
):  # fmt: skip
    from ideadb.reviews import deliberation

    rnd, ideas, reviewers = ready_round(1, 2, show_details_to_submitters=True)
    score_all(rnd)
    deliberation.deliberate(db_session, secretary(), rnd.id)
    deliberation.finalize(db_session, secretary(), rnd.id)
    owner = db_session.get(type(ideas[0]), ideas[0].id).registrant
    login(owner)
    html = client.get(f"/ket-qua-xet-chon/{ideas[0].id}").get_data(as_text=True)
    assert "Được công nhận" in html and "Đề nghị Trung ương tôn vinh" in html
    assert "Nhận xét chung." in html
    for user in reviewers:
        assert user.full_name not in html
