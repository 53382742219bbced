"""The bulk import from the web runs as a job: the upload is kept outside static, the worker
checks or imports it, the page shows the rows done and then the result; all rows or none."""

from __future__ import annotations

import io
from pathlib import Path

import sqlalchemy as sa

from ideadb.audit.models import AuditEvent
from ideadb.core import jobs
from ideadb.core.db import utcnow
from ideadb.core.jobs import Job
from ideadb.ideas import bulk, importer
from ideadb.ideas.models import Idea
from tests.ideas.test_import import ROW_A, ROW_B, csv_file

PAGE = "/y-tuong/nhap-tu-tep"


def _upload(client, data: bytes, name: str = "y-tuong.csv", **extra):
    return client.submit(
        PAGE, {"file": (io.BytesIO(data), name), **extra}, content_type="multipart/form-data"
    )


def _ideas(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(sa.select(sa.func.count()).select_from(Idea))


def _imports_audited(db_session) -> list[AuditEvent]:
    return list(db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "idea.import")))


def _stored(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"]) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def _job(db_session, job_id: int) -> Job:
    db_session.expire_all()
    job = db_session.get(Job, job_id)
    assert job is not None
    return job


def _job_id(resp) -> int:
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    location = resp.headers["Location"]
    assert location.startswith(PAGE + "/")
    return int(location.rsplit("/", 1)[1])


def test_a_checked_file_is_imported_from_its_result_without_uploading_it_again(
    app, client, db_session, make_user, login
):
    officer = make_user("canbo.babe", roles=["unit_officer"], unit="BK-BB")
    login("canbo.babe")
    checked_id = _job_id(_upload(client, csv_file([ROW_A, ROW_B]), dry_run="y"))
    [kept] = _stored(app)  # under the instance's upload folder, never under static
    assert Path(app.config["UPLOAD_DIR"]) in kept.parents
    assert Path(app.static_folder) not in kept.parents
    page = client.get(f"{PAGE}/{checked_id}").get_data(as_text=True)
    assert "Tệp: y-tuong.csv" in page
    assert "Tệp hợp lệ: 2 dòng sẵn sàng để nhập." in page
    assert "Nhập 2 ý tưởng này" in page and 'http-equiv="refresh"' not in page
    assert _ideas(db_session) == 0

    answer = client.submit(f"{PAGE}/{checked_id}/nhap", {}, form_url=f"{PAGE}/{checked_id}")
    import_id = _job_id(answer)
    page = client.get(f"{PAGE}/{import_id}").get_data(as_text=True)
    assert "Đã nhập 2 ý tưởng từ tệp (bản nháp, chờ nộp)." in page
    assert _ideas(db_session) == 2
    [event] = _imports_audited(db_session)
    assert event.actor_id == officer.id
    assert event.after["created"] == 2 and event.after["job_id"] == import_id
    assert _stored(app) == []  # the file is gone once imported

    # The checked result now links to its import; a second press imports nothing more.
    assert f"{PAGE}/{import_id}" in client.get(f"{PAGE}/{checked_id}").get_data(as_text=True)
    again = client.submit(f"{PAGE}/{checked_id}/nhap", {}, form_url=f"{PAGE}/{checked_id}")
    assert again.status_code == 409
    assert "đã được đưa vào nhập" in again.get_data(as_text=True)
    assert _ideas(db_session) == 2


def test_someone_elses_import_is_not_found(app, client, db_session, make_user, login):
    make_user("canbo.babe", roles=["unit_officer"], unit="BK-BB")
    make_user("thuky", roles=["secretary"])
    login("canbo.babe")
    job_id = _job_id(_upload(client, csv_file([ROW_A]), dry_run="y"))
    login("thuky")
    assert client.get(f"{PAGE}/{job_id}").status_code == 404
    answer = client.submit(f"{PAGE}/{job_id}/nhap", {}, form_url=PAGE)
    assert answer.status_code == 404
    assert client.get(f"{PAGE}/999999999999999999999").status_code == 404
    assert _ideas(db_session) == 0


def test_with_a_worker_the_page_waits_with_a_progress_bar_then_shows_the_result(
    app, client, db_session, make_user, login
):
    app.config["JOBS_INLINE"] = False
    make_user("canbo.babe", roles=["unit_officer"], unit="BK-BB")
    login("canbo.babe")
    job_id = _job_id(_upload(client, csv_file([ROW_A, ROW_B])))
    page = client.get(f"{PAGE}/{job_id}").get_data(as_text=True)
    assert 'id="import-job" data-status="pending"' in page
    assert 'id="import-progress"' in page and 'http-equiv="refresh"' in page
    assert "Đang chờ đến lượt" in page
    assert _ideas(db_session) == 0  # the request wrote only the job

    assert jobs.Worker(app).step() == 1
    job = _job(db_session, job_id)
    assert job.status == "done"
    assert (job.progress_done, job.progress_total) == (2, 2)
    assert job.result["created"] == 2 and len(job.result["idea_ids"]) == 2
    page = client.get(f"{PAGE}/{job_id}").get_data(as_text=True)
    assert 'data-status="done"' in page and 'http-equiv="refresh"' not in page
    assert "Đã nhập 2 ý tưởng từ tệp" in page
    assert _ideas(db_session) == 2
    # the generic job page and API know it too
    api = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert api["kind"] == "idea.import" and api["progress"]["percent"] == 100


def test_row_errors_are_the_result_with_vietnamese_messages_and_nothing_is_written(
    app, client, db_session, make_user, login
):
    app.config["JOBS_INLINE"] = False
    make_user("canbo.babe", roles=["unit_officer"], unit="BK-BB")
    login("canbo.babe")
    bad = {**ROW_B, "unit_id": "Xã Không Có"}
    job_id = _job_id(_upload(client, csv_file([ROW_A, bad])))
    jobs.Worker(app).step()
    job = _job(db_session, job_id)
    assert job.status == "done" and job.attempts == 1  # a result, not a failure to retry
    page = client.get(f"{PAGE}/{job_id}").get_data(as_text=True)
    assert "Tệp có 1 lỗi; chưa nhập dòng nào." in page
    assert '<td class="text-nowrap">3</td>' in page and "<td>Đơn vị</td>" in page
    assert "Không tìm thấy đơn vị “Xã Không Có”; hãy ghi mã hoặc đúng tên đơn vị." in page
    assert _ideas(db_session) == 0 and _imports_audited(db_session) == []
    assert _stored(app) == []


def test_a_failure_while_writing_leaves_nothing_and_the_retry_imports_each_row_once(
    app, client, db_session, make_user, login, monkeypatch
):
    app.config["JOBS_INLINE"] = False
    make_user("canbo.babe", roles=["unit_officer"], unit="BK-BB")
    login("canbo.babe")
    job_id = _job_id(_upload(client, csv_file([ROW_A, ROW_B])))

    # The database connection drops after the first batch was written (one row a batch).
    real_insert, calls = bulk.insert, []

    def insert_then_fail(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise sa.exc.OperationalError("INSERT", {}, Exception("server closed the connection"))
        return real_insert(*args, **kwargs)

    monkeypatch.setattr(importer, "CHUNK", 1)
    monkeypatch.setattr(bulk, "insert", insert_then_fail)
    jobs.Worker(app).step()
    job = _job(db_session, job_id)
    assert (job.status, job.attempts) == ("pending", 1)
    assert "server closed the connection" in job.last_error
    assert job.run_after > utcnow()
    assert _ideas(db_session) == 0 and _imports_audited(db_session) == []
    assert len(_stored(app)) == 1  # kept for the retry
    page = client.get(f"{PAGE}/{job_id}").get_data(as_text=True)
    assert "Lần chạy trước gặp lỗi; sẽ thử lại lúc" in page

    monkeypatch.setattr(bulk, "insert", real_insert)
    db_session.execute(sa.update(Job).where(Job.id == job_id).values(run_after=utcnow()))
    db_session.commit()
    jobs.Worker(app).step()
    job = _job(db_session, job_id)
    assert (job.status, job.attempts, job.last_error) == ("done", 2, None)
    assert _ideas(db_session) == 2 and len(_imports_audited(db_session)) == 1
    assert _stored(app) == []


def test_an_import_for_someone_who_lost_the_right_ends_with_a_message(
    app, client, db_session, make_user, login
):
    from ideadb.accounts.models import User

    app.config["JOBS_INLINE"] = False
    make_user("canbo.babe", roles=["unit_officer"], unit="BK-BB")
    login("canbo.babe")
    job_id = _job_id(_upload(client, csv_file([ROW_A])))
    user = db_session.scalar(sa.select(User).where(User.username == "canbo.babe"))
    user.active = False
    db_session.commit()
    jobs.Worker(app).step()
    job = _job(db_session, job_id)
    assert job.status == "done" and job.attempts == 1
    assert job.result["errors"][0]["message"] == "Người yêu cầu không còn hoạt động."
    assert _ideas(db_session) == 0


def test_old_checked_files_are_removed_but_not_those_a_job_waits_for(
    app, client, db_session, make_user, login
):
    import os

    from ideadb.ideas import import_jobs

    make_user("canbo.babe", roles=["unit_officer"], unit="BK-BB")
    login("canbo.babe")
    checked_id = _job_id(_upload(client, csv_file([ROW_A]), dry_run="y"))
    app.config["JOBS_INLINE"] = False
    waiting_id = _job_id(_upload(client, csv_file([ROW_B])))
    checked = _job(db_session, checked_id).payload["file"]
    waiting = _job(db_session, waiting_id).payload["file"]
    folder = Path(app.config["UPLOAD_DIR"]) / "imports"
    fresh = folder / "fresh.csv"
    fresh.write_bytes(b"x")
    for name in (checked, waiting):
        os.utime(folder / name, (0, 0))  # long ago
    assert import_jobs.prune_stored(app) == 1
    assert sorted(p.name for p in _stored(app)) == sorted([waiting, "fresh.csv"])
    # the checked file is gone: importing it asks for the file again
    answer = client.submit(f"{PAGE}/{checked_id}/nhap", {}, form_url=f"{PAGE}/{checked_id}")
    assert answer.status_code == 409
    assert "vui lòng tải lên lại" in answer.get_data(as_text=True)


def test_the_generic_job_page_of_an_import_links_to_its_result(
    app, client, db_session, make_user, login
):
    make_user("canbo.babe", roles=["unit_officer"], unit="BK-BB")
    login("canbo.babe")
    job_id = _job_id(_upload(client, csv_file([ROW_A])))
    page = client.get(f"/cong-viec/{job_id}").get_data(as_text=True)
    assert "Nhập ý tưởng từ tệp" in page and "Công việc đã xong." in page
    assert f'href="{PAGE}/{job_id}"' in page and "Tệp đã sẵn sàng" not in page
