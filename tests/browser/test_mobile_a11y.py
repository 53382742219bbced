"""In Chromium, every role's pages at 360 and 1280 px: nothing scrolls sideways, axe-core finds
no serious or critical violation, the menu works without JavaScript, a failed submit lands on an
error summary at the top, and nothing typed is lost (too-fast check, expired CSRF token, signed
out in another tab). One live server with the demo data serves the whole module."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.conftest import LiveServer, _free_port, make_test_app

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
ROLES = ["nguoidan", "canbo.babe", "hoidong1", "thuky", "chutich", "quantri"]
WIDTHS = (360, 1280)
# Third-party widget audited by its own project, not by us (see the accessibility statement).
AXE_EXCLUDE = ["#swagger-ui"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The application with the demo data (accounts of every role, sample ideas)."""
    from werkzeug.serving import make_server

    from ideadb.demo import load_demo
    from ideadb.extensions import db

    app = make_test_app(tmp_path_factory.mktemp("mobile"), "sqlite", RATELIMIT_ENABLED=False)
    with app.app_context():
        made = load_demo(db.session, ideas=24, instance_dir=app.config["INSTANCE_DIR"])
        db.session.remove()
    passwords = {a.username: a.password for a in made}
    server = make_server("127.0.0.1", _free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    live = LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    live.passwords = passwords
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="module")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def _context(browser, *, js: bool = True, width: int = 1280):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="vi-VN", java_script_enabled=js
    )
    context.set_default_timeout(15000)
    return context


def sign_in(page, site, username: str) -> None:
    page.goto(site("/dang-nhap"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(site.passwords[username])
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#nav-account")).to_be_attached()


def no_sideways_scroll(page) -> None:
    sizes = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth, location.pathname]"
    )
    assert sizes[0] <= sizes[1], f"{sizes[2]} scrolls sideways: {sizes[0]} > {sizes[1]}"


def axe_serious(page, source: str) -> list[str]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(source)
    found = page.evaluate(
        """async (exclude) => {
            const r = await axe.run({exclude: exclude.map(s => [s])}, {resultTypes: ['violations']});
            return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }""",
        [s for s in AXE_EXCLUDE if page.locator(s).count()],
    )
    return found


def _links(page) -> list[str]:
    """Same-site pages this person can reach from here: the menu, the footer, the first items."""
    hrefs = page.evaluate(
        """() => {
            const pick = [...document.querySelectorAll('#nav-links a, .nav-account a, footer a')];
            const main = [...document.querySelectorAll('main a[href]')].slice(0, 40);
            return pick.concat(main).map(a => a.getAttribute('href'));
        }"""
    )
    out = []
    for href in hrefs:
        if not href or href.startswith(("#", "http", "mailto:")) or "/lang/" in href:
            continue
        path = urlsplit(href).path
        skip = ("/tep/", "/xuat", "/tai-ve", ".xlsx", ".docx", ".csv", ".json", "/api/")
        if any(s in path for s in skip):
            continue
        out.append(href)
    return out


def _pages_of(page, site, start: str = "/", limit: int = 18) -> list[str]:
    """Menu pages, then one detail page linked from each list (ideas, rounds, users...)."""
    page.goto(site(start))
    first = list(dict.fromkeys(_links(page)))
    seen = list(first)
    for href in first:
        if len(seen) >= limit:
            break
        page.goto(site(href))
        for more in _links(page):
            if more not in seen and urlsplit(more).path != urlsplit(href).path:
                seen.append(more)
                break
    return seen[:limit]


def _audit(page, site, paths, axe_source, problems: list[str]) -> None:
    for path in paths:
        page.set_viewport_size({"width": 1280, "height": 900})
        response = page.goto(site(path))
        if response is None or response.status >= 400:
            continue  # a link into something this role may not open: not a page to audit
        for v in axe_serious(page, axe_source):
            problems.append(f"{path}: {v}")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if sizes[0] > sizes[1]:
                problems.append(f"{path} at {width} px scrolls sideways ({sizes[0]} px)")


def test_visitor_pages_fit_360_px_and_pass_axe(_browser, site, axe_source):
    context = _context(_browser)
    page = context.new_page()
    paths = [*_pages_of(page, site, "/tra-cuu"), "/", "/dang-nhap", "/dang-ky-tai-khoan"]
    paths += ["/kha-nang-tiep-can", "/tai-lieu-api"]
    problems: list[str] = []
    _audit(page, site, list(dict.fromkeys(paths)), axe_source, problems)
    context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("username", ROLES)
