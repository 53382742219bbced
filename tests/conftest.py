"""Shared fixtures: an application per test on SQLite and (when configured) PostgreSQL,
clients that submit forms with their CSRF token, users built through the services, and a
live server with Chromium for browser tests."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from ideadb import create_app
from ideadb.core.permissions import SYSTEM

PG_URL = os.environ.get("IDEADB_TEST_DATABASE_URL")
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
REQUIRE_PG = os.environ.get("IDEADB_REQUIRE_POSTGRES") == "1"
CHROMIUM = os.environ.get("IDEADB_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("IDEADB_REQUIRE_BROWSER") == "1"
PASSWORD = "mat-khau-thu-nghiem"


def _database_of_this_worker(url: str, worker: str) -> str:
    """Under pytest-xdist each worker process gets its own PostgreSQL database
    (``<name>_gw0``, ``<name>_gw1``...), created when missing; tests in one worker reset it."""
    target = make_url(url)
    target = target.set(database=f"{target.database}_{worker}")
    admin = sa.create_engine(
        target.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool
    )
    with admin.connect() as conn:
        exists = conn.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    return target.render_as_string(hide_password=False)


if PG_URL and XDIST_WORKER:
    PG_URL = _database_of_this_worker(PG_URL, XDIST_WORKER)
    # Subprocesses started by tests (the command line, servers) see the worker's database too.
    os.environ["IDEADB_TEST_DATABASE_URL"] = PG_URL


def _cheap_password_hashing() -> None:
    """Argon2 with its smallest cost in tests: the production cost is ~0.6 s a hash here."""
    from argon2 import PasswordHasher

    from ideadb.accounts import service

    service._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


_cheap_password_hashing()


_CSRF_RE = re.compile(r'name="csrf[_-]token"[^>]*(?:value|content)="([^"]+)"')
_pg_schema_ready = False


class Client(FlaskClient):
    """A test client that submits forms the way a browser does, CSRF token included."""

    def csrf_token(self, url: str) -> str:
        page = self.get(url)
        match = _CSRF_RE.search(page.get_data(as_text=True))
        assert match, f"no CSRF token on {url} (status {page.status_code})"
        return match.group(1)

    def submit(self, url: str, data: dict | None = None, *, form_url: str | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token(form_url or url))
        return self.post(url, data=data, **kwargs)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres_only`` (races that need row locks) run only on PostgreSQL."""
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_sqlite = callspec is not None and callspec.params.get("db_backend") == "sqlite"
        (drop if on_sqlite and item.get_closest_marker("postgres_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _backends():
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]


@pytest.fixture(params=_backends())
def db_backend(request):
    if request.param == "postgres" and not PG_URL:
        if REQUIRE_PG:
            pytest.fail("IDEADB_REQUIRE_POSTGRES=1 but IDEADB_TEST_DATABASE_URL is not set")
        pytest.skip("IDEADB_TEST_DATABASE_URL not set")
    return request.param


def _reset_postgres(engine) -> None:
    global _pg_schema_ready
    from ideadb.extensions import db

    if not _pg_schema_ready:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        db.metadata.create_all(engine)
        _pg_schema_ready = True
        return
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def make_test_app(tmp_path: Path, backend: str = "sqlite", **overrides):
    instance = tmp_path / "instance"
    config = {
        "INSTANCE_DIR": str(instance),
        "SECRET_KEY": "test-secret-not-for-production",
        "SQLALCHEMY_DATABASE_URI": PG_URL
        if backend == "postgres"
        else f"sqlite:///{instance / 'test.sqlite'}",
        "INDEX_DIR": str(instance / "index"),
        "UPLOAD_DIR": str(instance / "uploads"),
        "TESTING": True,
        "MAIL_CAPTURE": True,
        # Background jobs and the index catch-up run right after each commit, in the test.
        "JOBS_INLINE": True,
        # Real argon2id, with the cheapest parameters: tests hash hundreds of passwords.
        "PASSWORD_HASH_PROFILE": "CHEAPEST",
    }
    config.update(overrides)
    sqlite_file = instance / "test.sqlite"
    template = _sqlite_template.get("path")
    if backend == "sqlite" and template and "SQLALCHEMY_DATABASE_URI" not in overrides:
        instance.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, sqlite_file)
    app = create_app(config)
    from ideadb.extensions import db, limiter

    # One limiter serves every application of the process: each test starts with no failures.
    if app.config.get("RATELIMIT_ENABLED", True):
        limiter.reset()
    from ideadb.units.service import load_reference_data

    with app.app_context():
        if backend == "postgres":
            _reset_postgres(db.engine)
            load_reference_data(db.session)
        elif not (template and sqlite_file.exists()):
            db.create_all()
            load_reference_data(db.session)
            db.session.remove()
            db.engine.dispose()
            if "SQLALCHEMY_DATABASE_URI" not in overrides:
                # Later tests start from a copy of this schema + reference data.
                copy = tmp_path.parent / f"template-{os.getpid()}.sqlite"
                shutil.copyfile(sqlite_file, copy)
                _sqlite_template["path"] = copy
        _after_schema_hooks(app)
    return app


