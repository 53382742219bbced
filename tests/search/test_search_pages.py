"""The public catalogue and the staff search page, without JavaScript."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def catalogue_ideas(create_idea, make_user):
    owner = make_user(roles=["submitter"], unit="BK-BB-NM")
    one = create_idea(owner, status="recognized")
    two = create_idea(
        owner,
        status="recognized",
        title="Nuôi lợn rừng lai trong chuồng <b>hở</b>",
        unit="BK-CD",
        year=2023,
    )
    draft = create_idea(owner, title="Nuôi lợn bằng bã sắn lên men (nháp)")
    return one, two, draft


def test_the_catalogue_finds_ideas_typed_without_diacritics_for_anyone(client, catalogue_ideas):
    one, two, draft = catalogue_ideas
    page = client.get("/tra-cuu?q=nuoi+lon").get_data(as_text=True)
    assert "Tìm thấy 2 ý tưởng, sáng kiến." in page
    assert f'href="/tra-cuu/y-tuong/{one.id}"' in page and f"/sang-kien/{two.id}#adoption" in page
    assert "<mark>Nuôi lợn</mark>" in page
    assert "&lt;b&gt;hở&lt;/b&gt;" in page and "<b>hở</b>" not in page
    assert "bã sắn" not in page and str(draft.id) not in re.findall(r"hit-(\d+)", page)


def test_facets_show_counts_and_filter_by_link(client, catalogue_ideas):
    _, two, _ = catalogue_ideas
    page = client.get("/tra-cuu?q=nuoi+lon").get_data(as_text=True)
    facet = re.search(r'<section class="mb-3" id="facet-district_id">(.*?)</section>', page, re.S)
    assert facet and "Chợ Đồn" in facet.group(1) and "(1)" in facet.group(1)
    link = re.search(rf'href="([^"]*district_id={two.district_id}[^"]*)"', facet.group(1))
    filtered = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert re.findall(r'id="hit-(\d+)"', filtered) == [str(two.id)]
    assert "Đang lọc:" in filtered and "Bỏ bộ lọc này" in filtered


def test_an_empty_result_explains_how_to_search(client, catalogue_ideas):
    page = client.get("/tra-cuu?q=t%C3%A0u+v%C5%A9+tr%E1%BB%A5").get_data(as_text=True)
    assert 'id="empty-results"' in page and "nuoi lon" in page


def test_the_catalogue_lists_everything_published_with_pages(client, create_idea, make_user):
    owner = make_user(roles=["submitter"], unit="BK-BB-NM")
    for _ in range(23):
        create_idea(owner, status="recognized")
    first = client.get("/tra-cuu").get_data(as_text=True)
    assert len(re.findall(r'id="hit-\d+"', first)) == 20 and 'rel="next"' in first
    second = client.get("/tra-cuu?page=2").get_data(as_text=True)
    assert len(re.findall(r'id="hit-\d+"', second)) == 3


def test_catalogue_pages_work_without_inline_script_or_style(client, catalogue_ideas):
    page = client.get("/tra-cuu?q=lợn&area=san_xuat_kinh_doanh").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert "style=" not in page


def test_malformed_filters_are_ignored_with_a_notice(client, catalogue_ideas):
    resp = client.get("/tra-cuu?q=lon&year=abc&sort=x")
    assert resp.status_code == 200
    assert "bộ lọc không hợp lệ" in resp.get_data(as_text=True)


def test_staff_search_shows_what_the_user_may_see(client, catalogue_ideas, login, secretary):
    _, _, draft = catalogue_ideas
    assert client.get("/tim-kiem?q=ba+san").status_code in (302, 401)
    login(secretary())
    page = client.get("/tim-kiem?q=ba+san").get_data(as_text=True)
    assert f'id="hit-{draft.id}"' in page and "Bản nháp" in page
    resp = client.get(f"/tra-cuu/y-tuong/{draft.id}")
    assert resp.headers["Location"].endswith(f"/y-tuong/{draft.id}")


def test_a_result_link_leads_anonymous_visitors_to_the_public_page_only(client, catalogue_ideas):
    one, _, draft = catalogue_ideas
    assert (
        client.get(f"/tra-cuu/y-tuong/{one.id}")
        .headers["Location"]
        .endswith(f"/sang-kien/{one.id}")
    )
    assert client.get(f"/tra-cuu/y-tuong/{draft.id}").status_code == 404
