"""The small query language users type: words, ``"phrases"`` and ``-exclusions``.

Everything else is literal text: ``AND``, ``field:``, ``*``, brackets and any other
character are either part of a word or ignored as punctuation. Nothing here can fail.
"""

from __future__ import annotations

from dataclasses import dataclass

from ideadb.search.text import FOLD_TABLE, nfc, tokens

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32


@dataclass(frozen=True)
class Part:
    """One word or phrase: its exact syllables (lower case) and their folded forms."""

    exact: tuple[str, ...]
    folded: tuple[str, ...]

    @property
    def accented(self) -> bool:
        return self.exact != self.folded


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[Part, ...] = ()  # each a single syllable, in order of the query
    phrases: tuple[Part, ...] = ()  # quoted, two syllables or more
    excluded: tuple[Part, ...] = ()
    text: str = ""
    truncated: bool = False

    @property
    def empty(self) -> bool:
        return not self.words and not self.phrases

    def all_folded(self) -> list[str]:
        out = [w.folded[0] for w in self.words]
        for p in self.phrases:
            out.extend(p.folded)
        return out


def _part(syllables: list[str]) -> Part | None:
    folded = [s.translate(FOLD_TABLE) for s in syllables]
    keep = [i for i, f in enumerate(folded) if f]
    if not keep:
        return None
    return Part(tuple(syllables[i] for i in keep), tuple(folded[i] for i in keep))


def parse(text: str | None) -> ParsedQuery:
    """Parse what a user typed. Never raises."""
    raw = nfc(text if isinstance(text, str) else "")
    truncated = len(raw) > MAX_QUERY_CHARS
    raw = raw[:MAX_QUERY_CHARS]
    words: list[Part] = []
    phrases: list[Part] = []
    excluded: list[Part] = []
    count = 0

    def add(syllables: list[str], negative: bool, quoted: bool) -> None:
        nonlocal count, truncated
        if not syllables:
            return
        if count + len(syllables) > MAX_TERMS:
            syllables = syllables[: MAX_TERMS - count]
            truncated = True
            if not syllables:
                return
        count += len(syllables)
        if negative:
            part = _part(syllables)
            if part:
                excluded.append(part)
        elif quoted and len(syllables) > 1:
            part = _part(syllables)
            if part:
                (phrases if len(part.exact) > 1 else words).append(part)
        else:
            for syl in syllables:
                part = _part([syl])
                if part:
                    words.append(part)

    i, n = 0, len(raw)
    while i < n:
        ch = raw[i]
        if ch.isspace():
            i += 1
            continue
        negative = False
        if ch == "-" and i + 1 < n and not raw[i + 1].isspace():
            negative = True
            i += 1
            ch = raw[i]
        if ch in '"“”':
            end = -1
            for j in range(i + 1, n):
                if raw[j] in '"“”':
                    end = j
                    break
            if end == -1:  # unbalanced quote: the rest is plain text
                add(tokens(raw[i + 1 :]), negative, quoted=False)
                break
            add(tokens(raw[i + 1 : end]), negative, quoted=True)
            i = end + 1
            continue
        j = i
        while j < n and not raw[j].isspace() and (j == i or raw[j] not in '"“”'):
            j += 1
        add(tokens(raw[i:j]), negative, quoted=False)
        i = j
    return ParsedQuery(tuple(words), tuple(phrases), tuple(excluded), raw.strip(), truncated)
