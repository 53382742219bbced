"""Background jobs: written with the change, claimed once, retried with back-off, visible to
the administrator with a retry button; mail waits for a mail server that is away."""

from __future__ import annotations

import socket
import socketserver
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ideadb.accounts import notify
from ideadb.core import jobs
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.jobs import Job
from tests.conftest import Client, make_test_app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greets, accepts every command, keeps each message."""

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        data, lines = False, []
        while line := self.rfile.readline():
            if data:
                if line.rstrip(b"\r\n") == b".":
                    self.server.messages.append(b"".join(lines).decode("utf-8", "replace"))
                    data, lines = False, []
                    self.wfile.write(b"250 queued\r\n")
                else:
                    lines.append(line)
                continue
            verb = line[:4].upper()
            if verb == b"DATA":
                data = True
                self.wfile.write(b"354 go ahead\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


class MailServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), _SMTPHandler)
        self.messages: list[str] = []
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.fixture
def mail_app(tmp_path, db_backend):
    """An application with a worker of its own (not inline) and a mail server that is away."""
    port = _free_port()
    app = make_test_app(
        tmp_path,
        db_backend,
        JOBS_INLINE=False,
        MAIL_CAPTURE=False,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_TIMEOUT=2,
    )
    app.test_client_class = Client
    with app.app_context():
        yield app, port
        from ideadb.extensions import db

        db.session.remove()
        db.engine.dispose()


def _notify(app, user, text="Ý tưởng của bạn đã được tiếp nhận."):
    from ideadb.extensions import db

    with unit_of_work(db.session):
        notify.notify(db.session, user.id, text)


def _job(app) -> Job:
    from ideadb.extensions import db

    db.session.expire_all()
    return db.session.scalars(sa.select(Job).order_by(Job.id.desc())).first()


def _due_now(app, job_id: int) -> None:
    from ideadb.extensions import db

    db.session.execute(sa.update(Job).where(Job.id == job_id).values(run_after=utcnow()))
    db.session.commit()


def _user(app, name="nguoinhan", roles=("submitter",), email="nguoinhan@example.org"):
    from ideadb.accounts import service
    from ideadb.core.permissions import SYSTEM
    from ideadb.extensions import db

    return service.create_user(
        db.session,
        SYSTEM,
        username=name,
        password="mat-khau-thu-nghiem",
        full_name="Người nhận",
        roles=list(roles),
        email=email,
    )


def test_mail_waits_for_a_mail_server_that_is_away_and_is_sent_when_it_is_back(mail_app):
    app, port = mail_app
    user = _user(app)
    _notify(app, user)  # the change commits without touching the mail server
    job = _job(app)
    assert (job.kind, job.status, job.attempts) == ("mail", "pending", 0)

    worker = jobs.Worker(app)
    worker.step()
    job = _job(app)
    assert (job.status, job.attempts) == ("pending", 1)
    assert "Connection refused" in job.last_error or "refused" in job.last_error.lower()
    assert job.run_after > utcnow() + timedelta(seconds=5)  # backs off
    worker.step()
    assert _job(app).attempts == 1  # not due yet: not tried again

    server = MailServer(port)
    try:
        _due_now(app, job.id)
        worker.step()
        job = _job(app)
        assert (job.status, job.last_error) == ("done", None)
        assert len(server.messages) == 1
        assert "nguoinhan@example.org" in server.messages[0]
    finally:
        server.shutdown()
        server.server_close()


def test_a_mail_that_keeps_failing_stops_as_failed_and_the_admin_retries_it(mail_app):
    app, port = mail_app
    from ideadb.extensions import db

    user = _user(app)
    _notify(app, user)
    job = _job(app)
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(max_attempts=2))
    db.session.commit()
    worker = jobs.Worker(app)
    worker.step()
    _due_now(app, job.id)
    worker.step()
    job = _job(app)
    assert (job.status, job.attempts) == ("failed", 2)

    admin = _user(app, "quantri", roles=("admin",), email=None)
    client = app.test_client()
    client.submit("/dang-nhap", {"username": "quantri", "password": "mat-khau-thu-nghiem"})
    page = client.get("/quan-tri/cong-viec?status=failed").get_data(as_text=True)
    assert f'data-job="{job.id}" data-status="failed"' in page
    assert "Gửi thư điện tử" in page and "refused" in page.lower()
    answer = client.submit(
        f"/quan-tri/cong-viec/{job.id}/chay-lai", {}, form_url="/quan-tri/cong-viec?status=failed"
    )
    assert answer.status_code == 302
    job = _job(app)
    assert (job.status, job.attempts) == ("pending", 0)
    from ideadb.audit.models import AuditEvent

    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "job.retry")).one()
    assert event.actor_id == admin.id and event.object_id == str(job.id)

    server = MailServer(port)
    try:
        worker.step()
        assert _job(app).status == "done" and len(server.messages) == 1
    finally:
        server.shutdown()
        server.server_close()


def test_nothing_is_sent_for_a_change_that_rolls_back(mail_app):
    app, _port = mail_app
    from ideadb.extensions import db

    user = _user(app)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Job))
    with pytest.raises(RuntimeError), unit_of_work(db.session):
        notify.notify(db.session, user.id, "Sẽ không gửi.")
        raise RuntimeError("the rest of the change failed")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == before


def test_a_job_whose_worker_died_is_taken_again_after_the_claim_timeout(mail_app):
    app, _port = mail_app
    from ideadb.extensions import db

    ran = []
    jobs.register(app, "test.note", lambda ctx: ran.append(ctx.job_id) or {"ok": True})
    with unit_of_work(db.session):
        job = jobs.enqueue(db.session, "test.note", {})
    job_id = job.id
    assert jobs.claim(app, "dead-worker") == job_id
    assert jobs.claim(app, "other") is None  # claimed and still fresh
    db.session.execute(
        sa.update(Job).where(Job.id == job_id).values(claimed_at=utcnow() - timedelta(hours=1))
    )
    db.session.commit()
    assert jobs.Worker(app, name="other").step() == 1
    assert ran == [job_id] and _job(app).status == "done"


def test_job_api_shows_progress_and_the_file_only_to_its_creator_and_admins(
    app, client, db_session, make_user, auth_headers
):
    ran = []

    def handler(ctx):
        ctx.progress(5, 10)
        ctx.attach("bao-cao.csv", "text/csv", "Tên,Số\r\nA,1\r\n".encode())
        ran.append(ctx.job_id)
        return {"rows": 1}

    jobs.register(app, "test.file", handler)
    owner = make_user("chuviec", roles=["secretary"])
    other = make_user("nguoikhac", roles=["secretary"])
    admin = make_user("quantri", roles=["admin"])
    with unit_of_work(db_session):
        job = jobs.enqueue(db_session, "test.file", {}, created_by=owner.id)
    job_id = job.id
    mine = client.get(f"/api/v1/jobs/{job_id}", headers=auth_headers(owner)).get_json()
    assert mine["status"] == "done" and mine["progress"]["percent"] == 100
    assert mine["download"] == f"/api/v1/jobs/{job_id}/file"
    got = client.get(mine["download"], headers=auth_headers(owner))
    assert got.status_code == 200 and got.data.decode() == "Tên,Số\r\nA,1\r\n"
    assert client.get(f"/api/v1/jobs/{job_id}", headers=auth_headers(other)).status_code == 404
    listed = client.get("/api/v1/jobs", headers=auth_headers(admin)).get_json()
    assert job_id in [item["id"] for item in listed["items"]]
    assert listed["counts"] == {"pending": 0, "failed": 0}
    assert client.get("/api/v1/jobs", headers=auth_headers(owner)).status_code == 403
    retry = client.post(f"/api/v1/jobs/{job_id}/retry", headers=auth_headers(admin))
    assert retry.status_code == 409  # only a failed job is run again
    assert (
        client.get("/api/v1/jobs?status=nonsense", headers=auth_headers(admin)).status_code == 422
    )


@pytest.mark.postgres_only
def test_workers_on_postgresql_never_take_the_same_job(app, db_session):
    ran: list[int] = []
    lock = threading.Lock()

    def handler(ctx):
        with lock:
            ran.append(ctx.job_id)

    jobs.register(app, "test.count", handler)
    app.config["JOBS_INLINE"] = False
    with unit_of_work(db_session):
        for _ in range(40):
            jobs.enqueue(db_session, "test.count", {})
    workers = [jobs.Worker(app, name=f"w{n}") for n in range(4)]
    threads = [threading.Thread(target=w.step, kwargs={"max_jobs": 100}) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(ran) == 40 and len(set(ran)) == 40
    assert sum(w.jobs_run for w in workers) == 40
