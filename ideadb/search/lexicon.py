"""The curated lexicon (package data ``data/lexicon.txt``): equivalent forms and generic words.

* Abbreviations and synonyms are groups of equivalent forms (``ubnd = ủy ban nhân dân``,
  ``heo = lợn``). When an idea is indexed, every form found in its text adds the terms of
  the group's other forms, so that any form typed finds ideas written with any other.
  A form of one syllable matches that syllable exactly as written (``heo`` is not ``héo``,
  ``lợn`` is not ``lớn``); a longer form matches its syllables with or without marks.
* Generic words (``mô hình``, ``nâng cao``, ``hiệu quả``...) weigh little in a query.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ideadb.search.text import FOLD_TABLE, tokens


@dataclass(frozen=True)
class Form:
    exact: tuple[str, ...]
    folded: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    groups: tuple[tuple[Form, ...], ...]
    kinds: tuple[str, ...]  # "abbreviations" or "synonyms", per group
    single: dict[str, tuple[tuple[int, int], ...]]  # exact syllable → (group, form)
    multi: dict[str, tuple[tuple[tuple[str, ...], int, int], ...]]  # first folded syllable
    generic_words: frozenset[str]  # folded syllables generic on their own
    generic_pairs: frozenset[str]  # folded pairs "a b" generic together

    def expand(self, run: list[str], folded: list[str]) -> tuple[list[str], list[str]]:
        """Terms of the other forms of every group found in a run of syllables."""
        found: list[tuple[int, int]] = []
        single, multi = self.single, self.multi
        for i, (e, f) in enumerate(zip(run, folded, strict=True)):
            hits = single.get(e)
            if hits:
                found.extend(hits)
            for seq, g, k in multi.get(f, ()):
                if tuple(folded[i : i + len(seq)]) == seq:
                    found.append((g, k))
        if not found:
            return [], []
        out_f: list[str] = []
        out_x: list[str] = []
        for g, k in dict.fromkeys(found):
            for j, form in enumerate(self.groups[g]):
                if j != k:
                    _terms(form, out_f, out_x)
        return out_f, out_x

    def weight(self, folded: list[str], generic: float) -> list[float]:
        """Per query syllable: ``generic`` for a generic word (alone or in a generic pair)."""
        out = [generic if f in self.generic_words else 1.0 for f in folded]
        for i in range(len(folded) - 1):
            if f"{folded[i]} {folded[i + 1]}" in self.generic_pairs:
                out[i] = out[i + 1] = generic
        return out


def _terms(form: Form, out_f: list[str], out_x: list[str]) -> None:
    ex, fo = form.exact, form.folded
    out_f.extend(fo)
    out_f.extend(f"{a} {b}" for a, b in itertools.pairwise(fo))
    marked = [e != f for e, f in zip(ex, fo, strict=True)]
    out_x.extend(e for e, m in zip(ex, marked, strict=True) if m)
    for i in range(len(ex) - 1):
        if marked[i] or marked[i + 1]:
            out_x.append(f"{ex[i]} {ex[i + 1]}")


def parse_lexicon(text: str) -> Lexicon:
    """A lexicon from the text of ``lexicon.txt``."""
    groups: list[tuple[Form, ...]] = []
    kinds: list[str] = []
    single: dict[str, list[tuple[int, int]]] = {}
    multi: dict[str, list[tuple[tuple[str, ...], int, int]]] = {}
    words: set[str] = set()
    pairs: set[str] = set()
    section = ""
    seen: set[tuple[tuple[str, ...], ...]] = set()
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        if section == "generic":
            fo = [t.translate(FOLD_TABLE) for t in tokens(line)]
            if len(fo) == 1:
                words.add(fo[0])
            pairs.update(f"{a} {b}" for a, b in itertools.pairwise(fo))
            continue
        forms = []
        for piece in line.split("="):
            ex = tuple(tokens(piece))
            if ex:
                forms.append(Form(ex, tuple(t.translate(FOLD_TABLE) for t in ex)))
        key = tuple(sorted(f.exact for f in forms))
        if len(forms) < 2 or key in seen:
            continue
        seen.add(key)
        g = len(groups)
        groups.append(tuple(forms))
        kinds.append(section)
        for k, form in enumerate(forms):
            if len(form.exact) == 1:
                single.setdefault(form.exact[0], []).append((g, k))
            else:
                multi.setdefault(form.folded[0], []).append((form.folded, g, k))
    return Lexicon(
        tuple(groups),
        tuple(kinds),
        {k: tuple(v) for k, v in single.items()},
        {k: tuple(v) for k, v in multi.items()},
        frozenset(words),
        frozenset(pairs),
    )


@cache
def lexicon() -> Lexicon:
    """The lexicon shipped with the package."""
    text = resources.files("ideadb.search").joinpath("data/lexicon.txt").read_text("utf-8")
    return parse_lexicon(text)


def expand(run: list[str], folded: list[str]) -> tuple[list[str], list[str]]:
    return lexicon().expand(run, folded)
