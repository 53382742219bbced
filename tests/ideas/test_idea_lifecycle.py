"""The lifecycle: from any reachable state only the table's transitions succeed, per role."""

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ideadb.core.errors import DomainError
from ideadb.ideas import service
from ideadb.ideas.models import Idea

ROLES = ("owner", "other_submitter", "officer", "other_officer", "reviewer", "secretary")
ACTIONS = (*service.ACTIONS, "edit")

# Who may take each action (besides the state): the permission column of the table, by role.
MAY = {
    "submit": {"owner"},
    "withdraw": {"owner"},
    "edit": {"owner"},
    "screen_eligible": {"officer", "secretary"},
    "screen_ineligible": {"officer", "secretary"},
    "screen_needs_revision": {"officer", "secretary"},
    "start_review": {"secretary"},
    "release": {"secretary"},
    "recognize": {"secretary"},
    "not_recognize": {"secretary"},
}


def test_the_table_names_every_state_and_one_permission_per_action():
    states = {t.source for t in service.TRANSITIONS} | {t.target for t in service.TRANSITIONS}
    assert states == set(service.STATUS_LABELS)
    assert set(MAY) == set(ACTIONS)


def perform(session, actor, idea_id: int, action: str, step: int = 0) -> None:
    if action == "submit":
        service.submit_idea(session, actor, idea_id)
    elif action == "withdraw":
        service.withdraw_idea(session, actor, idea_id)
    elif action == "edit":
        service.update_idea(
            session, actor, idea_id, {"benefits": f"Tiết kiệm thêm {step + 5} ngày công."}
        )
    elif action.startswith("screen_"):
        service.screen_idea(session, actor, idea_id, action[7:], "Bổ sung bảng số liệu.")
    elif action == "start_review":
        service.mark_in_review(session, actor, [idea_id], round_id=1)
    elif action == "release":
        service.release_from_review(session, actor, [idea_id], round_id=1)
    elif action == "recognize":
        service.record_recognition(session, actor, idea_id, "huyen", "DAT", round_id=1)
    elif action == "not_recognize":
        service.record_recognition(session, actor, idea_id, "huyen", None, round_id=1)
    else:  # pragma: no cover
        raise AssertionError(action)


def state_of(session, idea_id: int) -> tuple:
    session.expire_all()
    row = session.execute(
        sa.select(Idea.status, Idea.version, Idea.code, Idea.benefits).where(Idea.id == idea_id)
    ).one()
    return tuple(row)


@pytest.fixture
def cast(make_user):
    return {
        "owner": make_user("chu", unit="BK-BB-NM"),
        "other_submitter": make_user("khac", unit="BK-BB-NM"),
        "officer": make_user("canbo", roles=["unit_officer"], unit="BK-BB"),
        "other_officer": make_user("canbo.nr", roles=["unit_officer"], unit="BK-NR"),
        "reviewer": make_user("hoidong", roles=["reviewer"], unit="BK-BB"),
        "secretary": make_user("thuky", roles=["secretary"]),
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start=st.sampled_from(sorted(service.STATUS_LABELS)),
    steps=st.lists(st.tuples(st.sampled_from(ROLES), st.sampled_from(ACTIONS)), max_size=10),
)
def test_only_the_tables_transitions_succeed_for_each_role(
    db_session, cast, create_idea, start, steps
):
    # Every state is reached through the real transitions, then random role/action pairs follow.
    idea = create_idea(cast["owner"], unit="BK-BB-NM", status=start)
    for step, (role, action) in enumerate(steps):
        status, *_ = before = state_of(db_session, idea.id)
        transition = service.transition_for(status, action)
        allowed = role in MAY[action] and (
            status in service.EDITABLE_STATES if action == "edit" else transition is not None
        )
        try:
            perform(db_session, cast[role], idea.id, action, step)
        except DomainError:
            assert not allowed, f"{role} could not {action} from {status}"
            assert state_of(db_session, idea.id) == before, "a refused action changed the idea"
        else:
            assert allowed, f"{role} was able to {action} from {status}"
            after = state_of(db_session, idea.id)
            expected = status if action == "edit" else transition.target
            assert after[0] == expected
            assert after[1] == before[1] + 1


