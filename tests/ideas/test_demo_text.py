"""The demo text generator: deterministic, varied, natural Vietnamese in NFC."""

import re
import unicodedata
from collections import Counter

from ideadb.ideas import demo_topics
from ideadb.ideas.demo_text import generate_ideas
from ideadb.units import reference

TEXT_FIELDS = ("title", "summary", "description", "novelty", "benefits", "conditions")


def test_the_same_seed_gives_the_same_ideas_whatever_the_count():
    first = list(generate_ideas(60))
    again = list(generate_ideas(60))
    longer = list(generate_ideas(400))
    assert first == again
    assert first == longer[:60]
    assert [i["title"] for i in generate_ideas(60, seed=7)] != [i["title"] for i in first]


def test_ideas_cover_every_area_district_year_and_have_unique_titles():
    ideas = list(generate_ideas(3000))
    assert {i["area"] for i in ideas} == {code for code, _, _ in reference.AREAS}
    assert {i["district_code"] for i in ideas} == {code for code, _, _ in reference.DISTRICTS}
    assert {i["year"] for i in ideas} == set(range(2019, 2025))
    assert len({i["title"] for i in ideas}) == len(ideas)
    topics = Counter(i["topic"] for i in ideas)
    assert set(topics) == {t.key for t in demo_topics.TOPICS}


def test_text_is_nfc_complete_sentences_without_leftover_placeholders():
    for idea in generate_ideas(1500):
        for key in TEXT_FIELDS:
            text = idea[key]
            assert unicodedata.is_normalized("NFC", text), (key, text)
            assert "{" not in text and "}" not in text, (key, text)
            assert "  " not in text and " ." not in text and " ," not in text, (key, text)
            assert not re.search(r"\b(\w+ \w+) \1\b", text), (key, text)  # no doubled phrase
        for key in ("summary", "description", "novelty", "benefits"):
            assert not idea[key][0].islower() and idea[key].endswith("."), (key, idea[key])
        assert len(idea["title"]) <= 500


def test_authors_carry_names_of_five_peoples_and_shares_summing_to_100():
    ideas = list(generate_ideas(2000))
    surnames = Counter()
    for idea in ideas:
        shares = [a["share"] for a in idea["authors"]]
        assert 1 <= len(shares) <= 5 and sum(shares) == 100
        assert all(isinstance(s, int) and s >= 10 for s in shares)
        assert len({a["name"] for a in idea["authors"]}) == len(shares)
        for author in idea["authors"]:
            assert unicodedata.is_normalized("NFC", author["name"] + author["unit"])
            assert author["unit"]
            surnames[author["name"].split()[0]] += 1
    # Kinh, Tày, Nùng, Dao and H'Mông family names all appear.
    for name in ("Nguyễn", "Nông", "Lăng", "Triệu", "Giàng"):
        assert surnames[name] > 0, name


def test_recognisable_topics_of_a_mountainous_province_appear():
    text = " ".join(i["title"] + " " + i["description"] for i in generate_ideas(2000))
    for word in (
        "quế",
        "hồi",
        "chè",
        "cam",
        "lúa",
        "ngô",
        "lợn đen",
        "cá",
        "rừng",
        "hồ Ba Bể",
        "một cửa",
        "trực tuyến",
        "học sinh",
        "trạm y tế",
        "nước sạch",
        "biogas",
    ):
        assert word in text, word
