"""The secretary's criteria pages without JavaScript: editor rows, errors, preview, versions."""

from __future__ import annotations

import re

import pytest

from ideadb.criteria import service
from ideadb.criteria.reference import DEFAULT_SET
from ideadb.extensions import db

NEW = "/bo-tieu-chi/moi"


@pytest.fixture
def secretary(make_user, login):
    user = make_user("thuky", roles=["secretary"], full_name="Nông Thị Hoa")
    login("thuky")
    return user


def text(resp) -> str:
    return resp.get_data(as_text=True)


def field_names(html: str) -> list[str]:
    return re.findall(r'name="(criteria-[^"]+|recognition_levels-[^"]+)"', html)


ONE_ROW = {
    "name": "Bộ tiêu chí thử",
    "basis": "Kế hoạch 139/KH-MTTQ-BTT",
    "criteria-0-code": "tinh_moi",
    "criteria-0-name": "Tính mới",
    "criteria-0-max_points": "30",
    "criteria-0-weight": "30",
}


def test_the_nav_shows_criteria_sets_to_the_secretary(client, secretary):
    home = text(client.get("/"))
    assert 'href="/bo-tieu-chi/"' in home and "Bộ tiêu chí" in home


def test_rows_are_added_moved_and_removed_with_buttons(client, secretary):
    page = text(client.get(NEW))
    assert "criteria-0-code" in page and "criteria-1-code" not in page
    resp = client.submit(NEW, {**ONE_ROW, "action": "add-criterion"})
    page = text(resp)
    assert resp.status_code == 200
    assert 'value="TINH_MOI"' in page and "criteria-1-code" in page
    resp = client.submit(
        NEW,
        {
            **ONE_ROW,
            "criteria-1-code": "HIEU_QUA",
            "criteria-1-name": "Hiệu quả",
            "action": "up-criterion-1",
        },
    )
    page = text(resp)
    assert page.index('value="HIEU_QUA"') < page.index('value="TINH_MOI"')
    resp = client.submit(NEW, {**ONE_ROW, "action": "add-band-0"})
    assert "criteria-0-levels-0-min" in text(resp)
    resp = client.submit(
        NEW,
        {**ONE_ROW, "criteria-0-levels-0-min": "27", "criteria-0-levels-0-max": "30",
         "criteria-0-levels-0-label": "hoàn toàn mới", "action": "remove-band-0-0"},
    )  # fmt: skip
    assert "criteria-0-levels-0-min" not in text(resp)
    resp = client.submit(NEW, {**ONE_ROW, "action": "add-level"})
    assert "recognition_levels-0-min_score" in text(resp)
    resp = client.submit(NEW, {**ONE_ROW, "action": "remove-criterion-0"})
    assert "criteria-0-code" not in text(resp)
    # Nothing was saved by any of these.
    assert db.session.scalar(db.select(db.func.count()).select_from(service.CriteriaSet)) == 0


def test_saving_creates_a_draft_and_shows_it(client, secretary):
    data = {
        **ONE_ROW,
        "criteria-0-levels-0-min": "27",
        "criteria-0-levels-0-max": "30",
        "criteria-0-levels-0-label": "hoàn toàn mới",
        "criteria-0-levels-0-guidance": "Chưa từng áp dụng",
        "criteria-1-code": "HIEU_QUA",
        "criteria-1-name": "Hiệu quả kinh tế - xã hội",
        "criteria-1-max_points": "70",
        "criteria-1-weight": "70",
        "criteria-1-min_points": "10,5",
        "recognition_levels-0-code": "DAT",
        "recognition_levels-0-name": "Đạt",
        "recognition_levels-0-min_score": "50",
        "action": "save",
    }
    resp = client.submit(NEW, data)
    assert resp.status_code == 302
    page = text(client.get(resp.headers["Location"]))
    assert "Bộ tiêu chí thử" in page and "Bản nháp" in page
    assert "TINH_MOI" in page and "27–30: hoàn toàn mới" in page
    assert "10,5" in page
    assert 'id="set-total-weight">100<' in page
    assert "Chưa có đợt xét chọn nào dùng phiên bản này." in page


