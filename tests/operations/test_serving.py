"""Serving: ``ideadb serve`` runs gunicorn workers, JSON logs, rate limits shared through Redis,
the client's address and scheme behind a proxy."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from flask import jsonify, request

from ideadb import create_app
from ideadb.cli import main
from ideadb.operations.logs import TEXT_ACCESS_FORMAT
from ideadb.operations.serving import choose_server, rate_limit_storage_problem
from tests.conftest import PASSWORD, make_test_app

ROOT = Path(__file__).resolve().parents[2]
REDIS_URI = os.environ.get("IDEADB_TEST_REDIS_URL", "redis://127.0.0.1:6379")
TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_answers() -> bool:
    return rate_limit_storage_problem(REDIS_URI, {"socket_connect_timeout": 1}) is None


needs_redis = pytest.mark.skipif(
    not _redis_answers() and os.environ.get("CI") != "true",
    reason=f"no Redis at {REDIS_URI}",
)


def _redis_options(prefix: str) -> dict:
    return {"key_prefix": prefix, "socket_connect_timeout": 1, "socket_timeout": 1}


def _drop_keys(prefix: str) -> int:
    import redis

    client = redis.Redis.from_url(REDIS_URI)
    keys = client.keys(f"{prefix}:*")
    if keys:
        client.delete(*keys)
    return len(keys)


# --- pure choices -------------------------------------------------------------------------


def test_auto_serves_with_gunicorn_where_it_runs_and_waitress_elsewhere():
    assert choose_server("auto", available=True) == "gunicorn"
    assert choose_server("auto", available=False) == "waitress"
    assert choose_server("waitress", available=True) == "waitress"


def test_plain_access_lines_name_the_path_without_its_query_string():
    assert "%(U)s" in TEXT_ACCESS_FORMAT
    assert "%(r)s" not in TEXT_ACCESS_FORMAT and "%(q)s" not in TEXT_ACCESS_FORMAT


def test_an_unreachable_redis_is_named_without_its_password():
    port = _free_port()
    problem = rate_limit_storage_problem(
        f"redis://:hemmelig@127.0.0.1:{port}/0", {"socket_connect_timeout": 1}
    )
    assert problem is not None and "IDEADB_RATELIMIT_STORAGE_URI" in problem
    assert "hemmelig" not in problem and f"127.0.0.1:{port}" in problem


def test_serve_refuses_demo_accounts_on_a_network_bind_address(app, runner, db_session):
    from ideadb.demo import ensure_demo_users

    ensure_demo_users(db_session)
    for bind in ("0.0.0.0:8000", "[::]:8000"):
        refused = runner.invoke(main, ["serve", "--no-serve", "--bind", bind])
        assert refused.exit_code == 2 and "--allow-demo-on-network" in refused.output
    for bind in ("127.0.0.1:8000", "[::1]:8000", "unix:/run/ideadb/ideadb.sock"):
        result = runner.invoke(main, ["serve", "--no-serve", "--bind", bind])
        assert result.exit_code == 0, result.output


# --- behind a proxy -----------------------------------------------------------------------


def _seen(app):
    @app.get("/_seen-by-the-app")
    def seen():
        return jsonify(remote_addr=request.remote_addr, scheme=request.scheme)

    return app


def test_behind_one_proxy_the_app_sees_the_client_address_and_scheme(tmp_path, db_backend):
    app = _seen(make_test_app(tmp_path, db_backend, PROXY_COUNT=1))
    client = app.test_client()
    proxy = {"REMOTE_ADDR": "127.0.0.1"}

    def sign_in(address: str, name: str) -> int:
        headers = {"X-Forwarded-For": address, "X-Forwarded-Proto": "https"}
        page = client.get("/dang-nhap", headers=headers, environ_base=proxy)
        token = TOKEN_RE.search(page.get_data(as_text=True)).group(1)
        data = {"username": name, "password": "sai", "csrf_token": token}
        # Over https the CSRF check also wants a same-site Referer, as a browser sends.
        headers["Referer"] = "https://localhost/dang-nhap"
        return client.post("/dang-nhap", data=data, headers=headers, environ_base=proxy).status_code

    seen = client.get(
        "/_seen-by-the-app",
        headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
        environ_base=proxy,
    ).get_json()
    assert seen == {"remote_addr": "203.0.113.7", "scheme": "https"}
    # A client that forges one more address in front only adds to the left: nginx appends.
    forged = client.get(
        "/_seen-by-the-app",
        headers={"X-Forwarded-For": "10.9.9.9, 203.0.113.7"},
        environ_base=proxy,
    ).get_json()
    assert forged["remote_addr"] == "203.0.113.7"
    # Failed sign-ins count per client address, not for everyone behind the proxy.
    codes = [sign_in("203.0.113.7", f"khong-co-{i}") for i in range(6)]
    assert codes == [200] * 5 + [429]
    assert sign_in("198.51.100.20", "khong-co-9") == 200
    with app.app_context():
        from ideadb.extensions import db

        db.engine.dispose()


def test_without_a_configured_proxy_forwarded_headers_are_ignored(app):
    _seen(app)
    seen = (
        app.test_client()
        .get(
            "/_seen-by-the-app",
            headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
            environ_base={"REMOTE_ADDR": "192.0.2.1"},
        )
        .get_json()
    )
    assert seen == {"remote_addr": "192.0.2.1", "scheme": "http"}


# --- rate limits in Redis -----------------------------------------------------------------


@needs_redis
def test_two_applications_on_one_redis_share_the_login_failure_limit(tmp_path, db_backend):
    from ideadb.accounts import service
    from ideadb.core.permissions import SYSTEM
    from ideadb.extensions import db

    prefix = f"ideadb-test-{uuid.uuid4().hex}"
    limits = {
        "RATELIMIT_STORAGE_URI": REDIS_URI,
        "RATELIMIT_STORAGE_OPTIONS": _redis_options(prefix),
    }
    first = make_test_app(tmp_path / "a", db_backend, **limits)
    second = create_app(
        {
            key: first.config[key]
            for key in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "INDEX_DIR", "UPLOAD_DIR")
        }
        | {"INSTANCE_DIR": str(tmp_path / "b"), "TESTING": True, **limits}
    )
    with first.app_context():
        service.create_user(
            db.session(),
            SYSTEM,
            username="an.nv",
            password=PASSWORD,
            full_name="Nông Văn An",
            roles=["submitter"],
        )
        db.session.remove()

    def fail(app) -> int:
        client = app.test_client()
        page = client.get("/dang-nhap")
        token = TOKEN_RE.search(page.get_data(as_text=True)).group(1)
        data = {"username": "an.nv", "password": "sai", "csrf_token": token}
        return client.post("/dang-nhap", data=data).status_code

    try:
        codes = [fail(app) for app in (first, second, first, second, first)]
        assert codes == [200] * 5
        assert fail(second) == 429
        assert fail(first) == 429
    finally:
        for each in (first, second):
            with each.app_context():
                db.engine.dispose()
        kept = _drop_keys(prefix)
    assert kept >= 2  # the counters lived in Redis: per account and per address


def test_serve_refuses_to_start_when_redis_does_not_answer(tmp_path):
    app = create_app(
        {
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{_free_port()}",
            "RATELIMIT_STORAGE_OPTIONS": _redis_options("ideadb-test-none"),
        }
    )
    result = app.test_cli_runner().invoke(main, ["serve", "--no-serve"])
    assert result.exit_code == 1
    assert "Không kết nối được Redis" in result.output
    assert "IDEADB_RATELIMIT_STORAGE_URI" in result.output


_FALLBACK_SCRIPT = """
import re, sys
from tests.conftest import make_test_app
from pathlib import Path
app = make_test_app(Path(sys.argv[1]), "sqlite", RATELIMIT_ENABLED=False)
from ideadb.extensions import limiter
from ideadb.operations.logs import configure_root_logging
configure_root_logging(json_format=False)  # as under `ideadb serve`
app.config["RATELIMIT_ENABLED"] = True
limiter.init_app(app)
client = app.test_client()
codes = []
for i in range(6):
    page = client.get("/dang-nhap")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))[1]
    data = {"username": "khong-co", "password": "sai", "csrf_token": token}
    codes.append(client.post("/dang-nhap", data=data).status_code)
