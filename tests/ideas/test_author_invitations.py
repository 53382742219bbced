"""Co-authors who have accounts (API.md): a user id on an author row is an invitation that
grants nothing until the invited user accepts, and that never tells whether the id exists."""

import sqlalchemy as sa

from ideadb.accounts.models import Notification
from ideadb.audit.models import AuditEvent
from ideadb.ideas.models import AuthorInvitation

SECRET = "Công thức phối trộn đệm lót chưa công bố."
UNKNOWN_ID = 987654


def body(user_id=None, **extra):
    authors = [{"name": "Tác giả chính", "unit": "Xã Nam Mẫu", "share": 60}]
    second = {"name": "Đồng tác giả", "unit": "Xã Nam Mẫu", "share": 40}
    if user_id is not None:
        second["user_id"] = user_id
    return {
        "title": "Đệm lót sinh học cho chuồng trại vùng cao",
        "summary": "Giảm mùi hôi và chi phí.",
        "area": "san_xuat_kinh_doanh",
        "year": 2021,
        "confidential_info": SECRET,
        "authors": [*authors, second],
        **extra,
    }


def register(client, headers, user_id, **extra):
    resp = client.post("/api/v1/ideas", json=body(user_id, **extra), headers=headers)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def invitations(client, headers):
    resp = client.get("/api/v1/author-invitations", headers=headers)
    assert resp.status_code == 200
    return resp.get_json()["items"]


def test_the_invited_user_sees_nothing_until_accepting_then_sees_the_dossier(
    client, make_user, auth_headers, db_session
):
    owner = make_user("owner", unit="BK-BB-NM")
    invitee = make_user("invitee", unit="BK-BB-NM")
    own, theirs = auth_headers(owner), auth_headers(invitee)
    idea = register(client, own, invitee.id)

    assert idea["authors"][1]["user_id"] is None
    assert idea["authors"][1]["invitation"] == {"user_id": invitee.id, "status": "pending"}
    assert client.get(f"/api/v1/ideas/{idea['id']}", headers=theirs).status_code == 404
    assert client.get("/api/v1/ideas", headers=theirs).get_json()["total"] == 0

    [item] = invitations(client, theirs)
    assert {"id", "idea_id", "idea_title", "invited_by", "status"} <= set(item)
    assert item["idea_id"] == idea["id"] and item["idea_title"] == idea["title"]
    assert item["invited_by"] == owner.id and item["status"] == "pending"
    assert SECRET not in str(item)
    [notice] = db_session.scalars(
        sa.select(Notification).where(Notification.user_id == invitee.id)
    ).all()
    assert idea["title"] in notice.text and owner.full_name in notice.text
    assert SECRET not in notice.text and notice.link == "/loi-moi-dong-tac-gia"

    resp = client.post(f"/api/v1/author-invitations/{item['id']}/accept", headers=theirs)
    assert resp.status_code == 200
    assert resp.get_json()["status"] == "accepted"
    seen = client.get(f"/api/v1/ideas/{idea['id']}", headers=theirs)
    assert seen.status_code == 200 and seen.get_json()["confidential_info"] == SECRET
    assert "invitation" not in seen.get_json()["authors"][1]  # only the owner and staff see them
    mine = client.get(f"/api/v1/ideas/{idea['id']}", headers=own).get_json()
    assert mine["authors"][1]["user_id"] == invitee.id
    assert mine["authors"][1]["invitation"] == {"user_id": invitee.id, "status": "accepted"}
    actions = set(db_session.scalars(sa.select(AuditEvent.action)))
    assert {"author_invitation.create", "author_invitation.accept", "idea.author_link"} <= actions


def test_unknown_and_known_ids_answer_alike(client, make_user, auth_headers, db_session):
    owner = make_user("owner", unit="BK-BB-NM")
    known = make_user("known")
    own = auth_headers(owner)
    answers = [
        client.post("/api/v1/ideas", json=body(uid), headers=own) for uid in (known.id, UNKNOWN_ID)
    ]

    def shape(resp):
        data = resp.get_json()
        rows = [{k: v for k, v in a.items() if k != "invitation"} for a in data["authors"]]
        statuses = [(a["invitation"] or {}).get("status") for a in data["authors"]]
        return resp.status_code, sorted(data), rows, statuses

    assert (
        shape(answers[0])
        == shape(answers[1])
        == (
            201,
            shape(answers[0])[1],
            shape(answers[0])[2],
            [None, "pending"],
        )
    )
    bad = [
        client.post("/api/v1/ideas", json=body(uid), headers=own).get_json()["error"]
        for uid in (0, -known.id)
    ]
    assert bad[0] == bad[1]
    assert bad[0]["fields"] == {"authors.1.user_id": ["Mã người dùng không hợp lệ."]}
    resp = client.post("/api/v1/ideas", json=body(2**40), headers=own)
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "validation_failed"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(AuthorInvitation)) == 2


