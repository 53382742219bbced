"""The seeded world of the authorisation matrix, once per database backend, and its summary."""

from __future__ import annotations

import time

import pytest

from tests.authz.seed import Snapshot, build, sign_in_all
from tests.conftest import PG_URL, REQUIRE_PG, Client, make_test_app

SUMMARY: dict[str, object] = {}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def matrix(request, tmp_path_factory):
    """(app, client, world, snapshot) for one backend; the database is restored on demand."""
    backend = request.param
    if backend == "postgres" and not PG_URL:
        if REQUIRE_PG:
            pytest.fail("IDEADB_REQUIRE_POSTGRES=1 but IDEADB_TEST_DATABASE_URL is not set")
        pytest.skip("IDEADB_TEST_DATABASE_URL not set")
    started = time.perf_counter()
    workdir = tmp_path_factory.mktemp(f"authz-{backend}")
    app = make_test_app(workdir, backend, RATELIMIT_ENABLED=False)
    app.test_client_class = Client
    with app.app_context():
        from ideadb.extensions import db

        world = build(db.session)
    sign_in_all(app, world)
    snapshot = Snapshot(app, backend, workdir)
    client = app.test_client(use_cookies=False)
    state = {"dirty": False}
    seeded = time.perf_counter() - started
    yield app, client, world, snapshot, state
    snapshot.close()
    SUMMARY[backend] = {
        "seconds": time.perf_counter() - started,
        "seed_seconds": seeded,
        "restores": snapshot.restores,
    }


def pytest_terminal_summary(terminalreporter):
    size = SUMMARY.get("size")
    if not size:
        return
    terminalreporter.write_line(
        "authorisation matrix: {routes} routes ({rows} method rows) x {roles} roles x "
        "object states = {cells} cells; {findings} cells are open findings".format(**size)
    )
    for backend in ("sqlite", "postgres"):
        run = SUMMARY.get(backend)
        if run:
            terminalreporter.write_line(
                f"authorisation matrix on {backend}: {run['seconds']:.1f} s "
                f"(seeding {run['seed_seconds']:.1f} s, {run['restores']} restores)"
            )
