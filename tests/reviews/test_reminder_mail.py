"""Reminders to reviewers are mailed by the worker, never inside the request; while the mail
server is down the mail jobs wait with their error and back off, and go out once it is up."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta

import sqlalchemy as sa

from ideadb.accounts.models import Notification
from ideadb.core import jobs
from ideadb.core.db import utcnow
from ideadb.core.jobs import Job
from ideadb.reviews import rounds
from tests.operations.test_jobs import MailServer, _free_port


class SilentListener:
    """Accepts connections on the mail port and never answers: a send from the request would
    hang here (and be counted)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_server(("127.0.0.1", port))
        self.sock.settimeout(0.05)
        self.accepted = 0
        self.held: list[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            self.held.append(conn)

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()  # from now on the port refuses connections
        for conn in self.held:
            conn.close()


def _mail_jobs(db_session, after: int) -> list[Job]:
    db_session.expire_all()
    return list(
        db_session.scalars(
            sa.select(Job).where(Job.kind == "mail", Job.id > after).order_by(Job.id)
        )
    )


def test_reminders_are_mailed_by_the_worker_and_wait_out_a_mail_server_that_is_down(
    app,
    client,
    db_session,
    secretary,
    create_round,
    create_idea,
    create_reviewer,
    auth_headers,
):
    port = _free_port()
    app.config.update(
        JOBS_INLINE=False,
        MAIL_CAPTURE=False,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_TIMEOUT=2,
    )
    rnd = create_round()
    ideas = [create_idea(status="eligible") for _ in range(2)]
    reviewers = [
        create_reviewer(f"Giám khảo {n}", email=f"giamkhao{n}@example.org") for n in (1, 2)
    ]
    rounds.add_ideas(db_session, secretary(), rnd.id, [i.id for i in ideas])
    rounds.add_reviewers(db_session, secretary(), rnd.id, [u.id for u in reviewers])
    from ideadb.reviews import assignments

    assignments.auto_assign(db_session, secretary(), rnd.id)
    rounds.open_round(db_session, secretary(), rnd.id)
    before = db_session.scalar(sa.select(sa.func.coalesce(sa.func.max(Job.id), 0)))

    # The request records the reminders and their mail jobs; it never talks to the mail server.
    silent = SilentListener(port)
    try:
        headers = auth_headers(secretary())
        started = time.monotonic()
        answer = client.post(f"/api/v1/rounds/{rnd.id}/reminders", headers=headers)
        elapsed = time.monotonic() - started
        time.sleep(0.2)
        assert answer.status_code == 200 and answer.get_json() == {"reminded": 2}
        assert silent.accepted == 0
        assert elapsed < 2  # MAIL_TIMEOUT: a send in the request would have waited that long
    finally:
        silent.close()
    mails = _mail_jobs(db_session, before)
    assert sorted(m.payload["to"] for m in mails) == [
        "giamkhao1@example.org",
        "giamkhao2@example.org",
    ]
    assert all(m.status == "pending" and m.attempts == 0 for m in mails)
    assert all("Nhắc việc" in m.payload["body"] for m in mails)
    reminded = db_session.scalars(
        sa.select(Notification.text).where(Notification.user_id == reviewers[0].id)
    ).all()
    assert any(text.startswith("Nhắc việc: bạn còn") for text in reminded)  # in-app at once

    # The mail server refuses connections: each job waits with its error and a growing delay.
    worker = jobs.Worker(app)
    worker.step()
    mails = _mail_jobs(db_session, before)
    for m in mails:
        assert (m.status, m.attempts) == ("pending", 1)
        assert "refused" in m.last_error.lower()
        assert m.run_after > utcnow() + timedelta(seconds=5)
    worker.step()
    assert [m.attempts for m in _mail_jobs(db_session, before)] == [1, 1]  # not due: not tried

    # The mail server comes up: once due, every reminder is delivered, none twice.
    server = MailServer(port)
    try:
        db_session.execute(
            sa.update(Job).where(Job.id.in_([m.id for m in mails])).values(run_after=utcnow())
        )
        db_session.commit()
        worker.step()
        mails = _mail_jobs(db_session, before)
        assert [(m.status, m.attempts, m.last_error) for m in mails] == [("done", 2, None)] * 2
        assert len(server.messages) == 2
        delivered = "\n".join(server.messages)
        assert "giamkhao1@example.org" in delivered and "giamkhao2@example.org" in delivered
        worker.step()
        assert len(server.messages) == 2
    finally:
        server.shutdown()
        server.server_close()
