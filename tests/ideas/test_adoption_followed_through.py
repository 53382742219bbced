"""Adoption followed through (API.md: Adoption): statuses forward only, the outcome once
applied, who may keep it, the yearly report, and followers told of recognition and adoption."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

INTEREST = {
    "organisation": "Hợp tác xã Chè Bằng Phúc",
    "contact_name": "Đinh Văn Hùng",
    "email": "hung@htxche.vn",
    "phone": "0912 345 678",
    "message": "Chúng tôi muốn áp dụng mô hình cho 20 hộ xã viên.",
}
OUTCOME = {"applied_at": "2026-03-15", "benefit_vnd": 1200000, "description": "20 hộ áp dụng."}


@pytest.fixture
def interest(client, create_idea, make_user):
    """A recognised idea of an owner in Xã Nam Mẫu with one business's interest."""
    owner = make_user("dung", unit="BK-BB-NM", full_name="Hoàng Văn Dũng")
    idea = create_idea(owner, status="recognized", area="san_xuat_kinh_doanh")
    resp = client.post(f"/api/v1/ideas/{idea.id}/adoption-interests", json=INTEREST)
    assert resp.status_code == 201
    return idea, owner, resp.get_json()["id"]


def patch(client, interest_id, body, headers):
    return client.patch(f"/api/v1/adoption-interests/{interest_id}", json=body, headers=headers)


def test_the_owner_moves_an_interest_forward_to_applied_with_its_outcome(
    client, interest, auth_headers, db_session
):
    idea, owner, interest_id = interest
    headers = auth_headers(owner)
    for status in ("contacted", "agreed", "applying"):
        resp = patch(client, interest_id, {"status": status, "note": f"Đã {status}"}, headers)
        assert resp.status_code == 200, resp.get_json()
        assert resp.get_json()["status"] == status and resp.get_json()["outcome"] is None
    resp = patch(client, interest_id, {"status": "applied", "outcome": OUTCOME}, headers)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "applied"
    assert body["outcome"] == OUTCOME
    assert body["idea_id"] == idea.id and body["organisation"] == INTEREST["organisation"]

    from ideadb.audit.models import AuditEvent

    actions = db_session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action == "idea.adoption_update")
    ).all()
    assert len(actions) == 4
    listed = client.get(f"/api/v1/ideas/{idea.id}/adoption-interests", headers=headers)
    assert listed.get_json()["items"][0]["outcome"]["benefit_vnd"] == 1200000
    applied = client.get(f"/api/v1/ideas/{idea.id}/applied").get_json()
    assert applied["items"] == [
        {
            "organisation": INTEREST["organisation"],
            "applied_at": "2026-03-15",
            "benefit_vnd": 1200000,
            "description": "20 hộ áp dụng.",
        }
    ]


def test_transitions_go_only_forward_or_to_declined(client, interest, auth_headers):
    _idea, owner, interest_id = interest
    headers = auth_headers(owner)
    assert patch(client, interest_id, {"status": "agreed"}, headers).status_code == 200
    resp = patch(client, interest_id, {"status": "contacted"}, headers)
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "conflict"
    assert "chỉ đi tiếp" in resp.get_json()["error"]["message"]
    assert patch(client, interest_id, {"status": "declined"}, headers).status_code == 200
    resp = patch(client, interest_id, {"status": "applying"}, headers)
    assert resp.status_code == 409


def test_applied_needs_a_date_and_a_whole_non_negative_benefit(client, interest, auth_headers):
    _idea, owner, interest_id = interest
    headers = auth_headers(owner)
    resp = patch(client, interest_id, {"status": "applied"}, headers)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"]["outcome.applied_at"] == [
        "Vui lòng nhập ngày áp dụng."
    ]
    bad = {**OUTCOME, "benefit_vnd": -5, "applied_at": "15/03/2026"}
    resp = patch(client, interest_id, {"status": "applied", "outcome": bad}, headers)
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert set(fields) == {"outcome.applied_at", "outcome.benefit_vnd"}
    resp = patch(client, interest_id, {"status": "teleported"}, headers)
    assert resp.status_code == 422 and "status" in resp.get_json()["error"]["fields"]
    resp = patch(client, interest_id, {"status": "contacted", "outcome": OUTCOME}, headers)
    assert resp.status_code == 422 and "outcome" in resp.get_json()["error"]["fields"]
    # Nothing was written by the refused calls.
    listed = client.get(f"/api/v1/ideas/{_idea.id}/adoption-interests", headers=headers)
    assert listed.get_json()["items"][0]["status"] == "new"


