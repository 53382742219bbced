"""Messages built from values (names, counts, points) read in English on the pages of a reader
who chose English, and stay Vietnamese text for the API."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from ideadb.core.errors import DomainError
from tests.english import untranslated, user_data
from tests.reviews.conftest import SCORES_HIGH, SCORES_LOW


def _english(client) -> None:
    """English from now on (the greeting flashed at sign-in, in Vietnamese, is read first)."""
    client.get("/")
    assert client.get("/lang/en").status_code == 302


def _page(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def test_an_impossible_automatic_assignment_is_explained_in_english(
    client, login, db_session, secretary, create_round, create_idea, create_reviewer
):
    from ideadb.reviews import assignments, rounds

    rnd = create_round(reviewers_per_idea=2)
    ideas = [create_idea(status="eligible") for _ in range(2)]
    reviewers = [create_reviewer(name=name) for name in ("Lý Văn Sáng", "Hà Thị Mai")]
    rounds.add_ideas(db_session, secretary(), rnd.id, [i.id for i in ideas])
    rounds.add_reviewers(db_session, secretary(), rnd.id, [u.id for u in reviewers[:1]])
    login(secretary())
    _english(client)
    url = f"/dot-xet-chon/{rnd.id}"
    page = _page(client.submit(f"{url}/phan-cong-tu-dong", {}, form_url=url, follow_redirects=True))
    assert (
        "Automatic assignment is not possible. The council has 1 members but each idea needs "
        "2 reviewers." in page
    ), page
    assert "Không thể phân công" not in page

    # A second member with a conflict on the first idea: the idea and the member are named.
    rounds.add_reviewers(db_session, secretary(), rnd.id, [reviewers[1].id])
    assignments.declare_conflict(
        db_session,
        secretary(),
        rnd.id,
        user_id=reviewers[1].id,
        idea_id=ideas[0].id,
        reason="Cùng đơn vị",
    )
    with pytest.raises(DomainError) as refused:  # the API keeps the Vietnamese text
        assignments.auto_assign(db_session, secretary(), rnd.id)
    assert refused.value.message.startswith("Không thể phân công tự động. Ý tưởng ")
    page = _page(client.submit(f"{url}/phan-cong-tu-dong", {}, form_url=url, follow_redirects=True))
    code = db_session.get(type(ideas[0]), ideas[0].id).code
    assert (
        f"Automatic assignment is not possible. Idea {code} needs 2 more reviewers but only 1 "
        "members without a conflict remain (conflicts: Hà Thị Mai)." in page
    ), page
    assert untranslated(page, user_data(db_session)) == []


def test_a_score_sheet_refused_by_the_rubric_reads_in_english(
    client, login, ready_round, db_session
):
    from ideadb.reviews.models import Assignment

    _rnd, _ideas, reviewers = ready_round(1, 2)
    user = reviewers[0]
    aid = db_session.scalar(sa.select(Assignment.id).where(Assignment.reviewer_id == user.id))
    login(user)
    _english(client)
    client.submit(f"/phieu-cham/{aid}/xac-nhan", {"conflict": "no"}, form_url=f"/phieu-cham/{aid}")
    resp = client.submit(
        f"/phieu-cham/{aid}", {"version": "0", "diem-TINH_MOI": "31,5", "action": "save"}
    )
    page = _page(resp)
    assert resp.status_code == 200
    assert "31,5" in page and "vượt quá điểm tối đa" not in page
    assert "31,5 points are more than the maximum of 30 for the criterion" in page, page
    assert untranslated(page, user_data(db_session)) == []


def test_criteria_editor_errors_read_in_english(client, login, secretary, db_session):
    login(secretary())
    _english(client)
    data = {
        "name": "Bộ tiêu chí thử",
        "basis": "Kế hoạch 139/KH-MTTQ-BTT",
        "criteria-0-code": "TINH_MOI",
        "criteria-0-name": "Tính mới",
        "criteria-0-max_points": "30",
        "criteria-0-weight": "0",
        "criteria-0-levels-0-min": "27",
        "criteria-0-levels-0-max": "31,5",
        "criteria-0-levels-0-label": "quá",
        "action": "save",
    }
    page = _page(client.submit("/bo-tieu-chi/moi", data))
    assert "The weight must be greater than 0." in page
    assert "The point range 27–31,5 exceeds the criterion's maximum points 30." in page
    assert "vượt quá điểm tối đa" not in page and "Trọng số phải lớn hơn 0." not in page


def test_ranking_notes_read_in_english(
    client, login, secretary, ready_round, score_all, db_session
):
    from ideadb.reviews import deliberation

    rnd, _ideas, reviewers = ready_round(1, 2, aggregation="zscore")
    score_all(rnd)
    deliberation.deliberate(db_session, secretary(), rnd.id)
    login(secretary())
    _english(client)
    page = _page(client.get(f"/dot-xet-chon/{rnd.id}/xep-hang"))
    first = min(u.id for u in reviewers)
    assert (
        f"Council member {first} has only 1 submitted sheets in the round (at least 3 are "
        "needed), so this member's totals are standardised with the mean and population "
        "standard deviation of the whole round instead of their own." in page
    ), page
    assert "Every sheet in the round has the same total" in page
    assert "Thành viên hội đồng" not in page and "chuẩn hóa theo" not in page
    assert untranslated(page, user_data(db_session)) == []


def test_a_refused_finalisation_reads_in_english(
    client, login, secretary, ready_round, score_all, db_session
):
    from ideadb.core.errors import Conflict
    from ideadb.reviews import deliberation

    rnd, ideas, reviewers = ready_round(1, 2)
    high = reviewers[0].id
    score_all(rnd, points=lambda a: SCORES_HIGH if a.reviewer_id == high else SCORES_LOW)
    deliberation.deliberate(db_session, secretary(), rnd.id)
    idea = db_session.get(type(ideas[0]), ideas[0].id)
    with pytest.raises(Conflict) as refused:
        deliberation.finalize(db_session, secretary(), rnd.id)
    assert refused.value.message == (
        "Còn ý tưởng có chênh lệch điểm lớn chưa được xử lý (bổ sung người chấm hoặc ghi "
        f"biên bản thảo luận): «{idea.title}» ({idea.code})"
    )
    login(secretary())
    _english(client)
    url = f"/dot-xet-chon/{rnd.id}"
    page = _page(
        client.submit(
            f"{url}/cong-bo", {"confirmed": "1"}, form_url=f"{url}/xep-hang", follow_redirects=True
        )
    )
    assert (
        "Some ideas with a large spread of scores are not resolved yet (add a reviewer or record "
        f"discussion minutes): «{idea.title}» ({idea.code})" in page
    ), page
    assert "chưa được xử lý" not in page


def test_words_inside_a_message_are_translated_with_it(app):
    from flask_babel import force_locale

    from ideadb.core.forms import shown
    from ideadb.criteria.alignment import Difference
    from ideadb.criteria.guidelines import describe
    from ideadb.criteria.views import departure
    from ideadb.reviews.nomination import _scope
    from scoring.messages import N_, Message, joined

    refusal = Message(
        N_(
            "Mỗi ý tưởng chỉ ở một đợt đang diễn ra của mỗi cấp; đã nằm trong đợt "
            "%(scope)s chưa kết thúc: %(ideas)s"
        ),
        scope=_scope("tinh"),
        ideas=joined(
            [Message(N_("%(idea)s (đợt “%(round)s”)"), idea="BK-2021-0001", round="Đợt A")], ", "
        ),
    )
    assert refusal == (
        "Mỗi ý tưởng chỉ ở một đợt đang diễn ra của mỗi cấp; đã nằm trong đợt cấp tỉnh chưa "
        "kết thúc: BK-2021-0001 (đợt “Đợt A”)"
    )
    weight = describe(
        Difference("weight_changed", "TINH_MOI", 30, 35, within_constraints=True, allowed=(20, 40))
    )
    assert weight == "trọng số TINH_MOI: 30 → 35 (cho phép 20–40)"
    with app.test_request_context(), force_locale("en"):
        assert shown(refusal) == (
            "An idea is in only one open round at each level; already in an unfinished round "
            "at provincial level: BK-2021-0001 (round “Đợt A”)"
        )
        assert shown(weight) == "weight of TINH_MOI: 30 → 35 (allowed 20–40)"
        # The criteria page lists departures through its filter.
        assert departure(Difference("criterion_removed", "HIEU_QUA", 30, None, False)) == (
            "criterion HIEU_QUA removed (required)"
        )
    with app.test_request_context(), force_locale("vi"):
        assert shown(refusal) == refusal


def test_a_step_refused_in_this_phase_names_the_phase_in_english(
    client, login, secretary, ready_round, db_session
):
    from ideadb.core.errors import InvalidTransition
    from ideadb.reviews import deliberation

    rnd, _ideas, _reviewers = ready_round(1, 2, open=False)
    with pytest.raises(InvalidTransition) as refused:
        deliberation.finalize(db_session, secretary(), rnd.id)
    assert refused.value.message == (
        "Không thể thực hiện thao tác này khi đợt xét chọn ở giai đoạn “Đang chuẩn bị”."
    )
    login(secretary())
    _english(client)
    url = f"/dot-xet-chon/{rnd.id}"
    page = _page(
        client.submit(f"{url}/cong-bo", {"confirmed": "1"}, form_url=url, follow_redirects=True)
    )
    assert "This cannot be done while the review round is at the stage “In preparation”." in page
    assert "Không thể thực hiện" not in page


def test_why_a_pdf_cannot_be_made_reads_in_english(app, monkeypatch):
    from flask_babel import force_locale

    from ideadb.core.forms import shown
    from ideadb.reports import decisions

    monkeypatch.setattr(decisions, "soffice", lambda: None)
    why = decisions.pdf_missing_reason()
    assert why.startswith("Máy chủ chưa cài LibreOffice")
    with app.test_request_context(), force_locale("en"):
        assert shown(why).startswith("LibreOffice is not installed on the server")


def test_automatic_conflicts_are_explained_in_english(
    client, login, db_session, secretary, create_round, create_idea, create_reviewer
):
    from ideadb.reviews import rounds

    rnd = create_round()
    idea = create_idea(status="eligible")
    same_unit = create_reviewer(name="Lý Văn Sáng", unit=idea.unit.code)
    rounds.add_ideas(db_session, secretary(), rnd.id, [idea.id])
    rounds.add_reviewers(db_session, secretary(), rnd.id, [same_unit.id])
    login(secretary())
    page = _page(client.get(f"/dot-xet-chon/{rnd.id}/phan-cong"))
    assert "Thành viên thuộc đơn vị của ý tưởng." in page
    _english(client)
    page = _page(client.get(f"/dot-xet-chon/{rnd.id}/phan-cong"))
    assert "The member belongs to the idea's unit." in page, page
    assert untranslated(page, user_data(db_session)) == []