def test_withdrawn_and_decided_ideas_are_final_for_their_owner(create_idea, db_session):
    for status in ("withdrawn", "ineligible", "recognized", "not_recognized", "in_review"):
        idea = create_idea(status=status)
        owner = idea.registrant
        for action in ("submit", "withdraw", "edit"):
            with pytest.raises(DomainError):
                perform(db_session, owner, idea.id, action)


def test_recognition_records_scope_level_and_publishes_with_consent(create_idea):
    idea = create_idea(status="recognized")
    assert (idea.recognized_scope, idea.recognized_level) == ("tinh", "CONG_NHAN_TINH")
    assert service.is_published(idea)
    private = create_idea(status="recognized", publish_consent=False)
    assert not service.is_published(private)


def test_round_takes_only_eligible_ideas_and_names_the_others(create_idea, secretary, db_session):
    from ideadb.core.errors import Conflict

    good = create_idea(status="eligible")
    bad = create_idea(submit=True)
    with pytest.raises(Conflict) as err:
        service.mark_in_review(db_session, secretary(), [good.id, bad.id])
    assert bad.code in err.value.message
    assert state_of(db_session, good.id)[0] == "eligible"


def test_screening_notifies_the_owner_in_app_and_by_email(
    app, make_user, create_idea, secretary, db_session
):
    from ideadb.accounts import notify

    owner = make_user("dung", email="dung@example.vn", unit="BK-BB-NM")
    idea = create_idea(owner, submit=True)
    service.screen_idea(db_session, secretary(), idea.id, "needs_revision", "Thiếu ảnh mô hình.")
    rows = db_session.scalars(notify.list_notifications(db_session, owner)).all()
    assert len(rows) == 1 and "Thiếu ảnh mô hình." in rows[0].text
    assert rows[0].link == f"/y-tuong/{idea.id}"
    mail = app.extensions["mail_outbox"][-1]
    assert mail["to"] == "dung@example.vn" and "Thiếu ảnh mô hình." in mail["body"]
    assert notify.unread_count(db_session, owner) == 1
    notify.mark_read(db_session, owner)
    assert notify.unread_count(db_session, owner) == 0


def test_submitting_tells_the_unit_officer_responsible(make_user, create_idea, db_session):
    from ideadb.accounts import notify

    officer = make_user("canbo", roles=["unit_officer"], unit="BK-BB")
    create_idea(unit="BK-BB-NM", submit=True)
    texts = [n.text for n in db_session.scalars(notify.list_notifications(db_session, officer))]
    assert len(texts) == 1 and "chờ sàng lọc" in texts[0]


def test_needs_revision_requires_a_note(create_idea, secretary, db_session):
    from ideadb.core.errors import ValidationFailed

    idea = create_idea(submit=True)
    with pytest.raises(ValidationFailed) as err:
        service.screen_idea(db_session, secretary(), idea.id, "needs_revision", "  ")
    assert "note" in err.value.fields


def test_submit_requires_a_complete_dossier(make_user, db_session):
    from ideadb.core.errors import ValidationFailed

    owner = make_user("dung", unit="BK-BB-NM")
    idea = service.create_idea(db_session, owner, {"title": "Ý tưởng còn dang dở"})
    with pytest.raises(ValidationFailed) as err:
        service.submit_idea(db_session, owner, idea.id)
    assert {"summary", "description", "area"} <= set(err.value.fields)
    assert state_of(db_session, idea.id)[0] == "draft"


def test_search_document_has_the_indexed_values(create_idea):
    idea = create_idea(status="recognized", unit="BK-BB-NM")
    doc = service.idea_document(idea)
    assert doc["id"] == idea.id and doc["code"] == idea.code and doc["published"] is True
    assert "Xã Nam Mẫu" in doc["people"] and doc["level"] == "CONG_NHAN_TINH"
