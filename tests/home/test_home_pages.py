"""Each role's home page: what waits, with counts and the next action; the unread count in
the menu; the idea page's steps and result link; the ranking tab while scoring."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from tests.reviews.conftest import SCORES_HIGH


def _tasks(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", t).strip() for t in re.findall(r'class="home-task-text">([^<]*)<', html)
    ]


def test_citizen_sees_drafts_returned_dossiers_and_steps(client, login, make_user, create_idea):
    owner = make_user(roles=["submitter"], unit="BK-BB-NM")
    create_idea(owner)
    create_idea(owner)
    returned = create_idea(owner, status="needs_revision")
    login(owner)
    html = client.get("/").get_data(as_text=True)
    tasks = _tasks(html)
    assert "1 hồ sơ được trả lại, cần bổ sung" in tasks
    assert "2 bản nháp chưa nộp" in tasks
    assert 'href="/y-tuong/cua-toi?status=needs_revision"' in html
    assert returned.title in html and 'aria-current="step"' in html
    assert "Nháp" in html and "Sàng lọc" in html and "Chấm" in html and "Kết quả" in html


def test_officer_sees_dossiers_waiting_for_screening(client, login, make_user, create_idea):
    officer = make_user(roles=["unit_officer"], unit="BK-BB")
    for _ in range(3):
        create_idea(submit=True, unit="BK-BB-NM")
    login(officer)
    html = client.get("/").get_data(as_text=True)
    assert "3 hồ sơ chờ sàng lọc" in _tasks(html)
    assert 'href="/y-tuong/don-vi?status=submitted"' in html
    listed = client.get("/y-tuong/don-vi?status=submitted").get_data(as_text=True)
    assert listed.count("Mô hình nuôi lợn đen") >= 3


def test_reviewer_sees_sheets_submitted_out_of_assigned_and_the_deadline(
    client, login, ready_round, db_session
):
    _rnd, _ideas, reviewers = ready_round(4, 2, deadline=date(2031, 12, 15))
    login(reviewers[0])
    html = client.get("/").get_data(as_text=True)
    assert "0/4 phiếu đã nộp" in _tasks(html)
    assert "Hạn chấm: 15/12/2031" in html
    link = re.search(r'href="(/phieu-cham/\d+)"[^>]*>Chấm phiếu tiếp theo', html)
    assert link and client.get(link.group(1)).status_code == 200


def test_secretary_sees_rounds_by_phase_disagreements_and_pending_decisions(
    client, login, ready_round, score_all, secretary, db_session
):
    from ideadb.reviews import deliberation
    from ideadb.reviews.models import Assignment

    rnd, ideas, _reviewers = ready_round(2, 2, name="Đợt họp xét")
    first = ideas[0].id

    def far_apart(a: Assignment):
        low = {k: v // 3 for k, v in SCORES_HIGH.items()}
        return low if a.idea_id == first and a.reviewer_id == _reviewers[0].id else SCORES_HIGH

    score_all(rnd, far_apart)
    deliberation.deliberate(db_session, secretary(), rnd.id)
    ready_round(1, 2, open=False, name="Đợt đang chuẩn bị")
    login(secretary())
    html = client.get("/").get_data(as_text=True)
    tasks = _tasks(html)
    assert "1 ý tưởng chênh lệch điểm lớn chưa xử lý" in tasks
    assert "2 ý tưởng chờ quyết định, rồi công bố kết quả" in tasks
    assert "Đợt đang chuẩn bị: 1 ý tưởng" in tasks
    assert "Đang chuẩn bị: 1" in html or "Nháp: 1" in html or "draft" not in html
    assert f'href="/dot-xet-chon/{rnd.id}/xep-hang"' in html


def test_visitor_sees_recognised_initiatives_and_a_way_to_find_them(client, create_idea):
    create_idea(status="recognized")
    html = client.get("/").get_data(as_text=True)
    assert "1 sáng kiến đã được công nhận, sẵn sàng để áp dụng" in _tasks(html)
    assert 'href="/tra-cuu?status=recognized"' in html


def test_admin_home_counts_accounts(client, login, make_user):
    admin = make_user(roles=["admin"])
    login(admin)
    html = client.get("/").get_data(as_text=True)
    assert any(t.endswith("tài khoản") for t in _tasks(html))
    assert 'href="/quan-tri/nguoi-dung"' in html


def test_unread_notifications_are_counted_in_the_menu(client, login, make_user, create_idea):
    owner = make_user(roles=["submitter"], unit="BK-BB-NM")
    create_idea(owner, status="needs_revision")  # screening notifies the owner
    login(owner)
    html = client.get("/").get_data(as_text=True)
    badge = re.search(r'id="nav-notifications"[^>]*>Thông báo <span class="badge[^"]*">(\d+)', html)
    assert badge and int(badge.group(1)) >= 1
    client.submit("/thong-bao/da-doc", {}, form_url="/thong-bao")
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'id="nav-notifications"[^>]*>Thông báo</a>', html)


def test_idea_page_shows_steps_and_links_the_decided_result_with_reasons(
    client, login, ready_round, score_all, secretary, db_session
):
    from ideadb.reviews import deliberation
    from ideadb.reviews.models import Assignment

    rnd, ideas, _reviewers = ready_round(2, 2, show_details_to_submitters=True)
    short = ideas[1]
    skip = db_session.scalar(
        sa.select(Assignment).where(Assignment.idea_id == short.id).order_by(Assignment.id)
    )
    # Every sheet but one of the second idea: that idea has too few reviews.
    from ideadb.reviews import sheets

    for a in db_session.scalars(
        sa.select(Assignment).where(Assignment.round_id == rnd.id).order_by(Assignment.id)
    ).all():
        if a.id == skip.id:
            continue
        sheets.confirm(db_session, a.reviewer, a.id, conflict=False)
        sheets.save_review(db_session, a.reviewer, a.id, scores=SCORES_HIGH, comments={},
                           comment="", version=0)  # fmt: skip
        sheets.submit_review(db_session, a.reviewer, a.id)
    # While scoring the ranking tab is "not yet", not a forbidden link.
    login(secretary())
    html = client.get(f"/dot-xet-chon/{rnd.id}").get_data(as_text=True)
    assert 'id="ranking-not-yet"' in html and f'href="/dot-xet-chon/{rnd.id}/xep-hang"' not in html
    deliberation.deliberate(db_session, secretary(), rnd.id, force=True)
    # The idea with too few sheets is decided by the council before publishing, never silently.
    deliberation.stage_decision(
        db_session, secretary(), rnd.id, short.id, None, "Chưa đủ phiếu chấm để xếp hạng."
    )
    deliberation.finalize(db_session, secretary(), rnd.id)
    owner = db_session.get(type(short), short.id).registrant
    recognised = db_session.get(type(short), ideas[0].id)
    # The notification of the result leads to the result page.
    from ideadb.accounts.models import Notification

    note = db_session.scalar(
        sa.select(Notification)
        .where(Notification.user_id == recognised.registrant_id)
        .order_by(Notification.id.desc())
    )
    assert note.link == f"/ket-qua-xet-chon/{recognised.id}" and "Xem điểm và lý do" in note.text
    login(recognised.registrant)
    html = client.get(f"/y-tuong/{recognised.id}").get_data(as_text=True)
    assert 'id="idea-steps"' in html and f'href="/ket-qua-xet-chon/{recognised.id}"' in html
    assert "Đề nghị Trung ương tôn vinh" in html and "DE_NGHI_TW" not in html
    assert "Phiên bản" not in html
    login(owner)
    html = client.get(f"/ket-qua-xet-chon/{short.id}").get_data(as_text=True)
    assert "chỉ có 1/2 phiếu chấm hợp lệ" in html
