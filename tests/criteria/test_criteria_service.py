"""The criteria service: versions, freezing, audit trail, and the sets as the scoring engine sees them."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

import scoring
from ideadb.audit.models import AuditEvent
from ideadb.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from ideadb.core.permissions import SYSTEM
from ideadb.criteria import service
from ideadb.criteria.reference import DEFAULT_SET, LEGAL_SET


@pytest.fixture
def secretary(make_user):
    return make_user("thuky", roles=["secretary"])


def actions(db_session, set_id: int) -> list[str]:
    return list(
        db_session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.object_type == "criteria_set", AuditEvent.object_id == str(set_id))
            .order_by(AuditEvent.id)
        )
    )


def test_a_stored_set_is_the_same_rubric_the_scoring_engine_parses(db_session, secretary):
    created = service.create_set(db_session, secretary, DEFAULT_SET)
    db_session.expire_all()
    stored = service.to_rubric(service.get_set(db_session, created.id))
    assert stored == scoring.parse_rubric(DEFAULT_SET)
    assert stored.criteria[0].bands[0] == scoring.Band(
        Decimal(27), Decimal(30), "Hoàn toàn mới", "Chưa từng được áp dụng hay công bố ở đâu."
    )


def test_every_change_is_audited_with_before_and_after(db_session, secretary):
    created = service.create_set(db_session, secretary, DEFAULT_SET)
    service.update_draft(db_session, secretary, created.id, {"name": "Bộ 2021"})
    service.activate(db_session, secretary, created.id)
    service.freeze(db_session, created.id, secretary)
    service.freeze(db_session, created.id, secretary)  # idempotent: no second event
    assert actions(db_session, created.id) == [
        "criteria_set.create",
        "criteria_set.update",
        "criteria_set.activate",
        "criteria_set.freeze",
    ]
    update = db_session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "criteria_set.update")
    )
    assert update.before["name"] == DEFAULT_SET["name"] and update.after["name"] == "Bộ 2021"
    assert update.actor_id == secretary.id


def test_activating_a_new_version_retires_the_previous_one(db_session, secretary):
    first = service.create_set(db_session, secretary, DEFAULT_SET)
    service.activate(db_session, secretary, first.id)
    second = service.revise(db_session, secretary, first.id)
    assert (second.version, second.lineage_id, second.based_on_id) == (2, first.id, first.id)
    service.activate(db_session, secretary, second.id)
    assert service.get_set(db_session, first.id).status == "retired"
    assert [s.id for s in service.active_sets(db_session)] == [second.id]
    assert [s.version for s in service.history(db_session, first)] == [2, 1]
    with pytest.raises(InvalidTransition):
        service.activate(db_session, secretary, first.id)


def test_a_frozen_draft_can_only_be_revised(db_session, secretary):
    draft = service.create_set(db_session, secretary, DEFAULT_SET)
    service.freeze(db_session, draft.id)
    assert service.is_frozen(db_session, draft.id)
    with pytest.raises(Conflict):
        service.update_draft(db_session, secretary, draft.id, {"name": "x"})
    with pytest.raises(Conflict):
        service.retire(db_session, secretary, draft.id)
    revised = service.revise(db_session, secretary, draft.id)
    assert not revised.frozen and revised.status == "draft"
    # A second open draft of the same set is refused.
    with pytest.raises(Conflict) as caught:
        service.revise(db_session, secretary, draft.id)
    assert caught.value.fields == {"draft_id": [str(revised.id)]}


def test_validation_problems_use_the_api_field_names(db_session, secretary):
    body = {**DEFAULT_SET, "criteria": [{**DEFAULT_SET["criteria"][0], "weight": -1}]}
    with pytest.raises(ValidationFailed) as caught:
        service.create_set(db_session, secretary, body)
    assert caught.value.fields == {"criteria.0.weight": ["Trọng số phải lớn hơn 0."]}


def test_reviewers_read_sets_but_do_not_change_them(db_session, make_user, secretary):
    reviewer = make_user("hoidong", roles=["reviewer"])
    created = service.create_set(db_session, secretary, DEFAULT_SET)
    assert service.view_set(db_session, reviewer, created.id).id == created.id
    for change in (service.activate, service.revise, service.retire):
        with pytest.raises(NotAllowed):
            change(db_session, reviewer, created.id)
    with pytest.raises(NotAllowed):
        service.create_set(db_session, reviewer, DEFAULT_SET)


def test_a_set_not_used_by_any_round_has_no_usage(db_session, secretary):
    created = service.create_set(db_session, secretary, DEFAULT_SET)
    assert service.usage(db_session, created.id) == []
    assert not service.is_frozen(db_session, created.id)


def test_the_default_set_ranks_with_its_recognition_levels(db_session):
    service.load_reference_sets(db_session)
    default = next(s for s in service.active_sets(db_session) if s.name == DEFAULT_SET["name"])
    rubric = service.to_rubric(default)
    sheet = {"TINH_MOI": 27, "KHA_NANG_AP_DUNG": 21, "HIEU_QUA": 25, "TINH_KINH_TE": 13}
    reviews = [scoring.ReviewInput(1, r, sheet) for r in (1, 2)]
    ranking = scoring.rank_round(rubric, reviews, [scoring.IdeaInput(1)], reviewers_per_idea=2)
    assert ranking.items[0].final_score == 86
    assert ranking.items[0].proposed_level == "DE_NGHI_TW"


def test_the_legal_set_needs_every_condition_met_by_at_least_half_the_sheets(db_session):
    service.load_reference_sets(db_session)
    legal = next(s for s in service.active_sets(db_session) if s.name == LEGAL_SET["name"])
    rubric = service.to_rubric(legal)
    met = {"TINH_MOI": 1, "DA_AP_DUNG": 1, "LOI_ICH": 1}
    not_applied = {**met, "DA_AP_DUNG": 0}
    reviews = [
        # idea 1: two of three sheets say it was applied → the condition holds
        scoring.ReviewInput(1, 1, met),
        scoring.ReviewInput(1, 2, met),
        scoring.ReviewInput(1, 3, not_applied),
        # idea 2: two of three say it was not applied → not recognised, whatever the total
        scoring.ReviewInput(2, 1, met),
        scoring.ReviewInput(2, 2, not_applied),
        scoring.ReviewInput(2, 3, not_applied),
    ]
    ideas = [scoring.IdeaInput(1), scoring.IdeaInput(2)]
    ranking = scoring.rank_round(rubric, reviews, ideas, reviewers_per_idea=3)
    assert ranking.item(1).proposed_level == "DAT"
    assert ranking.item(2).proposed_level is None
    assert ranking.item(2).knocked_out_by == ("DA_AP_DUNG",)
    # A point is 0 or 1: half points are refused.
    problems = scoring.validate_sheet(rubric, {**met, "LOI_ICH": Decimal("0.5")})
    assert [p.path for p in problems] == ["scores.LOI_ICH"]


def test_reference_sets_are_loaded_by_the_system_once(db_session):
    assert service.load_reference_sets(db_session) == 2
    assert service.load_reference_sets(db_session) == 0
    assert {s.reference_code for s in service.active_sets(db_session)} == {
        "MAC_DINH_DKST",
        "DIEU_KIEN_SANG_KIEN",
    }
    assert all(s.created_by_id is None for s in service.active_sets(db_session))
    assert SYSTEM.id is None


def test_a_round_using_a_set_freezes_it_and_is_listed_where_used(
    db_session, secretary, client, login
):
    from ideadb.reviews import rounds

    created = service.create_set(db_session, secretary, DEFAULT_SET)
    service.activate(db_session, secretary, created.id)
    round_ = rounds.create_round(
        db_session,
        secretary,
        {"name": "Xét chọn sáng kiến cấp tỉnh 2021", "year": 2021, "level": "tinh",
         "criteria_set_id": created.id},
    )  # fmt: skip
    assert service.usage(db_session, created.id) == [
        {
            "id": round_.id,
            "name": "Xét chọn sáng kiến cấp tỉnh 2021",
            "year": 2021,
            "status": "draft",
        }
    ]
    assert service.is_frozen(db_session, created.id)
    with pytest.raises(Conflict) as caught:
        service.retire(db_session, secretary, created.id)
    assert "Xét chọn sáng kiến cấp tỉnh 2021" in caught.value.message
    login("thuky")
    page = client.get(f"/bo-tieu-chi/{created.id}").get_data(as_text=True)
    assert f'href="/dot-xet-chon/{round_.id}"' in page
    assert 'id="set-frozen"' in page
