"""Nothing typed is lost: the too-fast check, an expired CSRF token and a session signed out in
another tab all bring the person back to the form with what they typed (SQLite and PostgreSQL)."""

import re

from tests.conftest import PASSWORD


def _started(page: str) -> str:
    return re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)


def test_too_fast_adoption_form_comes_back_filled_in(app, client, create_idea, db_session):
    from ideadb.ideas import service

    idea = create_idea(status="recognized")
    url = f"/sang-kien/{idea.id}"
    started = _started(client.get(url).get_data(as_text=True))
    data = {"organisation": "HTX Miến dong Côn Minh", "contact_name": "Triệu Văn Nhất"}
    resp = client.submit(url, dict(data, started=started))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Bạn gửi quá nhanh" in page and 'id="form-errors"' in page
    assert 'value="HTX Miến dong Côn Minh"' in page and 'value="Triệu Văn Nhất"' in page
    assert service.interest_count(db_session, idea.id) == 0
    # A forged stamp or a filled honeypot is still refused outright.
    assert client.submit(url, dict(data, started="forged")).status_code == 400


def test_expired_csrf_token_brings_back_the_typed_draft(client, make_user, login):
    make_user("tacgia")
    login("tacgia")
    data = {"title": "Lò sấy măng bằng trấu", "summary": "Giảm 40% củi đốt.", "save": "1"}
    resp = client.post("/y-tuong/dang-ky", data=dict(data, csrf_token="het-han"))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/y-tuong/dang-ky")
    page = client.get("/y-tuong/dang-ky").get_data(as_text=True)
    assert "Phiên làm việc đã hết hạn nên biểu mẫu chưa được gửi" in page
    assert 'value="Lò sấy măng bằng trấu"' in page and "Giảm 40% củi đốt." in page
    # Restored once only.
    again = client.get("/y-tuong/dang-ky").get_data(as_text=True)
    assert "Lò sấy măng bằng trấu" not in again


def test_signed_out_elsewhere_keeps_the_draft_through_sign_in(client, make_user, login):
    make_user("tacgia2")
    login("tacgia2")
    token = client.csrf_token("/y-tuong/dang-ky")
    client.post("/dang-xuat", data={"csrf_token": token})  # the other tab
    resp = client.post(
        "/y-tuong/dang-ky",
        data={"csrf_token": token, "title": "Cối giã gạo chạy nước", "save": "1"},
    )
    assert resp.status_code == 302 and "/dang-nhap" in resp.headers["Location"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Vui lòng đăng nhập lại: nội dung bạn đã nhập được giữ lại." in page
    signed_in = client.submit(
        resp.headers["Location"], {"username": "tacgia2", "password": PASSWORD}
    )
    assert signed_in.headers["Location"].endswith("/y-tuong/dang-ky")
    page = client.get("/y-tuong/dang-ky").get_data(as_text=True)
    assert 'value="Cối giã gạo chạy nước"' in page
    assert "Nội dung bạn đã nhập trước đó đã được khôi phục." in page


def test_api_keeps_its_json_errors(client):
    resp = client.get("/api/v1/y-tuong/cua-toi")
    assert resp.status_code in (401, 404)
    assert resp.is_json


def test_accessibility_and_api_reference_pages(client):
    page = client.get("/kha-nang-tiep-can").get_data(as_text=True)
    assert "Tuyên bố về khả năng tiếp cận" in page and "WCAG" in page
    home = client.get("/").get_data(as_text=True)
    assert 'href="/kha-nang-tiep-can"' in home and 'href="/tai-lieu-api"' in home
    docs = client.get("/tai-lieu-api").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    assert 'data-spec-url="/api/v1/openapi.json"' in docs
    asset = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert asset.status_code == 200 and b"SwaggerUIBundle" in asset.data
    asset.close()
    client.get("/lang/en")
    assert "Accessibility statement" in client.get("/kha-nang-tiep-can").get_data(as_text=True)