def test_declining_links_nothing_and_a_second_answer_is_a_conflict(client, make_user, auth_headers):
    owner = make_user("owner", unit="BK-BB-NM")
    invitee = make_user("invitee")
    idea = register(client, auth_headers(owner), invitee.id)
    theirs = auth_headers(invitee)
    [item] = invitations(client, theirs)
    resp = client.post(f"/api/v1/author-invitations/{item['id']}/decline", headers=theirs)
    assert resp.status_code == 200 and resp.get_json()["status"] == "declined"
    for answer in ("accept", "decline"):
        resp = client.post(f"/api/v1/author-invitations/{item['id']}/{answer}", headers=theirs)
        assert resp.status_code == 409
        assert resp.get_json()["error"]["code"] == "conflict"
        assert "đã được trả lời" in resp.get_json()["error"]["message"]
    assert client.get(f"/api/v1/ideas/{idea['id']}", headers=theirs).status_code == 404
    mine = client.get(f"/api/v1/ideas/{idea['id']}", headers=auth_headers(owner)).get_json()
    assert mine["authors"][1]["invitation"]["status"] == "declined"
    assert mine["authors"][1]["user_id"] is None
    assert [i["status"] for i in invitations(client, theirs)] == ["declined"]


def test_only_the_invited_user_may_answer(client, make_user, auth_headers):
    owner = make_user("owner", unit="BK-BB-NM")
    invitee = make_user("invitee")
    other = make_user("other")
    secretary = make_user("sec", roles=["secretary"])
    register(client, auth_headers(owner), invitee.id)
    [item] = invitations(client, auth_headers(invitee))
    for caller in (owner, other, secretary):
        resp = client.post(
            f"/api/v1/author-invitations/{item['id']}/accept", headers=auth_headers(caller)
        )
        assert resp.status_code == 404
        assert resp.get_json()["error"]["code"] == "not_found"
        assert invitations(client, auth_headers(caller)) == []
    assert client.post(f"/api/v1/author-invitations/{item['id']}/accept").status_code == 401
    theirs = auth_headers(invitee)
    for missing in (item["id"] + 1, 2**31 - 1, 2**40):
        resp = client.post(f"/api/v1/author-invitations/{missing}/accept", headers=theirs)
        assert resp.status_code == 404 and "error" in resp.get_json()
    assert invitations(client, theirs)[0]["status"] == "pending"
    resp = client.get("/api/v1/author-invitations?status=withdrawn", headers=theirs)
    assert resp.status_code == 422


def test_sending_again_does_not_duplicate_and_removing_the_row_withdraws(
    client, make_user, auth_headers, db_session
):
    owner = make_user("owner", unit="BK-BB-NM")
    invitee = make_user("invitee")
    own, theirs = auth_headers(owner), auth_headers(invitee)
    idea = register(client, own, invitee.id)
    url = f"/api/v1/ideas/{idea['id']}"
    again = body(invitee.id)["authors"]
    assert client.patch(url, json={"authors": again}, headers=own).status_code == 200
    # The body as read back (no user id on a pending row) keeps the invitation.
    read_back = [{k: a[k] for k in ("name", "unit", "share")} for a in again]
    read_back[1]["unit"] = "Xã Nam Mẫu, tổ 3"
    resp = client.patch(url, json={"authors": read_back}, headers=own)
    assert resp.get_json()["authors"][1]["invitation"]["status"] == "pending"
    assert len(invitations(client, theirs)) == 1
    assert db_session.scalar(sa.select(sa.func.count()).select_from(AuthorInvitation)) == 1
    notices = db_session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == invitee.id)
    )
    assert notices == 1

    [item] = invitations(client, theirs)
    alone = [{"name": "Tác giả chính", "unit": "", "share": 100}]
    resp = client.patch(url, json={"authors": alone}, headers=own)
    assert resp.status_code == 200
    assert [a["invitation"] for a in resp.get_json()["authors"]] == [None]
    assert invitations(client, theirs) == []
    resp = client.post(f"/api/v1/author-invitations/{item['id']}/accept", headers=theirs)
    assert resp.status_code == 409
    assert client.get(url, headers=theirs).status_code == 404


def test_an_accepted_author_keeps_the_link_across_edits_until_the_row_goes(
    client, make_user, auth_headers
):
    owner = make_user("owner", unit="BK-BB-NM")
    invitee = make_user("invitee")
    own, theirs = auth_headers(owner), auth_headers(invitee)
    idea = register(client, own, invitee.id)
    url = f"/api/v1/ideas/{idea['id']}"
    [item] = invitations(client, theirs)
    client.post(f"/api/v1/author-invitations/{item['id']}/accept", headers=theirs)
    rows = [{k: a[k] for k in ("name", "unit", "share")} for a in idea["authors"]]
    rows[0]["share"], rows[1]["share"] = 50, 50
    resp = client.patch(url, json={"authors": rows}, headers=own)
    assert resp.get_json()["authors"][1]["user_id"] == invitee.id
    assert client.get(url, headers=theirs).status_code == 200
    other = make_user("other")
    rows[1]["user_id"] = other.id  # the row is someone else's: the old link ends
    resp = client.patch(url, json={"authors": rows}, headers=own)
    assert resp.get_json()["authors"][1]["user_id"] is None
    assert resp.get_json()["authors"][1]["invitation"] == {"user_id": other.id, "status": "pending"}
    assert client.get(url, headers=theirs).status_code == 404
    assert invitations(client, theirs) == []