print("codes", codes)
"""


def test_when_redis_goes_away_while_serving_limits_count_in_memory_with_a_warning(tmp_path):
    """Run apart: the limiter of a process remembers that its storage died."""
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        IDEADB_RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{_free_port()}",
        IDEADB_RATELIMIT_KEY_PREFIX="ideadb-test-gone",
    )
    done = subprocess.run(
        [sys.executable, "-c", _FALLBACK_SCRIPT, str(tmp_path)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "codes [200, 200, 200, 200, 200, 429]" in done.stdout
    assert "falling back to in-memory storage" in done.stderr


# --- ideadb serve with gunicorn -----------------------------------------------------------


def _opener():
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def _status(opener, url: str, data: dict | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(log.read_text())
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def _start_serve(app, tmp_path: Path, workers: int, **settings: str):
    """``ideadb serve`` on the test application's database and folders, in JSON logs; returns
    (process, port, stdout file, stderr file). ``settings``: more IDEADB_* variables."""
    port = _free_port()
    out, err = tmp_path / "serve.out", tmp_path / "serve.err"
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        IDEADB_INSTANCE_DIR=app.config["INSTANCE_DIR"],
        IDEADB_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        IDEADB_INDEX_DIR=app.config["INDEX_DIR"],
        IDEADB_UPLOAD_DIR=app.config["UPLOAD_DIR"],
        IDEADB_SECRET_KEY="serve-test-secret",
        IDEADB_LOG_FORMAT="json",
        **settings,
    )
    cmd = [sys.executable, "-m", "ideadb", "serve", "--workers", str(workers), "--port", str(port)]
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=stdout, stderr=stderr)
    return proc, port, out, err


@needs_redis
def test_serve_runs_gunicorn_workers_that_log_json_and_stop_on_sigterm(
    app, make_user, db_session, tmp_path
):
    make_user("an.nv")
    db_session.remove()
    prefix = f"ideadb-test-{uuid.uuid4().hex}"
    proc, port, out, err = _start_serve(
        app,
        tmp_path,
        2,
        IDEADB_RATELIMIT_STORAGE_URI=REDIS_URI,
        IDEADB_RATELIMIT_KEY_PREFIX=prefix,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/", proc, err)
        status, page = _status(_opener(), f"{base}/?q=ma-bi-mat-123")
        assert status == 200 and "<html" in page
        codes = []
        for _ in range(6):  # each sign-in on a new connection: either worker may answer
            opener = _opener()
            _, form = _status(opener, f"{base}/dang-nhap")
            token = TOKEN_RE.search(form).group(1)
            data = {"username": "an.nv", "password": "sai", "csrf_token": token}
            codes.append(_status(opener, f"{base}/dang-nhap", data)[0])
        assert codes == [200] * 5 + [429]
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            returncode = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        _drop_keys(prefix)
    assert returncode == 0, err.read_text()

    access = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    home = next(e for e in access if e["path"] == "/" and e["method"] == "GET")
    assert home["status"] == 200 and home["remote"] == "127.0.0.1"
    assert home["duration_ms"] >= 0 and home["time"].endswith("Z") and home["level"] == "info"
    assert [e["status"] for e in access if e["method"] == "POST"] == [200] * 5 + [429]
    errors = [json.loads(line) for line in err.read_text().splitlines() if line.startswith("{")]
    booted = [e for e in errors if e["message"].startswith("Booting worker")]
    assert len(booted) == 2
    assert any("Shutting down" in e["message"] for e in errors)
    everything = out.read_text() + err.read_text()
    assert "ma-bi-mat-123" not in everything and "serve-test-secret" not in everything


def test_workers_take_requests_in_turn_each_on_its_own_connection(app, tmp_path):
    import http.client
    from concurrent.futures import ThreadPoolExecutor

    proc, port, out, err = _start_serve(app, tmp_path, 2, IDEADB_THREADS="1")

    def client(_n: int) -> list[str]:
        said = []
        for _ in range(15):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/kha-nang-tiep-can")
            resp = conn.getresponse()
            resp.read()
            said.append(f"{resp.status} {resp.getheader('Connection')}")
            conn.close()
        return said

    try:
        _wait_until_up(f"http://127.0.0.1:{port}/", proc, err)
        with ThreadPoolExecutor(6) as pool:
            answers = [a for said in pool.map(client, range(6)) for a in said]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    assert answers == ["200 close"] * 90
    access = [json.loads(line) for line in out.read_text().splitlines() if line.startswith("{")]
    served = [e["worker"] for e in access if e["path"] == "/kha-nang-tiep-can"]
    assert len(served) == 90 and len(set(served)) == 2
    # six clients kept both single-thread workers busy: each answered a fair share
    assert min(served.count(pid) for pid in set(served)) >= 25, sorted(served)


def test_a_worker_listens_for_new_connections_only_while_a_thread_is_free():
    import selectors

    from gunicorn.config import Config

    from ideadb.operations.gthread import FreeThreadWorker

    cfg = Config()
    cfg.set("threads", 2)
    cfg.set("keepalive", 0)
    worker = FreeThreadWorker.__new__(FreeThreadWorker)  # the parts the decision reads
    worker.cfg, worker.in_flight, worker._accepting = cfg, 0, False
    worker.poller = selectors.DefaultSelector()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        worker.sockets = [listener]

        def listening() -> bool:
            return listener in [key.fileobj for key in worker.poller.get_map().values()]

        worker.set_accept_enabled(True)
        assert listening()
        worker.in_flight = 2  # both threads busy: the next connection is another's
        worker.set_accept_enabled(True)
        assert not listening()
        worker.in_flight = 1
        worker.set_accept_enabled(True)
        assert listening()
        cfg.set("keepalive", 5)  # with keep-alive it listens as gthread does
        worker.in_flight = 2
        worker.set_accept_enabled(True)
        assert listening()
        worker.poller.close()
