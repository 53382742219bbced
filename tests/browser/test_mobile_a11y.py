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
    expect(page.locator("#nav-account")).to_be_visible()


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
