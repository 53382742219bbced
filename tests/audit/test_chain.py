"""The audit trail is a hash chain: normal use verifies; any altered, deleted or inserted row is found."""

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ideadb.audit import chain, service
from ideadb.audit.models import AuditChainHead, AuditEvent
from ideadb.core.permissions import SYSTEM


@pytest.fixture
def history(db_session, make_user, login):
    """Some real use: accounts created, signed in, renamed with Vietnamese text."""
    from ideadb.accounts import service as accounts

    admin = make_user("quantri", roles=["admin"])
    staff = make_user("canbo", roles=["submitter"])
    login("canbo")
    accounts.update_user(db_session, admin, staff.id, full_name="Phòng Kế hoạch – Tài chính")
    accounts.update_user(db_session, admin, staff.id, roles=["submitter", "unit_officer"])
    ids = db_session.scalars(sa.select(AuditEvent.id).order_by(AuditEvent.id)).all()
    assert len(ids) >= 5
    return ids


def _verify_api(client, auth_headers):
    resp = client.get("/api/v1/audit/verify", headers=auth_headers("quantri"))
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def _raw(db_session, sql: str, **params) -> None:
    db_session.execute(sa.text(sql), params)
    db_session.commit()


def test_normal_use_leaves_an_unbroken_chain(history, db_session, runner, client, auth_headers):
    events = db_session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.id for e in events] == list(range(events[0].id, events[0].id + len(events)))
    prev = chain.GENESIS
    for event in events:
        assert event.prev_hash == prev
        assert event.hash == chain.row_hash(prev, event)
        prev = event.hash
    head = db_session.get(AuditChainHead, chain.HEAD_ID)
    assert (head.last_id, head.hash, head.events) == (events[-1].id, prev, len(events))

    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert str(len(events)) in result.output and prev in result.output

    body = _verify_api(client, auth_headers)
    db_session.expire_all()
    assert body == {
        "ok": True,
        "events": db_session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)),
        "head": db_session.scalar(sa.select(AuditChainHead.hash)),
        "first_bad_id": None,
        "reason": None,
    }


def test_canonical_form_sorts_keys_and_normalises_text():
    from datetime import UTC, datetime

    common = dict(
        id=7,
        created_at=datetime(2021, 2, 23, 1, 0, tzinfo=UTC),
        actor_id=None,
        action="idea.update",
        object_type="idea",
        object_id="3",
        remote_addr=None,
    )
    nfc = chain.canonical(**common, before={"a": 1, "b": "Nguy\u1ec5n"}, after=None)
    nfd = chain.canonical(**common, before={"b": "Nguye\u0302\u0303n", "a": 1}, after=None)
    assert nfc == nfd
    assert "Nguyễn".encode() in nfc and b" " not in nfc and b"\\u" not in nfc


