"""The scoring engine's sentences keep their msgid and values (a page shows them in English)
and read, as text, exactly as the Vietnamese they always were."""

from __future__ import annotations

import pickle
from decimal import Decimal
from fractions import Fraction

from scoring import Band, Criterion, RecognitionLevel, Rubric, explain, rank_round
from scoring.aggregation import Aggregation
from scoring.messages import Message, joined
from scoring.reliability import describe

D = Decimal


def _rubric(*criteria: Criterion, levels: tuple[RecognitionLevel, ...] = ()) -> Rubric:
    return Rubric(name="Bộ thử", criteria=criteria, levels=levels)


def _messages(rubric: Rubric) -> dict[str, Message]:
    found = {p.path: p.message for p in rubric.validate()}
    assert all(isinstance(m, Message) for m in found.values()), found
    return found


def test_rubric_problems_keep_msgid_values_and_vietnamese_text():
    found = _messages(
        _rubric(
            Criterion("TINH_MOI", "Tính mới", D("18.5"), D(30), step=D(4)),
            Criterion("HIEU_QUA", "Hiệu quả", D(30), D("1.234"), min_points=D(31)),
            Criterion(
                "tinh kinh te",
                "Tính kinh tế",
                D(15),
                D(15),
                bands=(Band(D(10), D(16), "quá"), Band(D(5), D(12), "chồng")),
            ),
        )
    )
    step = found["criteria[0].step"]
    assert step == "Điểm tối đa 18,5 phải là bội số của bước điểm 4."
    assert step.msgid == "Điểm tối đa %(max)s phải là bội số của bước điểm %(step)s."
    assert step.params == {"max": "18,5", "step": "4"}

    weight = found["criteria[1].weight"]
    assert weight == "Trọng số chỉ được có tối đa 2 chữ số thập phân."
    assert weight.msgid == "%(label)s chỉ được có tối đa %(n)s chữ số thập phân."
    # The field's name is a message too: the page translates it with the sentence.
    assert isinstance(weight.params["label"], Message) and weight.params["label"] == "Trọng số"

    minimum = found["criteria[1].min_points"]
    assert minimum == "Điểm tối thiểu 31 vượt quá điểm tối đa 30."
    assert minimum.params == {"min": "31", "max": "30"}

    code = found["criteria[2].code"]
    assert code.startswith("Mã tiêu chí “tinh kinh te” chỉ được gồm chữ in hoa không dấu")
    assert code.params["code"] == "tinh kinh te" and code.params["what"] == "tiêu chí"

    over = found["criteria[2].levels[0].max"]
    assert over == "Khoảng điểm 10–16 vượt quá điểm tối đa 15 của tiêu chí."
    assert over.params == {"range": "10–16", "max": "15"}


def test_overlaps_duplicates_and_level_order_are_messages():
    found = _messages(
        _rubric(
            Criterion(
                "A",
                "A",
                D(30),
                D(50),
                bands=(Band(D(0), D(10), "thấp"), Band(D("9.5"), D(20), "giữa")),
            ),
            Criterion("A", "B", D(30), D(50)),
            levels=(
                RecognitionLevel("CAO", "Cao", D(70)),
                RecognitionLevel("CAO", "Cao nữa", D("80.5")),
            ),
        )
    )
    assert found["criteria[0].levels[1].min"] == (
        "Khoảng điểm 9,5–20 chồng lấn với khoảng 0–10 (khoảng thứ 1)."
    )
    assert found["criteria[1].code"] == "Mã tiêu chí A bị trùng với tiêu chí thứ 1."
    assert found["criteria[1].code"].params == {"code": "A", "n": "1"}
    assert found["recognition_levels[1].code"] == "Mã mức công nhận CAO bị trùng với mức thứ 1."
    order = found["recognition_levels[1].min_score"]
    assert order == (
        "Các mức công nhận phải xếp từ cao xuống thấp với điểm tối thiểu giảm dần: mức này "
        "(80,5) không thấp hơn mức thứ 1 (70)."
    )
    assert order.params == {"score": "80,5", "n": "1", "previous": "70"}


def test_reliability_sentences_are_the_catalogue_messages():
    verdict, message = describe(Fraction(9, 10), 5)
    assert verdict == "reliable"
    assert message == (
        "Hệ số alpha của Krippendorff là 0,9, tính trên 5 ý tưởng có từ hai phiếu: "
        "các thành viên hội đồng chấm nhất quán."
    )
    assert message.params == {"alpha": "0,9", "n": "5"}
    assert describe(Fraction(7, 10), 3)[1].msgid.endswith("nên thận trọng khi kết luận.")
    assert describe(Fraction(1, 10), 3)[1].params == {"alpha": "0,1", "n": "3"}
    assert describe(None, 1)[0] == "undefined"


def test_ranking_notes_and_explanations_are_messages(single_rubric, round_of):
    reviews, ideas = round_of({1: {1: 60, 2: 62}, 2: {1: 99}}, extra_ideas=(3,))
    ranking = rank_round(single_rubric, reviews, ideas, reviewers_per_idea=2)
    unranked = next(n for n in ranking.notes if n.code == "unranked_ideas")
    assert unranked.message == (
        "2 ý tưởng có ít hơn 2 phiếu chấm đã nộp nên được liệt kê cuối danh sách và không xếp hạng."
    )
    assert unranked.message.params == {"count": "2", "n": "2"}

    said = explain(ranking.item(2), ranking)
    assert said == "Điểm cuối cùng 99, từ 1 phiếu, (chưa đủ 2 phiếu nên không xếp hạng)."
    assert isinstance(said, Message) and said.msgid == "%(parts)s."
    assert explain(ranking.item(3), ranking) == "Chưa có phiếu chấm nào được nộp."

    zscore = rank_round(
        single_rubric, reviews, ideas, reviewers_per_idea=2, aggregation=Aggregation.ZSCORE
    )
    few = [n for n in zscore.notes if n.code == "reviewer_standardised_by_round"]
    assert few[0].message == (
        "Thành viên hội đồng 1 mới có 2 phiếu đã nộp trong đợt (cần ít nhất 3), nên tổng điểm "
        "của thành viên này được chuẩn hóa theo trung bình và độ lệch chuẩn tổng thể của cả đợt "
        "thay cho của riêng mình."
    )
    assert few[0].message.params["how"] == "trung bình và độ lệch chuẩn tổng thể"
    assert isinstance(few[0].message.params["how"], Message)


def test_joined_parts_read_as_before_and_survive_pickling():
    parts = [Message("a %(x)s", x="1"), "b", Message("c")]
    together = joined(parts)
    assert together == "a 1; b; c" and joined(parts, ", ") == "a 1, b, c"
    assert joined([]) == "" and joined(["một"]) == "một"
    copy = pickle.loads(pickle.dumps(together))
    assert copy == together and copy.params["first"].params == {"x": "1"}
