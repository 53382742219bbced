"""GET /api/v1/audit and /audit/verify, the audit page, its CSV export, and the auditor role."""

import csv
import io
import itertools

import pytest
import sqlalchemy as sa

from ideadb.audit import service
from ideadb.audit.models import AuditEvent
from ideadb.core.permissions import SYSTEM

VIETNAMESE = "Phòng Kế hoạch – Tài chính Nguyễn"


@pytest.fixture
def people(make_user, db_session):
    from ideadb.accounts import service as accounts

    users = {
        "admin": make_user("quantri", roles=["admin"]),
        "auditor": make_user("kiemtra", roles=["auditor"]),
        "submitter": make_user("nguoidung", roles=["submitter"]),
    }
    accounts.update_user(db_session, users["admin"], users["submitter"].id, full_name=VIETNAMESE)
    return users


def _count(db_session, **where) -> int:
    stmt = sa.select(sa.func.count()).select_from(AuditEvent)
    for name, value in where.items():
        stmt = stmt.where(getattr(AuditEvent, name) == value)
    return db_session.scalar(stmt)


@pytest.mark.parametrize("url", ["/api/v1/audit", "/api/v1/audit/verify"])
def test_who_may_read_the_audit_trail(people, client, auth_headers, url):
    assert client.get(url).status_code == 401
    assert client.get(url).get_json()["error"]["code"] == "unauthorized"
    resp = client.get(url, headers=auth_headers("nguoidung"))
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "forbidden"
    assert client.get(url, headers=auth_headers("quantri")).status_code == 200
    assert client.get(url, headers=auth_headers("kiemtra")).status_code == 200


def test_list_is_oldest_first_in_the_list_shape(people, client, auth_headers, db_session):
    headers = auth_headers("kiemtra")
    body = client.get("/api/v1/audit?per_page=3&page=2", headers=headers).get_json()
    assert set(body) == {"items", "total", "page", "per_page"}
    assert (body["page"], body["per_page"], len(body["items"])) == (2, 3, 3)
    assert body["total"] == _count(db_session)
    ids = [e["id"] for e in body["items"]]
    assert ids == sorted(ids)
    first_page = client.get("/api/v1/audit?per_page=3", headers=headers).get_json()["items"]
    assert first_page[-1]["id"] < ids[0]
    item = body["items"][0]
    assert set(item) == {
        "id",
        "at",
        "actor_id",
        "action",
        "entity",
        "entity_id",
        "before",
        "after",
        "remote_addr",
        "hash",
        "prev_hash",
    }
    assert item["at"].endswith("Z") and len(item["hash"]) == 64
    chain = client.get("/api/v1/audit?per_page=100", headers=headers).get_json()["items"]
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(chain))


def test_filters(people, client, auth_headers, db_session):
    headers = auth_headers("quantri")
    submitter = people["submitter"]
    body = client.get(
        f"/api/v1/audit?entity=user&entity_id={submitter.id}&per_page=100", headers=headers
    ).get_json()
    assert body["total"] == _count(db_session, object_type="user", object_id=str(submitter.id))
    assert {e["action"] for e in body["items"]} == {"user.create", "user.update"}
    update = next(e for e in body["items"] if e["action"] == "user.update")
    assert update["after"]["full_name"] == VIETNAMESE

    admin_id = people["admin"].id
    body = client.get(f"/api/v1/audit?actor_id={admin_id}&per_page=100", headers=headers).get_json()
    assert body["total"] == _count(db_session, actor_id=admin_id) > 0
    assert {e["actor_id"] for e in body["items"]} == {admin_id}

    everything = client.get("/api/v1/audit", headers=headers).get_json()["total"]
    assert (
        client.get("/api/v1/audit?since=01/01/2000", headers=headers).get_json()["total"]
        == everything
    )
    assert client.get("/api/v1/audit?until=2000-01-01", headers=headers).get_json()["total"] == 0
    assert (
        client.get(
            "/api/v1/audit?since=2000-01-01T00:00:00Z&until=2999-12-31T23:59:59%2B07:00",
            headers=headers,
        ).get_json()["total"]
        == everything
    )
    assert client.get("/api/v1/audit?action=user.update", headers=headers).get_json()["total"] == 1


@pytest.mark.parametrize(
    "query, field",
    [
        ("actor_id=abc", "actor_id"),
        ("actor_id=99999999999999999999999999", "actor_id"),
        ("actor_id=-1", "actor_id"),
        ("since=31/02/2021", "since"),
        ("since=2021-13-45", "since"),
        ("until=0001-01-01T00:00:00%2B14:00", "until"),
        ("until=9999-12-31T23:59:59-14:00", "until"),
        ("since=03/01/2021&until=01/01/2021", "until"),
        ("entity=" + "x" * 41, "entity"),
        ("entity_id=" + "9" * 41, "entity_id"),
        ("per_page=1000", "per_page"),
        ("page=0", "page"),
    ],
)
def test_bad_filters_are_422_with_fields(people, client, auth_headers, query, field):
    resp = client.get(f"/api/v1/audit?{query}", headers=auth_headers("kiemtra"))
    assert resp.status_code == 422, resp.get_data(as_text=True)
    error = resp.get_json()["error"]
    assert error["code"] == "validation_failed" and field in error["fields"]


def test_huge_entity_ids_find_nothing_rather_than_fail(people, client, auth_headers):
    resp = client.get(
        "/api/v1/audit?entity_id=99999999999999999999", headers=auth_headers("kiemtra")
    )
    assert resp.status_code == 200 and resp.get_json()["total"] == 0


