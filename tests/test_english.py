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
from tests.authz.seed import ANON, OFF_OWN, OTHER, OWNER, REV_BLIND, ROLES, SEC
from tests.authz.table import TABLE
from tests.authz.test_matrix import is_page, states_of, url_for_cell
from tests.english import report, untranslated, user_data

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


# Pages read again with other queries (the URL's rule names who may open them).
VARIANTS = {
    "/bao-cao/tong-hop": [f"year=2021&group_by={g}" for g in ("area", "unit", "member_org")],
    "/thong-ke": ["year=2021"],
    "/tra-cuu": ["q=qu%E1%BA%BF", "area=san_xuat_kinh_doanh"],
    "/so-cong-nhan": ["year=2021"],
}


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
            path = url_for_cell(rule, state, world)
            queries = [row.query, *VARIANTS.get(rule, [])]
            for query in dict.fromkeys(queries):
                url = path + (f"?{query}" if query else "")
                resp = client.get(url, headers={"Cookie": cookies[role]})
                body = resp.get_data(as_text=True)
                resp.close()
                if resp.status_code != 200 or resp.mimetype != "text/html":
                    continue
                read += 1
                for line in untranslated(body, data):
                    found.append(f"{url}: {report(line, data)}")
    assert read > 0
    assert not found, f"{role}: {len(found)} untranslated lines\n" + "\n".join(found)


class _English:
    """One caller's English session over the shared client: cookies follow each answer (the
    flash messages travel in the session cookie), forms carry the caller's CSRF token."""

    def __init__(self, client, caller, cookie: str):
        self.client, self.csrf, self.cookie = client, caller.csrf, cookie

    def _keep(self, resp):
        match = _SESSION.search(resp.headers.get("Set-Cookie", ""))
        if match:
            self.cookie = f"session={match.group(1)}"
        return resp

    def get(self, path: str):
        return self._keep(self.client.get(path, headers={"Cookie": self.cookie}))

    def post(self, path: str, data: dict | None = None):
        """Post a form; follow a redirect; answer the page read."""
        resp = self._keep(
            self.client.post(
                path,
                data={"csrf_token": self.csrf, **(data or {})},
                headers={"Cookie": self.cookie, "X-CSRFToken": self.csrf},
            )
        )
        if resp.status_code in (302, 303):
            return self.get(resp.headers["Location"]).get_data(as_text=True)
        return resp.get_data(as_text=True)


def test_messages_after_posts_read_in_english(english, matrix):  # noqa: F811
    """Form errors, flash messages and the notifications that posts send, in English."""
    app, client, world, cookies, _data = english
    _app, _client, _world, snapshot, state = matrix
    as_ = {role: _English(client, world.callers[role], cookies[role]) for role in ROLES}
    state["dirty"] = True
    read: list[tuple[str, str, str]] = []  # (role, what, page)
    try:
        # A registration without a summary: the error names the field, in English.
        page = as_[OWNER].post(
            "/y-tuong/dang-ky",
            {
                "title": "Sổ tay số cho tổ hợp tác",
                "area": "hanh_chinh",
                "year": "2021",
                "unit_id": str(world.unit_id),
                "submit_idea": "1",
            },
        )
        read.append((OWNER, "registration without a summary", page))
        assert "Please enter a summary." in page, page[:3000]
        # Wrong password.
        page = as_[ANON].post("/dang-nhap", {"username": "owner", "password": "sai-mat-khau"})
        read.append((ANON, "sign-in with a wrong password", page))
        # The owner submits the draft; the secretary asks for more on a submitted dossier.
        page = as_[OWNER].post(f"/y-tuong/{world.ideas['draft']}/nop")
        read.append((OWNER, "submit the draft", page))
        page = as_[SEC].post(
            f"/y-tuong/{world.ideas['submitted']}/sang-loc",
            {"decision": "needs_revision", "note": "Bổ sung số liệu năm 2021."},
        )
        read.append((SEC, "screening: needs revision", page))
        # The other submitter accepts the co-authorship; the secretary reminds the reviewers.
        page = as_[OTHER].post(f"/loi-moi-dong-tac-gia/{world.invitation_id}/nhan-loi")
        read.append((OTHER, "accept a co-authorship", page))
        page = as_[SEC].post(f"/dot-xet-chon/{world.rounds['reviewing']}/nhac-viec")
        read.append((SEC, "remind the reviewers", page))
        # A score sheet submitted empty; a round without a name; opening a round for scoring.
        sheet = world.assignments["reviewing"]
        page = as_[REV_BLIND].post(
            f"/phieu-cham/{sheet}", {"action": "submit", "confirmed": "1", "version": "0"}
        )
        read.append((REV_BLIND, "submit an empty score sheet", page))
        page = as_[SEC].post("/dot-xet-chon", {"name": "", "year": "2021"})
        read.append((SEC, "create a round without a name", page))
        page = as_[SEC].post(f"/dot-xet-chon/{world.rounds['draft']}/mo-cham", {"confirmed": "1"})
        read.append((SEC, "open a round for scoring", page))
        # A page that does not exist: the service's message, in English.
        resp = as_[OWNER].get("/y-tuong/999999")
        assert resp.status_code == 404
        read.append((OWNER, "a missing idea", resp.get_data(as_text=True)))
        assert "Idea not found." in read[-1][2]
        # What the posts told people.
        for role in (OWNER, OFF_OWN, REV_BLIND):
            page = as_[role].get("/thong-bao").get_data(as_text=True)
            read.append((role, "notifications", page))
        owner_notices = read[-3][2]
        assert "needs more information" in owner_notices
        assert "confirmed being a co-author" in owner_notices
        assert "Reminder:" in read[-1][2]
        data = _world_data(app)
        found = [
            f"{role} after {what}: {report(line, data)}"
            for role, what, page in read
            for line in untranslated(page, data)
        ]
        assert not found, f"{len(found)} untranslated lines\n" + "\n".join(found)
    finally:
        snapshot.restore()
        state["dirty"] = False


