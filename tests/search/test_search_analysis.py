"""Queries typed the ways people type them: partial accents, abbreviations, long questions,
look-alike syllables, old and new tone placement, common synonyms."""

from __future__ import annotations

import os

import pytest

from ideadb.search import engine as search_engine
from ideadb.search import storage
from ideadb.search.documents import Visibility
from ideadb.search.lexicon import lexicon, parse_lexicon
from ideadb.search.text import fold, index_terms, restyle, tokens


def ids(result) -> list[int]:
    return [hit.id for hit in result.items]


# -- partial accents -----------------------------------------------------------------------


def test_a_partly_accented_query_finds_ideas_whatever_marks_were_left_out(make_index, doc):
    eng = make_index(
        doc(1, "Phần mềm quản lý kho vật tư y tế"),
        doc(2, "Sổ tay điện tử cho giáo viên mầm non"),
        doc(3, "Quán cà phê sách cho thanh niên"),
    )
    assert ids(eng.search("quản ly kho"))[0] == 1
    assert ids(eng.search("Sổ tay dien tu"))[0] == 2
    assert ids(eng.search("so tay điện tu"))[0] == 2


def test_an_accented_syllable_boosts_exact_matches_and_never_restricts(make_index, doc):
    eng = make_index(
        doc(1, "Nuôi cá lồng trên sông"),
        doc(2, "Trồng cà tím ghép gốc"),
        doc(3, "Chia ca trực cho nhân viên"),
    )
    found = ids(eng.search("cá"))
    assert found[0] == 1
    assert set(found) == {1, 2, 3}  # the look-alikes still follow


def test_each_syllable_is_judged_on_its_own(make_index, doc):
    # "lợn" typed with marks, "nuoi" without: the idea about pigs comes first
    eng = make_index(
        doc(1, "Nuôi cá lớn trong ao"),
        doc(2, "Nuôi lợn bằng đệm lót sinh học"),
    )
    assert ids(eng.search("nuoi lợn"))[0] == 2


# -- abbreviations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("UBND", "Ủy ban nhân dân"),
        ("HĐND", "Hội đồng nhân dân"),
        ("MTTQ", "Mặt trận Tổ quốc"),
        ("HTX", "hợp tác xã"),
        ("THPT", "trung học phổ thông"),
        ("THCS", "trung học cơ sở"),
        ("CCHC", "cải cách hành chính"),
        ("TTHC", "thủ tục hành chính"),
        ("PCCC", "phòng cháy chữa cháy"),
        ("ATGT", "an toàn giao thông"),
        ("ANTT", "an ninh trật tự"),
        ("NTM", "nông thôn mới"),
        ("BHYT", "bảo hiểm y tế"),
        ("BHXH", "bảo hiểm xã hội"),
        ("CNTT", "công nghệ thông tin"),
        ("KHCN", "khoa học công nghệ"),
        ("DVC", "dịch vụ công"),
        ("ĐVHC", "đơn vị hành chính"),
    ],
)
def test_an_abbreviation_finds_its_long_form_and_the_long_form_finds_it(
    make_index, doc, short, long
):
    eng = make_index(
        doc(1, f"Sáng kiến của {long} xã Tân Lập"),
        doc(2, f"Tổ công tác {short} huyện"),
        doc(3, "Lò sấy vỏ quế tiết kiệm củi"),
    )
    assert set(ids(eng.search(short))) == {1, 2}
    assert set(ids(eng.search(long.lower()))) == {1, 2}
    assert set(ids(eng.search(fold(short)))) == {1, 2}  # typed without the bar of Đ too


def test_the_dictionary_is_package_data_with_the_required_abbreviations():
    lex = lexicon()
    singles = set(lex.single)
    wanted = "ubnd hđnd mttq htx thpt thcs cchc tthc pccc atgt antt ntm bhyt bhxh cntt khcn"
    for abbr in [*wanted.split(), "dvc", "đvhc"]:
        assert abbr in singles, abbr
    kinds = set(lex.kinds)
    assert kinds == {"abbreviations", "synonyms"}


