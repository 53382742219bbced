"""Consent to publish the authors' names is kept with its time (Nghị định 13/2023/NĐ-CP)."""

from __future__ import annotations

from datetime import datetime


def _idea(client, headers, idea_id):
    return client.get(f"/api/v1/ideas/{idea_id}", headers=headers).get_json()


def test_consent_is_stamped_when_given_and_cleared_when_withdrawn(
    client, make_user, auth_headers, create_idea
):
    owner = make_user("tacgia")
    headers = auth_headers(owner)
    without = create_idea(owner, publish_consent=False)
    assert _idea(client, headers, without.id)["publish_consent_at"] is None

    given = client.patch(
        f"/api/v1/ideas/{without.id}", json={"publish_consent": True}, headers=headers
    )
    assert given.status_code == 200, given.get_json()
    stamp = given.get_json()["publish_consent_at"]
    assert stamp is not None
    assert datetime.fromisoformat(stamp.replace("Z", "+00:00")).year >= 2026

    # Saving other fields keeps the original time of consent.
    again = client.patch(
        f"/api/v1/ideas/{without.id}",
        json={"summary": "Tóm tắt đã bổ sung số liệu.", "publish_consent": True},
        headers=headers,
    )
    assert again.get_json()["publish_consent_at"] == stamp

    withdrawn = client.patch(
        f"/api/v1/ideas/{without.id}", json={"publish_consent": False}, headers=headers
    )
    assert withdrawn.get_json()["publish_consent"] is False
    assert withdrawn.get_json()["publish_consent_at"] is None


def test_consent_given_at_registration_is_stamped(client, make_user, auth_headers, create_idea):
    owner = make_user("tacgia")
    idea = create_idea(owner, publish_consent=True)
    assert _idea(client, auth_headers(owner), idea.id)["publish_consent_at"] is not None