def test_each_role_pages_fit_360_px_and_pass_axe(_browser, site, axe_source, username):
    context = _context(_browser)
    page = context.new_page()
    sign_in(page, site, username)
    paths = _pages_of(page, site)
    assert len(paths) >= 4
    problems: list[str] = []
    _audit(page, site, paths, axe_source, problems)
    context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("username", [None, "nguoidan"])
def test_menu_works_without_javascript_at_360_px(_browser, site, username):
    context = _context(_browser, js=False, width=360)
    page = context.new_page()
    if username:
        sign_in(page, site, username)
    page.goto(site("/"))
    link = page.locator("#nav-links").get_by_role("link", name="Thống kê")
    expect(link).to_be_hidden()
    page.locator("#nav-toggle").click()
    expect(link).to_be_visible()
    no_sideways_scroll(page)
    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thống kê")
    no_sideways_scroll(page)
    page.goto(site("/tra-cuu"))
    # The catalogue's filters sit above the results, folded.
    facets, results = page.locator("#facets"), page.locator("#results")
    assert facets.bounding_box()["y"] < results.bounding_box()["y"]
    expect(page.locator("#facet-area")).to_be_hidden()
    page.get_by_text("Bộ lọc", exact=True).click()
    expect(page.locator("#facet-area")).to_be_visible()
    no_sideways_scroll(page)
    context.close()

    wide = _context(_browser, js=False, width=1280)
    page = wide.new_page()
    page.goto(site("/"))
    expect(page.locator("#nav-toggle")).to_be_hidden()
    expect(page.locator("#nav-links").get_by_role("link", name="Thống kê")).to_be_visible()
    wide.close()


def test_failed_submit_lands_on_error_summary_at_top(_browser, site):
    context = _context(_browser, width=360)
    page = context.new_page()
    sign_in(page, site, "nguoidan")
    page.goto(site("/y-tuong/dang-ky"))
    page.locator("#submit-idea").click()
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    link = summary.get_by_role("link", name="Tên ý tưởng, sáng kiến")
    link.click()
    expect(page.locator("#title")).to_be_in_viewport()
    no_sideways_scroll(page)
    context.close()


def test_too_fast_adoption_form_keeps_what_was_typed(_browser, site):
    context = _context(_browser, js=False, width=360)
    page = context.new_page()
    page.goto(site("/tra-cuu"))
    page.locator("#results a").first.click()
    page.get_by_label("Tổ chức, doanh nghiệp").fill("HTX Chè Shan tuyết Bằng Phúc")
    page.get_by_label("Người liên hệ").fill("Ma Thị Én")
    page.get_by_label("Thư điện tử").fill("en@example.vn")
    page.get_by_label("Nội dung").fill("Chúng tôi muốn áp dụng cho 20 hộ.")
    page.locator("form[action*='sang-kien'] button[type=submit]").click()
    expect(page.locator("#form-errors")).to_contain_text("Bạn gửi quá nhanh")
    expect(page.locator("#form-errors")).to_be_in_viewport()
    expect(page.get_by_label("Tổ chức, doanh nghiệp")).to_have_value("HTX Chè Shan tuyết Bằng Phúc")
    expect(page.get_by_label("Nội dung")).to_have_value("Chúng tôi muốn áp dụng cho 20 hộ.")
    site.app.config["ADOPTION_MIN_SECONDS"] = 0
    try:
        page.locator("form[action*='sang-kien'] button[type=submit]").click()
        expect(page.get_by_text("Cảm ơn! Đăng ký áp dụng đã được gửi")).to_be_visible()
    finally:
        site.app.config.pop("ADOPTION_MIN_SECONDS")
    context.close()


def test_expired_csrf_token_keeps_the_draft(_browser, site):
    context = _context(_browser)
    page = context.new_page()
    sign_in(page, site, "nguoidan")
    page.goto(site("/y-tuong/dang-ky"))
    page.get_by_label("Tên ý tưởng, sáng kiến").fill("Máy tách hạt dổi bằng sức nước")
    page.get_by_label("Tóm tắt").fill("Tiết kiệm 3 ngày công mỗi vụ.")
    page.evaluate("document.querySelector('#idea-form [name=csrf_token]').value = 'het-han'")
    page.locator("#submit-idea").click()
    expect(page.get_by_text("Phiên làm việc đã hết hạn nên biểu mẫu chưa được gửi")).to_be_visible()
    expect(page.get_by_label("Tên ý tưởng, sáng kiến")).to_have_value(
        "Máy tách hạt dổi bằng sức nước"
    )
    expect(page.get_by_label("Tóm tắt")).to_have_value("Tiết kiệm 3 ngày công mỗi vụ.")
    # Shown once: the next visit starts from an empty form again.
    page.goto(site("/y-tuong/dang-ky"))
    expect(page.get_by_label("Tên ý tưởng, sáng kiến")).to_have_value("")
    context.close()