def test_a_one_syllable_form_matches_only_as_written():
    lex = parse_lexicon("[synonyms]\nheo = lợn\n")
    assert lex.expand(["héo"], ["heo"]) == ([], [])
    folded, exact = lex.expand(["heo"], ["heo"])
    assert folded == ["lon"] and exact == ["lợn"]
    assert lex.expand(["lớn"], ["lon"]) == ([], [])


# -- synonyms ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("heo", "lợn"),
        ("máy tính bảng", "tablet"),
        ("trực tuyến", "online"),
        ("số hoá", "chuyển đổi số"),
    ],
)
def test_a_synonym_finds_ideas_written_with_the_other_word(make_index, doc, one, other):
    eng = make_index(
        doc(1, f"Mô hình {one} của hộ gia đình"),
        doc(2, f"Mô hình {other} của hộ gia đình"),
        doc(3, "Lò sấy vỏ quế tiết kiệm củi"),
    )
    assert set(ids(eng.search(one))) == {1, 2}
    assert set(ids(eng.search(other))) == {1, 2}


def test_heo_does_not_turn_wilted_plants_into_pigs(make_index, doc):
    eng = make_index(doc(1, "Chống héo xanh cây cà chua"), doc(2, "Nuôi heo rừng lai"))
    assert ids(eng.search("lợn")) == [2]


# -- long descriptive queries --------------------------------------------------------------


def test_a_long_query_ranks_rare_shared_words_above_generic_ones(make_index, doc):
    eng = make_index(
        doc(1, "Ứng dụng máy bay không người lái phun thuốc trừ sâu cho lúa"),
        doc(2, "Mô hình nâng cao hiệu quả ứng dụng quản lý văn bản"),
        doc(3, "Nâng cao hiệu quả quản lý mô hình ứng dụng công nghệ trong trường học"),
        doc(4, "Thiết bị bay không người lái giám sát cháy rừng"),
    )
    query = "mô hình ứng dụng máy bay không người lái nâng cao hiệu quả phun thuốc"
    found = ids(eng.search(query))
    assert found[0] == 1
    assert found.index(4) < found.index(2) and found.index(4) < found.index(3)


def test_a_long_query_finds_ideas_sharing_its_rare_words_but_not_every_word(make_index, doc):
    docs = [doc(i, f"Nâng cao hiệu quả quản lý công tác văn thư số {i}") for i in range(1, 13)]
    docs.append(doc(50, "Bẫy đèn diệt rầy nâu trên đồng lúa"))
    eng = make_index(*docs)
    found = ids(eng.search("giải pháp nâng cao hiệu quả quản lý bẫy đèn diệt rầy nâu"))
    assert found[0] == 50


# -- look-alike syllables ------------------------------------------------------------------


def test_exact_mark_matches_come_first_when_the_query_carries_marks(make_index, doc):
    eng = make_index(
        doc(1, "Cánh đồng lớn liên kết sản xuất lúa", "Cánh đồng lớn, cánh đồng lớn."),
        doc(2, "Nuôi lợn thịt", "Chuồng nhỏ."),
    )
    assert ids(eng.search("lợn")) == [2, 1]
    assert ids(eng.search("lớn")) == [1, 2]


def test_when_nothing_matches_the_marks_the_result_says_so(make_index, doc):
    eng = make_index(doc(1, "Cánh đồng mẫu lớn"), doc(2, "Nuôi gà thả vườn"))
    result = eng.search("lợn")
    assert ids(result) == [1]
    assert result.unmatched_marks == ["lợn"]
    assert eng.search("lớn").unmatched_marks == []
    assert eng.search("lon").unmatched_marks == []


