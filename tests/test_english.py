"""Every page, as each role, in English: no Vietnamese text but user data.

The world of the authorisation matrix (``tests/authz``) is reused: for every page route (HTML,
not the API or file downloads) and every object state, each role allowed to open it switches to
English and reads the page; the words with Vietnamese letters left once the user data written
into the database is taken out (``tests/english.py``) are untranslated text. Flash messages and
form errors are read after a few representative posts.
"""

from __future__ import annotations

import re

import pytest

from tests.authz.conftest import matrix  # noqa: F401  (the seeded world, a fixture)
from tests.authz.seed import ROLES
from tests.authz.table import TABLE
from tests.authz.test_matrix import is_page, states_of, url_for_cell
from tests.english import untranslated, user_data

_SESSION = re.compile(r"session=([^;]+)")


def _english_cookie(client, caller) -> str:
    """The caller's session cookie with English chosen (``/lang/en``)."""
    headers = {"Cookie": caller.cookie} if caller.cookie else {}
    resp = client.get("/lang/en", headers=headers)
    assert resp.status_code == 302
    match = _SESSION.search(resp.headers.get("Set-Cookie", ""))
    assert match, caller.role
    return f"session={match.group(1)}"


# Routes that answer files (downloads, exports, static assets) or redirect, not pages.
_NOT_PAGES = re.compile(r"^/static/|^/lang/|\.<fmt>$|\.(csv|xlsx|json)$|/tai-ve$|/tep/|/xuat$")


def _pages() -> list[str]:
    return sorted(
        rule
        for method, rule in TABLE
        if method == "GET" and is_page(rule) and not _NOT_PAGES.search(rule)
    )


def _world_data(app) -> set[str]:
    with app.app_context():
        from ideadb.extensions import db

        return user_data(db.session)


@pytest.fixture(scope="module")
def english(matrix):  # noqa: F811
    app, client, world, snapshot, state = matrix
    if state["dirty"]:
        snapshot.restore()
        state["dirty"] = False
    cookies = {role: _english_cookie(client, world.callers[role]) for role in ROLES}
    return app, client, world, cookies, _world_data(app)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_reads_in_english(english, role):
    _app, client, world, cookies, data = english
    found: list[str] = []
    read = 0
    for rule in _pages():
        row = TABLE[("GET", rule)]
        for state in states_of(rule):
            if role not in row.allowed_in(state):
                continue
            path = url_for_cell(rule, state, world) + (f"?{row.query}" if row.query else "")
            resp = client.get(path, headers={"Cookie": cookies[role]})
            body = resp.get_data(as_text=True)
            resp.close()
            if resp.status_code != 200 or resp.mimetype != "text/html":
                continue
            read += 1
            for line in untranslated(body, data):
                found.append(f"{path}: {line}")
    assert read > 0
    assert not found, f"{role}: {len(found)} untranslated lines\n" + "\n".join(found)
