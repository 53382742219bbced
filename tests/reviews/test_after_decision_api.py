"""After the decision through the API (API.md: After the decision): the register number on
the idea, the decision and the certificate as files, appeals and their resolution."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from docx import Document

from tests.reviews.conftest import SCORES_HIGH


def _text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_finalize_numbers_recognised_ideas_in_the_register_and_the_idea_shows_it(
    client, auth_headers, secretary, finalized
):
    rnd, ideas, _ = finalized()
    owner = ideas[0].registrant
    body = client.get(f"/api/v1/ideas/{ideas[0].id}", headers=auth_headers(owner)).get_json()
    rec = body["recognition"]
    assert set(rec) == {"scope", "level", "level_name", "round_id", "decided_at", "number"}
    year = rnd.finalized_at.year
    assert rec["scope"] == "tinh" and rec["round_id"] == rnd.id
    assert rec["level_name"] and rec["level"]
    numbers = {
        client.get(f"/api/v1/ideas/{i.id}", headers=auth_headers(secretary())).get_json()[
            "recognition"
        ]["number"]
        for i in ideas[:2]
    }
    assert numbers == {f"1/{year}", f"2/{year}"}
    low = client.get(f"/api/v1/ideas/{ideas[2].id}", headers=auth_headers(secretary()))
    assert low.get_json()["recognition"] is None
    # The public shape (anonymous, published idea) carries it as well.
    anonymous = client.get(f"/api/v1/ideas/{ideas[0].id}").get_json()
    assert anonymous["recognition"]["number"] == rec["number"]


def test_a_second_round_continues_the_years_numbers(client, auth_headers, secretary, finalized):
    finalized()
    second, ideas, _ = finalized(name="Đợt bổ sung năm 2021")
    sec = auth_headers(secretary())
    got = sorted(
        client.get(f"/api/v1/ideas/{i.id}", headers=sec).get_json()["recognition"]["number"]
        for i in ideas[:2]
    )
    year = second.finalized_at.year
    assert got == [f"3/{year}", f"4/{year}"]
    register = client.get(f"/api/v1/recognition-register?year={year}", headers=sec).get_json()
    assert [line["number"] for line in register["items"]] == [f"{n}/{year}" for n in (1, 2, 3, 4)]


def test_decision_docx_holds_the_settings_and_the_annex(client, auth_headers, secretary, finalized):
    rnd, ideas, _ = finalized()
    resp = client.get(
        f"/api/v1/rounds/{rnd.id}/decision?format=docx", headers=auth_headers(secretary())
    )
    assert resp.status_code == 200
    assert resp.mimetype.endswith("wordprocessingml.document")
    text = _text(resp.data)
    assert "QUYẾT ĐỊNH" in text
    assert "Số: 25/QĐ-MTTQ-BTT" in text
    assert "Bắc Kạn, ngày" in text
    assert "HOÀNG VĂN PÁO" in text.upper()
    assert "PHỤ LỤC" in text
    assert ideas[0].title in text and ideas[1].title in text
    assert ideas[2].title not in text
    year = rnd.finalized_at.year
    assert f"1/{year}" in text


def test_decision_is_refused_before_finalize_and_to_others(
    client, auth_headers, secretary, ready_round, make_user, finalized
):
    rnd, _, _ = ready_round(1, 2)
    sec = auth_headers(secretary())
    assert client.get(f"/api/v1/rounds/{rnd.id}/decision", headers=sec).status_code == 409
    done, ideas, _ = finalized()
    submitter = auth_headers(ideas[0].registrant)
    resp = client.get(f"/api/v1/rounds/{done.id}/decision", headers=submitter)
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"
    auditor = auth_headers(make_user(roles=["auditor"]))
    assert client.get(f"/api/v1/rounds/{done.id}/decision", headers=auditor).status_code == 200
    resp = client.get(f"/api/v1/rounds/{2**70}/decision", headers=sec)
    assert resp.status_code == 404
    resp = client.get(f"/api/v1/rounds/{done.id}/decision?format=odt", headers=sec)
    assert resp.status_code == 422


def test_certificate_for_owner_and_staff_not_for_strangers(
    client, auth_headers, secretary, make_user, finalized
):
    rnd, ideas, _ = finalized()
    owner = auth_headers(ideas[0].registrant)
    resp = client.get(f"/api/v1/ideas/{ideas[0].id}/certificate?format=docx", headers=owner)
    assert resp.status_code == 200
    text = _text(resp.data)
    assert "GIẤY CHỨNG NHẬN SÁNG KIẾN" in text
    assert ideas[0].title in text
    assert f"/{rnd.finalized_at.year}" in text
    assert any(a.name in text for a in ideas[0].authors)
    assert "100%" in text
    stranger = auth_headers(make_user(roles=["submitter"]))
    resp = client.get(f"/api/v1/ideas/{ideas[0].id}/certificate", headers=stranger)
    assert resp.status_code == 404
    # Not recognised: no certificate (409 for the owner), and an unknown idea is 404.
    low_owner = auth_headers(ideas[2].registrant)
    resp = client.get(f"/api/v1/ideas/{ideas[2].id}/certificate", headers=low_owner)
    assert resp.status_code == 409
    assert "chưa được công nhận" in resp.get_json()["error"]["message"]
    sec = auth_headers(secretary())
    assert client.get(f"/api/v1/ideas/{2**70}/certificate", headers=sec).status_code == 404
    resp = client.get(f"/api/v1/ideas/{ideas[0].id}/certificate?round_id=abc", headers=sec)
    assert resp.status_code == 422


def test_owner_appeals_and_an_upheld_appeal_amends_the_register(
    client, auth_headers, secretary, finalized, db_session
):
    from ideadb.accounts.models import Notification
    from ideadb.audit.models import AuditEvent

    rnd, ideas, _ = finalized()
    low = ideas[2]
    owner = auth_headers(low.registrant)
    resp = client.post(f"/api/v1/ideas/{low.id}/appeals", json={"reason": "  "}, headers=owner)
    assert resp.status_code == 422
    assert "reason" in resp.get_json()["error"]["fields"]
    resp = client.post(
        f"/api/v1/ideas/{low.id}/appeals",
        json={"reason": "Hội đồng chưa xem số liệu áp dụng thực tế tại 12 hộ."},
        headers=owner,
    )
    assert resp.status_code == 201, resp.get_json()
    appeal = resp.get_json()
    assert {"id", "idea_id", "round_id", "status", "reason", "created_at"} <= set(appeal)
    assert appeal["status"] == "open" and appeal["round_id"] == rnd.id
    again = client.post(
        f"/api/v1/ideas/{low.id}/appeals", json={"reason": "Lần hai."}, headers=owner
    )
    assert again.status_code == 409

    sec = auth_headers(secretary())
    listed = client.get(f"/api/v1/rounds/{rnd.id}/appeals", headers=sec).get_json()
    assert [a["id"] for a in listed["items"]] == [appeal["id"]]
    resp = client.post(
        f"/api/v1/appeals/{appeal['id']}/resolve",
        json={"outcome": "upheld", "decision": "DAT"},
        headers=sec,
    )
    assert resp.status_code == 422 and "note" in resp.get_json()["error"]["fields"]
    resp = client.post(
        f"/api/v1/appeals/{appeal['id']}/resolve",
        json={"outcome": "maybe", "decision": None, "note": "x"},
        headers=sec,
    )
    assert resp.status_code == 422 and "outcome" in resp.get_json()["error"]["fields"]
    resp = client.post(
        f"/api/v1/appeals/{appeal['id']}/resolve",
        json={"outcome": "upheld", "decision": "DAT", "note": "Bổ sung số liệu đạt yêu cầu."},
        headers=sec,
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "upheld"
    idea = client.get(f"/api/v1/ideas/{low.id}", headers=owner).get_json()
    assert idea["status"] == "recognized"
    year = rnd.finalized_at.year
    assert idea["recognition"]["level"] == "DAT"
    assert idea["recognition"]["number"] == f"3/{year}"
    # Resolved once only.
    again = client.post(
        f"/api/v1/appeals/{appeal['id']}/resolve",
        json={"outcome": "rejected", "note": "Lần hai."},
        headers=sec,
    )
    assert again.status_code == 409
    texts = db_session.scalars(
        sa.select(Notification.text).where(Notification.user_id == low.registrant_id)
    ).all()
    assert any("được chấp nhận" in t for t in texts)
    actions = set(db_session.scalars(sa.select(AuditEvent.action)).all())
    assert {"appeal.file", "appeal.resolve", "register.enter", "round.decision_amended"} <= actions


def test_an_upheld_appeal_that_withdraws_a_recognition_keeps_the_number_as_a_new_version(
    client, auth_headers, secretary, finalized
):
    rnd, ideas, _ = finalized()
    first = ideas[0]
    owner = auth_headers(first.registrant)
    sec = auth_headers(secretary())
    number = client.get(f"/api/v1/ideas/{first.id}", headers=owner).get_json()["recognition"][
        "number"
    ]
    appeal = client.post(
        f"/api/v1/ideas/{first.id}/appeals", json={"reason": "Xin xét mức cao hơn."}, headers=owner
    ).get_json()
    resp = client.post(
        f"/api/v1/appeals/{appeal['id']}/resolve",
        json={"outcome": "upheld", "decision": None, "note": "Phát hiện trùng giải pháp đã có."},
        headers=sec,
    )
    assert resp.status_code == 200
    idea = client.get(f"/api/v1/ideas/{first.id}", headers=owner).get_json()
    assert idea["status"] == "not_recognized" and idea["recognition"] is None
    history = client.get(
        f"/api/v1/recognition-register?year={rnd.finalized_at.year}&history=1", headers=sec
    ).get_json()["items"]
    versions = [(line["number"], line["version"], line["status"]) for line in history]
    assert (number, 1, "Công nhận") in versions and (number, 2, "Thu hồi") in versions
    decision = client.get(f"/api/v1/rounds/{rnd.id}/decision", headers=sec)
    assert "Thu hồi công nhận" in _text(decision.data)


def test_appeals_refused_outside_the_window_for_non_owners_and_rejected_changes_nothing(
    client, auth_headers, secretary, finalized, make_user, db_session
):
    from ideadb.reviews.models import Round

    rnd, ideas, reviewers = finalized()
    stranger = auth_headers(make_user(roles=["submitter"]))
    resp = client.post(
        f"/api/v1/ideas/{ideas[2].id}/appeals", json={"reason": "Không đồng ý."}, headers=stranger
    )
    assert resp.status_code == 404
    sec = auth_headers(secretary())
    resp = client.post(
        f"/api/v1/ideas/{ideas[2].id}/appeals", json={"reason": "Thư ký."}, headers=sec
    )
    assert resp.status_code == 403
    resp = client.post(f"/api/v1/ideas/{2**70}/appeals", json={"reason": "x"}, headers=sec)
    assert resp.status_code == 404
    assert client.post(f"/api/v1/appeals/{2**70}/resolve", json={}, headers=sec).status_code in (
        404,
        422,
    )
    owner = auth_headers(ideas[2].registrant)
    appeal = client.post(
        f"/api/v1/ideas/{ideas[2].id}/appeals", json={"reason": "Không đồng ý."}, headers=owner
    ).get_json()
    reviewer = auth_headers(reviewers[0])
    resp = client.get(f"/api/v1/rounds/{rnd.id}/appeals", headers=reviewer)
    assert resp.status_code == 403
    resp = client.post(
        f"/api/v1/appeals/{appeal['id']}/resolve",
        json={"outcome": "rejected", "note": "Điểm của hội đồng phản ánh đúng hồ sơ."},
        headers=sec,
    )
    assert resp.status_code == 200 and resp.get_json()["status"] == "rejected"
    idea = client.get(f"/api/v1/ideas/{ideas[2].id}", headers=owner).get_json()
    assert idea["status"] == "not_recognized"
    # Past the window (the round's appeal_days after finalize): 409.
    row = db_session.get(Round, rnd.id)
    row.finalized_at = row.finalized_at - timedelta(days=31)
    db_session.commit()
    resp = client.post(
        f"/api/v1/ideas/{ideas[1].id}/appeals",
        json={"reason": "Muộn."},
        headers=auth_headers(ideas[1].registrant),
    )
    assert resp.status_code == 409
    assert "hết thời hạn" in resp.get_json()["error"]["message"]


def test_unranked_ideas_need_a_decision_before_finalize(
    client, auth_headers, secretary, ready_round, db_session
):
    from ideadb.reviews import sheets
    from ideadb.reviews.models import Assignment

    rnd, ideas, _ = ready_round(2, 2)
    # One sheet of the second idea is never submitted: forced deliberation leaves it unranked.
    skip = db_session.scalars(
        sa.select(Assignment).where(Assignment.idea_id == ideas[1].id).order_by(Assignment.id)
    ).first()
    sheets.confirm(db_session, skip.reviewer, skip.id, conflict=False)
    skip_id = skip.id

    def only_others(rnd):
        rows = db_session.scalars(
            sa.select(Assignment).where(Assignment.round_id == rnd.id, Assignment.id != skip_id)
        ).all()
        for a in rows:
            if a.status == "pending_confirmation":
                sheets.confirm(db_session, a.reviewer, a.id, conflict=False)
            sheets.save_review(
                db_session, a.reviewer, a.id, scores=SCORES_HIGH, comments={}, comment="", version=0
            )
            sheets.submit_review(db_session, a.reviewer, a.id)

    only_others(rnd)
    sec = auth_headers(secretary())
    assert (
        client.post(
            f"/api/v1/rounds/{rnd.id}/deliberate", json={"force": True}, headers=sec
        ).status_code
        == 200
    )
    resp = client.post(f"/api/v1/rounds/{rnd.id}/finalize", headers=sec)
    assert resp.status_code == 409
    body = resp.get_json()["error"]
    assert ideas[1].code in body["message"] and "1/2 phiếu" in body["message"]
    resp = client.post(
        f"/api/v1/rounds/{rnd.id}/decisions",
        json={"idea_id": ideas[1].id, "level": None, "note": "Chỉ có một phiếu chấm hợp lệ."},
        headers=sec,
    )
    assert resp.status_code == 201
    assert client.post(f"/api/v1/rounds/{rnd.id}/finalize", headers=sec).status_code == 200


def test_document_settings_change_after_finalize_and_are_audited(
    client, auth_headers, secretary, finalized, db_session
):
    from ideadb.audit.models import AuditEvent

    rnd, ideas, _ = finalized()
    sec = auth_headers(secretary())
    resp = client.put(
        f"/api/v1/rounds/{rnd.id}/document",
        json={"document": {"number": "31/QĐ-MTTQ-BTT", "signer_name": "Lý Thị Mai"}},
        headers=sec,
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["document"]["number"] == "31/QĐ-MTTQ-BTT"
    text = _text(client.get(f"/api/v1/rounds/{rnd.id}/decision", headers=sec).data)
    assert "31/QĐ-MTTQ-BTT" in text and "Lý Thị Mai" in text
    assert db_session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "round.document"))
    resp = client.put(
        f"/api/v1/rounds/{rnd.id}/document", json={"document": {"colour": "red"}}, headers=sec
    )
    assert resp.status_code == 422
    owner = auth_headers(ideas[0].registrant)
    resp = client.put(f"/api/v1/rounds/{rnd.id}/document", json={"document": {}}, headers=owner)
    assert resp.status_code == 403


def test_the_yearly_summary_counts_recognitions_in_the_year_they_were_decided(
    client, auth_headers, secretary, finalized
):
    rnd, ideas, _ = finalized()
    sec = auth_headers(secretary())
    decided = rnd.finalized_at.year
    assert ideas[0].year == 2021 and decided != 2021

    def recognised(year):
        body = client.get(f"/api/v1/reports/summary?year={year}", headers=sec).get_json()
        return body["total"]["recognized"], body["total"]["registered"]

    assert recognised(2021) == (0, 3)  # registered in 2021 ...
    assert recognised(decided) == (2, 0)  # ... recognised in the year of the decision
