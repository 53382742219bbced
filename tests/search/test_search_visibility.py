"""Visibility is part of the query: hits, totals, facets, highlights, suggestions, similar."""

from __future__ import annotations

import pytest

from ideadb.search.documents import Visibility

SECRET = "Máy bóc vỏ quế tự động"


@pytest.fixture
def mixed(make_index, doc):
    return make_index(
        doc(1, "Trồng quế xen cây ngô", "Quế bốn năm tuổi cho thu nhập.", district_id=2),
        doc(
            2,
            SECRET,
            "Bóc vỏ quế nhanh gấp mười lần, không gãy vỏ quế.",
            status="draft",
            published=False,
            district_id=9,
            year=2019,
            area="luc_luong_vu_trang",
            unit_id=90,
            level="tinh",
        ),
        doc(
            3,
            "Sấy quế bằng lò tiết kiệm củi",
            "Lò sấy quế cải tiến cho hợp tác xã.",
            status="eligible",
            published=False,
            district_id=2,
            unit_id=91,
        ),
    )


def everything_said(result) -> str:
    parts = [str(result.total), repr(result.facets), str(result.suggestion)]
    for hit in result.items:
        parts += [hit.title, hit.summary, *hit.highlights.values()]
    return " ".join(parts)


def test_an_unpublished_idea_never_reaches_anonymous_callers(mixed):
    result = mixed.search("quế", visibility=Visibility.anonymous())
    assert [h.id for h in result.items] == [1]
    assert result.total == 1
    assert result.facets["district_id"] == {"2": 1}
    assert result.facets["year"] == {"2023": 1}
    assert result.facets["area"] == {"san_xuat_kinh_doanh": 1}
    assert result.facets["level"] == {}
    said = everything_said(result)
    assert "bóc" not in said.lower() and "sấy" not in said.lower()


def test_words_only_an_unpublished_idea_contains_find_nothing_and_suggest_nothing(mixed):
    for query in ["bóc vỏ", "boc vo", "boc", "bpc vo", '"vỏ quế"', "sấy", "say que"]:
        result = mixed.search(query, visibility=Visibility.anonymous())
        assert "bóc" not in everything_said(result).lower(), query
        assert "sấy" not in everything_said(result).lower(), query
        assert "bóc" not in str(result.suggestion) and "sấy" not in str(result.suggestion)
        assert all(h.id == 1 for h in result.items), query
    assert mixed.suggest("boc vo", Visibility.anonymous()) is None
    assert mixed.suggest("boc vo", Visibility.everything()) == "bóc vỏ"


def test_similar_ideas_respect_visibility(mixed):
    text = "Máy bóc vỏ quế tự động cho hợp tác xã, bóc vỏ quế nhanh"
    found = mixed.similar(text=text, visibility=Visibility.anonymous(), threshold=0.0)
    assert all(item.id == 1 for item in found)
    staff = mixed.similar(text=text, visibility=Visibility.everything(), threshold=0.0)
    assert staff and staff[0].id == 2


def test_staff_see_everything(mixed):
    result = mixed.search("quế", visibility=Visibility.everything())
    assert {h.id for h in result.items} == {1, 2, 3}
    assert result.facets["district_id"] == {"2": 2, "9": 1}


def test_a_unit_officer_sees_published_ideas_and_those_of_their_units(mixed):
    officer = Visibility(unit_ids=frozenset({91}))
    assert {h.id for h in mixed.search("quế", visibility=officer).items} == {1, 3}
    no_drafts = Visibility(unit_ids=frozenset({90, 91}), unit_statuses=frozenset({"eligible"}))
    assert {h.id for h in mixed.search("quế", visibility=no_drafts).items} == {1, 3}


def test_a_reviewer_sees_published_ideas_and_the_ideas_assigned_to_them(mixed):
    reviewer = Visibility(idea_ids=frozenset({2}))
    result = mixed.search("vỏ quế", visibility=reviewer)
    assert result.items[0].id == 2
    assert {h.id for h in result.items} == {1, 2}


def test_highlights_are_html_escaped_except_the_marks(make_index, doc):
    eng = make_index(
        doc(1, "<script>alert('lợn')</script> & nuôi lợn", "Giá <b>lợn</b> hơi > 50.000 đồng"),
    )
    hit = eng.search("lợn").items[0]
    assert hit.highlights["title"] == (
        "&lt;script&gt;alert(&#x27;<mark>lợn</mark>&#x27;)&lt;/script&gt; &amp; nuôi <mark>lợn</mark>"
    )
    assert hit.highlights["text"] == "Giá &lt;b&gt;<mark>lợn</mark>&lt;/b&gt; hơi &gt; 50.000 đồng"
    assert hit.title.startswith("<script>")  # the plain title stays plain text: templates escape