def test_the_api_and_the_page_say_the_results_are_approximate(client, create_idea, make_user):
    owner = make_user(roles=["submitter"], unit="BK-BB-NM")
    create_idea(
        owner,
        status="recognized",
        title="Cánh đồng mẫu lớn liên kết bốn nhà",
        summary="Liên kết nông dân với doanh nghiệp trên cánh đồng lớn.",
        description="Gieo cấy cùng một giống lúa trên cánh đồng lớn.",
        novelty="Một giống, một lịch thời vụ.",
        benefits="Giá bán cao hơn.",
    )
    body = client.get("/api/v1/search?q=lợn").get_json()
    assert body["unmatched_marks"] == ["lợn"]
    assert body["notice"] == "Không có kết quả đúng dấu cho 'lợn'; kết quả gần đúng:"
    page = client.get("/tra-cuu?q=lợn").get_data(as_text=True)
    assert "Không có kết quả đúng dấu cho" in page and "kết quả gần đúng:" in page


# -- tone-mark placement -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [("hòa", "hoà"), ("thủy", "thuỷ"), ("ủy", "uỷ"), ("khỏe", "khoẻ"), ("kĩ", "kỹ"), ("lí", "lý")],
)
def test_old_and_new_tone_placement_are_one_word_in_text_query_and_exact_field(
    make_index, doc, old, new
):
    assert restyle(old) == restyle(new)
    assert index_terms([old])[1] == index_terms([new])[1]
    eng = make_index(doc(1, f"Mô hình {old} nhập"), doc(2, f"Mô hình {new} mới"))
    assert set(ids(eng.search(new))) == {1, 2}
    assert set(ids(eng.search(old))) == {1, 2}
    # the exact field too: no look-alike penalty between the two styles
    scores = {h.id: h.score for h in eng.search(old).items}
    assert scores[1] > 0 and scores[2] > 0 and min(scores.values()) > 0.5 * max(scores.values())


def test_tokens_of_both_styles_are_the_same():
    assert tokens("Hòa Bình khỏe mạnh, thủy lợi") == tokens("Hoà Bình khoẻ mạnh, thuỷ lợi")


# -- index format --------------------------------------------------------------------------


def test_the_analysis_changes_bumped_the_index_format():
    assert storage.FORMAT != "ideadb-search-1"


def test_an_index_of_the_old_format_is_unavailable_until_rebuilt(index_root):
    gen = storage.current(index_root)
    with open(os.path.join(index_root, gen, storage.FORMAT_FILE), "w", encoding="ascii") as fh:
        fh.write("ideadb-search-1\n")
    search_engine.forget(index_root)
    with pytest.raises(search_engine.SearchUnavailable):
        search_engine.engine(index_root).search("lợn", visibility=Visibility.everything())


# -- term accumulators kept across queries -------------------------------------------------


def test_a_write_is_found_although_the_terms_were_cached_by_earlier_queries(make_index, doc):
    eng = make_index(doc(1, "Nuôi lợn thả vườn"))
    assert ids(eng.search("lợn")) == [1]
    eng.write([doc(2, "Chuồng lợn nái có sàn nhựa")])
    assert set(ids(eng.search("lợn"))) == {1, 2}
    eng.remove([1])
    assert ids(eng.search("lợn")) == [2]


def test_the_term_cache_is_bounded_and_drops_the_oldest_terms_first():
    from ideadb.search.postings import TermCache

    cache = TermCache(limit=10)
    cache["a"] = {1: 1.0, 2: 1.0, 3: 1.0}
    cache["b"] = {4: 1.0, 5: 1.0, 6: 1.0}
    cache["c"] = {7: 1.0, 8: 1.0, 9: 1.0, 10: 1.0}
    assert "a" not in cache and set(cache) == {"b", "c"}
    assert cache.entries <= 10
    cache["huge"] = dict.fromkeys(range(50), 1.0)  # larger than the bound: not kept
    assert "huge" not in cache
