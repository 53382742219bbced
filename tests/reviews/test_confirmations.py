"""What cannot be undone is confirmed first: without JavaScript the first POST shows a
confirmation page whose form posts the same fields again with ``confirmed=1``; nothing changes
until then. The conflict question has no answer chosen in advance."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.reviews.conftest import SCORES_HIGH


def _hidden(html: str) -> dict[str, str]:
    form = html[html.index('id="confirm-again"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_opening_a_round_asks_first_then_opens(client, login, secretary, ready_round, db_session):
    from ideadb.reviews.models import Round

    rnd, _ideas, _reviewers = ready_round(2, 2, open=False)
    login(secretary())
    url = f"/dot-xet-chon/{rnd.id}"
    html = client.get(url).get_data(as_text=True)
    assert 'data-confirm="Mở chấm đợt xét chọn?' in html
    resp = client.submit(f"{url}/mo-cham", {}, form_url=url)
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Mở chấm đợt xét chọn?" in page and rnd.name in page
    assert "Việc này không hoàn tác được" in page
    assert f'href="{url}"' in page  # go back without doing it
    db_session.expire_all()
    assert db_session.get(Round, rnd.id).status == "draft"
    fields = _hidden(page)
    assert fields["confirmed"] == "1" and fields["csrf_token"]
    resp = client.post(f"{url}/mo-cham", data=fields)
    assert resp.status_code == 302
    db_session.expire_all()
    assert db_session.get(Round, rnd.id).status == "reviewing"


def test_publishing_results_asks_first(
    client, login, secretary, ready_round, score_all, db_session
):
    from ideadb.reviews import deliberation
    from ideadb.reviews.models import Round

    rnd, _ideas, _reviewers = ready_round(1, 2)
    score_all(rnd, SCORES_HIGH)
    deliberation.deliberate(db_session, secretary(), rnd.id)
    login(secretary())
    url = f"/dot-xet-chon/{rnd.id}/xep-hang"
    resp = client.submit(f"/dot-xet-chon/{rnd.id}/cong-bo", {}, form_url=url)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Công bố kết quả?" in page
    db_session.expire_all()
    assert db_session.get(Round, rnd.id).status == "deliberation"
    resp = client.post(f"/dot-xet-chon/{rnd.id}/cong-bo", data=_hidden(page))
    assert resp.status_code == 302
    db_session.expire_all()
    assert db_session.get(Round, rnd.id).status == "finalized"


def test_submitting_a_sheet_asks_first_and_keeps_every_score(
    client, login, ready_round, db_session
):
    from ideadb.reviews import sheets
    from ideadb.reviews.models import Assignment

    _rnd, ideas, reviewers = ready_round(1, 2)
    user = reviewers[0]
    a = db_session.scalar(sa.select(Assignment).where(Assignment.reviewer_id == user.id))
    login(user)
    html = client.get(f"/phieu-cham/{a.id}").get_data(as_text=True)
    # No answer to the conflict question is chosen in advance; sending none is refused.
    assert "checked" not in html[html.index('id="confirm-form"') :].split("</form>")[0]
    resp = client.submit(f"/phieu-cham/{a.id}/xac-nhan", {}, form_url=f"/phieu-cham/{a.id}")
    assert resp.status_code == 302
    html = client.get(f"/phieu-cham/{a.id}").get_data(as_text=True)
    assert "Vui lòng trả lời: bạn có xung đột lợi ích hay không." in html
    db_session.expire_all()
    assert db_session.get(Assignment, a.id).status == "pending_confirmation"
    sheets.confirm(db_session, user, a.id, conflict=False)
    posted = {"version": "0", "diem-TINH_MOI": "27", "diem-KHA_NANG_AP_DUNG": "22",
              "diem-HIEU_QUA": "26", "diem-TINH_KINH_TE": "13,5",
              "nhan-xet-TINH_MOI": "Mới ở địa phương", "action": "submit"}  # fmt: skip
    resp = client.submit(f"/phieu-cham/{a.id}", posted)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Nộp phiếu chấm?" in page and ideas[0].title in page
    db_session.expire_all()
    assert sheets.review_of(db_session, a) is None
    fields = _hidden(page)
    assert {k: fields[k] for k in posted} == posted
    resp = client.post(f"/phieu-cham/{a.id}", data=fields)
    assert resp.status_code == 302
    db_session.expire_all()
    review = sheets.review_of(db_session, a)
    assert review.status == "submitted" and review.comments["TINH_MOI"] == "Mới ở địa phương"


def test_saving_a_draft_is_not_asked(client, login, ready_round, db_session):
    from ideadb.reviews import sheets
    from ideadb.reviews.models import Assignment

    _rnd, _ideas, reviewers = ready_round(1, 2)
    user = reviewers[0]
    a = db_session.scalar(sa.select(Assignment).where(Assignment.reviewer_id == user.id))
    sheets.confirm(db_session, user, a.id, conflict=False)
    login(user)
    resp = client.submit(
        f"/phieu-cham/{a.id}", {"version": "0", "diem-TINH_MOI": "20", "action": "save"}
    )
    assert resp.status_code == 302
    db_session.expire_all()
    assert sheets.review_of(db_session, a).status == "draft"


def test_the_api_is_not_asked(client, ready_round, secretary, auth_headers):
    rnd, _ideas, _reviewers = ready_round(2, 2, open=False)
    head = auth_headers(secretary())
    resp = client.post(f"/api/v1/rounds/{rnd.id}/open", headers=head)
    assert resp.status_code == 200 and resp.get_json()["status"] == "reviewing"


def test_withdrawing_a_dossier_asks_first(client, login, make_user, create_idea, db_session):
    from ideadb.ideas.models import Idea

    owner = make_user(roles=["submitter"], unit="BK-BB-NM")
    idea = create_idea(owner, submit=True)
    login(owner)
    url = f"/y-tuong/{idea.id}"
    assert 'data-confirm="Rút hồ sơ?' in client.get(url).get_data(as_text=True)
    resp = client.submit(f"{url}/rut", {}, form_url=url)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Rút hồ sơ?" in page and idea.title in page
    db_session.expire_all()
    assert db_session.get(Idea, idea.id).status == "submitted"
    assert client.post(f"{url}/rut", data=_hidden(page)).status_code == 302
    db_session.expire_all()
    assert db_session.get(Idea, idea.id).status == "withdrawn"
