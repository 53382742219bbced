"""The ideadb command: quickstart serves a fresh instance; create-user; backup."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

from ideadb.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"IDEADB_INSTANCE_DIR": str(tmp_path / "instance"), "PYTHONPATH": str(ROOT)})
    env.pop("IDEADB_DATABASE_URL", None)
    env.pop("IDEADB_SECRET_KEY", None)
    return env


def _wait_for(url: str, proc: subprocess.Popen, seconds: float = 120) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stdout.read())
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                return resp.status
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def test_quickstart_without_demo_serves_the_site_and_keeps_data_on_rerun(tmp_path):
    port = _free_port()
    cmd = [sys.executable, "-m", "ideadb", "quickstart", "--no-demo", "--port", str(port)]
    for attempt in range(2):
        proc = subprocess.Popen(
            cmd,
            env=_env(tmp_path),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert _wait_for(f"http://127.0.0.1:{port}/dang-nhap", proc) == 200
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as resp:
                assert "Cơ sở dữ liệu ý tưởng, sáng kiến" in resp.read().decode("utf-8")
        finally:
            proc.terminate()
            proc.wait(10)
            proc.stdout.close()
        if attempt == 0:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "ideadb",
                    "create-user",
                    "giu.lai",
                    "--password",
                    "mat-khau-dai-1",
                    "--role",
                    "admin",
                ],
                env=_env(tmp_path),
                cwd=ROOT,
                check=True,
            )
    key = (tmp_path / "instance" / "secret_key").read_text()
    assert len(key) == 64
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'instance' / 'ideadb.sqlite'}")
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM users WHERE username = 'giu.lai'")) == 1
        assert conn.scalar(sa.text("SELECT count(*) FROM units WHERE kind = 'district'")) == 8
        # The shipped criteria sets are loaded once, active, whatever the number of runs.
        assert (
            conn.scalar(sa.text("SELECT count(*) FROM criteria_sets WHERE status = 'active'")) == 2
        )
    engine.dispose()


def test_create_user_with_several_roles_and_a_bad_role(runner, db_session):
    from ideadb.accounts.models import User

    result = runner.invoke(
        main,
        args=[
            "create-user",
            "thuky2",
            "--password",
            "mat-khau-dai-1",
            "--role",
            "secretary",
            "--role",
            "reviewer",
            "--full-name",
            "Nông Thị Hoa",
        ],
    )
    assert result.exit_code == 0, result.output
    user = db_session.scalar(sa.select(User).where(User.username == "thuky2"))
    assert user.roles == {"secretary", "reviewer"} and user.full_name == "Nông Thị Hoa"
    bad = runner.invoke(
        main, args=["create-user", "x.y.z", "--password", "mat-khau-dai-1", "--role", "king"]
    )
    assert bad.exit_code == 1 and "roles" in bad.output


def test_backup_copies_the_sqlite_database(runner, tmp_path, app, db_backend):
    if db_backend != "sqlite":
        return  # PostgreSQL backups go through pg_dump, checked by the operator's own restore drill
    result = runner.invoke(main, args=["backup", str(tmp_path / "sao-luu")])
    assert result.exit_code == 0, result.output
    copies = list((tmp_path / "sao-luu").glob("ideadb-*/ideadb.sqlite"))
    assert len(copies) == 1
    engine = sa.create_engine(f"sqlite:///{copies[0]}")
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM areas")) == 5
    engine.dispose()
