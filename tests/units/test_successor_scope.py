"""An officer of the unit that took others over (its successor) handles their records: Xã Ba Bể
(from 1/7/2025) took over Xã Nam Mẫu, Hội Nông dân tỉnh Thái Nguyên the Bắc Kạn one. An
unrelated unit's idea stays out of reach, and an old unit's officer keeps its scope."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from ideadb.accounts.models import Notification
from ideadb.core.permissions import SYSTEM
from ideadb.reports import service as reports
from ideadb.units import service as units


@pytest.fixture
def ba_be(make_user):
    return make_user("canbo.xbb", roles=["unit_officer"], unit="TN-XBB")


def test_the_successors_officer_sees_and_screens_the_ideas_of_the_units_it_took_over(
    client, ba_be, create_idea, auth_headers
):
    nam_mau = create_idea(unit="BK-BB-NM", submit=True)  # a 2021 dossier of Xã Nam Mẫu
    kim_lu = create_idea(unit="BK-NR-KL", submit=True)  # Xã Kim Lư went to Xã Na Rì
    headers = auth_headers(ba_be)
    listed = client.get("/api/v1/ideas", headers=headers).get_json()
    assert [i["id"] for i in listed["items"]] == [nam_mau.id]
    assert client.get(f"/api/v1/ideas/{nam_mau.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/ideas/{kim_lu.id}", headers=headers).status_code == 404
    # Editing stays the registrant's; screening is the officer's.
    edit = client.patch(f"/api/v1/ideas/{nam_mau.id}", json={"title": "Sửa"}, headers=headers)
    assert edit.status_code == 403
    for idea, expected in ((nam_mau, 200), (kim_lu, 404)):
        resp = client.post(
            f"/api/v1/ideas/{idea.id}/screen", json={"decision": "eligible"}, headers=headers
        )
        assert resp.status_code == expected, resp.get_json()
    assert client.get(f"/api/v1/ideas/{nam_mau.id}", headers=headers).get_json()["status"] == (
        "eligible"
    )


def test_the_successors_officer_finds_them_in_the_unit_list_search_and_reports(
    client, ba_be, create_idea, login, db_session
):
    nam_mau = create_idea(unit="BK-BB-NM", submit=True, title="Bè tre đón khách hồ Ba Bể")
    create_idea(unit="BK-NR-KL", submit=True, title="Bè tre chở nông sản Kim Lư")
    login(ba_be)
    page = client.get("/y-tuong/don-vi").get_data(as_text=True)
    assert nam_mau.title in page and "Kim Lư" not in page
    found = client.get("/api/v1/search?q=bè tre").get_json()
    assert [hit["id"] for hit in found["items"]] == [nam_mau.id]
    summary = reports.summary(db_session, ba_be, 2021, "unit")
    assert [row.group for row in summary.rows] == ["Xã Nam Mẫu"]
    assert summary.total.counts["submitted"] == 1


def test_a_member_organisation_takes_over_its_bac_kan_predecessor(
    client, make_user, create_idea, auth_headers
):
    officer = make_user("canbo.hnd", roles=["unit_officer"], unit="TN-HND")
    farmers = create_idea(unit="BK-HND", submit=True)
    women = create_idea(unit="BK-HPN", submit=True)
    listed = client.get("/api/v1/ideas", headers=auth_headers(officer)).get_json()
    assert [i["id"] for i in listed["items"]] == [farmers.id]
    assert women.id not in [i["id"] for i in listed["items"]]


def test_jurisdiction_follows_successors_back_transitively(db_session, unit_id):
    xbb = units.jurisdiction_ids(db_session, unit_id("TN-XBB"))
    assert {unit_id(c) for c in ("TN-XBB", "BK-BB-NM", "BK-BB-CR", "BK-BB-KN")} <= xbb
    # The district went to the province, not to the commune; other communes went elsewhere.
    assert unit_id("BK-BB") not in xbb and unit_id("BK-NR-KL") not in xbb
    # An old unit's officer keeps exactly its unit and the units below it.
    assert units.jurisdiction_ids(db_session, unit_id("BK-BB")) == units.descendant_ids(
        db_session, unit_id("BK-BB")
    )
    # The province took over Bắc Kạn with everything below it.
    assert unit_id("BK-BT-QH") in units.jurisdiction_ids(db_session, unit_id("TN"))
    # Xã Ba Bể merged on in turn: the next successor handles Nam Mẫu as well.
    later = units.create_unit(db_session, SYSTEM, {"name": "Xã Hồ Ba Bể", "kind": "commune"})
    units.retire_unit(db_session, SYSTEM, unit_id("TN-XBB"), date(2030, 6, 30), later.id)
    assert unit_id("BK-BB-NM") in units.jurisdiction_ids(db_session, later.id)


def test_a_late_dossier_of_a_taken_over_commune_notifies_the_successors_officer(
    client, ba_be, make_user, create_idea, db_session
):
    citizen = make_user("dung", unit="TN-XBB")
    idea = create_idea(citizen, unit="BK-BB-NM", year=2025, submit=True)
    told = db_session.scalars(
        sa.select(Notification.user_id).where(Notification.user_id == ba_be.id)
    ).all()
    assert told, f"no notification for the officer of Xã Ba Bể about {idea.code}"


def test_a_new_idea_on_a_taken_over_commune_is_pointed_to_its_successor(
    client, ba_be, auth_headers, unit_id
):
    body = {
        "title": "Sổ tay điện tử một cửa cấp xã",
        "summary": "Tra cứu thủ tục hành chính bằng mã QR.",
        "description": "Mỗi thủ tục có mã QR dẫn tới hướng dẫn và biểu mẫu.",
        "area": "hanh_chinh",
        "year": date.today().year,
        "unit_id": unit_id("BK-BB-NM"),
        "authors": [{"name": "Hoàng Thị Dung", "unit": "", "share": 100}],
    }
    if date.today().year < 2026:
        pytest.skip("the districts end on 30/06/2025")
    resp = client.post("/api/v1/ideas", json=body, headers=auth_headers(ba_be))
    assert resp.status_code == 422
    (message,) = resp.get_json()["error"]["fields"]["unit_id"]
    assert "Xã Nam Mẫu" in message and "Hãy chọn đơn vị kế thừa: “Xã Ba Bể”" in message
    resp = client.post(
        "/api/v1/ideas", json={**body, "unit_id": unit_id("TN-XBB")}, headers=auth_headers(ba_be)
    )
    assert resp.status_code == 201, resp.get_json()