def test_who_may_keep_an_interest(client, interest, make_user, auth_headers):
    _idea, _owner, interest_id = interest
    officer = make_user(roles=["unit_officer"], unit="BK-BB")  # the district above the commune
    secretary = make_user(roles=["secretary"])
    other_officer = make_user(roles=["unit_officer"], unit="BK-CD")
    stranger = make_user(roles=["submitter"], unit="BK-BB-NM")
    auditor = make_user(roles=["auditor"])
    assert (
        patch(client, interest_id, {"status": "contacted"}, auth_headers(officer)).status_code
        == 200
    )
    assert (
        patch(client, interest_id, {"status": "agreed"}, auth_headers(secretary)).status_code == 200
    )
    for user in (other_officer, stranger):
        assert (
            patch(client, interest_id, {"status": "applying"}, auth_headers(user)).status_code
            == 404
        )
    # The auditor reads interests but may not change them.
    assert (
        patch(client, interest_id, {"status": "applying"}, auth_headers(auditor)).status_code == 403
    )
    assert client.patch(f"/api/v1/adoption-interests/{interest_id}", json={}).status_code == 401
    huge = patch(client, 2**70, {"status": "contacted"}, auth_headers(secretary))
    assert huge.status_code == 404 and huge.get_json()["error"]["code"] == "not_found"


def test_the_yearly_report_counts_by_status_and_area_with_the_total_benefit(
    client, interest, create_idea, auth_headers, make_user
):
    _idea, owner, interest_id = interest
    headers = auth_headers(owner)
    patch(client, interest_id, {"status": "applied", "outcome": OUTCOME}, headers)
    other = create_idea(owner, status="recognized", area="hanh_chinh")
    second = client.post(f"/api/v1/ideas/{other.id}/adoption-interests", json=INTEREST)
    second_id = second.get_json()["id"]
    out = {**OUTCOME, "applied_at": "2026-05-02", "benefit_vnd": "3.500.000"}
    assert (
        patch(client, second_id, {"status": "applied", "outcome": out}, headers).status_code == 200
    )
    client.post(f"/api/v1/ideas/{other.id}/adoption-interests", json=INTEREST)  # stays new

    this_year = date.today().year
    resp = client.get("/api/v1/reports/adoption?year=2026")  # anonymous: aggregates only
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["applied"] == 2 and body["benefit_vnd"] == 4700000
    assert body["by_status"]["applied"] == 2
    assert body["by_status"]["new"] == (1 if this_year == 2026 else 0)
    assert body["by_area"]["san_xuat_kinh_doanh"] == {
        "interests": 1,
        "applied": 1,
        "benefit_vnd": 1200000,
    }
    assert body["by_area"]["hanh_chinh"]["benefit_vnd"] == 3500000
    assert set(body) >= {"by_status", "applied", "benefit_vnd", "by_area"}
    assert client.get("/api/v1/reports/adoption?year=2019").get_json()["applied"] == 0
    bad = client.get("/api/v1/reports/adoption?year=abc")
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"]["year"]


def test_followers_hear_when_the_idea_is_recognised_and_applied_elsewhere(
    client, create_idea, make_user, auth_headers, db_session, secretary, app
):
    from ideadb.accounts.models import Notification
    from ideadb.ideas import service

    owner = make_user("dung", unit="BK-BB-NM")
    idea = create_idea(owner, status="in_review")
    service.set_public_override(db_session, secretary(), idea.id, True)
    business = make_user("htx", roles=["submitter"], email="htx@example.vn")
    headers = auth_headers(business)
    resp = client.post(f"/api/v1/ideas/{idea.id}/follow", headers=headers)
    assert resp.status_code == 201 and resp.get_json() == {"idea_id": idea.id, "following": True}
    assert client.post(f"/api/v1/ideas/{idea.id}/follow", headers=headers).status_code == 201
    service.record_recognition(db_session, secretary(), idea.id, "tinh", "CONG_NHAN_TINH")
    interest_id = client.post(
        f"/api/v1/ideas/{idea.id}/adoption-interests", json=INTEREST
    ).get_json()["id"]
    patch(client, interest_id, {"status": "applied", "outcome": OUTCOME}, auth_headers(owner))
    texts = db_session.scalars(
        sa.select(Notification.text).where(Notification.user_id == business.id)
    ).all()
    assert len(texts) == 2
    assert "đã được công nhận cấp tỉnh" in texts[0]
    assert "đã được áp dụng tại Hợp tác xã Chè Bằng Phúc" in texts[1]
    assert any(m["to"] == "htx@example.vn" for m in app.extensions["mail_outbox"])
    assert client.delete(f"/api/v1/ideas/{idea.id}/follow", headers=headers).status_code == 204
    assert client.post(f"/api/v1/ideas/{idea.id}/follow").status_code == 401


