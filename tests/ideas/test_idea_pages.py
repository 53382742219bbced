"""The idea pages, driven as a browser without JavaScript would: forms, buttons, redirects."""

import io

import pytest
import sqlalchemy as sa

from ideadb.ideas.models import Idea

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + b"\0" * 64


def form_data(unit_id, **overrides):
    data = {
        "title": "Bản đồ số điểm du lịch hồ Ba Bể",
        "summary": "Bản đồ trực tuyến các điểm homestay, bến thuyền, đường mòn quanh hồ.",
        "description": "Thu thập tọa độ, ảnh và giá dịch vụ; cập nhật qua điện thoại.",
        "novelty": "Lần đầu số hóa toàn bộ dịch vụ của xã.",
        "area": "san_xuat_kinh_doanh",
        "year": "2021",
        "unit_id": str(unit_id("BK-BB-NM")),
        "applied_from": "15/03/2021",
        "authors-0-name": "Hoàng Thị Dung",
        "authors-0-unit": "HTX Du lịch Nam Mẫu",
        "authors-0-share": "70",
        "authors-1-name": "Triệu Văn Páo",
        "authors-1-unit": "Thôn Pác Ngòi",
        "authors-1-share": "30",
        "field_of_application": "Du lịch cộng đồng",
        "application_conditions": "Điện thoại thông minh, sóng 3G.",
        "benefits": "Lượng khách đặt phòng trực tuyến tăng 35%.",
        "confidential_info": "Danh sách hộ chưa đăng ký kinh doanh",
        "publish_consent": "y",
        "save": "1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def citizen(make_user, login):
    user = make_user("dung", full_name="Hoàng Thị Dung", unit="BK-BB-NM", email="dung@example.vn")
    login(user)
    return user


def only_idea(db_session) -> Idea:
    return db_session.scalars(sa.select(Idea)).one()


def test_registration_form_has_its_sections_and_prefills_the_author(client, citizen):
    page = client.get("/y-tuong/dang-ky").get_data(as_text=True)
    for section in (
        "1. Ý tưởng, sáng kiến",
        "2. Tác giả, đồng tác giả",
        "3. Áp dụng và lợi ích",
        "4. Tệp đính kèm",
        "5. Đồng ý công khai",
    ):
        assert section in page
    assert 'value="Hoàng Thị Dung"' in page and 'name="add_author"' in page
    assert "<script>" not in page and 'style="' not in page


def test_citizen_saves_a_draft_with_two_authors_and_an_attachment(
    client, citizen, unit_id, db_session
):
    data = form_data(unit_id)
    data["files"] = (io.BytesIO(PNG), "ban-do.png")
    resp = client.submit("/y-tuong/dang-ky", data, form_url="/y-tuong/dang-ky")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    idea = only_idea(db_session)
    assert idea.status == "draft"
    assert [(a.name, a.share) for a in idea.authors] == [
        ("Hoàng Thị Dung", 70),
        ("Triệu Văn Páo", 30),
    ]
    assert idea.authors[0].user_id == citizen.id
    assert idea.applied_from.isoformat() == "2021-03-15"
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu bản nháp." in page and "ban-do.png" in page and "Bản nháp" in page


def test_add_author_button_works_without_javascript(client, citizen, unit_id, db_session):
    data = form_data(unit_id, add_author="1")
    data.pop("save")
    page = client.submit("/y-tuong/dang-ky", data).get_data(as_text=True)
    assert 'name="authors-2-name"' in page and 'value="Triệu Văn Páo"' in page
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 0
    data = form_data(unit_id, remove_author="0")
    data.pop("save")
    page = client.submit("/y-tuong/dang-ky", data).get_data(as_text=True)
    assert 'value="Hoàng Thị Dung"' not in page
    assert 'name="authors-0-name" type="text" value="Triệu Văn Páo"' in page


def test_shares_not_summing_to_100_are_shown_beside_the_authors(client, citizen, unit_id):
    data = form_data(unit_id, **{"authors-1-share": "20", "authors-0-name": ""})
    resp = client.submit("/y-tuong/dang-ky", data)
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "Tổng tỷ lệ đóng góp của các tác giả phải bằng 100%" in page
    assert "Vui lòng nhập họ tên tác giả." in page


def test_a_png_named_pdf_is_refused_beside_the_file_field(client, citizen, unit_id, db_session):
    data = form_data(unit_id)
    data["files"] = (io.BytesIO(PNG), "bao-cao.pdf")
    resp = client.submit("/y-tuong/dang-ky", data)
    assert resp.status_code == 422
    assert "bao-cao.pdf: Nội dung tệp là PNG" in resp.get_data(as_text=True)
    assert only_idea(db_session).live_attachments == []


def test_submit_then_officer_returns_then_citizen_fixes_and_officer_accepts(
    client, citizen, unit_id, make_user, login, db_session, app
):
    data = form_data(unit_id, submit_idea="1")
    data.pop("save")
    resp = client.submit("/y-tuong/dang-ky", data)
    assert resp.status_code == 302
    idea = only_idea(db_session)
    assert idea.status == "submitted" and idea.code == "BK-2021-0001"

    make_user("canbo", roles=["unit_officer"], unit="BK-BB", full_name="Đàm Văn Khánh")
    client.submit("/dang-xuat", form_url="/")
    login("canbo")
    assert idea.title in client.get("/y-tuong/don-vi").get_data(as_text=True)
    detail = f"/y-tuong/{idea.id}"
    assert "Sàng lọc hồ sơ" in client.get(detail).get_data(as_text=True)
    resp = client.submit(
        f"{detail}/sang-loc", {"decision": "needs_revision", "note": ""}, form_url=detail
    )
    assert resp.status_code == 422
    assert "Vui lòng ghi rõ nội dung cần bổ sung." in resp.get_data(as_text=True)
    note = "Bổ sung ảnh chụp bản đồ và số liệu khách."
    resp = client.submit(
        f"{detail}/sang-loc", {"decision": "needs_revision", "note": note}, form_url=detail
    )
    assert resp.status_code == 302

    client.submit("/dang-xuat", form_url="/")
    login("dung")
    notices = client.get("/thong-bao").get_data(as_text=True)
    assert note in notices
    edit = client.get(f"{detail}/sua").get_data(as_text=True)
    assert "Yêu cầu bổ sung của cán bộ đơn vị" in edit and note in edit
    data = form_data(unit_id, submit_idea="1", benefits="Khách tăng 35%, doanh thu tăng 20%.")
    data.pop("save")
    data["version"] = str(idea.version)
    resp = client.submit(f"{detail}/sua", data, form_url=f"{detail}/sua")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    db_session.expire_all()
    assert only_idea(db_session).status == "submitted"

    client.submit("/dang-xuat", form_url="/")
    login("canbo")
    resp = client.submit(
        f"{detail}/sang-loc", {"decision": "eligible", "note": ""}, form_url=detail
    )
    assert resp.status_code == 302
    page = client.get(detail).get_data(as_text=True)
    assert "Đủ điều kiện xét chọn" in page and "Yêu cầu bổ sung" in page  # in the history
    assert any("đủ điều kiện" in m["body"] for m in app.extensions["mail_outbox"])


def test_unit_officer_registers_on_behalf_of_a_person_without_account(
    client, make_user, login, unit_id, db_session
):
    officer = make_user("canbo", roles=["unit_officer"], unit="BK-BB", full_name="Đàm Văn Khánh")
    login(officer)
    page = client.get("/y-tuong/dang-ky").get_data(as_text=True)
    assert "Đăng ký thay cho người không có tài khoản" in page
    data = form_data(unit_id, **{"authors-0-name": "Lý Thị Mai", "authors-0-share": "100"})
    for key in ("authors-1-name", "authors-1-unit", "authors-1-share"):
        data.pop(key)
    assert client.submit("/y-tuong/dang-ky", data).status_code == 302
    idea = only_idea(db_session)
    assert idea.registrant_id == officer.id
    assert [(a.name, a.user_id) for a in idea.authors] == [("Lý Thị Mai", None)]
    assert idea.title in client.get("/y-tuong/cua-toi").get_data(as_text=True)


def test_my_ideas_list_filters_by_status(client, citizen, create_idea):
    create_idea(citizen, title="Hồ sơ nháp về chè Shan tuyết")
    create_idea(citizen, title="Hồ sơ đã nộp về cam Quân Chu", submit=True)
    create_idea(title="Hồ sơ của người khác")
    page = client.get("/y-tuong/cua-toi").get_data(as_text=True)
    assert "chè Shan tuyết" in page and "cam Quân Chu" in page and "người khác" not in page
    page = client.get("/y-tuong/cua-toi?status=submitted").get_data(as_text=True)
    assert "chè Shan tuyết" not in page and "cam Quân Chu" in page


def test_others_get_404_for_an_unpublished_idea_page(client, create_idea, make_user, login):
    idea = create_idea(submit=True)
    assert client.get(f"/y-tuong/{idea.id}").status_code == 404
    assert client.get(f"/sang-kien/{idea.id}").status_code == 404
    make_user("khac")
    login("khac")
    assert client.get(f"/y-tuong/{idea.id}").status_code == 404


def test_public_page_shows_the_initiative_and_never_confidential_fields(client, create_idea):
    idea = create_idea(
        status="recognized",
        confidential_info="Tỷ lệ phối trộn men bí mật",
        authors=[{"name": "Nông Văn Dền", "unit": "HTX Chợ Đồn", "share": 100}],
        unit="BK-BB-NM",
    )
    assert client.get(f"/y-tuong/{idea.id}").headers["Location"].endswith(f"/sang-kien/{idea.id}")
    page = client.get(f"/sang-kien/{idea.id}").get_data(as_text=True)
    assert idea.title in page and "Nông Văn Dền" in page and "Xã Nam Mẫu" in page
    assert "Sáng kiến được công nhận" in page and "cấp tỉnh" in page
    assert "men bí mật" not in page
    assert "Chưa có tổ chức nào đăng ký áp dụng." in page


def test_business_registers_interest_through_the_public_form(app, client, create_idea, db_session):
    from ideadb.ideas import service

    app.config["ADOPTION_MIN_SECONDS"] = 0
    idea = create_idea(status="recognized")
    url = f"/sang-kien/{idea.id}"
    data = {
        "organisation": "Công ty TNHH Chè Chợ Đồn",
        "contact_name": "Hà Văn Tùng",
        "email": "tung@chechodon.vn",
        "phone": "0209 3870 123",
        "message": "Muốn áp dụng cho vùng nguyên liệu 30 ha.",
    }
    page = client.get(url).get_data(as_text=True)
    import re

    started = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
    resp = client.submit(url, dict(data, started=started))
    assert resp.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Đã có 1 tổ chức, doanh nghiệp đăng ký áp dụng." in page
    assert service.interest_count(db_session, idea.id) == 1
    bot = client.submit(url, dict(data, started=started, website="x"))
    assert bot.status_code == 400
    no_stamp = client.submit(url, data)
    assert no_stamp.status_code == 400
    assert service.interest_count(db_session, idea.id) == 1


def test_owner_sees_interests_on_the_detail_page(client, citizen, create_idea, db_session):
    from ideadb.ideas import service

    idea = create_idea(citizen, status="recognized")
    service.add_adoption_interest(
        db_session,
        idea.id,
        {"organisation": "HTX Hồi Ngân Sơn", "contact_name": "Lục Thị Hạnh", "phone": "0912000111"},
    )
    page = client.get(f"/y-tuong/{idea.id}").get_data(as_text=True)
    assert "HTX Hồi Ngân Sơn" in page and "0912000111" in page


def test_attachments_download_with_their_name_only_for_those_who_may(
    client, citizen, create_idea, db_session, make_user, login
):
    from ideadb.ideas import service

    idea = create_idea(citizen)
    attachment = service.add_attachment(db_session, citizen, idea.id, "thuyết minh.png", PNG)
    resp = client.get(f"/tep/{attachment.id}")
    assert resp.status_code == 200 and resp.data == PNG
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    assert "thuy%E1%BA%BFt%20minh.png" in resp.headers["Content-Disposition"]
    resp.close()
    client.submit("/dang-xuat", form_url="/")
    make_user("khac")
    login("khac")
    assert client.get(f"/tep/{attachment.id}").status_code == 404


def test_notifications_open_marks_read_and_follows_the_link(
    client, citizen, create_idea, secretary, db_session
):
    from ideadb.accounts import notify
    from ideadb.ideas import service

    idea = create_idea(citizen, submit=True)
    service.screen_idea(db_session, secretary(), idea.id, "eligible")
    row = db_session.scalars(notify.list_notifications(db_session, citizen)).first()
    resp = client.submit(f"/thong-bao/{row.id}", form_url="/thong-bao")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/y-tuong/{idea.id}")
    assert notify.unread_count(db_session, citizen) == 0


def test_navigation_names_the_idea_pages(client, citizen):
    home = client.get("/").get_data(as_text=True)
    assert "Đăng ký ý tưởng" in home and "Ý tưởng của tôi" in home and "Thông báo" in home


def test_registration_form_is_translated_to_english(client, citizen):
    client.get("/lang/en")
    page = client.get("/y-tuong/dang-ky").get_data(as_text=True)
    assert "Authors and co-authors" in page and "(must be 100%)" in page
    assert "Contribution (%)" in page and "Save and submit" in page


def test_notifications_keep_their_page_as_an_endpoint_and_old_paths_still_open(
    client, citizen, create_idea, secretary, db_session
):
    from ideadb.accounts import notify
    from ideadb.accounts.models import Notification
    from ideadb.core.db import unit_of_work
    from ideadb.ideas import service

    idea = create_idea(citizen, submit=True)
    service.screen_idea(db_session, secretary(), idea.id, "eligible")
    row = db_session.scalars(notify.list_notifications(db_session, citizen)).first()
    assert (row.endpoint, row.endpoint_args) == ("ideas.detail", {"idea_id": idea.id})

    # Rows written before endpoints were kept hold a path: a page of the site still opens,
    # anything else (another site, a page that does not exist) leads back to the list.
    with unit_of_work(db_session):
        for link in (f"/y-tuong/{idea.id}", "//example.org/x", "https://example.org/", "/khong-co"):
            db_session.add(Notification(user_id=citizen.id, text="Cũ", link=link))
    old = db_session.scalars(notify.list_notifications(db_session, citizen)).all()[:4]
    targets = {}
    for n in old:
        resp = client.submit(f"/thong-bao/{n.id}", form_url="/thong-bao")
        assert resp.status_code == 302
        targets[n.link] = resp.headers["Location"]
    assert targets[f"/y-tuong/{idea.id}"].endswith(f"/y-tuong/{idea.id}")
    for link in ("//example.org/x", "https://example.org/", "/khong-co"):
        assert targets[link].endswith("/thong-bao"), (link, targets[link])
