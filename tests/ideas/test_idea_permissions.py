"""Permission matrix: who may read, edit, submit, screen and download, through the API.

The idea is not published; callers who may not see it get 404, like a missing idea.
"""

import io

import pytest

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + b"\0" * 64

# operation -> role -> expected status
MATRIX = {
    "read": {
        "anonymous": 404,
        "owner": 200,
        "other_submitter": 404,
        "unit_officer": 200,
        "other_unit_officer": 404,
        "reviewer": 404,
        "secretary": 200,
    },
    "edit": {
        "anonymous": 401,
        "owner": 200,
        "other_submitter": 404,
        "unit_officer": 403,
        "other_unit_officer": 404,
        "reviewer": 404,
        "secretary": 403,
    },
    "submit": {
        "anonymous": 401,
        "owner": 200,
        "other_submitter": 404,
        "unit_officer": 403,
        "other_unit_officer": 404,
        "reviewer": 404,
        "secretary": 403,
    },
    "screen": {
        "anonymous": 401,
        "owner": 403,
        "other_submitter": 404,
        "unit_officer": 200,
        "other_unit_officer": 404,
        "reviewer": 404,
        "secretary": 200,
    },
    "download": {
        "anonymous": 404,
        "owner": 200,
        "other_submitter": 404,
        "unit_officer": 200,
        "other_unit_officer": 404,
        "reviewer": 404,
        "secretary": 200,
    },
}
CASES = [(op, role, code) for op, row in MATRIX.items() for role, code in row.items()]


@pytest.fixture
def people(make_user):
    return {
        "owner": make_user("chu", unit="BK-BB-NM"),
        "other_submitter": make_user("khac", unit="BK-BB-NM"),
        "unit_officer": make_user("canbo", roles=["unit_officer"], unit="BK-BB"),
        "other_unit_officer": make_user("canbo.nr", roles=["unit_officer"], unit="BK-NR"),
        "reviewer": make_user("hoidong", roles=["reviewer"], unit="BK-BB"),
        "secretary": make_user("thuky", roles=["secretary"]),
    }


@pytest.mark.parametrize(("operation", "role", "expected"), CASES)
def test_permission_matrix(client, people, create_idea, auth_headers, operation, role, expected):
    owner = auth_headers(people["owner"])
    headers = {} if role == "anonymous" else auth_headers(people[role])
    idea = create_idea(people["owner"], unit="BK-BB-NM", status="draft")
    upload = client.post(
        f"/api/v1/ideas/{idea.id}/attachments",
        data={"file": (io.BytesIO(PNG), "anh-mo-hinh.png")},
        headers=owner,
    )
    assert upload.status_code == 201, upload.get_json()
    if operation in ("read", "screen", "download"):
        assert client.post(f"/api/v1/ideas/{idea.id}/submit", headers=owner).status_code == 200
    if operation == "read":
        resp = client.get(f"/api/v1/ideas/{idea.id}", headers=headers)
    elif operation == "edit":
        resp = client.patch(f"/api/v1/ideas/{idea.id}", json={"title": "Sửa"}, headers=headers)
    elif operation == "submit":
        resp = client.post(f"/api/v1/ideas/{idea.id}/submit", headers=headers)
    elif operation == "screen":
        resp = client.post(
            f"/api/v1/ideas/{idea.id}/screen", json={"decision": "eligible"}, headers=headers
        )
    else:
        resp = client.get(f"/api/v1/attachments/{upload.get_json()['id']}", headers=headers)
        resp.close()
    assert resp.status_code == expected, (operation, role, resp.get_data(as_text=True)[:300])
    if expected >= 400:
        assert resp.is_json and resp.get_json()["error"]["code"]
        after = client.get(f"/api/v1/ideas/{idea.id}", headers=owner).get_json()
        assert after["status"] == ("draft" if operation in ("edit", "submit") else "submitted")
        assert after["title"] != "Sửa"


def test_published_idea_is_readable_by_anyone_but_attachments_are_not(
    client, people, create_idea, auth_headers, db_session
):
    from ideadb.ideas import service

    idea = create_idea(people["owner"], unit="BK-BB-NM")
    attachment = service.add_attachment(db_session, people["owner"], idea.id, "anh.png", PNG)
    service.submit_idea(db_session, people["owner"], idea.id)
    service.screen_idea(db_session, people["secretary"], idea.id, "eligible")
    service.mark_in_review(db_session, people["secretary"], [idea.id])
    service.record_recognition(db_session, people["secretary"], idea.id, "tinh", "DAT")
    assert client.get(f"/api/v1/ideas/{idea.id}").status_code == 200
    reviewer = auth_headers(people["reviewer"])
    assert client.get(f"/api/v1/ideas/{idea.id}", headers=reviewer).status_code == 200
    assert client.get(f"/api/v1/attachments/{attachment.id}").status_code == 404
    assert client.get(f"/api/v1/attachments/{attachment.id}", headers=reviewer).status_code == 404
    owner = auth_headers(people["owner"])
    download = client.get(f"/api/v1/attachments/{attachment.id}", headers=owner)
    assert download.status_code == 200 and download.data == PNG
    download.close()


def test_a_registered_visibility_hook_lets_a_reviewer_see_an_assigned_idea(
    client, people, create_idea, auth_headers
):
    from ideadb.ideas import access, service
    from ideadb.ideas.models import Idea

    idea = create_idea(people["owner"], unit="BK-BB-NM", status="eligible")
    reviewer = people["reviewer"]
    headers = auth_headers(reviewer)
    assert client.get(f"/api/v1/ideas/{idea.id}", headers=headers).status_code == 404
    service.register_visibility(
        "test-assigned", lambda actor: Idea.id == idea.id if actor.id == reviewer.id else None
    )
    try:
        assert client.get(f"/api/v1/ideas/{idea.id}", headers=headers).status_code == 200
        listed = client.get("/api/v1/ideas", headers=headers).get_json()
        assert [i["id"] for i in listed["items"]] == [idea.id]
    finally:
        access._visibility_hooks.pop("test-assigned")


def test_unit_officer_sees_units_below_but_not_other_districts(
    client, people, create_idea, auth_headers
):
    mine = create_idea(unit="BK-BB-NM", submit=True)
    create_idea(unit="BK-NR-KL", submit=True)
    listed = client.get("/api/v1/ideas", headers=auth_headers(people["unit_officer"])).get_json()
    assert [i["id"] for i in listed["items"]] == [mine.id]
    everything = client.get("/api/v1/ideas", headers=auth_headers(people["secretary"])).get_json()
    assert everything["total"] == 2
