"""The shared pager macro renders links to the neighbouring pages (and keeps translating)."""

from flask import render_template_string


class _Page:
    page = 2
    pages = 3
    has_prev = True
    has_next = True


def test_the_pager_links_to_the_previous_and_next_page_keeping_the_query(app):
    with app.test_request_context("/tra-cuu?q=nuoi+lon&page=2"):
        html = render_template_string(
            '{% from "_macros.html" import pager %}{{ pager(p) }}', p=_Page()
        )
    assert "2 / 3" in html
    assert "q=nuoi+lon&amp;page=1" in html and "q=nuoi+lon&amp;page=3" in html
    assert "Trước" in html and "Sau" in html
