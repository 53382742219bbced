"""Similar ideas (novelty for reviewers, duplicates) and the order by final score."""

from __future__ import annotations

from dataclasses import asdict

from ideadb.search.documents import Visibility

TEXT = "Nuôi lợn đen bản địa trên đệm lót sinh học kết hợp trồng cỏ voi làm thức ăn xanh"


def test_similar_never_lists_the_idea_itself_even_beside_an_identical_copy(make_index, doc):
    eng = make_index(
        doc(1, TEXT, TEXT),
        doc(2, TEXT, TEXT),
        doc(3, "Lò sấy vỏ quế tiết kiệm củi", "Sấy quế bằng nhiệt thừa của bếp."),
    )
    found = eng.similar(idea_id=1, visibility=Visibility.everything())
    assert [item.id for item in found] == [2]
    assert [item.id for item in eng.similar(idea_id=2, visibility=Visibility.everything())] == [1]


def test_similar_items_carry_titles_and_no_people(make_index, doc):
    eng = make_index(
        doc(1, TEXT, TEXT, people=("Lục Thị Mến", "Xã Nam Mẫu")),
        doc(2, TEXT + " tại xã vùng cao", TEXT, people=("Hoàng Văn Tú",)),
    )
    found = eng.similar(text=[TEXT, TEXT], visibility=Visibility.everything())
    assert {item.id for item in found} == {1, 2}
    for item in found:
        assert set(asdict(item)) == {"id", "code", "title", "score"}
        assert "Lục Thị Mến" not in str(asdict(item)) and "Hoàng Văn Tú" not in str(asdict(item))


def test_sort_by_score_puts_the_best_scored_first_and_the_unscored_last(make_index, doc):
    eng = make_index(
        doc(1, "Nuôi lợn thả vườn", final_score=71.5),
        doc(2, "Nuôi lợn trên đệm lót", final_score=None),
        doc(3, "Nuôi lợn rừng lai", final_score=88.0),
        doc(4, "Nuôi lợn nái", final_score=64.25),
    )
    result = eng.search("lợn", sort="score", visibility=Visibility.everything())
    assert [h.id for h in result.items] == [3, 1, 4, 2]
    assert [h.final_score for h in result.items] == [88.0, 71.5, 64.25, None]
