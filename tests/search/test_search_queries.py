"""What users type: phrases, exclusions, literal text; ranking, filters, facets, pages."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ideadb.search.documents import Filters, Visibility
from ideadb.search.query import parse

ALL = Visibility.everything()


def ids(result) -> list[int]:
    return [hit.id for hit in result.items]


@pytest.fixture
def farm(make_index, doc):
    return make_index(
        doc(1, "Nuôi lợn bằng đệm lót sinh học", "Giảm mùi hôi, tiết kiệm nước rửa chuồng."),
        doc(2, "Giống lúa mới cho năng suất cao", "Năng suất lao động tăng nhờ máy cấy."),
        doc(3, "Lợn giống và thức ăn", "Nuôi bò, trồng cỏ; năng suất thấp.", district_id=3),
        doc(4, "Máy thái chuối cho lợn ăn", "Tiết kiệm công lao động.", year=2021),
        doc(5, "Phần mềm một cửa", "Tiếp nhận hồ sơ hành chính.", area="hanh_chinh"),
    )


def test_a_phrase_matches_adjacent_words_only(farm):
    assert ids(farm.search('"năng suất lao động"')) == [2]
    assert set(ids(farm.search("năng suất lao động"))) >= {2}


def test_adjacent_words_rank_above_the_same_words_scattered(farm):
    result = farm.search("nuôi lợn")
    assert ids(result)[0] == 1
    assert 3 in ids(result)  # "Lợn giống ... Nuôi bò" still found, lower


def test_a_minus_word_excludes_ideas_containing_it(farm):
    assert 4 in ids(farm.search("lợn"))
    assert 4 not in ids(farm.search("lợn -chuối"))
    assert ids(farm.search('lợn -"đệm lót"')) == [i for i in ids(farm.search("lợn")) if i != 1]


def test_query_syntax_of_the_engine_is_plain_text(farm):
    """Operators of a query language are read as the words they contain, nothing more."""
    pigs = {1, 3, 4}
    as_words = {
        "AND": ("and", set()),
        "title:lợn": ("title lợn", pigs),
        "lợn*": ("lợn", pigs),
        "(lợn OR bò)": ("lợn or bò", pigs),
        "lợn^2": ("lợn 2", pigs),
        "[a TO z]": ("a to z", set()),
        "(lợn)": ("lợn", pigs),
        '"': ("", {1, 2, 3, 4, 5}),
        "-": ("", {1, 2, 3, 4, 5}),
        "*": ("", {1, 2, 3, 4, 5}),
    }
    for query, (words, expected) in as_words.items():
        result, plain = farm.search(query), farm.search(words)
        assert set(ids(result)) == expected, query
        assert (ids(result), result.total) == (ids(plain), plain.total), query


def test_title_matches_rank_above_body_matches(make_index, doc):
    eng = make_index(
        doc(1, "Sổ tay công tác", "Hướng dẫn nuôi ong lấy mật cho hộ nghèo."),
        doc(2, "Nuôi ong lấy mật", "Hướng dẫn cho hộ nghèo."),
    )
    assert ids(eng.search("nuôi ong")) == [2, 1]


def test_filters_narrow_hits_totals_and_facets(farm):
    result = farm.search("lợn", Filters(district_id=3), ALL)
    assert ids(result) == [3]
    assert result.total == 1
    assert result.facets["district_id"] == {"3": 1}
    assert farm.search("lợn", Filters(year=2021)).total == 1
    assert farm.search("", Filters(area="hanh_chinh")).total == 1


def test_facet_counts_are_those_of_the_current_query(farm):
    result = farm.search("lợn")
    assert result.facets["year"] == {"2023": 2, "2021": 1}
    assert result.facets["district_id"] == {"2": 2, "3": 1}
    assert result.facets["area"] == {"san_xuat_kinh_doanh": 3}


def test_an_empty_query_lists_everything_visible_newest_first(make_index, doc):
    eng = make_index(
        *[
            doc(i, f"Ý tưởng số {i}", created_at=datetime(2020 + i, 1, 1, tzinfo=UTC))
            for i in range(1, 6)
        ]
    )
    result = eng.search("", sort="newest", per_page=2, page=2)
    assert result.total == 5
    assert ids(result) == [3, 2]


def test_sort_by_final_score_puts_unscored_ideas_last(make_index, doc):
    eng = make_index(
        doc(1, "Lúa lai", final_score=70.5),
        doc(2, "Lúa thơm", final_score=None),
        doc(3, "Lúa nếp", final_score=91.0),
    )
    assert ids(eng.search("lúa", sort="score")) == [3, 1, 2]


def test_pages_partition_the_hits(make_index, doc):
    eng = make_index(*[doc(i, f"Nuôi cá lồng mô hình {i}") for i in range(1, 26)])
    pages = [ids(eng.search("cá lồng", page=p, per_page=10)) for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [10, 10, 5]
    assert len({i for page in pages for i in page}) == 25


def test_did_you_mean_offers_the_accented_form_most_frequent_in_the_index(make_index, doc):
    eng = make_index(
        doc(1, "Nâng cao năng suất lao động"),
        doc(2, "Năng suất cây chè"),
    )
    assert eng.search("nang suat").suggestion == "năng suất"
    assert eng.search("năng suất").suggestion is None


def test_did_you_mean_corrects_a_typo_to_a_word_of_the_index(make_index, doc):
    eng = make_index(doc(1, "Năng suất cây chè"), doc(2, "Chè xanh"))
    assert eng.search("nang suta").suggestion == "năng suất"


def test_parser_keeps_words_phrases_and_exclusions_apart():
    q = parse('nuôi "thức ăn" -lợn -"đệm lót" AND')
    assert [w.exact for w in q.words] == [("nuôi",), ("and",)]
    assert [p.exact for p in q.phrases] == [("thức", "ăn")]
    assert [p.exact for p in q.excluded] == [("lợn",), ("đệm", "lót")]


def test_a_two_thousand_character_query_is_cut_not_refused(farm):
    result = farm.search("lợn " * 500)
    assert 1 in ids(result)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(max_size=60),
        st.text(alphabet='"()-*:AND OR^~[]{}\\/!?\x00\x07\u0301đĐ ', max_size=40),
        st.text(min_size=1500, max_size=2100),
    )
)
def test_arbitrary_unicode_queries_never_raise(farm, query):
    result = farm.search(query, per_page=3)
    shown = ids(result)
    assert set(shown) <= {1, 2, 3, 4, 5}
    assert len(shown) == len(set(shown)) == min(result.total, 3)
    assert sum(result.facets["year"].values()) == result.total <= 5
    for hit in result.items:
        assert "<script" not in hit.highlights["title"]
        plain = hit.highlights["title"].replace("<mark>", "").replace("</mark>", "")
        assert html.unescape(plain) == hit.title
