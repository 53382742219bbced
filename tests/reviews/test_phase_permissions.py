"""Phases are permission sets: every role × phase × round action through the API answers as
the table in the service says (2xx allowed; 401 anonymous; 403/404 wrong role; 409 wrong
phase; the ranking answers 403 before deliberation, for everyone)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

PHASES = ("draft", "reviewing", "deliberation", "finalized")
ROLES = ("anonymous", "submitter", "outsider_reviewer", "panel_reviewer", "chair", "secretary")

# action: (method, path, body, phases in which the secretary may do it)
ACTIONS = {
    "view_round": ("get", "/rounds/{rid}", None, set(PHASES)),
    "add_ideas": ("post", "/rounds/{rid}/ideas", {"idea_ids": ["{new_idea}"]}, {"draft"}),
    "add_reviewers": (
        "post",
        "/rounds/{rid}/reviewers",
        {"user_ids": ["{new_reviewer}"]},
        {"draft", "reviewing", "deliberation"},
    ),
    "auto_assign": ("post", "/rounds/{rid}/assignments/auto", None, {"draft", "reviewing"}),
    "open": ("post", "/rounds/{rid}/open", None, {"draft"}),
    "progress": ("get", "/rounds/{rid}/progress", None, set(PHASES)),
    "deliberate": ("post", "/rounds/{rid}/deliberate", {"force": True}, {"reviewing"}),
    "ranking": ("get", "/rounds/{rid}/ranking", None, {"deliberation", "finalized"}),
    "discussion": (
        "post",
        "/rounds/{rid}/discussions",
        {"idea_id": "{idea}", "note": "Hội đồng thảo luận."},
        {"deliberation"},
    ),
    "decision": (
        "post",
        "/rounds/{rid}/decisions",
        {"idea_id": "{idea}", "level": "DAT", "note": "Hội đồng thống nhất."},
        {"deliberation"},
    ),
    "finalize": ("post", "/rounds/{rid}/finalize", None, {"deliberation"}),
}


def expected(role: str, phase: str, action: str) -> set[int]:
    allowed_phases = ACTIONS[action][3]
    if role == "anonymous":
        return {401}
    if action == "view_round":
        return {200} if role in ("panel_reviewer", "chair", "secretary") else {404}
    if action == "ranking":
        if role in ("chair", "secretary") and phase in allowed_phases:
            return {200}
        return {403}
    if role != "secretary":
        return {403}
    return {200, 201} if phase in allowed_phases else {409}


@pytest.fixture
def round_in_phase(db_session, secretary, ready_round, score_all, create_reviewer, create_idea):
    from ideadb.reviews import deliberation

    def make(phase: str):
        chair = create_reviewer(name="Chu Văn Chủ Tịch")
        rnd, ideas, reviewers = ready_round(2, 2, open=phase != "draft", chair_id=chair.id)
        if phase in ("deliberation", "finalized"):
            score_all(rnd)
            deliberation.deliberate(db_session, secretary(), rnd.id)
        if phase == "finalized":
            deliberation.finalize(db_session, secretary(), rnd.id)
        return rnd, ideas, reviewers, chair

    return make


def _fill(value, names):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return names[value[1:-1]]
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("phase", PHASES)
def test_each_role_may_do_each_round_action_only_in_its_phases(
    phase, action, client, auth_headers, make_user, create_reviewer, create_idea, secretary,
    round_in_phase, db_session,
):  # fmt: skip
    rnd, ideas, reviewers, chair = round_in_phase(phase)
    names = {
        "rid": rnd.id,
        "idea": ideas[0].id,
        "new_idea": create_idea(status="eligible").id,
        "new_reviewer": create_reviewer().id,
    }
    actors = {
        "submitter": make_user(roles=["submitter"]),
        "outsider_reviewer": create_reviewer(),
        "panel_reviewer": reviewers[0],
        "chair": chair,
        "secretary": secretary(),
    }
    method, path, body, _ = ACTIONS[action]
    url = "/api/v1" + path.format(**names)
    for role in ROLES:  # the secretary last: an allowed action changes the round
        headers = {} if role == "anonymous" else auth_headers(actors[role])
        resp = getattr(client, method)(url, json=_fill(body, names) or {}, headers=headers)
        assert resp.status_code in expected(role, phase, action), (
            role,
            phase,
            action,
            resp.status_code,
            resp.get_json(),
        )


def test_each_phase_change_is_one_audited_event_with_before_and_after(db_session, round_in_phase):
    from ideadb.audit.models import AuditEvent

    rnd, *_ = round_in_phase("finalized")
    events = db_session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.object_type == "round", AuditEvent.object_id == str(rnd.id))
        .where(AuditEvent.action.in_(["round.open", "round.deliberate", "round.finalize"]))
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.before["status"], e.after["status"]) for e in events] == [
        ("draft", "reviewing"),
        ("reviewing", "deliberation"),
        ("deliberation", "finalized"),
    ]
