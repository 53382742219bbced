"""The pages of central templates: the list of templates held, import by upload, issue a
template, the alignment report and the justified activation on a set's page."""

from __future__ import annotations

import copy
import io
import json

import pytest

from ideadb.criteria import guidelines, service
from ideadb.criteria.models import CriteriaSet
from ideadb.criteria.reference import DEFAULT_TEMPLATE_CODE
from ideadb.extensions import db


@pytest.fixture
def signed_in(client, secretary, login):
    service.load_reference_sets(db.session)
    login(secretary())
    return secretary()


def template_set():
    return db.session.query(CriteriaSet).filter_by(template_code=DEFAULT_TEMPLATE_CODE).one()


def upload(client, data: bytes, name: str = "huong-dan.json"):
    return client.submit(
        "/bo-tieu-chi/nhap",
        {"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_templates_page_lists_the_shipped_template_and_its_derived_sets(client, signed_in):
    t = template_set()
    derived = guidelines.derive(db.session, signed_in, t.id)
    page = client.get("/bo-tieu-chi/huong-dan").get_data(as_text=True)
    assert DEFAULT_TEMPLATE_CODE in page and t.name in page
    assert f"/bo-tieu-chi/{derived.id}" in page
    assert "Phù hợp hướng dẫn" in page


def test_upload_checks_the_file_and_names_the_field_in_vietnamese(client, signed_in, monkeypatch):
    page = upload(client, b"not json").get_data(as_text=True)
    assert "Tệp không phải JSON hợp lệ (UTF-8)." in page
    page = upload(client, json.dumps({"format": "khac/1", "set": {}}).encode()).get_data(
        as_text=True
    )
    assert "Tệp không phải tệp bộ tiêu chí của ideadb." in page and "<code>format</code>" in page
    # The limit is lowered so that the test client keeps the body in memory.
    monkeypatch.setattr("ideadb.criteria.views.MAX_FILE_BYTES", 1000)
    page = upload(client, b"{" + b" " * 1000 + b"}").get_data(as_text=True)
    assert "Tệp lớn quá 1 MB." in page
    monkeypatch.undo()
    exported = guidelines.export_body(template_set())
    page = upload(client, json.dumps(exported).encode()).get_data(as_text=True)
    assert "đã có ở đây" in page  # the same code and version: refused


def test_upload_of_a_new_template_version_then_derive_shows_the_newer_version(client, signed_in):
    first = template_set()
    derived = guidelines.derive(db.session, signed_in, first.id)
    newer = copy.deepcopy(guidelines.export_body(first))
    newer["set"]["template"]["version"] = 2
    newer["set"]["criteria"][0]["weight"] = 40
    resp = upload(client, json.dumps(newer, ensure_ascii=False).encode())
    assert resp.status_code == 302
    imported = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Hướng dẫn DKST-MAU v2" in imported
    page = client.get(f"/bo-tieu-chi/{derived.id}").get_data(as_text=True)
    assert "Đã có phiên bản mới của hướng dẫn" in page
    assert 'id="newer-differences"' in page and "TINH_MOI" in page


def test_justified_activation_from_the_page(client, signed_in):
    derived = guidelines.derive(db.session, signed_in, template_set().id)
    body = service.snapshot(derived)
    body["criteria"][3]["weight"] = 30  # outside 5–25
    service.update_draft(db.session, signed_in, derived.id, {"criteria": body["criteria"]})
    page = client.get(f"/bo-tieu-chi/{derived.id}").get_data(as_text=True)
    assert "Khác hướng dẫn (chưa có giải trình)" in page
    assert "trọng số TINH_KINH_TE: 15 → 30 (cho phép 5–25)" in page
    refused = client.submit(f"/bo-tieu-chi/{derived.id}/kich-hoat", {}, follow_redirects=True)
    assert "Hãy ghi giải trình" in refused.get_data(as_text=True)
    assert db.session.get(CriteriaSet, derived.id).status == "draft"
    done = client.submit(
        f"/bo-tieu-chi/{derived.id}/kich-hoat",
        {"justification": "Ưu tiên tiết kiệm chi phí."},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Khác hướng dẫn (có giải trình)" in done and "Ưu tiên tiết kiệm chi phí." in done


def test_issue_a_template_with_default_ranges_and_download_it(client, signed_in):
    created = service.create_set(
        db.session,
        signed_in,
        {
            "name": "Bộ tiêu chí cấp tỉnh",
            "criteria": [
                {"code": "TINH_MOI", "name": "Tính mới", "max_points": 50, "weight": 50},
                {"code": "HIEU_QUA", "name": "Hiệu quả", "max_points": 50, "weight": 50},
            ],
            "recognition_levels": [{"code": "DAT", "name": "Đạt", "min_score": 50}],
        },
    )
    service.activate(db.session, signed_in, created.id)
    url = f"/bo-tieu-chi/{created.id}/ban-hanh"
    form = client.get(url).get_data(as_text=True)
    assert 'name="wmin-TINH_MOI" id="wmin-TINH_MOI" value="40"' in form
    data = {
        "issuer": "Ủy ban MTTQ tỉnh",
        "code": "HD-TINH",
        "version": "1",
        "req-TINH_MOI": "1",
        "wmin-TINH_MOI": "40",
        "wmax-TINH_MOI": "60",
        "wmin-HIEU_QUA": "30",
        "wmax-HIEU_QUA": "20",
        "smin-DAT": "40",
        "smax-DAT": "60",
    }
    bad = client.submit(url, data).get_data(as_text=True)
    assert "Cận dưới lớn hơn cận trên." in bad
    data["wmax-HIEU_QUA"] = "70"
    assert client.submit(url, data).status_code == 302
    file = client.get(f"/bo-tieu-chi/{created.id}/xuat")
    assert "huong-dan-hd-tinh-v1.json" in file.headers["Content-Disposition"]
    template = json.loads(file.data)["set"]["template"]
    assert template == {
        "issuer": "Ủy ban MTTQ tỉnh",
        "code": "HD-TINH",
        "version": 1,
        "constraints": {
            "required": ["TINH_MOI"],
            "weights": {"TINH_MOI": {"min": 40, "max": 60}, "HIEU_QUA": {"min": 30, "max": 70}},
            "min_score": {"DAT": {"min": 40, "max": 60}},
        },
    }