@pytest.mark.parametrize(
    "tamper",
    ["alter_after", "alter_before", "alter_action", "delete_middle", "delete_last", "insert"],
)
def test_one_tampered_row_is_found(history, tamper, db_session, runner, client, auth_headers):
    ids = history
    middle, last = ids[len(ids) // 2], ids[-1]
    if tamper == "alter_after":
        _raw(db_session, "UPDATE audit_events SET after = :v WHERE id = :i", v='{"x": 1}', i=middle)
        expected = middle
    elif tamper == "alter_before":
        _raw(db_session, "UPDATE audit_events SET before = :v WHERE id = :i", v="[]", i=middle)
        expected = middle
    elif tamper == "alter_action":
        _raw(db_session, "UPDATE audit_events SET action = 'x.y' WHERE id = :i", i=middle)
        expected = middle
    elif tamper == "delete_middle":
        _raw(db_session, "DELETE FROM audit_events WHERE id = :i", i=middle)
        expected = middle
    elif tamper == "delete_last":
        _raw(db_session, "DELETE FROM audit_events WHERE id = :i", i=last)
        expected = last
    else:
        # A well-formed row that even carries a correct hash over the current end of the chain.
        row = db_session.get(AuditEvent, last)
        new_id = last + 1
        fields = dict(
            id=new_id,
            created_at=row.created_at,
            actor_id=None,
            action="user.update",
            object_type="user",
            object_id="1",
            before=None,
            after=None,
            remote_addr=None,
        )
        digest = chain.event_hash(row.hash, **fields)
        db_session.execute(
            sa.insert(AuditEvent.__table__).values(**fields, prev_hash=row.hash, hash=digest)
        )
        db_session.commit()
        expected = new_id
    db_session.expire_all()

    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert f" {expected}:" in result.output

    body = service.verify(db_session, SYSTEM)
    assert body.ok is False and body.first_bad_id == expected
    assert body.head == db_session.scalar(sa.select(AuditChainHead.hash))


def test_the_api_names_the_first_bad_event(history, db_session, client, auth_headers):
    headers = auth_headers("quantri")
    middle = history[len(history) // 2]
    _raw(db_session, "UPDATE audit_events SET action = 'x.y' WHERE id = :i", i=middle)
    body = client.get("/api/v1/audit/verify", headers=headers).get_json()
    assert body["ok"] is False and body["first_bad_id"] == middle and body["events"] > middle


def test_an_inserted_row_in_the_middle_is_found(history, db_session):
    """With the UNIQUE prev_hash dropped, a row slipped into a gap of ids is named."""
    middle = history[len(history) // 2]
    _raw(db_session, "DELETE FROM audit_events WHERE id = :i", i=middle)
    row = db_session.get(AuditEvent, middle - 1)
    fields = dict(
        id=middle,
        created_at=row.created_at,
        actor_id=None,
        action="forged",
        object_type="user",
        object_id=None,
        before=None,
        after=None,
        remote_addr=None,
    )
    # The original predecessor hash is taken by the next event: a forger must pick another.
    db_session.execute(
        sa.insert(AuditEvent.__table__).values(
            **fields, prev_hash="f" * 64, hash=chain.event_hash("f" * 64, **fields)
        )
    )
    db_session.commit()
    result = service.verify(db_session, SYSTEM)
    assert (result.ok, result.first_bad_id) == (False, middle)


def test_every_written_row_is_chained_and_unchained_rows_are_refused(app, db_session):
    service.record(db_session, SYSTEM, "a.orm", "thing", 1, None, {"k": "Nguyễn"})
    db_session.add(AuditEvent(action="b.direct", object_type="thing"))
    db_session.commit()
    db_session.execute(
        sa.insert(AuditEvent.__table__),
        [{"action": f"c.bulk{i}", "object_type": "thing", "after": {"i": i}} for i in range(3)],
    )
    db_session.execute(sa.insert(AuditEvent.__table__), {"action": "d.one", "object_type": "t"})
    db_session.commit()
    actions = db_session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-6:] == ["a.orm", "b.direct", "c.bulk0", "c.bulk1", "c.bulk2", "d.one"]
    assert service.verify(db_session, SYSTEM).ok

    with pytest.raises(IntegrityError):  # no hash: the database refuses the row
        db_session.execute(
            sa.text(
                "INSERT INTO audit_events (id, created_at, action, object_type) "
                "VALUES (999999, CURRENT_TIMESTAMP, 'x', 'y')"
            )
        )
    db_session.rollback()
    assert service.verify(db_session, SYSTEM).ok


def test_the_application_never_changes_or_deletes_an_event(app, db_session):
    event = service.record(db_session, SYSTEM, "a.b", "thing")
    db_session.commit()
    event.action = "changed"
    with pytest.raises(chain.AppendOnly):
        db_session.flush()
    db_session.rollback()
    db_session.delete(db_session.get(AuditEvent, event.id))
    with pytest.raises(chain.AppendOnly):
        db_session.flush()
    db_session.rollback()
    assert service.verify(db_session, SYSTEM).ok


def test_a_rolled_back_transaction_leaves_the_chain_intact(app, db_session):
    service.record(db_session, SYSTEM, "kept", "thing")
    db_session.commit()
    service.record(db_session, SYSTEM, "dropped", "thing")
    db_session.flush()
    db_session.rollback()
    service.record(db_session, SYSTEM, "kept.too", "thing")
    db_session.commit()
    result = service.verify(db_session, SYSTEM)
    actions = db_session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert result.ok and "dropped" not in actions and actions[-2:] == ["kept", "kept.too"]


def test_concurrent_writers_leave_one_chain(app, db_session):
    from ideadb.extensions import db

    threads_n, per_thread = 8, 10
    before = db_session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    db_session.rollback()
    errors: list[BaseException] = []
    start = threading.Barrier(threads_n)

    def write(n: int) -> None:
        try:
            start.wait()
            with app.app_context(), Session(db.engine) as session:
                for i in range(per_thread):
                    service.record(session, SYSTEM, "race", "thread", n, None, {"i": i})
                    session.commit()
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads_n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    result = service.verify(db_session, SYSTEM)
    assert result.ok, result
    assert result.events == before + threads_n * per_thread
    ids = db_session.scalars(sa.select(AuditEvent.id).order_by(AuditEvent.id)).all()
    assert ids == list(range(1, len(ids) + 1))
