"""A reviewer learns nothing they should not: no author, registrant or unit in a blind round
(every page and API answer they can fetch is scanned), and no other sheet, aggregate or
ranking before deliberation."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

AUTHORS = ("Lý Thị Mai", "Hoàng Văn Páo")
REGISTRANT = "Triệu Văn Sinh"
UNIT_CODE = "BK-HTX-BB"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
# Reference data anyone may read (the list of units) is not about the idea.
NOT_ABOUT_IDEAS = ("units.", "units_api.", "static", "set_language")


@pytest.fixture
def blind_round(db_session, secretary, make_user, create_round, create_reviewer, unit_id):
    from ideadb.ideas import service as ideas
    from ideadb.reviews import assignments, rounds

    owner = make_user(roles=["submitter"], unit=UNIT_CODE, full_name=REGISTRANT)
    idea = ideas.create_idea(
        db_session,
        owner,
        {
            "title": "Quy trình ủ phân vi sinh từ phụ phẩm nông nghiệp",
            "summary": "Ủ rơm rạ và thân ngô bằng chế phẩm vi sinh để bón cho cây cam.",
            "description": "Thu gom phụ phẩm, ủ 45 ngày, bón cho vườn cam Bạch Thông.",
            "novelty": "Lần đầu dùng chế phẩm bản địa.",
            "benefits": "Giảm 20% phân hóa học.",
            "area": "san_xuat_kinh_doanh",
            "year": 2021,
            "unit_id": unit_id(UNIT_CODE),
            "owner_name": REGISTRANT,
            "authors": [
                {"name": AUTHORS[0], "unit": "HTX Du lịch Nam Mẫu", "share": 60},
                {"name": AUTHORS[1], "unit": "HTX Du lịch Nam Mẫu", "share": 40},
            ],
        },
    )
    ideas.add_attachment(db_session, owner, idea.id, "Ly_Thi_Mai_thuyet_minh.pdf", PDF)
    ideas.submit_idea(db_session, owner, idea.id)
    ideas.screen_idea(db_session, secretary(), idea.id, "eligible", None)
    reviewers = [create_reviewer(unit="BK-SNN"), create_reviewer(unit="BK-SKHCN")]
    rnd = create_round(blind=True, reviewers_per_idea=2)
    rounds.add_ideas(db_session, secretary(), rnd.id, [idea.id])
    rounds.add_reviewers(db_session, secretary(), rnd.id, [u.id for u in reviewers])
    assignments.auto_assign(db_session, secretary(), rnd.id)
    rounds.open_round(db_session, secretary(), rnd.id)
    return rnd, idea, reviewers


def _forbidden(db_session) -> list[str]:
    from ideadb.units.models import Unit

    unit = db_session.scalar(sa.select(Unit.name).where(Unit.code == UNIT_CODE))
    return [*AUTHORS, REGISTRANT, unit, "Ly_Thi_Mai", "HTX Du lịch Nam Mẫu"]


def _reachable_urls(app, values: dict[str, int]) -> list[str]:
    """Every GET route of the application with its parameters filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint.startswith(NOT_ABOUT_IDEAS):
            continue
        if any(arg not in values for arg in rule.arguments):
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(rf"<(?:[^:<>]+:)?{arg}>", str(values[arg]), url)
        urls.append(url)
    return sorted(set(urls))


def _scan(client, urls, headers, forbidden, extra_query):
    seen = {}
    for url in urls:
        for query in ("", *extra_query):
            resp = client.get(url + query, headers=headers)
            text = (
                resp.get_data(as_text=True)
                if resp.mimetype.startswith(("text", "application/json"))
                else ""
            )
            text += " ".join(f"{k}: {v}" for k, v in resp.headers.items())
            resp.close()
            seen[url + query] = resp.status_code
            # A drop-down of every unit (reference data in forms) does not point at the idea.
            text = re.sub(r"<option[^>]*>[^<]*</option>", "", text)
            # A search box showing back what the caller typed tells them nothing new.
            if query.startswith("?q="):
                text = text.replace(f'value="{query[3:]}"', "")
            for name in forbidden:
                assert name not in text, f"{name!r} leaked by {url + query} ({resp.status_code})"
    return seen


