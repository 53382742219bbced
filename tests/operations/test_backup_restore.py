"""Backup, verification and restore on SQLite and PostgreSQL.

An instance with accounts, ideas in several states, attachments and a search index is backed
up, restored into an empty instance, and compared: the API's view of every idea, the files
(sha256), sign-in with the same passwords, and the ids that a few searches find.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ideadb import create_app
from ideadb.cli import main
from tests.conftest import PASSWORD, PG_URL, Client, make_test_app

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + b"\0" * 64
QUERIES = ("lợn đen", "lon den", "đệm lót sinh học", "cỏ voi", "máy sấy", "nông sản")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _uploads(upload_dir: Path) -> dict[str, str]:
    return {
        p.relative_to(upload_dir).as_posix(): _sha(p)
        for p in sorted(upload_dir.rglob("*"))
        if p.is_file()
    }


def _restore_url() -> str:
    url = make_url(PG_URL)
    return url.set(database=f"{url.database}_restore").render_as_string(hide_password=False)


def _drop_database(url: str, *, create_again: bool = False) -> None:
    target = make_url(url)
    admin = sa.create_engine(
        target.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        if create_again:
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


@pytest.fixture
def empty_instance(tmp_path, db_backend):
    """A new instance whose database has no table at all and whose folders do not exist."""
    made = []

    def make(name: str = "target"):
        instance = tmp_path / name
        if db_backend == "postgres":
            url = _restore_url()
            _drop_database(url, create_again=True)
        else:
            url = f"sqlite:///{instance / 'ideadb.sqlite'}"
        app = create_app(
            {
                "INSTANCE_DIR": str(instance),
                "SECRET_KEY": "another-test-secret",
                "SQLALCHEMY_DATABASE_URI": url,
                "INDEX_DIR": str(instance / "index"),
                "UPLOAD_DIR": str(instance / "uploads"),
                "TESTING": True,
                "MAIL_CAPTURE": True,
                "PASSWORD_HASH_PROFILE": "CHEAPEST",
            }
        )
        app.test_client_class = Client
        made.append((app, url))
        return app

    yield make
    from ideadb.extensions import db

    for app, url in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if db_backend == "postgres":
            _drop_database(url)


@pytest.fixture
def filled(app, db_session, make_user, create_idea):
    """Accounts, ideas in several states, attachments, and a search index that follows them."""
    from ideadb.ideas import service as ideas
    from ideadb.search import service as search

    admin = make_user("quantri.thu", roles=["admin"])
    owner = make_user("nguoi.gui", roles=["submitter"], unit="BK-BB-NM")
    drafts = [create_idea(owner) for _ in range(2)]
    ideas.add_attachment(db_session, owner, drafts[0].id, "thuyết minh.pdf", PDF)
    ideas.add_attachment(db_session, owner, drafts[0].id, "ảnh mô hình.png", PNG)
    ideas.add_attachment(db_session, owner, drafts[1].id, "bản vẽ.pdf", PDF + b"% 2\n")
    create_idea(
        title="Máy sấy nông sản dùng năng lượng mặt trời",
        summary="Sấy măng, chuối, nông sản bằng năng lượng mặt trời.",
        status="recognized",
    )
    create_idea(status="eligible")
    create_idea(status="withdrawn")
    create_idea(title="Cải tiến quy trình tiếp nhận hồ sơ một cửa", submit=True)
    search.rebuild(db_session)
    db_session.commit()
    return {"admin": admin, "owner": owner}


def _snapshot(app, admin_name: str) -> dict:
    """What a user sees of the instance: every idea through the API, files, search results."""
    from ideadb.accounts.models import User
    from ideadb.extensions import db
    from ideadb.ideas.models import Idea
    from ideadb.search import service as search

    with app.app_context():
        client = app.test_client()
        resp = client.post(
            "/api/v1/auth/tokens", json={"username": admin_name, "password": PASSWORD}
        )
        assert resp.status_code == 201, resp.get_json()
        headers = {"Authorization": f"Bearer {resp.get_json()['token']}"}
        ids = db.session.scalars(sa.select(Idea.id).order_by(Idea.id)).all()
        ideas = {}
        for idea_id in ids:
            one = client.get(f"/api/v1/ideas/{idea_id}", headers=headers)
            files = client.get(f"/api/v1/ideas/{idea_id}/attachments", headers=headers)
            assert one.status_code == 200 and files.status_code == 200
            ideas[idea_id] = {"idea": one.get_json(), "attachments": files.get_json()}
        listing = client.get("/api/v1/ideas?per_page=100", headers=headers).get_json()
        admin = db.session.scalar(sa.select(User).where(User.username == admin_name))
        found = {q: [hit.id for hit in search.search(db.session, admin, q).items] for q in QUERIES}
        users = db.session.execute(
            sa.select(User.username, User.full_name, User.password_hash).order_by(User.id)
        ).all()
        db.session.remove()
    return {
        "ideas": ideas,
        "listing": listing,
        "search": found,
        "users": [tuple(u) for u in users],
        "files": _uploads(Path(app.config["UPLOAD_DIR"])),
    }


def _invoke(app, args: list[str]):
    """Run a command on ``app`` (Flask's CLI uses the current app context when one is pushed)."""
    with app.app_context():
        return app.test_cli_runner().invoke(main, args)


def _backup(app, dest: Path) -> Path:
    result = _invoke(app, ["backup", str(dest)])
    assert result.exit_code == 0, result.output
    (folder,) = [p for p in dest.iterdir() if p.is_dir()]
    return folder


def _table_counts(app) -> dict[str, int]:
    from ideadb.extensions import db
    from ideadb.operations import database

    with app.app_context(), db.engine.connect() as conn:
        return database.table_counts(conn)


def test_backup_then_restore_into_an_empty_instance_gives_the_same_instance(
    app, filled, empty_instance, tmp_path, db_backend
):
    before = _snapshot(app, "quantri.thu")
    assert len(before["files"]) == 3 and len(before["ideas"]) == 6
    assert any(before["search"].values())
    folder = _backup(app, tmp_path / "sao-luu")
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert data["format"] == "ideadb-backup/1"
    assert data["database"]["kind"] == ("sqlite" if db_backend == "sqlite" else "postgresql")
    assert data["tables"]["ideas"] == 6 and data["tables"]["idea_attachments"] == 3
    assert data["uploads"]["files"] == 3
    assert set(data["files"]) == {data["database"]["file"]} | {
        f"uploads/{name}" for name in before["files"]
    }

    target = empty_instance()
    result = _invoke(target, ["restore", str(folder)])
    assert result.exit_code == 0, result.output
    assert "6 ý tưởng" in result.output and "3 tệp tải lên" in result.output
    assert "chỉ mục tìm kiếm xây dựng lại: 6 ý tưởng" in result.output
    assert _table_counts(target) == data["tables"]

    after = _snapshot(target, "quantri.thu")
    assert after["ideas"] == before["ideas"]
    assert after["listing"] == before["listing"]
    assert after["files"] == before["files"]
    assert after["users"] == before["users"]
    assert after["search"] == before["search"]
    # The owner signs in on the restored instance with the same password; a wrong one fails.
    client = target.test_client()
    with target.app_context():
        ok = client.post(
            "/api/v1/auth/tokens", json={"username": "nguoi.gui", "password": PASSWORD}
        )
        bad = client.post(
            "/api/v1/auth/tokens", json={"username": "nguoi.gui", "password": "x" * 12}
        )
    assert ok.status_code == 201 and bad.status_code == 401


def test_restore_over_a_non_empty_instance_refuses_and_changes_nothing(
    app, filled, tmp_path, db_session
):
    from ideadb.ideas import service as ideas

    folder = _backup(app, tmp_path / "sao-luu")
    # The instance moves on after the backup: the restore would lose this idea.
    ideas.create_idea(
        db_session,
        filled["owner"],
        {"title": "Ý tưởng sau bản sao lưu", "area": "san_xuat_kinh_doanh", "year": 2024},
    )
    counts, files = _table_counts(app), _uploads(Path(app.config["UPLOAD_DIR"]))
    result = _invoke(app, ["restore", str(folder)])
    assert result.exit_code != 0
    assert "không trống" in result.output and "--force" in result.output
    assert "Traceback" not in result.output
    assert _table_counts(app) == counts
    assert _uploads(Path(app.config["UPLOAD_DIR"])) == files


def test_restore_with_force_replaces_the_data_and_the_files(app, filled, tmp_path, empty_instance):
    folder = _backup(app, tmp_path / "sao-luu")
    before = _snapshot(app, "quantri.thu")
    from ideadb.accounts import service as accounts
    from ideadb.core.permissions import SYSTEM
    from ideadb.extensions import db
    from ideadb.units.service import load_reference_data

    target = empty_instance()
    with target.app_context():  # an instance in use: its schema, one account, one file
        db.create_all()
        load_reference_data(db.session)
        accounts.create_user(
            db.session,
            SYSTEM,
            username="tai.khoan.cu",
            password=PASSWORD,
            full_name="Tài khoản cũ",
            roles=["submitter"],
        )
        db.session.remove()
    stray = Path(target.config["UPLOAD_DIR"]) / "ab" / "khong-thuoc-ban-sao-luu.pdf"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(PDF)
    refused = _invoke(target, ["restore", str(folder)])
    assert refused.exit_code != 0
    assert "1 tài khoản, 0 ý tưởng, 1 tệp tải lên" in refused.output
    assert stray.exists()
    forced = _invoke(target, ["restore", "--force", str(folder)])
    assert forced.exit_code == 0, forced.output
    assert not stray.exists()
    assert _snapshot(target, "quantri.thu") == before


def test_verify_names_a_changed_a_missing_and_an_extra_file(app, filled, tmp_path, runner):
    folder = _backup(app, tmp_path / "sao-luu")
    ok = runner.invoke(main, ["backup", "--verify", str(folder)])
    assert ok.exit_code == 0 and "toàn vẹn" in ok.output, ok.output
    uploads = sorted(p for p in (folder / "uploads").rglob("*") if p.is_file())
    changed, missing = uploads[0], uploads[1]
    changed.write_bytes(changed.read_bytes()[:-1] + b"X")
    missing.unlink()
    (folder / "uploads" / "them.pdf").write_bytes(PDF)
    bad = runner.invoke(main, ["backup", "--verify", str(folder)])
    assert bad.exit_code != 0
    rel = lambda p: p.relative_to(folder).as_posix()  # noqa: E731
    assert f"Tệp bị thay đổi (mã sha256 không khớp): {rel(changed)}" in bad.output
    assert f"Thiếu tệp: {rel(missing)}" in bad.output
    assert "Tệp thừa (không có trong manifest.json): uploads/them.pdf" in bad.output
    assert "Traceback" not in bad.output
    # A damaged backup is never restored.
    target_counts = _table_counts(app)
    refused = runner.invoke(main, ["restore", "--force", str(folder)])
    assert refused.exit_code != 0 and "không toàn vẹn" in refused.output
    assert _table_counts(app) == target_counts


def test_verify_of_a_folder_that_is_not_a_backup(runner, tmp_path):
    (tmp_path / "rong").mkdir()
    result = runner.invoke(main, ["backup", "--verify", str(tmp_path / "rong")])
    assert result.exit_code != 0 and "không có tệp manifest.json" in result.output
    (tmp_path / "rong" / "manifest.json").write_text("{", encoding="utf-8")
    result = runner.invoke(main, ["restore", str(tmp_path / "rong")])
    assert result.exit_code != 0 and "Không đọc được manifest.json" in result.output


def test_restore_refuses_a_backup_of_the_other_database_kind(app, tmp_path, db_backend):
    other_backend = "postgres" if db_backend == "sqlite" else "sqlite"
    if other_backend == "postgres" and not PG_URL:
        pytest.skip("IDEADB_TEST_DATABASE_URL not set")
    from ideadb.extensions import db

    other = make_test_app(tmp_path / "khac", other_backend)
    with other.app_context():
        folder = _backup(other, tmp_path / "sao-luu")
        db.session.remove()
        db.engine.dispose()
    counts = _table_counts(app)
    result = _invoke(app, ["restore", str(folder)])
    assert result.exit_code != 0
    names = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
    assert (
        f"Bản sao lưu là của cơ sở dữ liệu {names[other_backend]}, còn phiên bản này dùng "
        f"{names[db_backend]}" in result.output
    )
    assert _table_counts(app) == counts


def test_pg_tools_get_the_password_only_through_their_environment(tmp_path):
    from ideadb.operations import database

    url = make_url(
        "postgresql+psycopg://ideadb:Bi-Mat%2F2026@db.tinh.local:6543/ideadb?sslmode=require"
    )
    for argv, env in (
        database.pg_dump_command(url, tmp_path / "x.dump", "00000003-1"),
        database.pg_restore_command(url, tmp_path / "x.dump"),
    ):
        assert not any("Bi-Mat" in arg for arg in argv), argv
        assert not any("postgresql" in arg and "@" in arg for arg in argv), argv
        assert env["PGPASSWORD"] == "Bi-Mat/2026"
        assert env["PGSSLMODE"] == "require"
        assert argv[argv.index("--host") + 1] == "db.tinh.local"
        assert argv[argv.index("--port") + 1] == "6543"
        assert argv[argv.index("--username") + 1] == "ideadb"
        assert argv[argv.index("--dbname") + 1] == "ideadb"
        assert "--no-password" in argv


@pytest.mark.postgres_only
def test_a_real_pg_dump_run_has_no_password_on_its_command_line(
    app, db_backend, tmp_path, monkeypatch
):
    import subprocess

    from ideadb.extensions import db
    from ideadb.operations import database
    from ideadb.operations.backup import make_backup

    seen = []
    real_run = subprocess.run

    def recording_run(argv, *args, **kwargs):
        seen.append((list(argv), dict(kwargs.get("env") or {})))
        return real_run(argv, *args, **kwargs)

    monkeypatch.setattr(database.subprocess, "run", recording_run)
    # The test server trusts local connections: the password is carried but not needed.
    engine = sa.create_engine(
        db.engine.url.set(password="mat-khau-may-chu"), poolclass=sa.pool.NullPool
    )
    result = make_backup(engine, Path(app.config["UPLOAD_DIR"]), tmp_path / "sao-luu")
    engine.dispose()
    assert (result.folder / "ideadb.dump").stat().st_size > 0
    assert seen and seen[0][0][0].endswith("pg_dump")
    for argv, env in seen:
        assert not any("mat-khau-may-chu" in arg for arg in argv)
        assert env.get("PGPASSWORD") == "mat-khau-may-chu"


def test_a_failed_backup_leaves_no_folder_and_says_why(app, filled, tmp_path, monkeypatch):
    from ideadb.operations import backup as backup_module

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_module.shutil, "copy2", disk_full)
    dest = tmp_path / "sao-luu"
    result = _invoke(app, ["backup", str(dest)])
    assert result.exit_code == 1
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert list(dest.iterdir()) == []


def test_sqlite_files_in_folders_with_spaces_and_hashes(tmp_path):
    import sqlite3

    from ideadb.operations import OperationFailed, database

    folder = tmp_path / "Sao lưu #1"
    folder.mkdir()
    source = folder / "nguồn.sqlite"
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE users (id INTEGER)")
        conn.execute("INSERT INTO users VALUES (1), (2)")
    conn.close()
    database.sqlite_copy(source, folder / "bản sao.sqlite")
    assert database.sqlite_counts(folder / "bản sao.sqlite") == ({"users": 2}, None)
    with pytest.raises(OperationFailed, match="Không mở được"):
        database.sqlite_counts(folder / "không có.sqlite")
