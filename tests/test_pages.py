"""Site-wide page behaviour: Vietnamese by default, English switch, error pages, headers."""


def test_home_page_is_vietnamese_by_default(client):
    resp = client.get("/")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert '<html lang="vi">' in page and "Cơ sở dữ liệu ý tưởng, sáng kiến" in page


def test_language_switch_shows_english_and_back(client):
    client.get("/lang/en?next=/")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in" in page
    client.get("/lang/vi")
    assert "Đăng nhập" in client.get("/").get_data(as_text=True)


def test_language_switch_never_redirects_off_site(client):
    resp = client.get("/lang/en?next=//evil.example/")
    assert resp.headers["Location"] == "/"


def test_not_found_page_is_vietnamese(client):
    resp = client.get("/khong-co-trang-nay")
    assert resp.status_code == 404
    assert "Không tìm thấy" in resp.get_data(as_text=True)


def test_security_headers_on_every_page(client):
    resp = client.get("/")
    csp = resp.headers["Content-Security-Policy"]
    assert (
        "frame-ancestors 'none'" in csp
        and "script-src 'self'" in csp
        and "unsafe-inline" not in csp
    )
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_load_no_third_party_assets_and_no_inline_script(client):
    import re

    page = client.get("/dang-nhap").get_data(as_text=True)
    assert not re.search(r'(src|href)="https?://', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert "style=" not in page


def test_unexpected_errors_show_a_vietnamese_500_page_without_a_trace(app, client):
    @app.get("/_no")
    def boom():
        raise RuntimeError("secret detail")

    resp = client.get("/_no")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 500
    assert "Đã có lỗi xảy ra" in page and "secret detail" not in page and "Traceback" not in page


def test_signed_out_user_is_sent_to_sign_in_for_protected_pages(client):
    resp = client.get("/tai-khoan/mat-khau")
    assert resp.status_code == 302 and "/dang-nhap" in resp.headers["Location"]


def test_dates_and_numbers_are_formatted_the_vietnamese_way():
    from datetime import UTC, date, datetime

    from ideadb.core import fmt

    assert fmt.fmt_date(date(2021, 2, 3)) == "03/02/2021"
    # 20:30 UTC is already the next day in Hà Nội (UTC+7).
    assert fmt.fmt_datetime(datetime(2021, 2, 3, 20, 30, tzinfo=UTC)) == "04/02/2021 03:30"
    assert fmt.fmt_number(1200000) == "1.200.000"
    assert fmt.fmt_number(85.125, 2) == "85,13"
    assert fmt.fmt_money(1200000) == "1.200.000 đồng"