def test_a_private_idea_cannot_be_followed(client, create_idea, make_user, auth_headers):
    idea = create_idea(status="eligible")
    headers = auth_headers(make_user(roles=["submitter"]))
    assert client.post(f"/api/v1/ideas/{idea.id}/follow", headers=headers).status_code == 404


def test_pages_show_where_it_was_applied_and_the_report(
    client, interest, auth_headers, login, make_user
):
    idea, owner, interest_id = interest
    patch(client, interest_id, {"status": "applied", "outcome": OUTCOME}, auth_headers(owner))
    public = client.get(f"/sang-kien/{idea.id}").get_data(as_text=True)
    assert 'id="applied-places"' in public and "Hợp tác xã Chè Bằng Phúc" in public
    assert "15/03/2026" in public and "1.200.000 đồng" in public
    stats = client.get("/thong-ke?year=2026").get_data(as_text=True)
    assert 'id="adoption-report"' in stats and "1.200.000" in stats
    assert "Sản xuất" in stats or "san_xuat" not in stats


def test_the_detail_page_form_moves_an_interest_on(client, interest, login):
    idea, owner, interest_id = interest
    login(owner)
    page = client.get(f"/y-tuong/{idea.id}").get_data(as_text=True)
    assert f'id="interest-{interest_id}"' in page and "Mới đăng ký" in page
    resp = client.submit(
        f"/ap-dung/{interest_id}",
        {"status": "applied", "note": "", "applied_at": "15/03/2026", "benefit_vnd": "1.200.000",
         "description": "20 hộ áp dụng."},
        form_url=f"/y-tuong/{idea.id}",
    )  # fmt: skip
    assert resp.status_code == 302
    page = client.get(f"/y-tuong/{idea.id}").get_data(as_text=True)
    assert "Đã áp dụng" in page and "1.200.000 đồng" in page
    resp = client.submit(
        f"/ap-dung/{interest_id}", {"status": "new"}, form_url=f"/y-tuong/{idea.id}"
    )
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "chỉ đi tiếp" in page


def test_the_yearly_summary_files_carry_the_adoption_table(
    client, interest, auth_headers, make_user
):
    _idea, owner, interest_id = interest
    patch(client, interest_id, {"status": "applied", "outcome": OUTCOME}, auth_headers(owner))
    headers = auth_headers(make_user(roles=["secretary"]))
    resp = client.get("/api/v1/reports/summary?year=2026&format=xlsx", headers=headers)
    assert resp.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(resp.data))["Áp dụng"]
    table = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(table) if r[0] == "Lĩnh vực")
    assert table[header][1:4] == ["Số đăng ký áp dụng", "Đã áp dụng", "Lợi ích (đồng)"]
    total = next(r for r in table if r[0] == "Tổng cộng")
    assert total[1:4] == [1, 1, 1200000]
    assert ws.cell(header + 2, 4).number_format == "#,##0"
    assert any(r[0] == "Tổng lợi ích: 1.200.000 đồng." for r in table)
    resp = client.get("/api/v1/reports/summary?year=2026&format=csv", headers=headers)
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    start = rows.index(["Kết quả áp dụng, nhân rộng sáng kiến năm 2026"])
    assert rows[start + 1] == ["Lĩnh vực", "Số đăng ký áp dụng", "Đã áp dụng", "Lợi ích (đồng)"]
    assert ["Tổng cộng", "1", "1", "1200000"] in rows[start:]
    assert ["Tổng lợi ích: 1.200.000 đồng."] in rows[start:]
