"""Vietnamese text is found however it is typed: case, diacritics, NFD."""

from __future__ import annotations

import unicodedata

from ideadb.search.documents import Visibility
from ideadb.search.text import fold, index_terms, nfc, restyle, tokens


def ids(result) -> list[int]:
    return [hit.id for hit in result.items]


def test_folding_removes_tone_and_vowel_marks_and_turns_d_bar_into_d():
    assert fold("Đồng") == "dong"
    assert fold("điện") == "dien"
    assert fold("NĂNG SUẤT") == "nang suat"
    assert fold("ưu tiên") == "uu tien"


def test_nfd_input_is_normalised_to_nfc_before_tokenising():
    decomposed = unicodedata.normalize("NFD", "Nuôi lợn")
    assert tokens(decomposed) == ["nuôi", "lợn"]
    assert nfc(decomposed) == "Nuôi lợn"


def test_old_and_new_tone_placement_index_the_same_exact_term():
    assert restyle("hòa") == restyle("hoà") == "hoà"
    assert restyle("thúy") == "thuý"
    assert tokens("Hòa bình") == tokens("Hoà bình")


def test_index_terms_hold_folded_syllables_adjacent_pairs_and_accented_forms():
    folded, exact = index_terms(["Nuôi lợn. Bò"])
    assert folded == ["nuoi", "lon", "nuoi lon", "bo"]
    assert "lợn" in exact and "nuôi" in exact and "bò" in exact
    assert "lon bo" not in folded  # no pair across a full stop


def test_a_query_without_diacritics_finds_text_written_with_them(make_index, doc):
    eng = make_index(doc(1, "Cánh đồng mẫu lớn"), doc(2, "Máy gặt đập liên hợp"))
    assert ids(eng.search("dong")) == [1]
    assert ids(eng.search("canh dong")) == [1]


def test_upper_case_query_finds_lower_case_text(make_index, doc):
    eng = make_index(doc(1, "Tiết kiệm điện trong trường học"), doc(2, "Nuôi ong lấy mật"))
    assert ids(eng.search("DIEN")) == [1]
    assert ids(eng.search("ĐIỆN")) == [1]


def test_a_query_typed_in_nfd_finds_nfc_text_and_the_reverse(make_index, doc):
    eng = make_index(
        doc(1, "Chuyển đổi số ở xã"),
        doc(2, unicodedata.normalize("NFD", "Bảo quản nông sản")),
    )
    assert ids(eng.search(unicodedata.normalize("NFD", "chuyển đổi số"))) == [1]
    assert ids(eng.search("bảo quản")) == [2]


def test_one_letter_words_and_unaccented_syllables_are_searchable(make_index, doc):
    eng = make_index(
        doc(1, "Ý kiến cử tri được tổng hợp nhanh"),
        doc(2, "Bảo đảm an ninh trật tự ở thôn"),
        doc(3, "Nuôi cá lồng"),
    )
    assert ids(eng.search("ý")) == [1]
    assert ids(eng.search("an")) == [2]
    assert ids(eng.search("to")) == []  # no stop-word list swallowed anything, just no match


def test_an_accented_query_ranks_the_accented_document_above_an_unaccented_look_alike(
    make_index, doc
):
    eng = make_index(
        doc(1, "Mo hinh nuoi lon tai xa"),  # typed without marks
        doc(2, "Mô hình nuôi lợn tại xã"),
        doc(3, "Mô hình nuôi lớn tại xã"),  # a different word that folds the same
    )
    accented = eng.search("nuôi lợn")
    assert ids(accented)[0] == 2
    assert set(ids(accented)) == {1, 2, 3}
    assert ids(eng.search("lợn"))[0] == 2
    assert ids(eng.search("lớn"))[0] == 3


def test_highlights_show_the_words_as_written_with_their_accents(make_index, doc):
    eng = make_index(doc(1, "Nuôi lợn bằng đệm lót sinh học", "Giảm mùi hôi chuồng nuôi lợn."))
    hit = eng.search("nuoi lon").items[0]
    assert hit.highlights["title"] == "<mark>Nuôi lợn</mark> bằng đệm lót sinh học"
    assert "<mark>nuôi lợn</mark>" in hit.highlights["text"]


def test_an_accented_query_marks_its_own_form_not_the_look_alike(make_index, doc):
    eng = make_index(doc(1, "Nuôi lợn lớn nhanh"))
    hit = eng.search("lợn", visibility=Visibility.everything()).items[0]
    assert hit.highlights["title"] == "Nuôi <mark>lợn</mark> lớn nhanh"
