"""Every route of the URL map (pages and /api/v1), every method, for ten callers and every
object state that access depends on, against the table in ``table.py``."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.authz.conftest import SUMMARY
from tests.authz.seed import (
    ANON,
    AUD,
    IDEA_STATES,
    OWNER,
    ROLES,
    ROUND_STATES,
    SET_STATES,
    World,
)
from tests.authz.table import TABLE, Row

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_ARG = re.compile(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>")
# Writes the auditor may make: signing in and out, its own password and notifications.
AUDITOR_OWN_WRITES = {
    ("POST", "/api/v1/auth/tokens"),
    ("POST", "/api/v1/users/me/close"),
    ("POST", "/tai-khoan/dong-tai-khoan"),
    ("DELETE", "/api/v1/auth/tokens/current"),
    ("POST", "/dang-nhap"),
    ("POST", "/dang-xuat"),
    ("POST", "/dang-ky-tai-khoan"),
    ("POST", "/tai-khoan/mat-khau"),
    ("POST", "/thong-bao/da-doc"),
    # Asking for an export file is a read done in the background, not an act of office.
    ("POST", "/bao-cao/dot/<int:round_id>/xuat"),
    ("POST", "/bao-cao/tong-hop/xuat"),
    # Anyone may ask to apply a published initiative (a public form, not an act of office).
    ("POST", "/api/v1/ideas/<int:idea_id>/adoption-interests"),
    ("POST", "/sang-kien/<int:idea_id>"),
    # Following an idea is a personal preference, like reading one's notifications.
    ("POST", "/api/v1/ideas/<int:idea_id>/follow"),
    ("DELETE", "/api/v1/ideas/<int:idea_id>/follow"),
    ("POST", "/sang-kien/<int:idea_id>/theo-doi"),
    ("POST", "/sang-kien/<int:idea_id>/bo-theo-doi"),
    # One's own e-mail address: confirming it with the link's token, asking for the link again.
    ("POST", "/api/v1/auth/email-verification"),
    ("POST", "/api/v1/users/me/email-verification"),
    ("POST", "/tai-khoan/xac-nhan-email"),
    # Submitting one's own drafts: the auditor has none, its selection is refused (422).
    ("POST", "/y-tuong/nop-hang-loat"),
}


def states_of(rule: str) -> tuple[str, ...]:
    args = set(_ARG.findall(rule))
    if args & {"assignment_id", "round_id"}:
        return ROUND_STATES
    if args & {"idea_id", "attachment_id"}:
        return IDEA_STATES
    if "set_id" in args:
        return SET_STATES
    return ("-",)


def is_page(rule: str) -> bool:
    return not rule.startswith("/api/")


def _cells() -> list:
    reads, writes = [], []
    for method, rule in TABLE:
        for state in states_of(rule):
            param = pytest.param(method, rule, state, id=f"{method} {rule} [{state}]")
            (reads if method == "GET" else writes).append(param)
    # Reads first, on the seeded database; every write group starts from a restored one.
    return reads + writes


CELLS = _cells()
SUMMARY["size"] = {
    "routes": len({rule for _, rule in TABLE}),
    "rows": len(TABLE),
    "roles": len(ROLES),
    "cells": len(CELLS) * len(ROLES),
    "findings": sum(
        len(states_of(rule)) if state == "*" else 1
        for (_, rule), row in TABLE.items()
        for _, state in row.findings
    ),
}


def url_for_cell(rule: str, state: str, world: World) -> str:
    round_scoped = states_of(rule) is ROUND_STATES

    def value(name: str) -> str:
        if name == "idea_id":
            return str(world.round_ideas[state] if round_scoped else world.ideas[state])
        if name == "attachment_id":
            files = world.round_attachments if round_scoped else world.idea_attachments
            return str(files[state])
        fixed = {
            "assignment_id": lambda: world.assignments[state],
            "round_id": lambda: world.rounds[state],
            "conflict_id": lambda: world.conflicts[state],
            "set_id": lambda: world.sets[state],
            "notification_id": lambda: world.notification_id,
            "invitation_id": lambda: world.invitation_id,
            "job_id": lambda: world.job_id,
            "appeal_id": lambda: world.appeal_id,
            "import_id": lambda: world.import_id,
            "user_id": lambda: world.user_ids[OWNER],
            "unit_id": lambda: world.unit_id,
            "fmt": lambda: "csv",
            "code": lambda: "vi",
            "filename": lambda: "css/app.css",
            "interest_id": lambda: world.interest_id,
            "token": lambda: "khong-hop-le",
            "what": lambda: "mo",
        }
        return str(fixed[name]())

    return _ARG.sub(lambda m: value(m.group(1)), rule)


def outcome(resp, page: bool, anonymous: bool) -> str:
    """ "allowed", "denied", or what is wrong with the answer.

    Denials take the documented shapes: the API answers 401 to a caller without a token, 403
    or 404 (an object the caller may not see) to one with a token; pages send anonymous
    callers to sign in and answer 403/404 to signed-in ones. Any other refusal is reported.
    """
    status = resp.status_code
    if status >= 500:
        return f"error {status}"
    redirect = status in (301, 302, 303, 307, 308)
    to_sign_in = redirect and urlparse(resp.headers.get("Location", "")).path == "/dang-nhap"
    if status not in (401, 403, 404) and not (page and to_sign_in):
        return "allowed"
    if page:
        proper = (401, 404) if anonymous else (403, 404)
        if (to_sign_in and anonymous) or status in proper:
            return "denied"
    elif status in ((401, 404) if anonymous else (403, 404)):
        return "denied"
    return f"denied with {status}"


def call(client, caller, method: str, path: str, page: bool, body: dict | None, multipart: bool):
    headers = {}
    kwargs: dict = {}
    if page:
        if caller.cookie:
            headers["Cookie"] = caller.cookie
        if method != "GET":
            headers["X-CSRFToken"] = caller.csrf
            kwargs["data"] = {"csrf_token": caller.csrf, **(body or {})}
    else:
        if caller.token:
            headers["Authorization"] = f"Bearer {caller.token}"
        if multipart:
            kwargs["data"] = body
            kwargs["content_type"] = "multipart/form-data"
        elif method in ("POST", "PUT", "PATCH"):
            kwargs["json"] = body or {}
    return client.open(path, method=method, headers=headers, **kwargs)


@pytest.mark.parametrize(("method", "rule", "state"), CELLS)
def test_cell_group(matrix, method, rule, state):
    _app, client, world, snapshot, db_state = matrix
    row: Row = TABLE[(method, rule)]
    path = url_for_cell(rule, state, world)
    query = f"?{row.query}" if row.query else ""
    page = is_page(rule)
    allowed = row.allowed_in(state)
    wrong, fixed = [], []
    for role in ROLES:
        if db_state["dirty"]:
            snapshot.restore()
            db_state["dirty"] = False
        body = row.body(world) if row.body else None
        resp = call(client, world.callers[role], method, path + query, page, body, row.multipart)
        got = outcome(resp, page, role == ANON)
        resp.get_data()  # read streamed downloads to the end, as a client would
        resp.close()
        if method != "GET" and got == "allowed" and resp.status_code < 400:
            db_state["dirty"] = True
        expected = "allowed" if role in allowed else "denied"
        finding = row.findings.get((role, state)) or row.findings.get((role, "*"))
        if got == expected:
            if finding:
                fixed.append(f"{role}: now {got} ({resp.status_code}); remove the finding")
        elif not finding:
            wrong.append(f"{role}: expected {expected}, got {got} ({resp.status_code})")
    assert not wrong and not fixed, f"{method} {path}{query} [{state}]\n" + "\n".join(wrong + fixed)


def test_every_route_has_a_row_and_every_row_a_route(tmp_path):
    from ideadb import create_app

    app = create_app(
        {
            "INSTANCE_DIR": str(tmp_path),
            "SECRET_KEY": "test-secret-not-for-production",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'routes.sqlite'}",
            "TESTING": True,
        }
    )
    routes = {
        (method, r.rule)
        for r in app.url_map.iter_rules()
        for method in r.methods
        if method in METHODS
    }
    missing = sorted(routes - TABLE.keys())
    stale = sorted(TABLE.keys() - routes)
    assert not missing, "routes without a row in tests/authz/table.py: " + ", ".join(
        f"{m} {r}" for m, r in missing
    )
    assert not stale, "rows for routes that no longer exist: " + ", ".join(
        f"{m} {r}" for m, r in stale
    )


def test_the_auditor_is_never_allowed_a_write_of_office():
    writes = [
        key
        for key, row in TABLE.items()
        if key[0] != "GET"
        and key not in AUDITOR_OWN_WRITES
        and any(AUD in row.allowed_in(s) for s in states_of(key[1]))
    ]
    assert not writes


def test_anonymous_callers_are_allowed_only_public_reads_and_forms():
    api_writes = [
        key
        for key, row in TABLE.items()
        if key[0] != "GET"
        and key not in AUDITOR_OWN_WRITES
        and any(ANON in row.allowed_in(s) for s in states_of(key[1]))
    ]
    assert not api_writes


def test_a_restore_puts_the_seeded_state_back(matrix):
    _app, client, world, snapshot, db_state = matrix
    owner = {"Authorization": f"Bearer {world.callers[OWNER].token}"}
    draft = world.ideas["draft"]
    submitted = client.post(f"/api/v1/ideas/{draft}/submit", headers=owner)
    assert submitted.status_code == 200, submitted.get_json()
    assert submitted.get_json()["status"] == "submitted"
    snapshot.restore()
    db_state["dirty"] = False
    again = client.get(f"/api/v1/ideas/{draft}", headers=owner)
    assert again.get_json()["status"] == "draft"
    assert again.get_json()["code"] is None
