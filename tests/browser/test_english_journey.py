"""In Chromium, in English: a citizen signs in, registers an idea (a first try without a
summary is refused with an English error), submits it and finds it among her ideas. Every page
is read at 1280 and 360 px: no sideways scroll, no Vietnamese text but user data."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ideadb.accounts import service as accounts
from ideadb.core.permissions import SYSTEM
from ideadb.extensions import db
from ideadb.units.models import Unit
from tests.conftest import PASSWORD
from tests.english import report, untranslated, user_data

pytestmark = pytest.mark.browser

TITLE = "Sổ tay điện tử tra cứu thủ tục một cửa cấp xã"


def check(page, live_server, where: str) -> None:
    """The page in English at both widths: nothing scrolls sideways, nothing untranslated."""
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.lang") == "en", where
    with live_server.app.app_context():
        data = user_data(db.session)
        db.session.remove()
    found = untranslated(page.content(), data)
    assert not found, f"{where} ({page.url}): " + " | ".join(report(f, data) for f in found)
    size = page.viewport_size
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        wide = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth, document.body.scrollWidth]"
        )
        assert wide[0] <= wide[1] and wide[2] <= wide[1], (where, width, wide)
    page.set_viewport_size(size)


def test_citizen_registers_and_submits_an_idea_in_english(live_server, browser_page, screenshot):
    with live_server.app.app_context():
        unit = db.session.scalar(sa.select(Unit.id).where(Unit.code == "TN-XBB"))  # a unit of today
        accounts.create_user(
            db.session,
            SYSTEM,
            username="hoa.lt",
            password=PASSWORD,
            full_name="Lường Thị Hoa",
            roles=["submitter"],
            unit_id=unit,
        )
        db.session.remove()
    page = browser_page

    page.goto(live_server("/lang/en?next=/dang-nhap"))
    check(page, live_server, "sign-in page")
    page.get_by_label("Username").fill("hoa.lt")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Hello Lường Thị Hoa!").wait_for()
    check(page, live_server, "home page")

    page.goto(live_server("/y-tuong/dang-ky"))
    check(page, live_server, "registration form")
    page.get_by_label("Title of the idea or initiative").fill(TITLE)
    page.get_by_label("Substance of the solution").fill(
        "Người dân tra cứu hồ sơ, lệ phí và thời hạn giải quyết trên điện thoại."
    )
    page.get_by_label("Area", exact=True).select_option("hanh_chinh")
    page.get_by_label("Year").fill("2021")
    page.get_by_label("I/we agree to publish the idea once recognised").check()
    page.get_by_role("button", name="Save and submit").click()
    page.get_by_text("Please enter a summary.").first.wait_for()
    check(page, live_server, "registration refused without a summary")

    page.get_by_label("Summary").fill("Tra cứu thủ tục hành chính cấp xã trên điện thoại.")
    page.get_by_role("button", name="Save and submit again").or_(
        page.get_by_role("button", name="Save and submit")
    ).first.click()
    page.get_by_text("The dossier was submitted.").wait_for()
    check(page, live_server, "idea page after submitting")
    screenshot(page, "english-citizen-idea")

    page.goto(live_server("/y-tuong/cua-toi"))
    page.get_by_role("link", name=TITLE).wait_for()
    check(page, live_server, "my ideas")
    assert page.js_errors == []
