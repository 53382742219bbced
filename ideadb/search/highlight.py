"""Highlights from the stored original text: HTML-escaped, matched words in ``<mark>``.

Matching works on a folded copy of the text that keeps every character offset, so the
marks land on the words as written (with their accents).
"""

from __future__ import annotations

import re
from html import escape

from ideadb.search.query import ParsedQuery
from ideadb.search.text import FOLD_TABLE, TOKEN_RE, nfc, restyle

FRAGMENT_CHARS = 200
_WORD = r"[\w\u0300-\u036f]"
# Folding that keeps offsets: combining marks stay (they are rare in NFC text).
_SAME_LENGTH = {k: v for k, v in FOLD_TABLE.items() if v is not None and len(v) == 1}


def _folded_same_length(text: str) -> str | None:
    lowered = text.lower()
    if len(lowered) != len(text):
        return None
    return lowered.translate(_SAME_LENGTH)


class Marker:
    """Finds the words of a query in a text."""

    def __init__(self, query: ParsedQuery) -> None:
        wanted: dict[str, set[str]] = {}
        for part in (*query.words, *query.phrases):
            for e, f in zip(part.exact, part.folded, strict=True):
                forms = wanted.setdefault(f, set())
                forms.add(e if e != f else "")  # "" = typed without marks: any form
        self.wanted = wanted
        self.pattern = None
        if wanted:
            alternatives = "|".join(re.escape(f) for f in sorted(wanted, key=len, reverse=True))
            self.pattern = re.compile(rf"(?<!{_WORD})(?:{alternatives})(?!{_WORD})")

    def __bool__(self) -> bool:
        return self.pattern is not None

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the matched words in ``text`` (NFC)."""
        if self.pattern is None or not text:
            return []
        folded = _folded_same_length(text)
        found: list[tuple[int, int, str, str]] = []
        if folded is not None:
            for m in self.pattern.finditer(folded):
                exact = restyle(text[m.start() : m.end()].lower())
                found.append((m.start(), m.end(), m.group(), exact))
        else:  # rare: lower() changed the length; tokenise the slow way
            for m in TOKEN_RE.finditer(text):
                exact = restyle(m.group().lower())
                f = exact.translate(FOLD_TABLE)
                if f in self.wanted:
                    found.append((m.start(), m.end(), f, exact))
        if not found:
            return []
        present = {exact for _, _, f, exact in found if exact in self.wanted[f]}
        spans = []
        for start, end, f, exact in found:
            forms = self.wanted[f]
            # an accented query word marks its look-alikes only when it is absent itself
            if "" in forms or exact in forms or not (forms & present):
                spans.append((start, end))
        return spans

    @staticmethod
    def render(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None):
        end = len(text) if end is None else end
        out: list[str] = []
        pos = start
        i, n = 0, len(spans)
        while i < n:
            s, e = spans[i]
            if s < start or e > end:
                i += 1
                continue
            # join runs of marked words separated by white space only
            while i + 1 < n and spans[i + 1][1] <= end and text[e : spans[i + 1][0]].isspace():
                i += 1
                e = spans[i][1]
            out.append(escape(text[pos:s]))
            out.append("<mark>" + escape(text[s:e]) + "</mark>")
            pos = e
            i += 1
        out.append(escape(text[pos:end]))
        return "".join(out)

    def whole(self, text: str) -> str:
        text = nfc(text)
        return self.render(text, self.spans(text))

    def fragment(self, texts: list[str], size: int = FRAGMENT_CHARS) -> str:
        """The best window of about ``size`` characters among ``texts``.

        Best = most distinct query words, then most matches; the first text's beginning
        when nothing matches.
        """
        best = None  # (quality, text, spans, a, b)
        for raw in texts:
            text = nfc(raw)
            if not text:
                continue
            spans = self.spans(text)
            if best is None:
                best = ((0, 0), text, spans, 0, min(len(text), size))
            if not spans:
                continue
            j = 0
            for i, (s, _) in enumerate(spans):
                while j < len(spans) and spans[j][1] - s <= size:
                    j += 1
                words = {text[a:b].lower() for a, b in spans[i:j]}
                quality = (len(words), j - i)
                if quality > best[0]:
                    a = max(0, s - size // 5)
                    best = (quality, text, spans, a, min(len(text), a + size))
        if best is None:
            return ""
        _, text, spans, a, b = best
        # widen to whole words
        while a > 0 and not text[a - 1].isspace():
            a -= 1
        while b < len(text) and not text[b].isspace():
            b += 1
        body = self.render(text, spans, a, b).strip()
        return ("…" if a > 0 else "") + body + ("…" if b < len(text) else "")