def test_errors_are_shown_beside_the_fields_and_nothing_is_saved(client, secretary):
    data = {
        **ONE_ROW,
        "criteria-0-weight": "0",
        "criteria-0-levels-0-min": "27",
        "criteria-0-levels-0-max": "31",
        "criteria-0-levels-0-label": "quá",
        "action": "save",
    }
    resp = client.submit(NEW, data)
    page = text(resp)
    assert resp.status_code == 200
    assert 'id="form-errors"' in page
    assert "Trọng số phải lớn hơn 0." in page
    weight_input = re.search(r'<input[^>]*id="criteria-0-weight"[^>]*>', page).group(0)
    assert (
        "is-invalid" in weight_input
        and 'aria-describedby="criteria-0-weight-error"' in weight_input
    )
    # The summary at the top links to the field.
    assert (
        '<a href="#criteria-0-weight">Tiêu chí 1 · Trọng số</a>: Trọng số phải lớn hơn 0.' in page
    )
    assert "vượt quá điểm tối đa 30" in page
    # What was typed is kept.
    assert 'value="31"' in page
    assert db.session.scalar(db.select(db.func.count()).select_from(service.CriteriaSet)) == 0


def test_the_weight_total_is_shown_without_javascript(client, secretary):
    resp = client.submit(
        NEW, {**ONE_ROW, "criteria-1-weight": "12,5", "criteria-1-code": "B", "action": "add-level"}
    )
    assert re.search(r'id="weight-total"[^>]*>42,5<', text(resp))


def create_default(secretary_user):
    return service.create_set(db.session, secretary_user, DEFAULT_SET)


def test_a_draft_is_edited_then_activated(client, secretary):
    created = create_default(secretary)
    edit = f"/bo-tieu-chi/{created.id}/sua"
    page = text(client.get(edit))
    assert 'value="TINH_MOI"' in page and 'value="Hoàn toàn mới"' in page
    names = field_names(page)
    data = {name: "" for name in names}
    for match in re.finditer(r'name="([^"]+)"[^>]*value="([^"]*)"', page):
        data[match.group(1)] = match.group(2).replace("&#34;", '"')
    for match in re.finditer(r'name="([^"]+)"[^>]*>([^<]*)</textarea>', page):
        data[match.group(1)] = match.group(2)
    data.pop("csrf_token", None)
    data["name"] = "Bộ tiêu chí 2021 (sửa)"
    data["action"] = "save"
    resp = client.submit(edit, data)
    assert resp.status_code == 302, text(resp)[:2000]
    assert service.get_set(db.session, created.id).name == "Bộ tiêu chí 2021 (sửa)"
    assert len(service.get_set(db.session, created.id).criteria[0].bands) == 5
    resp = client.submit(
        f"/bo-tieu-chi/{created.id}/kich-hoat", form_url=f"/bo-tieu-chi/{created.id}"
    )
    assert resp.status_code == 302
    page = text(client.get(f"/bo-tieu-chi/{created.id}"))
    assert "Đang áp dụng" in page and 'id="edit-set"' not in page
    # An active version is not edited in place.
    assert client.get(edit).status_code == 302


def test_revising_opens_the_editor_of_a_new_version(client, secretary):
    created = create_default(secretary)
    service.activate(db.session, secretary, created.id)
    resp = client.submit(
        f"/bo-tieu-chi/{created.id}/phien-ban-moi", form_url=f"/bo-tieu-chi/{created.id}"
    )
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith("/sua")
    page = text(client.get(resp.headers["Location"]))
    assert "Sửa bản nháp phiên bản 2" in page
    show = text(client.get(f"/bo-tieu-chi/{created.id}"))
    assert "Phiên bản 2" in show and "Phiên bản 1" in show


