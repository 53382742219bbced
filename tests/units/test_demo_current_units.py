"""After the demo is loaded, each demo account that registers ideas registers and submits a new
idea of this year on the unit its form proposes; the form offers only units valid today, and an
old idea being edited keeps its ended unit."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
import sqlalchemy as sa

from ideadb.demo import load_demo, read_demo_passwords
from ideadb.ideas.models import Idea
from ideadb.units.models import Unit

THIS_YEAR = date.today().year
pytestmark = pytest.mark.skipif(THIS_YEAR < 2026, reason="the districts end on 30/06/2025")

# username → the unit its new-idea form proposes (its own unit, of today's province)
REGISTRANTS = {
    "nguoidan": "Xã Ba Bể",
    "canbo.hnd": "Hội Nông dân tỉnh Thái Nguyên",
    "canbo.babe": "Xã Ba Bể",
}
_OPTION = re.compile(r"<option([^>]*)>([^<]*)</option>")


def unit_select(page: str) -> tuple[list[tuple[str, str]], str | None]:
    """The options (value, label) of the form's unit select and the value selected."""
    match = re.search(r'<select[^>]*name="unit_id"[^>]*>(.*?)</select>', page, re.S)
    assert match, "no unit select on the page"
    options, selected = [], None
    for attrs, label in _OPTION.findall(match.group(1)):
        value = re.search(r'value="([^"]*)"', attrs).group(1)
        options.append((value, html.unescape(label).strip()))
        if re.search(r"\bselected\b", attrs):
            selected = value
    return options, selected


def new_idea(unit_id: str, full_name: str) -> dict[str, str]:
    return {
        "title": f"Sổ theo dõi điện tử cây quế năm {THIS_YEAR}",
        "summary": "Ghi nhận diện tích, tuổi cây và sản lượng quế của từng hộ bằng điện thoại.",
        "description": "Mỗi hộ có mã QR; cán bộ khuyến nông cập nhật khi đi kiểm tra vườn.",
        "novelty": "Lần đầu số hóa vùng trồng quế của xã.",
        "area": "san_xuat_kinh_doanh",
        "year": str(THIS_YEAR),
        "unit_id": unit_id,
        "applied_from": "",
        "authors-0-name": full_name,
        "authors-0-unit": "Thôn Pác Ngòi",
        "authors-0-share": "100",
        "benefits": "Giảm thời gian thống kê cuối vụ.",
        "publish_consent": "y",
        "submit_idea": "1",
    }


def test_each_demo_registrant_submits_a_new_idea_on_the_unit_its_form_proposes(app):
    from ideadb.extensions import db

    load_demo(db.session, ideas=12)
    passwords = read_demo_passwords(app.config["INSTANCE_DIR"])
    ended = {str(u.id) for u in db.session.scalars(sa.select(Unit)) if u.code.startswith("BK")}
    assert len(ended) > 40
    for username, unit_name in REGISTRANTS.items():
        # A context of its own for each person: the test's context keeps who signed in (g).
        with app.app_context():
            _registers_and_submits(app, passwords[username], username, unit_name, ended)


def _registers_and_submits(app, password: str, username: str, unit_name: str, ended: set[str]):
    from ideadb.extensions import db

    client = app.test_client()
    resp = client.submit("/dang-nhap", {"username": username, "password": password})
    assert resp.status_code == 302, username
    page = client.get("/y-tuong/dang-ky").get_data(as_text=True)
    options, selected = unit_select(page)
    labels = dict(options)
    assert labels.get(selected) == unit_name, username
    # Only units valid today: no unit of Bắc Kạn (ended 30/06/2025) nor of its districts.
    assert "Tỉnh Thái Nguyên" in labels.values()
    assert not set(labels) & ended, username
    full_name = db.session.scalar(
        sa.text("SELECT full_name FROM users WHERE username = :u"), {"u": username}
    )
    resp = client.submit("/y-tuong/dang-ky", new_idea(selected, full_name), follow_redirects=True)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200, (username, body[:2000])
    code = re.search(rf"Đã nộp hồ sơ\. Mã hồ sơ: ([A-Z]+-{THIS_YEAR}-\d{{4}})", body)
    assert code, (username, body[:2000])
    db.session.expire_all()
    idea = db.session.scalar(sa.select(Idea).where(Idea.code == code.group(1)))
    assert idea.status == "submitted" and idea.unit.name == unit_name


def test_an_old_idea_being_edited_keeps_its_ended_unit_in_the_form(
    client, make_user, login, create_idea, unit_id
):
    owner = make_user("dung", unit="BK-BB-NM")
    idea = create_idea(owner, unit="BK-BB-NM")  # a 2021 draft in Xã Nam Mẫu
    login(owner)
    options, selected = unit_select(client.get(f"/y-tuong/{idea.id}/sua").get_data(as_text=True))
    assert selected == str(unit_id("BK-BB-NM"))
    assert dict(options)[selected] == "Xã Nam Mẫu — Huyện Ba Bể"
    assert str(unit_id("BK-BB-KN")) not in dict(options)  # other ended units are not offered
    assert str(unit_id("TN-XBB")) in dict(options)
    resp = client.submit(
        f"/y-tuong/{idea.id}/sua",
        {
            "title": idea.title,
            "summary": "Tóm tắt đã sửa.",
            "description": idea.description,
            "area": idea.area,
            "year": str(idea.year),
            "unit_id": selected,
            "authors-0-name": "Hoàng Thị Dung",
            "authors-0-unit": "",
            "authors-0-share": "100",
            "version": str(idea.version),
            "save": "1",
        },
        form_url=f"/y-tuong/{idea.id}/sua",
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]


def test_the_account_forms_offer_units_valid_today_and_keep_an_accounts_ended_unit(
    client, make_user, login, unit_id
):
    old = make_user("dung", unit="BK-BB-NM")
    login(make_user("quantri", roles=["admin"]))
    options, _ = unit_select(client.get("/quan-tri/nguoi-dung/moi").get_data(as_text=True))
    offered = dict(options)
    assert offered[str(unit_id("TN-HND"))] == "Hội Nông dân tỉnh Thái Nguyên"
    assert str(unit_id("BK-HND")) not in offered and str(unit_id("BK-BB-NM")) not in offered
    page = client.get(f"/quan-tri/nguoi-dung/{old.id}").get_data(as_text=True)
    options, selected = unit_select(page)
    assert selected == str(unit_id("BK-BB-NM")) and dict(options)[selected] == "Xã Nam Mẫu"
