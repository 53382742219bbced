"""The migration chains the events written before it, in id order, and allows the auditor role."""

import sqlalchemy as sa

BEFORE_CHAIN = "ac5e2da1cffc"


def test_existing_events_are_chained_by_the_migration(empty_app):
    from flask_migrate import downgrade, upgrade

    from ideadb.audit import service
    from ideadb.audit.models import AuditChainHead, AuditEvent
    from ideadb.core.permissions import SYSTEM
    from ideadb.extensions import db

    upgrade(revision=BEFORE_CHAIN)
    with db.engine.begin() as conn:
        for i, (action, after) in enumerate(
            [("unit.create", '{"name": "Xã Nguyễn"}'), ("idea.submit", "null"), ("x", None)],
            start=1,
        ):
            conn.execute(
                sa.text(
                    "INSERT INTO audit_events (id, created_at, action, object_type, object_id, after) "
                    "VALUES (:id, :at, :action, 'idea', '1', :after)"
                ),
                {
                    "id": i * 2,
                    "at": f"2021-02-0{i} 01:00:00.123456",
                    "action": action,
                    "after": after,
                },
            )
    upgrade()

    result = service.verify(db.session, SYSTEM)
    assert (result.ok, result.events) == (True, 3)
    head = db.session.get(AuditChainHead, 1)
    assert head.last_id == 6 and head.hash == result.head
    chain_end = head.hash
    assert db.session.get(AuditEvent, 2).after == {"name": "Xã Nguyễn"}

    service.record(db.session, SYSTEM, "after.migration", "thing")
    db.session.execute(
        sa.text(
            "INSERT INTO users (username, full_name, password_hash, active, created_at) VALUES ('kt', 'kt', 'x', true, CURRENT_TIMESTAMP)"
        )
    )
    user_id = db.session.scalar(sa.text("SELECT id FROM users WHERE username = 'kt'"))
    db.session.execute(
        sa.text("INSERT INTO user_roles (user_id, role) VALUES (:u, 'auditor')"), {"u": user_id}
    )
    db.session.commit()
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "after.migration"))
    assert event.id == 7 and event.prev_hash == chain_end
    assert service.verify(db.session, SYSTEM).ok
    db.session.remove()

    downgrade(revision=BEFORE_CHAIN)
    upgrade()
    assert service.verify(db.session, SYSTEM).ok
