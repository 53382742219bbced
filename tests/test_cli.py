"""The ideadb command: quickstart, serve, demo accounts without known passwords, create-user."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
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


def _health(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5) as resp:
        return json.loads(resp.read().decode("utf-8"))


def _ideas_from_another_process_reach_the_served_index(tmp_path: Path, port: int) -> None:
    """quickstart runs the worker in its own process: ideas written by another process (here
    ``ideadb demo``) reach the index it serves without any reindex."""
    before = _health(port)["search"]
    subprocess.run(
        [sys.executable, "-m", "ideadb", "demo", "--ideas", "4"],
        env=_env(tmp_path),
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        now = _health(port)["search"]
        if now["latest"] > before["latest"] and now["lag"] == 0:
            break
        time.sleep(0.2)
    assert now["latest"] >= before["latest"] + 4 and now["lag"] == 0, now


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
            if attempt == 1:
                _ideas_from_another_process_reach_the_served_index(tmp_path, port)
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


# --- no known passwords ------------------------------------------------------------------


def _demo_lines(output: str) -> dict[str, str]:
    """username → password of the accounts that quickstart/demo printed."""
    from ideadb.demo import DEMO_USERS

    names = {name for name, *_ in DEMO_USERS}
    found = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in names:
            found[parts[0]] = parts[1]
    return found


def test_quickstart_makes_random_demo_passwords_prints_them_once_and_keeps_them_0600(tmp_path):
    from argon2 import PasswordHasher

    from ideadb.demo import DEMO_USERS, read_demo_passwords

    cmd = [sys.executable, "-m", "ideadb", "quickstart", "--no-serve"]
    first = subprocess.run(
        cmd, env=_env(tmp_path), cwd=ROOT, capture_output=True, text=True, check=True
    )
    printed = _demo_lines(first.stdout)
    assert set(printed) == {name for name, *_ in DEMO_USERS}
    assert len(set(printed.values())) == len(printed)
    assert all(len(p) >= 20 and "demo" not in p for p in printed.values())
    instance = tmp_path / "instance"
    kept = instance / "demo-accounts.txt"
    assert kept.stat().st_mode & 0o777 == 0o600
    assert read_demo_passwords(instance) == printed
    engine = sa.create_engine(f"sqlite:///{instance / 'ideadb.sqlite'}")
    with engine.connect() as conn:
        hashes = dict(conn.execute(sa.text("SELECT username, password_hash FROM users")).all())
    engine.dispose()
    for username, password in printed.items():
        assert PasswordHasher().verify(hashes[username], password)

    again = subprocess.run(
        cmd, env=_env(tmp_path), cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert not any(password in again.stdout for password in printed.values())
    assert str(kept) in again.stdout
    assert read_demo_passwords(instance) == printed


def test_no_fixed_demo_password_is_left_in_the_code():
    sources = [*(ROOT / "ideadb").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]
    sources += [ROOT / "README.md"]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert "-demo-2021" not in text, path


def test_quickstart_on_a_network_address_refuses_demo_data_without_the_flag(tmp_path):
    env = _env(tmp_path)
    base = [sys.executable, "-m", "ideadb", "quickstart", "--no-serve", "--host", "0.0.0.0"]
    refused = subprocess.run(base, env=env, cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode == 2
    assert "Từ chối phục vụ dữ liệu mẫu trên địa chỉ mạng 0.0.0.0" in refused.stderr
    assert "--allow-demo-on-network" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "instance" / "demo-accounts.txt").exists()
    without_demo = subprocess.run(
        [*base, "--no-demo"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert without_demo.returncode == 0, without_demo.stderr


def test_serve_on_a_network_address_with_demo_accounts_needs_the_flag(app, runner, db_session):
    from ideadb.demo import ensure_demo_users

    assert runner.invoke(main, ["serve", "--no-serve", "--host", "0.0.0.0"]).exit_code == 0
    ensure_demo_users(db_session)
    refused = runner.invoke(main, ["serve", "--no-serve", "--host", "0.0.0.0"])
    assert refused.exit_code == 2 and "--allow-demo-on-network" in refused.output
    for args in (["--host", "127.0.0.1"], ["--host", "0.0.0.0", "--allow-demo-on-network"]):
        result = runner.invoke(main, ["serve", "--no-serve", *args])
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.1.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("may-chu.tinh.local", False),
    ],
)
def test_loopback_hosts(host, loopback):
    from ideadb.cli import is_loopback

    assert is_loopback(host) is loopback


def test_demo_accounts_get_new_random_passwords_kept_only_for_the_new_ones(app, db_session):
    from ideadb.accounts import service
    from ideadb.demo import DEMO_USERS, ensure_demo_users, password_file, read_demo_passwords

    made = ensure_demo_users(db_session)
    assert [a.username for a in made] == [name for name, *_ in DEMO_USERS]
    kept = read_demo_passwords()
    assert kept == {a.username: a.password for a in made}
    assert password_file().stat().st_mode & 0o777 == 0o600
    for username, password in kept.items():
        assert service.authenticate(db_session, username, password) is not None
    again = ensure_demo_users(db_session)
    assert all(a.password is None for a in again)
    assert read_demo_passwords() == kept


def test_demo_command_prints_the_new_accounts(runner, app):
    from ideadb.demo import read_demo_passwords

    result = runner.invoke(main, ["demo", "--ideas", "3"])
    assert result.exit_code == 0, result.output
    assert _demo_lines(result.output) == read_demo_passwords()


def _created(db_session, username: str, password: str) -> bool:
    from ideadb.accounts import service

    db_session.expire_all()
    return service.authenticate(db_session, username, password) is not None


def test_create_user_reads_the_password_from_a_hidden_prompt_with_confirmation(
    runner, db_session, monkeypatch
):
    monkeypatch.delenv("IDEADB_NEW_PASSWORD", raising=False)
    result = runner.invoke(
        main,
        ["create-user", "can.bo", "--role", "unit_officer"],
        input="mat-khau-dai-1\nkhac-han-1234\nmat-khau-dai-1\nmat-khau-dai-1\n",
    )
    assert result.exit_code == 0, result.output
    assert "Nhập lại mật khẩu" in result.output
    assert "mat-khau-dai-1" not in result.output  # hidden input is not echoed
    assert _created(db_session, "can.bo", "mat-khau-dai-1")


def test_create_user_reads_the_password_from_the_environment_or_stdin(runner, db_session):
    from_env = runner.invoke(
        main,
        ["create-user", "tu.bien", "--role", "reviewer"],
        env={"IDEADB_NEW_PASSWORD": "mat-khau-moi-truong"},
    )
    assert from_env.exit_code == 0, from_env.output
    assert _created(db_session, "tu.bien", "mat-khau-moi-truong")
    from_stdin = runner.invoke(
        main,
        ["create-user", "tu.stdin", "--role", "reviewer", "--password-stdin"],
        input="mat khau co dau cach\n",
    )
    assert from_stdin.exit_code == 0, from_stdin.output
    assert _created(db_session, "tu.stdin", "mat khau co dau cach")
    both = runner.invoke(
        main,
        ["create-user", "x.y", "--role", "reviewer", "--password-stdin", "--password", "a" * 12],
        input="b\n",
    )
    assert both.exit_code == 2 and "--password-stdin" in both.output
    short = runner.invoke(
        main,
        ["create-user", "ngan.qua", "--role", "reviewer", "--password-stdin"],
        input="ngan\n",
    )
    assert short.exit_code == 1 and "password:" in short.output