def test_a_frozen_version_is_read_only(client, secretary):
    created = create_default(secretary)
    service.freeze(db.session, created.id)
    page = text(client.get(f"/bo-tieu-chi/{created.id}"))
    assert 'id="set-frozen"' in page
    assert 'id="edit-set"' not in page and 'id="retire-set"' not in page
    resp = client.get(f"/bo-tieu-chi/{created.id}/sua", follow_redirects=True)
    assert "hãy tạo phiên bản mới" in text(resp)
    resp = client.submit(
        f"/bo-tieu-chi/{created.id}/ngung",
        form_url=f"/bo-tieu-chi/{created.id}",
        follow_redirects=True,
    )
    assert "không thể sửa hay xóa" in text(resp)
    assert service.get_set(db.session, created.id).status == "draft"


def test_the_preview_totals_trial_points_on_the_server(client, secretary):
    created = create_default(secretary)
    url = f"/bo-tieu-chi/{created.id}/phieu-cham"
    page = text(client.get(url))
    assert "Tối đa 30 điểm" in page and "Hoàn toàn mới" in page
    assert 'id="sheet-total"' in page
    page = text(
        client.get(
            url,
            query_string={
                "diem-TINH_MOI": "27",
                "diem-KHA_NANG_AP_DUNG": "20,5",
                "diem-HIEU_QUA": "25",
            },
        )
    )
    assert re.search(r'id="sheet-total"[^>]*>72,50<', page)
    page = text(client.get(url, query_string={"diem-TINH_MOI": "31"}))
    assert "vượt quá điểm tối đa 30" in page
    assert re.search(r'id="sheet-total"[^>]*>—<', page)


def test_only_secretaries_and_admins_open_the_pages(client, make_user, login):
    make_user("hoidong", roles=["reviewer"])
    login("hoidong")
    assert client.get("/bo-tieu-chi/").status_code == 403
    assert client.get(NEW).status_code == 403
    assert "Bộ tiêu chí" not in text(client.get("/"))


def test_anonymous_visitors_are_sent_to_sign_in(client):
    resp = client.get("/bo-tieu-chi/")
    assert resp.status_code == 302 and "/dang-nhap" in resp.headers["Location"]


def test_the_list_shows_versions_and_status(client, secretary):
    created = create_default(secretary)
    service.activate(db.session, secretary, created.id)
    service.revise(db.session, secretary, created.id)
    page = text(client.get("/bo-tieu-chi/"))
    assert page.count(DEFAULT_SET["name"]) == 2
    assert "Đang áp dụng" in page and "Bản nháp" in page
    drafts = text(client.get("/bo-tieu-chi/?status=draft"))
    assert drafts.count(DEFAULT_SET["name"]) == 1


def test_the_pages_have_an_english_translation(client, secretary):
    created = create_default(secretary)
    client.get("/lang/en")
    page = text(client.get(f"/bo-tieu-chi/{created.id}"))
    assert "Put in force" in page and "Where used" in page and "Draft" in page
    assert "Criteria sets" in text(client.get("/bo-tieu-chi/"))


def test_the_auditor_reads_a_set_without_any_control_to_change_it(client, make_user, login):
    from ideadb.core.permissions import SYSTEM

    draft = service.create_set(db.session(), SYSTEM, DEFAULT_SET)
    make_user("kiemtra", roles=["auditor"], full_name="Kiểm tra viên")
    login("kiemtra")
    listing = text(client.get("/bo-tieu-chi/"))
    assert DEFAULT_SET["name"] in listing and 'id="new-set"' not in listing
    page = client.get(f"/bo-tieu-chi/{draft.id}")
    assert page.status_code == 200
    html = text(page)
    assert 'id="preview-set"' in html
    for control in ("edit-set", "activate-set", "revise-set", "retire-set"):
        assert f'id="{control}"' not in html, control
    # The secretary, on the same draft, has them.
    client.submit("/dang-xuat", form_url="/")
    make_user("thuky", roles=["secretary"])
    login("thuky")
    html = text(client.get(f"/bo-tieu-chi/{draft.id}"))
    for control in ("edit-set", "activate-set", "revise-set", "retire-set"):
        assert f'id="{control}"' in html, control