_sqlite_template: dict[str, Path] = {}


def _after_schema_hooks(app) -> None:
    """Let features prepare what a fresh instance needs (e.g. an empty search index)."""
    from ideadb.search import testing

    testing.prepare(app)


@pytest.fixture
def app(tmp_path, db_backend):
    app = make_test_app(tmp_path, db_backend)
    app.test_client_class = Client
    ctx = app.app_context()
    ctx.push()
    yield app
    from ideadb.extensions import db

    db.session.remove()
    ctx.pop()
    if db_backend == "postgres":
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def empty_app(tmp_path, db_backend):
    """An application on an empty database (no tables) for migration tests."""
    global _pg_schema_ready
    url = PG_URL if db_backend == "postgres" else f"sqlite:///{tmp_path / 'mig.sqlite'}"
    app = create_app(
        {
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": url,
        }
    )
    from ideadb.extensions import db

    with app.app_context():
        if db_backend == "postgres":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
            _pg_schema_ready = False  # the next app fixture rebuilds its schema
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db_session(app):
    from ideadb.extensions import db

    return db.session


@pytest.fixture
def unit_id(db_session):
    """Find a unit's id by its reference-data code."""
    from ideadb.units.models import Unit

    def find(code: str) -> int:
        uid = db_session.scalar(sa.select(Unit.id).where(Unit.code == code))
        assert uid is not None, code
        return uid

    return find


@pytest.fixture
def make_user(db_session, unit_id):
    """Create a user through the accounts service: make_user("an", roles=["reviewer"], unit="BK-BB")."""
    from ideadb.accounts import service

    counter = {"n": 0}

    def make(
        username: str | None = None,
        *,
        roles=("submitter",),
        unit: str | None = None,
        full_name: str | None = None,
        password: str = PASSWORD,
        email: str | None = None,
    ):
        counter["n"] += 1
        username = username or f"user{counter['n']}"
        return service.create_user(
            db_session,
            SYSTEM,
            username=username,
            password=password,
            full_name=full_name or f"Người dùng {counter['n']}",
            roles=list(roles),
            unit_id=unit_id(unit) if unit else None,
            email=email,
        )

    return make


@pytest.fixture
def login(client):
    """Sign a user in through the sign-in form."""

    def do(user_or_name, password: str = PASSWORD, remember: bool = False):
        username = getattr(user_or_name, "username", user_or_name)
        data = {"username": username, "password": password}
        if remember:
            data["remember"] = "y"
        resp = client.submit("/dang-nhap", data)
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        return resp

    return do


@pytest.fixture
def api_token(client):
    """A bearer token for a user, obtained through POST /api/v1/auth/tokens."""

    def get(user_or_name, password: str = PASSWORD) -> str:
        username = getattr(user_or_name, "username", user_or_name)
        resp = client.post("/api/v1/auth/tokens", json={"username": username, "password": password})
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["token"]

    return get


@pytest.fixture
def auth_headers(api_token):
    def headers(user_or_name, password: str = PASSWORD) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_token(user_or_name, password)}"}

    return headers


