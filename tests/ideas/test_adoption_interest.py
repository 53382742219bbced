"""Businesses ask to apply a published initiative: anonymous, rate-limited, guarded from bots."""

import pytest

INTEREST = {
    "organisation": "Hợp tác xã Chè Bằng Phúc",
    "contact_name": "Đinh Văn Hùng",
    "email": "hung@htxche.vn",
    "phone": "0912 345 678",
    "message": "Chúng tôi muốn áp dụng mô hình cho 20 hộ xã viên.",
}


def test_anyone_registers_interest_in_a_published_idea(app, client, create_idea, make_user):
    owner = make_user("dung", email="dung@example.vn", unit="BK-BB-NM")
    idea = create_idea(owner, status="recognized")
    resp = client.post(f"/api/v1/ideas/{idea.id}/adoption-interests", json=INTEREST)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["idea_id"] == idea.id and body["organisation"] == INTEREST["organisation"]
    assert "email" not in body  # contact details are for the owner and officers only
    assert any("Hợp tác xã Chè Bằng Phúc" in m["body"] for m in app.extensions["mail_outbox"])


def test_interest_in_an_unpublished_idea_is_404(client, create_idea):
    idea = create_idea(status="eligible")
    resp = client.post(f"/api/v1/ideas/{idea.id}/adoption-interests", json=INTEREST)
    assert resp.status_code == 404


def test_missing_contact_is_a_vietnamese_field_error(client, create_idea):
    idea = create_idea(status="recognized")
    body = dict(INTEREST, email="", phone="", organisation="")
    resp = client.post(f"/api/v1/ideas/{idea.id}/adoption-interests", json=body)
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert fields["organisation"] == ["Vui lòng nhập tên tổ chức, doanh nghiệp."]
    assert "email" in fields


def test_a_filled_honeypot_is_refused_and_nothing_stored(client, create_idea, db_session):
    from ideadb.ideas import service

    idea = create_idea(status="recognized")
    resp = client.post(
        f"/api/v1/ideas/{idea.id}/adoption-interests",
        json=dict(INTEREST, website="http://spam.example"),
    )
    assert resp.status_code == 400
    assert service.interest_count(db_session, idea.id) == 0


def test_a_form_sent_back_too_fast_or_forged_is_refused(app, client, create_idea):
    from ideadb.ideas import antibot

    idea = create_idea(status="recognized")
    with app.test_request_context():
        fresh = antibot.started_token()
    url = f"/api/v1/ideas/{idea.id}/adoption-interests"
    assert client.post(url, json=dict(INTEREST, started=fresh)).status_code == 400
    assert client.post(url, json=dict(INTEREST, started="forged")).status_code == 400
    app.config["ADOPTION_MIN_SECONDS"] = 0
    assert client.post(url, json=dict(INTEREST, started=fresh)).status_code == 201


def test_interests_are_rate_limited_per_address(app, client, create_idea):
    idea = create_idea(status="recognized")
    url = f"/api/v1/ideas/{idea.id}/adoption-interests"
    codes = [client.post(url, json=INTEREST).status_code for _ in range(11)]
    assert codes[:10] == [201] * 10 and codes[10] == 429
    assert client.post(url, json=INTEREST).get_json()["error"]["code"] == "rate_limited"


@pytest.mark.parametrize(
    ("who", "expected"), [("owner", 200), ("officer", 200), ("secretary", 200), ("other", 403)]
)
def test_owner_and_unit_officer_see_the_interests(
    client, create_idea, make_user, auth_headers, who, expected
):
    people = {
        "owner": make_user("dung", unit="BK-BB-NM"),
        "officer": make_user("canbo", roles=["unit_officer"], unit="BK-BB"),
        "secretary": make_user("thuky", roles=["secretary"]),
        "other": make_user("khac"),
    }
    idea = create_idea(people["owner"], status="recognized")
    client.post(f"/api/v1/ideas/{idea.id}/adoption-interests", json=INTEREST)
    resp = client.get(
        f"/api/v1/ideas/{idea.id}/adoption-interests", headers=auth_headers(people[who])
    )
    assert resp.status_code == expected
    if expected == 200:
        items = resp.get_json()["items"]
        assert items[0]["email"] == "hung@htxche.vn" and items[0]["phone"] == "0912 345 678"
