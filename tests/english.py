"""Finding Vietnamese text that is not user data on a page shown in English.

One checker for the Flask test client (``tests/test_english.py``) and the browser journeys:
take what a person reads (text, and the placeholder/label/title attributes), remove the user
data (idea titles, people's and units' names... collected from the database by
``user_data``), and answer every remaining word that carries a Vietnamese letter.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

import sqlalchemy as sa

# Letters outside ASCII in the Vietnamese alphabet: ă â đ ê ô ơ ư and the tone-marked vowels.
_BASE = "aăâeêioôơuưy"
_TONES = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng
VIETNAMESE_LETTERS = frozenset(
    {unicodedata.normalize("NFC", c) for c in "ăâđêôơư"}
    | {unicodedata.normalize("NFC", b + t) for b in _BASE for t in _TONES}
)
VIETNAMESE_LETTERS = VIETNAMESE_LETTERS | {c.upper() for c in VIETNAMESE_LETTERS}

# Vietnamese text an English page shows on purpose, each with its reason.
ALLOWED = {
    "Tiếng Việt": "the language switch names each language in that language",
    "Cơ sở dữ liệu ý tưởng, sáng kiến": "the source's name as reusers of the open data credit it",
    "Nguyễn Văn A": "how an author is written in an import file (an example of the data)",
    "Trần Thị B": "how an author is written in an import file (an example of the data)",
    'nuôi lợn, "năng suất lao động", chuyển đổi số -hội nghị': (
        "examples of searches: the ideas are written in Vietnamese"
    ),
    "TM. BAN THƯỜNG TRỰC": "a signing authority as Vietnamese documents print it (an example)",
    "Tác giả đã rút thông tin": "what replaces a withdrawn author's name in the ideas' text",
}
# Numbers of legal documents ("Decree 13/2023/NĐ-CP"): proper nouns.
ALLOWED_PATTERNS = {
    re.compile(r"\b\d+/\d{4}/[A-ZĐ-]+\b"): "numbers of legal documents (13/2023/NĐ-CP)",
}

# Elements whose content is not read as text, or holds what a person typed (user data).
_SKIP = {"script", "style", "template", "textarea", "noscript"}
_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")
_WORD = re.compile(r"[^\s]+")


# Inline elements do not break a line of text (a highlighted word stays in its title).
_INLINE = {
    "a", "abbr", "b", "bdi", "code", "em", "i", "kbd", "label", "mark", "q", "s", "small",
    "span", "strong", "sub", "sup", "time", "u", "wbr",
}  # fmt: skip


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skipping += 1
            return
        if tag not in _INLINE:
            self.parts.append("\n")
        values = dict(attrs)
        for name in _ATTRIBUTES:
            if values.get(name):
                self.parts.append(f"\n{values[name]}\n")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(f"\n{values['value']}\n")

    def handle_endtag(self, tag):
        if tag in _SKIP and self.skipping:
            self.skipping -= 1
        elif tag not in _INLINE:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text of a page (a line per block) and its readable attributes (a line each)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def is_vietnamese(word: str) -> bool:
    return any(c in VIETNAMESE_LETTERS for c in unicodedata.normalize("NFC", word))


# What separates the pieces of a line built from several values ("BK-2021-0002 · area · 2021")
# and marks an excerpt ("…the middle of a description…").
_PIECES = re.compile(r"\s+[·|—–]\s+|…|\.\.\.|[:;(),“”\"]\s*")


def vietnamese_words(text: str, user_data: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The words of ``text`` with a Vietnamese letter, once user data and ``ALLOWED`` are taken
    out: whole values (longest first, so a title goes before a name it contains), then pieces
    of the line that are a part of a value (an excerpt of a description in search results)."""
    text = unicodedata.normalize("NFC", text)
    for known in sorted(set(user_data) | set(ALLOWED), key=len, reverse=True):
        if known in text:
            text = text.replace(known, " ")
    for pattern in ALLOWED_PATTERNS:
        text = pattern.sub(" ", text)
    if not any(is_vietnamese(w) for w in _WORD.findall(text)):
        return []
    corpus = "\n".join(user_data)
    kept = []
    for piece in _PIECES.split(text):
        piece = piece.strip()
        # An excerpt has a few words; a one- or two-word piece may be a label ("Huyện").
        if piece and (len(piece.split()) < 3 or piece not in corpus):
            kept.append(piece)
    return [w for w in _WORD.findall(" ".join(kept)) if is_vietnamese(w)]


def untranslated(html: str, user_data: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The Vietnamese lines of an HTML page that are not user data, each once."""
    found = []
    for line in visible_text(html).splitlines():
        if vietnamese_words(line, user_data) and line not in found:
            found.append(line)
    return found


def report(line: str, user_data: set[str] | frozenset[str] = frozenset()) -> str:
    """A line found untranslated, with its Vietnamese words (for a failure message)."""
    return f"{line}   [{' '.join(vietnamese_words(line, user_data))}]"


# Columns written by the application rather than by people: they must read in English.
_NOT_USER_DATA = {
    "areas": {"name", "description"},  # reference data, translated by code
    "notifications": {"text", "message", "params"},
    "assignments": {"recuse_reason"},  # written by the application when it ends an assignment
    "audit_events": {"action"},
    "idea_revisions": {"action"},
    "jobs": {"last_error"},
}


def user_data(session) -> set[str]:
    """Every text people wrote into the database (titles, summaries, names, notes, the values
    kept in JSON columns such as review comments and audit records...) and its lines: the parts
    of a page that stay as written whatever the language."""
    from ideadb.extensions import db

    found: set[str] = set()

    def add(value) -> None:
        if isinstance(value, str):
            if is_vietnamese(value):
                value = unicodedata.normalize("NFC", value)
                found.add(value.strip())
                found.update(line.strip() for line in value.splitlines() if line.strip())
        elif isinstance(value, dict):
            for item in value.values():
                add(item)
        elif isinstance(value, list | tuple):
            for item in value:
                add(item)

    for table in db.metadata.sorted_tables:
        skip = _NOT_USER_DATA.get(table.name, set())
        columns = [
            c
            for c in table.columns
            if isinstance(c.type, sa.String | sa.Text | sa.JSON) and c.name not in skip
        ]
        if not columns:
            continue
        for row in session.execute(sa.select(*columns)):
            for value in row:
                add(value)
    found.discard("")
    return found