def test_a_blind_round_shows_no_author_registrant_or_unit_to_its_reviewer_anywhere(
    app, client, login, auth_headers, db_session, blind_round
):
    from ideadb.reviews.models import Assignment

    rnd, idea, reviewers = blind_round
    user = reviewers[0]
    a = db_session.scalar(sa.select(Assignment).where(Assignment.reviewer_id == user.id))
    forbidden = _forbidden(db_session)
    values = {
        "round_id": rnd.id,
        "idea_id": idea.id,
        "assignment_id": a.id,
        "attachment_id": idea.attachments[0].id,
        "set_id": rnd.criteria_set_id,
        "user_id": user.id,
        "code": "vi",
    }
    urls = _reachable_urls(app, values)
    names = [f"?q={AUTHORS[0]}", f"?q={REGISTRANT}", "?q=Nam Mẫu"]
    token = auth_headers(user)
    # Before confirming, then after confirming and saving a draft: pages and API alike.
    _scan(client, urls, token, forbidden, names)
    assert (
        client.post(
            f"/api/v1/assignments/{a.id}/confirm", json={"conflict": False}, headers=token
        ).status_code
        == 200
    )
    client.put(
        f"/api/v1/assignments/{a.id}/review",
        json={"scores": {"TINH_MOI": 20}, "version": 0},
        headers=token,
    )
    seen = _scan(client, urls, token, forbidden, names)
    assert seen[f"/api/v1/assignments/{a.id}"] == 200
    login(user)
    seen = _scan(client, urls, {}, forbidden, names)
    assert seen[f"/phieu-cham/{a.id}"] == 200
    body = client.get(f"/api/v1/assignments/{a.id}", headers=token).get_json()
    assert body["idea"]["summary"].startswith("Ủ rơm rạ")
    assert not {"authors", "unit_id", "district_id", "owner_name"} & set(body["idea"])
    assert [f["name"] for f in body["idea"]["attachments"]] == ["Tệp 1.pdf"]
    download = client.get(f"/phieu-cham/{a.id}/tep/{idea.attachments[0].id}")
    download.close()
    assert download.status_code == 200 and "tep-1.pdf" in download.headers["Content-Disposition"]


def test_an_open_round_shows_authors_to_its_reviewer(client, auth_headers, db_session, ready_round):
    from ideadb.reviews.models import Assignment

    _rnd, ideas, reviewers = ready_round(1, 2)
    token = auth_headers(reviewers[0])
    aid = db_session.scalar(
        sa.select(Assignment.id).where(Assignment.reviewer_id == reviewers[0].id)
    )
    client.post(f"/api/v1/assignments/{aid}/confirm", json={"conflict": False}, headers=token)
    body = client.get(f"/api/v1/assignments/{aid}", headers=token).get_json()
    assert body["idea"]["authors"] == [
        {"name": a.name, "unit": a.unit, "share": a.share} for a in ideas[0].authors
    ]


def test_a_reviewer_never_gets_another_sheet_an_aggregate_or_the_ranking_before_deliberation(
    client, auth_headers, db_session, ready_round, secretary, login
):
    from ideadb.reviews.models import Assignment

    rnd, _ideas, reviewers = ready_round(2, 2)
    mine, theirs = reviewers
    rows = db_session.scalars(sa.select(Assignment).order_by(Assignment.id)).all()
    other = next(a for a in rows if a.reviewer_id == theirs.id)
    their_token = auth_headers(theirs)
    client.post(f"/api/v1/assignments/{other.id}/confirm", json={"conflict": False},
                headers=their_token)  # fmt: skip
    client.put(
        f"/api/v1/assignments/{other.id}/review",
        json={"scores": {"TINH_MOI": 29.5}, "comment": "Nhận xét riêng 7731", "version": 0},
        headers=their_token,
    )
    token = auth_headers(mine)
    login(mine)
    probes = [
        ("get", f"/api/v1/assignments/{other.id}", None),
        ("put", f"/api/v1/assignments/{other.id}/review", {"scores": {}, "version": 1}),
        ("post", f"/api/v1/assignments/{other.id}/review/submit", None),
        ("post", f"/api/v1/assignments/{other.id}/confirm", {"conflict": False}),
        ("get", f"/api/v1/rounds/{rnd.id}/ranking", None),
        ("get", f"/api/v1/rounds/{rnd.id}/ranking?aggregation=median", None),
        ("get", f"/api/v1/rounds/{rnd.id}/progress", None),
        ("get", f"/api/v1/rounds/{rnd.id}/disagreements", None),
        ("get", f"/api/v1/rounds/{rnd.id}/decisions", None),
        ("get", f"/api/v1/rounds/{rnd.id}/assignments", None),
        ("get", f"/api/v1/rounds/{rnd.id}/export?format=csv", None),
        ("get", f"/phieu-cham/{other.id}", None),
        ("get", f"/dot-xet-chon/{rnd.id}/xep-hang", None),
        ("get", f"/dot-xet-chon/{rnd.id}/tien-do", None),
    ]
    for method, url, body in probes:
        resp = getattr(client, method)(url, json=body, headers=token)
        text = resp.get_data(as_text=True)
        assert resp.status_code in (403, 404), (url, resp.status_code)
        assert "29.5" not in text and "29,5" not in text and "7731" not in text, url
    # The ranking stays closed to reviewers after deliberation too; the chair is not one here.
    from ideadb.reviews import deliberation

    deliberation.deliberate(db_session, secretary(), rnd.id, force=True)
    resp = client.get(f"/api/v1/rounds/{rnd.id}/ranking", headers=token)
    assert resp.status_code == 403
    assert client.get(f"/api/v1/assignments/{other.id}", headers=token).status_code == 404