def test_the_registrant_naming_themself_is_linked_without_an_invitation(
    client, make_user, auth_headers
):
    owner = make_user("owner", unit="BK-BB-NM", full_name="Tác giả chính")
    idea = register(client, auth_headers(owner), owner.id)
    assert [a["user_id"] for a in idea["authors"]] == [owner.id, owner.id]
    assert [a["invitation"] for a in idea["authors"]] == [None, None]
    assert invitations(client, auth_headers(owner)) == []


def test_the_invited_user_answers_on_the_page_with_a_csrf_form(
    client, make_user, auth_headers, login, db_session
):
    owner = make_user("owner", unit="BK-BB-NM")
    invitee = make_user("invitee")
    idea = register(client, auth_headers(owner), invitee.id)
    second = register(client, auth_headers(owner), invitee.id, title="Bếp đun tiết kiệm củi")
    login(invitee)
    page = client.get("/loi-moi-dong-tac-gia").get_data(as_text=True)
    assert 'id="nav-invitations"' in page and ">2<" in page
    assert idea["title"] in page and second["title"] in page and owner.full_name in page
    assert SECRET not in page and "Xác nhận tôi là đồng tác giả" in page
    assert client.get(f"/y-tuong/{idea['id']}").status_code == 404
    [first_id, second_id] = [
        i.id
        for i in db_session.scalars(sa.select(AuthorInvitation).order_by(AuthorInvitation.idea_id))
    ]
    resp = client.post(f"/loi-moi-dong-tac-gia/{first_id}/nhan-loi")  # no CSRF token
    assert resp.status_code == 400
    resp = client.submit(
        f"/loi-moi-dong-tac-gia/{first_id}/nhan-loi", form_url="/loi-moi-dong-tac-gia"
    )
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/y-tuong/{idea['id']}")
    detail = client.get(f"/y-tuong/{idea['id']}").get_data(as_text=True)
    assert "Đã xác nhận bạn là đồng tác giả" in detail and SECRET in detail
    resp = client.submit(
        f"/loi-moi-dong-tac-gia/{second_id}/tu-choi", form_url="/loi-moi-dong-tac-gia"
    )
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Đã từ chối lời mời đồng tác giả." in page and "Đã từ chối" in page
    assert 'id="nav-invitations"' in page and "chờ trả lời" not in page
    resp = client.submit(
        f"/loi-moi-dong-tac-gia/{second_id}/nhan-loi", form_url="/loi-moi-dong-tac-gia"
    )
    assert resp.status_code == 409 and "đã được trả lời" in resp.get_data(as_text=True)
    client.submit("/dang-xuat", form_url="/loi-moi-dong-tac-gia")
    login(owner)
    detail = client.get(f"/y-tuong/{idea['id']}").get_data(as_text=True)
    assert 'data-status="accepted"' in detail and "Đã xác nhận" in detail
    detail = client.get(f"/y-tuong/{second['id']}").get_data(as_text=True)
    assert 'data-status="declined"' in detail


def test_the_invitations_page_needs_a_sign_in(client):
    resp = client.get("/loi-moi-dong-tac-gia")
    assert resp.status_code == 302 and "/dang-nhap" in resp.headers["Location"]


def test_staff_see_the_invitation_states_and_other_readers_do_not(
    client, make_user, auth_headers, db_session
):
    owner = make_user("owner", unit="BK-BB-NM")
    invitee = make_user("invitee")
    secretary = make_user("sec", roles=["secretary"])
    officer = make_user("officer", roles=["unit_officer"], unit="BK-BB-NM")
    idea = register(client, auth_headers(owner), invitee.id, unit_id=owner.unit_id)
    url = f"/api/v1/ideas/{idea['id']}"
    # The owner echoing the body back (invitation included) changes nothing.
    resp = client.patch(url, json={"authors": idea["authors"]}, headers=auth_headers(owner))
    assert resp.status_code == 200
    assert resp.get_json()["authors"] == idea["authors"]
    assert db_session.scalar(sa.select(sa.func.count()).select_from(AuthorInvitation)) == 1
    client.post(f"{url}/submit", headers=auth_headers(owner))
    seen = client.get(url, headers=auth_headers(secretary)).get_json()
    assert seen["authors"][1]["invitation"] == {"user_id": invitee.id, "status": "pending"}
    resp = client.get(url, headers=auth_headers(officer))
    assert resp.status_code == 200 and "confidential_info" in resp.get_json()
    assert all("invitation" not in a for a in resp.get_json()["authors"])
