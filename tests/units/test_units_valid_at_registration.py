"""A new idea is registered only on a unit that still existed on its registration day: not on
a district abolished on 1/7/2025, nor on one of its communes; old records keep their unit."""

from __future__ import annotations

from datetime import date

import pytest

BODY = {
    "title": "Sổ tay điện tử một cửa cấp xã",
    "summary": "Tra cứu thủ tục hành chính bằng mã QR tại bộ phận một cửa.",
    "description": "Mỗi thủ tục có mã QR dẫn tới hướng dẫn, biểu mẫu và thời hạn giải quyết.",
    "area": "hanh_chinh",
    "publish_consent": True,
    "authors": [{"name": "Hoàng Thị Dung", "unit": "UBND xã Nam Mẫu", "share": 100}],
}
THIS_YEAR = date.today().year
pytestmark = pytest.mark.skipif(THIS_YEAR < 2026, reason="the districts end on 30/06/2025")


@pytest.fixture
def officer(make_user, auth_headers):
    return auth_headers(make_user(roles=["unit_officer"], unit="BK"))


def post(client, headers, unit_id, year):
    return client.post(
        "/api/v1/ideas", json={**BODY, "unit_id": unit_id, "year": year}, headers=headers
    )


def test_an_abolished_district_refuses_a_new_idea_with_a_clear_message(client, officer, unit_id):
    resp = post(client, officer, unit_id("BK-BB"), THIS_YEAR)
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["code"] == "validation_failed"
    (message,) = error["fields"]["unit_id"]
    assert "Huyện Ba Bể" in message and "hết hiệu lực từ ngày 01/07/2025" in message
    assert "Tỉnh Thái Nguyên" in message  # the successor is named


def test_a_commune_of_an_abolished_district_is_not_current_either(client, officer, unit_id):
    resp = post(client, officer, unit_id("BK-BB-NM"), THIS_YEAR)
    assert resp.status_code == 422
    (message,) = resp.get_json()["error"]["fields"]["unit_id"]
    assert "Xã Nam Mẫu" in message and "thuộc “Huyện Ba Bể”" in message


def test_a_dossier_of_an_earlier_year_keeps_the_unit_of_its_time(client, officer, unit_id):
    assert post(client, officer, unit_id("BK-BB-NM"), 2021).status_code == 201
    # The district existed during 2025 (until 30/06): a 2025 dossier entered late is fine.
    assert post(client, officer, unit_id("BK-BB-NM"), 2025).status_code == 201
    assert post(client, officer, unit_id("TN"), THIS_YEAR).status_code == 201


def test_old_records_are_edited_without_moving_their_unit(
    client, make_user, auth_headers, create_idea
):
    owner = make_user("dung", unit="BK-BB-NM")
    idea = create_idea(owner)  # a 2021 draft in Xã Nam Mẫu
    headers = auth_headers(owner)
    current = client.get(f"/api/v1/ideas/{idea.id}", headers=headers).get_json()
    resp = client.patch(
        f"/api/v1/ideas/{idea.id}",
        json={"summary": "Tóm tắt đã sửa.", "version": current.get("version")},
        headers=headers,
    )
    assert resp.status_code == 200, resp.get_json()
    resp = client.patch(
        f"/api/v1/ideas/{idea.id}",
        json={"year": THIS_YEAR, "version": resp.get_json().get("version")},
        headers=headers,
    )
    assert resp.status_code == 422 and "unit_id" in resp.get_json()["error"]["fields"]


def test_the_form_says_why_in_vietnamese(client, make_user, login, unit_id):
    from tests.ideas.test_idea_pages import form_data

    login(make_user("dung", unit="BK-BB-NM"))
    data = form_data(unit_id, year=str(THIS_YEAR), applied_from="")
    resp = client.submit("/y-tuong/dang-ky", data)
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "hết hiệu lực từ ngày 01/07/2025" in page and "Xã Nam Mẫu" in page


def test_the_units_api_lists_as_current_only_units_a_new_idea_can_take(client, officer, unit_id):
    resp = client.get("/api/v1/units?current=1&per_page=100", headers=officer)
    assert resp.status_code == 200
    codes = {u["code"] for u in resp.get_json()["items"]}
    assert {"TN", "TN-XBB", "TN-HND"} <= codes
    # ended units, and communes of an ended district, are not offered
    assert not codes & {"BK", "BK-BB", "BK-BB-NM", "BK-HND"}
    every = client.get("/api/v1/units?per_page=100", headers=officer).get_json()["items"]
    assert "BK-BB-NM" in {u["code"] for u in every}
    accepted = post(client, officer, unit_id("TN-XBB"), THIS_YEAR)
    assert accepted.status_code == 201, accepted.get_json()