def test_openapi_describes_the_audit_calls(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "get" in paths["/audit"] and "get" in paths["/audit/verify"]
    verify = paths["/audit/verify"]["get"]["responses"]["200"]["content"]["application/json"]
    assert verify["schema"]


def test_the_page_shows_vietnamese_as_text_and_verifies(people, client, login):
    login("kiemtra")
    page = client.get("/quan-tri/nhat-ky/").get_data(as_text=True)
    assert VIETNAMESE in page
    assert "\\u" not in page
    assert 'id="verify-result"' not in page
    page = client.get("/quan-tri/nhat-ky/?verify=1").get_data(as_text=True)
    assert 'id="verify-result"' in page and "alert-success" in page


def test_the_page_reports_a_broken_chain(people, client, login, db_session):
    first = db_session.scalar(sa.select(sa.func.min(AuditEvent.id)))
    db_session.execute(sa.text("UPDATE audit_events SET action = 'x' WHERE id = :i"), {"i": first})
    db_session.commit()
    login("quantri")
    page = client.get("/quan-tri/nhat-ky/?verify=1").get_data(as_text=True)
    assert "alert-danger" in page and f"sự kiện {first}." in page


def test_the_page_shows_bad_filters_beside_the_fields(people, client, login):
    login("quantri")
    resp = client.get("/quan-tri/nhat-ky/?since=99/99/2021&actor_id=99999999999999999999")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert 'id="since-error"' in page and 'id="actor_id-error"' in page


@pytest.mark.parametrize(
    "username, status", [("nguoidung", 403), ("kiemtra", 200), ("quantri", 200)]
)
def test_page_and_export_permissions(people, client, login, username, status):
    login(username)
    assert client.get("/quan-tri/nhat-ky/").status_code == status
    assert client.get("/quan-tri/nhat-ky/xuat.csv").status_code == status


def test_csv_export_of_the_filtered_events(people, client, login, db_session):
    service.record(
        db_session, SYSTEM, "idea.update", "idea", 5, {"title": "=HYPERLINK(1)"}, {"t": "ý"}
    )
    service.record(db_session, SYSTEM, "-danger", "idea", "+6")
    service.record(db_session, SYSTEM, "@sum", "idea", "=1+2")
    db_session.commit()
    login("kiemtra")
    resp = client.get("/quan-tri/nhat-ky/xuat.csv?entity=idea")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    raw = resp.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["entity_id"] for r in rows] == ["5", "'+6", "'=1+2"]
    assert rows[0]["before"] == '{"title": "=HYPERLINK(1)"}'
    assert rows[0]["after"] == '{"t": "ý"}'
    assert rows[1]["action"] == "'-danger" and rows[2]["action"] == "'@sum"
    assert rows[0]["actor"] == "system" and len(rows[0]["hash"]) == 64

    everything = list(csv.reader(io.StringIO(client.get("/quan-tri/nhat-ky/xuat.csv").text)))
    assert len(everything) - 1 == _count(db_session)
    body = client.get("/quan-tri/nhat-ky/xuat.csv").get_data(as_text=True)
    assert VIETNAMESE in body
    assert client.get("/quan-tri/nhat-ky/xuat.csv?since=bad").status_code == 422


# --- the auditor role ------------------------------------------------------------------


def test_an_admin_creates_an_auditor_and_the_auditor_changes_nothing(people, client, auth_headers):
    admin = auth_headers("quantri")
    resp = client.post(
        "/api/v1/users",
        headers=admin,
        json={
            "username": "kiemtoan",
            "full_name": "Kiểm toán viên",
            "email": None,
            "password": "mat-khau-dai-du-1",
            "unit_id": None,
            "roles": ["auditor"],
        },
    )
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["roles"] == ["auditor"]
    auditor = auth_headers("kiemtra")
    resp = client.post(
        "/api/v1/users",
        headers=auditor,
        json={"username": "x1234", "full_name": "x", "password": "p" * 12, "roles": ["admin"]},
    )
    assert resp.status_code == 403
    resp = client.post("/api/v1/units", headers=auditor, json={"name": "X", "kind": "agency"})
    assert resp.status_code == 403


def test_the_user_pages_offer_the_auditor_role(people, client, login):
    login("quantri")
    page = client.get("/quan-tri/nguoi-dung").get_data(as_text=True)
    assert "Kiểm tra viên (chỉ xem)" in page


def test_create_user_command_accepts_the_auditor_role(app, runner, db_session):
    from ideadb.accounts.models import User
    from ideadb.cli import main

    result = runner.invoke(
        main,
        args=["create-user", "kiemtra2", "--password", "mat-khau-dai-du-1", "--role", "auditor"],
    )
    assert result.exit_code == 0, result.output
    user = db_session.scalar(sa.select(User).where(User.username == "kiemtra2"))
    assert user.roles == {"auditor"}


def test_reads_everything_helper():
    from types import SimpleNamespace

    from ideadb.core.permissions import can, is_auditor_only, reads_everything

    def actor(*roles):
        return SimpleNamespace(
            id=1, unit_id=None, roles=frozenset(roles), is_authenticated=True, is_active=True
        )

    assert reads_everything(actor("auditor")) and reads_everything(actor("admin"))
    assert not reads_everything(actor("secretary")) and not reads_everything(None)
    assert is_auditor_only(actor("auditor")) and not is_auditor_only(actor("auditor", "admin"))
    assert can(actor("auditor"), "audit.view") and not can(actor("auditor"), "user.manage")
    assert can(actor("auditor"), "user.view", SimpleNamespace(id=2))