# --- browser ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, app, url: str):
        self.app = app
        self.url = url

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture
def live_server(tmp_path):
    """The application on SQLite served by a real WSGI server in a thread."""
    from werkzeug.serving import make_server

    app = make_test_app(tmp_path, "sqlite")
    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{port}")
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="session")
def _browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if REQUIRE_BROWSER:
            pytest.fail(f"IDEADB_REQUIRE_BROWSER=1 but Chromium was not found at {CHROMIUM}")
        pytest.skip("Chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_browser):
    context = _browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


SCREENSHOT_DIR = Path(
    os.environ.get("IDEADB_SCREENSHOT_DIR")
    or Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Screenshots are kept as CI artefacts: ``artifacts/screenshots/`` at the repository root
    (or ``IDEADB_SCREENSHOT_DIR``). Every test names its own shots, so pytest-xdist workers
    writing there side by side never write the same file."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


_SHOT_NAMES: dict[str, str] = {}


@pytest.fixture
def screenshot(screenshot_dir):
    """Save a desktop and a 360 px wide screenshot of the page; returns the two paths."""

    def take(page, name: str) -> tuple[Path, Path]:
        test = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
        taken_by = _SHOT_NAMES.setdefault(name, test)
        assert taken_by == test, f"screenshot name {name!r} is already used by {taken_by}"
        desktop = screenshot_dir / f"{name}-desktop.png"
        phone = screenshot_dir / f"{name}-360.png"
        size = page.viewport_size
        page.screenshot(path=str(desktop), full_page=True)
        page.set_viewport_size({"width": 360, "height": 780})
        page.screenshot(path=str(phone), full_page=True)
        page.set_viewport_size(size)
        assert desktop.stat().st_size > 0 and phone.stat().st_size > 0
        return desktop, phone

    return take


# --- ideas -------------------------------------------------------------------------------


@pytest.fixture
def secretary(make_user):
    """A council secretary, created on first use."""
    made = {}

    def get():
        if "user" not in made:
            made["user"] = make_user(roles=["secretary"], full_name="Nông Thị Hoa")
        return made["user"]

    return get


@pytest.fixture
def create_idea(db_session, make_user, unit_id, secretary):
    """Create an idea through the ideas service and drive it to a state with the real rules.

    create_idea()                                  a draft of a new submitter in Xã Nam Mẫu
    create_idea(owner, title="...", unit="BK-BB")  fields override the defaults; unit by code
    create_idea(submit=True)                       submitted (code assigned)
    create_idea(status="eligible")                 any state: needs_revision, eligible, ineligible,
                                                   withdrawn, in_review, recognized, not_recognized
    (screening, review and recognition are done by a secretary; recognition at scope "tinh",
    level "CONG_NHAN_TINH").
    """
    from ideadb.ideas import service

    counter = {"n": 0}
    paths = {
        "draft": [],
        "submitted": ["submit"],
        "needs_revision": ["submit", "screen:needs_revision"],
        "eligible": ["submit", "screen:eligible"],
        "ineligible": ["submit", "screen:ineligible"],
        "withdrawn": ["withdraw"],
        "in_review": ["submit", "screen:eligible", "review"],
        "recognized": ["submit", "screen:eligible", "review", "recognize"],
        "not_recognized": ["submit", "screen:eligible", "review", "not_recognize"],
    }

    def make(owner=None, *, submit: bool = False, status: str | None = None, **overrides):
        counter["n"] += 1
        if owner is None:
            owner = make_user(roles=["submitter"], unit="BK-BB-NM")
        data = {
            "title": f"Mô hình nuôi lợn đen bản địa kết hợp trồng cỏ số {counter['n']}",
            "summary": "Nuôi lợn đen bản địa theo hướng an toàn sinh học, trồng cỏ làm thức ăn.",
            "description": "Hộ gia đình chuồng trại có đệm lót sinh học, trồng cỏ voi, ủ chua "
            "thức ăn; giảm chi phí và mùi hôi, tăng thu nhập cho đồng bào vùng cao.",
            "novelty": "Lần đầu áp dụng đệm lót sinh học cho lợn đen tại xã.",
            "benefits": "Giảm 30% chi phí thức ăn, thu nhập tăng 25 triệu đồng mỗi năm.",
            "area": "san_xuat_kinh_doanh",
            "year": 2021,
            "publish_consent": True,
        }
        unit_code = overrides.pop("unit", None)
        if unit_code is not None:
            data["unit_id"] = unit_id(unit_code)
        elif owner.unit_id is None and "unit_id" not in overrides:
            data["unit_id"] = unit_id("BK-BB-NM")
        data.update(overrides)
        idea = service.create_idea(db_session, owner, data)
        target = status or ("submitted" if submit else "draft")
        for step in paths[target]:
            if step == "submit":
                service.submit_idea(db_session, owner, idea.id)
            elif step == "withdraw":
                service.withdraw_idea(db_session, owner, idea.id)
            elif step.startswith("screen:"):
                note = "Bổ sung số liệu hiệu quả." if step.endswith("needs_revision") else None
                service.screen_idea(db_session, secretary(), idea.id, step[7:], note)
            elif step == "review":
                service.mark_in_review(db_session, secretary(), [idea.id])
            elif step == "recognize":
                service.record_recognition(
                    db_session, secretary(), idea.id, "tinh", "CONG_NHAN_TINH"
                )
            elif step == "not_recognize":
                service.record_recognition(db_session, secretary(), idea.id, "tinh", None)
        assert idea.status == target
        return idea

    return make