# Links not to follow on the demo site: files, the language switch, signing out, the API.
_NOT_FOLLOWED = re.compile(
    r"^/static/|^/lang/|^/api/|\.(csv|xlsx|json|docx|pdf|zip)(\?|$)|/tai-ve|/tep/|/xuat|dang-xuat"
)
_HREF = re.compile(r'href="(/[^"#]*)"')


def test_the_demo_site_reads_in_english_for_every_demo_account(app):
    """Every demo account (and a visitor) walks the demo site in English from its home page,
    following the site's links (one page of each kind): rounds in every phase, results,
    appeals, the register... show no Vietnamese text but user data."""
    from ideadb.demo import load_demo, read_demo_passwords
    from ideadb.extensions import db

    app.config["RATELIMIT_ENABLED"] = False
    load_demo(db.session, ideas=60)
    passwords = read_demo_passwords(app.config["INSTANCE_DIR"])
    data = user_data(db.session)
    db.session.remove()
    found: dict[str, list[str]] = {}
    read = 0
    for username in [None, *sorted(passwords)]:
        client = app.test_client()
        client.get("/lang/en")
        if username:
            resp = client.submit(
                "/dang-nhap", {"username": username, "password": passwords[username]}
            )
            assert resp.status_code == 302, username
        queue, seen = ["/"], {"/"}
        while queue:
            path = queue.pop(0)
            resp = client.get(path)
            if resp.status_code != 200 or resp.mimetype != "text/html":
                continue
            read += 1
            body = resp.get_data(as_text=True)
            for line in untranslated(body, data):
                found.setdefault(report(line, data), []).append(f"{username or 'visitor'} {path}")
            for href in _HREF.findall(body):
                href = href.replace("&amp;", "&")
                kind = re.sub(r"\d+", "N", href.split("?")[0])
                if not _NOT_FOLLOWED.search(href) and kind not in seen:
                    seen.add(kind)
                    queue.append(href)
    assert read > 100
    assert not found, f"{len(found)} untranslated lines\n" + "\n".join(
        f"{line}  ({', '.join(where[:3])})" for line, where in sorted(found.items())
    )


def test_the_checker_finds_labels_and_leaves_user_data():
    data = {"Huyện Ba Bể", "Trồng quế hữu cơ, liên kết tiêu thụ với hợp tác xã."}
    html = (
        "<html><head><title>Huyện Ba Bể</title><style>p{}</style></head><body>"
        "<h1>Summary</h1><p>Trồng <mark>quế</mark> hữu cơ, liên kết tiêu thụ với hợp tác xã.</p>"
        "<p>…liên kết tiêu thụ với hợp…</p><th>Huyện</th><td>Huyện Ba Bể</td>"
        "<input placeholder='Nhập từ khóa'><textarea>Ghi chú của tôi</textarea>"
        "<p>Decree 13/2023/NĐ-CP</p><a href='/lang/vi'>Tiếng Việt</a></body></html>"
    )
    assert untranslated(html, data) == ["Huyện", "Nhập từ khóa"]
