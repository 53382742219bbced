"""Vietnamese text analysis shared by indexing, querying and highlighting.

Pure Python (no Whoosh): NFC normalisation, the token pattern, folding (``đ`` → ``d``,
every tone and vowel mark removed) and two-syllable shingles.

Each text becomes two lists of index terms:

* folded terms: every folded syllable plus every folded pair of adjacent syllables
  (``"nuoi"``, ``"lon"``, ``"nuoi lon"``);
* exact terms: the syllables and pairs written with marks, as written (lower case);
  a term without marks is already covered by its folded form and is left out.

Pairs never cross sentence punctuation. There are no stop words and no minimum length:
``ý``, ``an``, ``to`` are real words.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator

TOKEN_RE = re.compile(r"[\w\u0300-\u036f]+")
MAX_TOKEN_CHARS = 40
# Adjacent-syllable pairs are not formed across these.
BREAK_RE = re.compile(r"[.!?;:\n\r()\[\]{}|\"“”…•·]+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _build_fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {cp: None for cp in range(0x300, 0x370)}
    ranges = [range(0xC0, 0x250), range(0x1E00, 0x1F00)]
    for rng in ranges:
        for cp in rng:
            char = chr(cp)
            base = "".join(
                c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
            )
            if base != char and base:
                table[cp] = base.lower()
    table[ord("đ")] = "d"
    table[ord("Đ")] = "d"
    return table


FOLD_TABLE = _build_fold_table()

# Old/new tone placement ("hòa"/"hoà", "thúy"/"thuý"): exact terms use the new placement.
_TONED_O = {"ò": "\u0300", "ó": "\u0301", "ỏ": "\u0309", "õ": "\u0303", "ọ": "\u0323"}
_TONED_U = {"ù": "\u0300", "ú": "\u0301", "ủ": "\u0309", "ũ": "\u0303", "ụ": "\u0323"}


def nfc(text: str | None) -> str:
    """NFC-normalised text with control characters replaced by spaces."""
    if not text:
        return ""
    return unicodedata.normalize("NFC", _CONTROL_RE.sub(" ", text))


def fold(term: str) -> str:
    """Lower case, ``đ`` → ``d``, tone and vowel marks removed (input already NFC)."""
    return term.lower().translate(FOLD_TABLE)


# "kĩ"/"kỹ", "lí"/"lý", "mĩ"/"mỹ", "sĩ"/"sỹ", "tỉ"/"tỷ": one spelling (with ``y``).
_I_TO_Y = {"i": "y", "ì": "ỳ", "í": "ý", "ỉ": "ỷ", "ĩ": "ỹ", "ị": "ỵ"}


def restyle(token: str) -> str:
    """One spelling of a syllable written in two styles.

    A tone written on ``o``/``u`` of a final ``oa``/``oe``/``uy`` moves to the last vowel
    (``hòa`` → ``hoà``, ``thủy`` → ``thuỷ``), and a final ``i`` after ``k l m s t`` becomes
    ``y`` (``kĩ`` → ``kỹ``, ``lí`` → ``lý``).
    """
    if len(token) == 2 and token[0] in "klmst" and token[1] in _I_TO_Y:
        return token[0] + _I_TO_Y[token[1]]
    if len(token) >= 2 and token[-1] in "aey":
        prev = token[-2]
        if token[-1] in "ae" and prev in _TONED_O:
            return unicodedata.normalize("NFC", token[:-2] + "o" + token[-1] + _TONED_O[prev])
        if token[-1] == "y" and prev in _TONED_U and not token[:-2].endswith("q"):
            return unicodedata.normalize("NFC", token[:-2] + "u" + "y" + _TONED_U[prev])
    return token


def has_marks(term: str) -> bool:
    return term != term.translate(FOLD_TABLE)


def tokens(text: str | None) -> list[str]:
    """Exact (lower-case, NFC, restyled) syllables of a text, in order."""
    return [restyle(t[:MAX_TOKEN_CHARS]) for t in TOKEN_RE.findall(nfc(text).lower())]


def chunks(text: str | None) -> Iterator[list[str]]:
    """Exact syllables grouped into runs that pairs may span."""
    for chunk in BREAK_RE.split(nfc(text).lower()):
        toks = TOKEN_RE.findall(chunk)
        if toks:
            yield [restyle(t[:MAX_TOKEN_CHARS]) for t in toks]


Expander = Callable[[list[str], list[str]], tuple[list[str], list[str]]]


def index_terms(
    texts: Iterable[str | None], exact_pairs: bool = True, expand: Expander | None = None
) -> tuple[list[str], list[str]]:
    """(folded terms, exact terms) of several texts forming one field.

    ``expand`` receives each run's exact and folded syllables and returns further
    (folded, exact) terms: the other forms of abbreviations and synonyms found in the run.
    """
    folded: list[str] = []
    exact: list[str] = []
    table = FOLD_TABLE
    for text in texts:
        for run in chunks(text):
            fo = [t.translate(table) for t in run]
            if "" in fo:
                keep = [i for i, f in enumerate(fo) if f]
                run = [run[i] for i in keep]
                fo = [fo[i] for i in keep]
                if not fo:
                    continue
            folded.extend(fo)
            folded.extend([f"{a} {b}" for a, b in itertools.pairwise(fo)])
            marked = [e != f for e, f in zip(run, fo, strict=True)]
            exact.extend([e for e, m in zip(run, marked, strict=True) if m])
            for i in range(len(run) - 1 if exact_pairs else 0):
                if marked[i] or marked[i + 1]:
                    exact.append(f"{run[i]} {run[i + 1]}")
            if expand is not None:
                more_f, more_x = expand(run, fo)
                folded.extend(more_f)
                exact.extend(more_x)
    return folded, exact


def folded_pairs(texts: Iterable[str | None]) -> list[str]:
    """Folded pairs of adjacent syllables of several texts (for similarity)."""
    out: list[str] = []
    for text in texts:
        for run in chunks(text):
            fo = [f for f in (t.translate(FOLD_TABLE) for t in run) if f]
            out.extend([f"{a} {b}" for a, b in itertools.pairwise(fo)])
    return out
