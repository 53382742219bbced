"""The audit trail: every state change leaves an event; administrators can read and filter it."""

import sqlalchemy as sa

from ideadb.audit.models import AuditEvent


def test_user_creation_and_role_change_are_audited_with_before_and_after(db_session, make_user):
    from ideadb.accounts import service
    from ideadb.core.permissions import SYSTEM

    user = make_user("canbo", roles=["submitter"])
    service.update_user(db_session, SYSTEM, user.id, roles=["submitter", "unit_officer"])
    event = db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.object_type == "user" and event.object_id == str(user.id)
    assert event.before["roles"] == ["submitter"]
    assert event.after["roles"] == ["submitter", "unit_officer"]
    assert event.created_at.tzinfo is not None


def test_a_rejected_change_writes_no_event(client, make_user, auth_headers, db_session):
    make_user("quantri", roles=["admin"])
    headers = auth_headers("quantri")
    before = db_session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    client.post(
        "/api/v1/units",
        headers=headers,
        json={"name": "", "kind": "agency", "parent_id": None, "code": None},
    )
    assert db_session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before


def test_events_record_the_remote_address(client, make_user, login, db_session):
    make_user("canbo")
    login("canbo")
    event = db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.sign_in"))
    assert event.remote_addr == "127.0.0.1"


def test_admin_filters_the_audit_log(client, make_user, login):
    make_user("quantri", roles=["admin"])
    make_user("hoidong", roles=["reviewer"])
    login("quantri")
    page = client.get("/quan-tri/nhat-ky/?action=user.create").get_data(as_text=True)
    assert "user.create" in page and "user.sign_in" not in page
    page = client.get("/quan-tri/nhat-ky/?action=user.sign_in").get_data(as_text=True)
    assert "user.sign_in" in page and "user.create</code>" not in page


def test_audit_log_is_hidden_from_non_admins(client, make_user, login):
    make_user("thuky", roles=["secretary"])
    login("thuky")
    assert client.get("/quan-tri/nhat-ky/").status_code == 403
