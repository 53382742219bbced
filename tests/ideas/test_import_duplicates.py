"""Re-importing the same spreadsheet: rows with the title and authors of an existing idea (or
of an earlier row) are warned about in the check and not written unless the officer insists."""

from __future__ import annotations

import io

import pytest

from tests.ideas.test_import import (
    ROW_A,
    ROW_B,
    csv_file,
    idea_count,
    xlsx_file,
)


@pytest.fixture
def officer(make_user):
    return make_user("canbo.babe", roles=["unit_officer"], unit="BK-BB", full_name="Đàm Văn Khánh")


def post(client, headers, data: bytes, name: str, query: str = ""):
    return client.post(
        "/api/v1/ideas/import" + query,
        data={"file": (io.BytesIO(data), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_the_same_file_twice_is_warned_in_the_check_and_held_on_import(
    client,
    db_session,
    officer,
    auth_headers,
):
    headers = auth_headers(officer)
    data = xlsx_file([ROW_A, ROW_B])
    first = post(client, headers, data, "y-tuong.xlsx")
    assert first.status_code == 201 and first.get_json() == {"created": 2, "errors": []}
    check = post(client, headers, data, "y-tuong.xlsx", "?dry_run=1")
    assert check.status_code == 200
    body = check.get_json()
    assert body["created"] == 2 and body["errors"] == []
    assert [w["row"] for w in body["warnings"]] == [2, 3]
    assert all(w["field"] == "title" for w in body["warnings"])
    assert "Trùng với ý tưởng đã có cùng tên và tác giả" in body["warnings"][0]["message"]
    held = post(client, headers, data, "y-tuong.xlsx")
    assert held.status_code == 409
    error = held.get_json()["error"]
    assert error["code"] == "conflict" and "allow_duplicates=1" in error["message"]
    assert len(error["fields"]["title"]) == 2
    assert idea_count(db_session) == 2  # nothing written
    anyway = post(client, headers, data, "y-tuong.xlsx", "?allow_duplicates=1")
    assert anyway.status_code == 201 and anyway.get_json()["created"] == 2
    assert idea_count(db_session) == 4


def test_other_capitals_spacing_and_author_order_still_match(
    client,
    db_session,
    officer,
    auth_headers,
):
    headers = auth_headers(officer)
    assert post(client, headers, csv_file([ROW_A]), "a.csv").status_code == 201
    again = dict(
        ROW_A,
        title="  sấy vỏ QUẾ bằng lò sấy   sinh khối tại xã Nam Mẫu ",
        authors="Triệu Thị Mai (40%); Hoàng Văn Páo - Hợp tác xã Quế Nam Mẫu (60%)",
    )
    body = post(client, headers, csv_file([again]), "a.csv", "?dry_run=1").get_json()
    assert len(body["warnings"]) == 1
    other_authors = dict(ROW_A, authors="Hoàng Văn Páo")
    body = post(client, headers, csv_file([other_authors]), "a.csv", "?dry_run=1").get_json()
    assert "warnings" not in body  # same title, other authors: not a duplicate


def test_a_row_repeated_inside_one_file_is_warned(client, officer, auth_headers):
    body = post(
        client, auth_headers(officer), xlsx_file([ROW_A, ROW_B, ROW_A]), "x.xlsx", "?dry_run=1"
    ).get_json()
    assert [(w["row"], w["message"]) for w in body["warnings"]] == [
        (4, "Trùng với dòng 2 của tệp (cùng tên và tác giả).")
    ]


def test_the_import_page_shows_duplicates_and_imports_when_asked(
    client,
    db_session,
    officer,
    login,
    auth_headers,
):
    headers = auth_headers(officer)
    data = xlsx_file([ROW_A])
    post(client, headers, data, "y-tuong.xlsx")
    login(officer)
    resp = client.submit(
        "/y-tuong/nhap-tu-tep",
        {"file": (io.BytesIO(data), "y-tuong.xlsx")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302  # to the import's page; the job ran (inline in tests)
    result_url = resp.headers["Location"]
    page = client.get(result_url).get_data(as_text=True)
    assert 'id="import-held"' in page and 'id="import-duplicates"' in page
    assert "Trùng với ý tưởng đã có cùng tên và tác giả" in page
    assert idea_count(db_session) == 1
    resp = client.submit(result_url + "/nhap", {"allow_duplicates": "1"}, form_url=result_url)
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'id="import-done"' in page
    assert idea_count(db_session) == 2
