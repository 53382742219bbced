"""Units: reference data, the API, the admin pages, and retirement without deletion."""

from datetime import date

import sqlalchemy as sa

from ideadb.core.permissions import SYSTEM
from ideadb.units import service
from ideadb.units.models import Area, Unit


def test_reference_data_holds_the_five_areas_and_eight_districts(db_session):
    assert [a.code for a in db_session.scalars(sa.select(Area).order_by(Area.position))] == [
        "hanh_chinh",
        "san_xuat_kinh_doanh",
        "su_nghiep",
        "luc_luong_vu_trang",
        "dan_toc_ton_giao",
    ]
    districts = db_session.scalars(sa.select(Unit).where(Unit.kind == "district")).all()
    assert {d.name for d in districts} >= {"Huyện Ba Bể", "Huyện Pác Nặm", "Thành phố Bắc Kạn"}
    assert len(districts) == 8
    assert all(
        d.valid_to == date(2025, 6, 30) and d.successor.name == "Tỉnh Thái Nguyên"
        for d in districts
    )


def test_loading_reference_data_twice_adds_nothing(db_session):
    assert service.load_reference_data(db_session) == 0


def test_get_units_is_public_and_shaped_as_api_md(client):
    body = client.get("/api/v1/units?kind=district&per_page=100").get_json()
    assert body["total"] == 8
    item = body["items"][0]
    assert set(item) == {
        "id",
        "name",
        "kind",
        "parent_id",
        "code",
        "valid_from",
        "valid_to",
        "successor_id",
    }
    assert item["valid_to"] == "2025-06-30"


def test_admin_creates_a_unit_through_the_api(client, make_user, auth_headers, unit_id):
    make_user("quantri", roles=["admin"])
    resp = client.post(
        "/api/v1/units",
        headers=auth_headers("quantri"),
        json={
            "name": "Trường Tiểu học Nam Mẫu",
            "kind": "school",
            "parent_id": unit_id("BK-BB-NM"),
            "code": "BK-TH-NM",
        },
    )
    assert resp.status_code == 201
    assert resp.get_json()["parent_id"] == unit_id("BK-BB-NM")


def test_unit_api_rejects_bad_kind_duplicate_code_and_non_admins(client, make_user, auth_headers):
    make_user("quantri", roles=["admin"])
    make_user("canbo", roles=["unit_officer"])
    h = auth_headers("quantri")
    bad = client.post(
        "/api/v1/units",
        headers=h,
        json={"name": "X", "kind": "planet", "parent_id": None, "code": None},
    )
    assert bad.status_code == 422 and "kind" in bad.get_json()["error"]["fields"]
    dup = client.post(
        "/api/v1/units",
        headers=h,
        json={"name": "X", "kind": "agency", "parent_id": None, "code": "BK-BB"},
    )
    assert dup.status_code == 422 and dup.get_json()["error"]["fields"]["code"] == [
        "Mã đơn vị đã tồn tại."
    ]
    denied = client.post(
        "/api/v1/units",
        headers=auth_headers("canbo"),
        json={"name": "X", "kind": "agency", "parent_id": None, "code": None},
    )
    assert denied.status_code == 403


def test_retiring_a_unit_keeps_it_with_dates_and_successor(db_session, unit_id):
    old = unit_id("BK-HTX-CM")
    new = service.create_unit(
        db_session,
        SYSTEM,
        {"name": "HTX Nông nghiệp Chợ Mới", "kind": "cooperative", "code": "BK-HTX-CM2"},
    )
    service.retire_unit(db_session, SYSTEM, old, date(2024, 12, 31), new.id)
    unit = db_session.get(Unit, old)
    assert unit.valid_to == date(2024, 12, 31) and unit.successor_id == new.id
    assert unit.is_valid_on(date(2024, 1, 1)) and not unit.is_valid_on(date(2025, 1, 1))


def test_a_unit_cannot_become_its_own_ancestor(db_session, unit_id):
    import pytest

    from ideadb.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as err:
        service.update_unit(
            db_session, SYSTEM, unit_id("BK-BB"), {"parent_id": unit_id("BK-BB-NM")}
        )
    assert "parent_id" in err.value.fields


def test_district_of_a_commune_and_descendants(db_session, unit_id):
    commune = db_session.get(Unit, unit_id("BK-BB-NM"))
    assert service.district_of(commune).code == "BK-BB"
    below = service.descendant_ids(db_session, unit_id("BK-BB"))
    assert unit_id("BK-BB-NM") in below and unit_id("BK-NR") not in below


def test_admin_adds_and_retires_a_unit_through_the_pages(
    client, make_user, login, db_session, unit_id
):
    make_user("quantri", roles=["admin"])
    login("quantri")
    resp = client.submit(
        "/quan-tri/don-vi/moi",
        {
            "name": "Xã Đồng Phúc",
            "kind": "commune",
            "code": "BK-BB-DP",
            "parent_id": str(unit_id("BK-BB")),
            "valid_from": "",
            "valid_to": "",
            "successor_id": "0",
        },
    )
    assert resp.status_code == 302
    new_id = unit_id("BK-BB-DP")
    resp = client.submit(
        f"/quan-tri/don-vi/{new_id}",
        {
            "name": "Xã Đồng Phúc",
            "kind": "commune",
            "code": "BK-BB-DP",
            "parent_id": str(unit_id("BK-BB")),
            "valid_from": "01/01/2020",
            "valid_to": "30/06/2025",
            "successor_id": str(unit_id("TN")),
        },
    )
    assert resp.status_code == 302
    listing = client.get("/quan-tri/don-vi/?q=đồng phúc").get_data(as_text=True)
    assert "Xã Đồng Phúc" in listing and "30/06/2025" in listing and "Tỉnh Thái Nguyên" in listing


def test_unit_form_rejects_an_impossible_date(client, make_user, login, unit_id):
    make_user("quantri", roles=["admin"])
    login("quantri")
    resp = client.submit(
        "/quan-tri/don-vi/moi",
        {
            "name": "Xã Mới",
            "kind": "commune",
            "code": "",
            "parent_id": "0",
            "valid_from": "31/02/2020",
            "valid_to": "",
            "successor_id": "0",
        },
    )
    assert resp.status_code == 200
    assert "Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy." in resp.get_data(as_text=True)


def test_unit_pages_are_for_admins_only(client, make_user, login):
    make_user("thuky", roles=["secretary"])
    login("thuky")
    resp = client.get("/quan-tri/don-vi/")
    assert resp.status_code == 403
    assert "Bạn không có quyền thực hiện thao tác này." in resp.get_data(as_text=True)