def test_signed_out_in_another_tab_keeps_the_draft_through_sign_in(_browser, site):
    context = _context(_browser)
    page = context.new_page()
    sign_in(page, site, "nguoidan")
    page.goto(site("/y-tuong/dang-ky"))
    page.get_by_label("Tên ý tưởng, sáng kiến").fill("Bếp đun cải tiến tiết kiệm củi")
    other = context.new_page()
    other.goto(site("/"))
    other.locator("#sign-out").click(force=True)
    expect(other.get_by_text("Bạn đã đăng xuất.")).to_be_visible()
    other.close()
    page.locator("#submit-idea").click()
    expect(
        page.get_by_text("Vui lòng đăng nhập lại: nội dung bạn đã nhập được giữ lại.")
    ).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill("nguoidan")
    page.get_by_label("Mật khẩu").fill(site.passwords["nguoidan"])
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_label("Tên ý tưởng, sáng kiến")).to_have_value(
        "Bếp đun cải tiến tiết kiệm củi"
    )
    expect(page.get_by_text("Nội dung bạn đã nhập trước đó đã được khôi phục.")).to_be_visible()
    context.close()


@pytest.fixture(scope="module")
def draft_round(site):
    """A round being set up by the secretary, the chair named, eligible demo ideas waiting."""
    import sqlalchemy as sa

    from ideadb.accounts.models import User
    from ideadb.criteria import reference
    from ideadb.criteria.models import CriteriaSet
    from ideadb.extensions import db
    from ideadb.reviews import rounds

    with site.app.app_context():
        users = {u.username: u for u in db.session.scalars(sa.select(User))}
        set_id = db.session.scalar(
            sa.select(CriteriaSet.id).where(
                CriteriaSet.reference_code == reference.REFERENCE_SETS[0][0]
            )
        )
        rnd = rounds.create_round(
            db.session,
            users["thuky"],
            {
                "name": "Đợt xét chọn thử trên điện thoại",
                "year": 2026,
                "level": "tinh",
                "criteria_set_id": set_id,
                "reviewers_per_idea": 2,
                "aggregation": "mean",
                "blind": False,
                "disagreement_threshold": 20,
                "chair_id": users["chutich"].id,
            },
        )
        round_id = rnd.id
        db.session.remove()
    return round_id


def test_secretary_filters_and_selects_ideas_for_a_round_at_360_px(
    _browser, site, axe_source, draft_round
):
    context = _context(_browser, width=360)
    page = context.new_page()
    sign_in(page, site, "thuky")
    page.goto(site(f"/dot-xet-chon/{draft_round}"))
    expect(page.locator("#round-panel")).to_contain_text("Lục Văn Thành")  # the chair
    items = page.locator("#add-ideas [data-pick-item]")
    total = items.count()
    assert total >= 1
    first_label = items.first.inner_text().split("—", 1)[-1].strip()
    word = first_label.split()[0]
    page.get_by_label("Lọc theo tên hoặc mã").fill(word)
    shown = page.locator("#add-ideas [data-pick-item]:visible")
    assert 1 <= shown.count() <= total
    page.get_by_label("Chọn tất cả ý tưởng đang hiện").check()
    picked = shown.count()
    expect(page.locator("[data-pick-count]")).to_have_text(f"Đã chọn {picked} ý tưởng")
    no_sideways_scroll(page)
    assert axe_serious(page, axe_source) == []
    page.get_by_role("button", name="Thêm ý tưởng đã chọn").click()
    expect(page.get_by_text("Đã thêm ý tưởng vào đợt.")).to_be_visible()
    expect(page.locator("#round-ideas li")).to_have_count(picked)
    no_sideways_scroll(page)
    page.goto(site(f"/dot-xet-chon/{draft_round}/phan-cong"))
    no_sideways_scroll(page)
    assert axe_serious(page, axe_source) == []
    context.close()


def test_bulk_submit_page_at_360_px(_browser, site, axe_source):
    context = _context(_browser, width=360)
    page = context.new_page()
    sign_in(page, site, "canbo.babe")
    page.goto(site("/y-tuong/nhap-tu-tep"))
    page.locator("#bulk-submit-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nộp hàng loạt hồ sơ nháp")
    no_sideways_scroll(page)
    assert axe_serious(page, axe_source) == []
    context.close()
