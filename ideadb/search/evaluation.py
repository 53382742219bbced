"""BM25F evaluation of a parsed query over a snapshot: matching tiers, scores, facets, order.

Term-at-a-time: every scored unit (a syllable or an adjacent pair, folded or exact) is
accumulated once per segment into two arrays, the docnums holding it (ascending) and their
weighted term frequencies; tiers (phrase, all words, most words) are set operations over those
arrays and scores are computed for all matched documents at once (numpy), in the same order of
floating-point operations as one document at a time.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ideadb.search.documents import FACETS, Hit
from ideadb.search.highlight import Marker
from ideadb.search.lexicon import lexicon
from ideadb.search.postings import Seg, Snapshot, Spec
from ideadb.search.query import ParsedQuery, Part
from ideadb.search.schema import EXACT_FIELDS, FOLDED_FIELDS
from ideadb.search.text import FOLD_TABLE

K1 = 1.2
PAIR_BOOST = 1.0
EXACT_BOOST = 1.0
# A word typed without marks leans towards its most frequent accented form.
DOMINANT_BOOST = 0.5
# Widened to "most words": a document's score × (share of the query's words it has) ** COORD.
COORD = 2.0
# Last widening: documents with at least this share of the query's words (at least one).
SOME_SHARE = 0.0
# Fall back from adjacent pairs to all words, then to most words, below this many hits.
MIN_HITS = 10
TIERS = ("phrase", "all", "some")
# Long descriptive queries (this many words or more) are matched on any word and ranked by
# the rarity-weighted share of the query they hold (× share ** LONG_COORD) and adjacency.
LONG_WORDS = 7
LONG_COORD = 1.0
# Shorter queries widened to "most words" use the same rarity-weighted share.
IDF_COORD = True
# Generic words of the movement (mô hình, nâng cao, hiệu quả...) weigh this much.
GENERIC = 0.5
# A document holding a word typed with marks only as a look-alike (lớn for lợn), while
# other documents hold it as typed: its score × LOOKALIKE per such word.
LOOKALIKE = 0.3

# Docnums holding a unit (ascending) and its length-normalised, field-weighted frequency there.
Accumulator = tuple[np.ndarray, np.ndarray]
# (segment, deletions), versions of the length factors used, unit → accumulator
Cache = dict[tuple[Any, tuple[int, ...], str], Accumulator]
# Per segment: the matched docnums (an int64 array), and their scores in the same order (None
# when not scored).
Matched = list[np.ndarray]
Scores = list[np.ndarray | None]
_NO_DOCS = np.empty(0, dtype=np.int64)
_NO_DOCS.flags.writeable = False
_NOTHING: Accumulator = (_NO_DOCS, np.empty(0))


@dataclass
class Unit:
    """One scored query term: several (field, term) postings combined BM25F-style."""

    key: str
    specs: tuple[Spec, ...]
    idf: float
    boost: float


def idf(n: int, df: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def _body_first(spec: Spec) -> int:
    return 0 if spec[0].startswith("text") else 1


def accumulate(snap: Snapshot, seg: Seg, unit: Unit, cache: Cache) -> Accumulator:
    """Docnums holding ``unit`` in ``seg`` and its length-normalised, field-weighted frequency."""
    specs = sorted(unit.specs, key=_body_first)
    norms = {field: seg.data.norm_array(field, snap.avg(field)) for field, _ in specs}
    key = (seg.key, tuple(version for _, version in norms.values()), unit.key)
    found = cache.get(key)
    if found is not None:
        return found
    parts = []
    # the body field first, as the frequencies of several fields are summed in that order
    for field, term in specs:
        postings = seg.arrays(field, term)
        if postings is None or not len(postings[0]):
            continue
        ids, weights = postings
        norm = norms[field][0][ids]
        parts.append((ids, norm if weights is None else weights * norm))
    if not parts:
        acc = _NOTHING
    elif len(parts) == 1:
        acc = parts[0]
    else:
        dense = np.zeros(seg.data.size)
        for ids, values in parts:
            dense[ids] += values
        ids = np.flatnonzero(dense)
        acc = (ids, dense[ids])
    cache[key] = acc
    return acc


def holds(acc: Accumulator, docs: np.ndarray) -> np.ndarray:
    """Whether each of ``docs`` holds the unit (a boolean array)."""
    ids = acc[0]
    if not len(ids) or not len(docs):
        return np.zeros(len(docs), dtype=bool)
    at = np.minimum(np.searchsorted(ids, docs), len(ids) - 1)
    return ids[at] == docs


def frequencies(acc: Accumulator, docs: np.ndarray) -> np.ndarray:
    """The unit's weighted frequency in each of ``docs`` (0.0 where absent)."""
    ids, values = acc
    if not len(ids) or not len(docs):
        return np.zeros(len(docs))
    at = np.minimum(np.searchsorted(ids, docs), len(ids) - 1)
    return np.where(ids[at] == docs, values[at], 0.0)


def as_dict(acc: Accumulator) -> dict[int, float]:
    """An accumulator as ``{docnum: frequency}``."""
    return dict(zip(acc[0].tolist(), acc[1].tolist(), strict=True))


def units_for(snap: Snapshot, part: Part, pairs: bool) -> tuple[list[Unit], list[Unit]]:
    """Folded units (one per syllable or adjacent pair) and exact units of a part."""
    n = max(snap.doc_count_all(), 1)
    folded, exact = [], []
    ex, fo = part.exact, part.folded
    if pairs:
        items = [(f"{fo[i]} {fo[i + 1]}", f"{ex[i]} {ex[i + 1]}") for i in range(len(fo) - 1)]
    else:
        items = list(zip(fo, ex, strict=True))
    boost = PAIR_BOOST if pairs else 1.0
    for f, e in items:
        specs = tuple((fld, f) for fld in FOLDED_FIELDS)
        folded.append(Unit("f:" + f, specs, idf(n, snap.df(specs)), boost))
        weight = EXACT_BOOST
        if e == f and not pairs and DOMINANT_BOOST:
            e, weight = snap.dominant(f), DOMINANT_BOOST
        if e != f and weight:
            especs = tuple((fld, e) for fld in EXACT_FIELDS)
            exact.append(Unit("x:" + e, especs, idf(n, snap.df(especs)), boost * weight))
    return folded, exact


def evaluate(
    snap: Snapshot,
    pq: ParsedQuery,
    masks: Sequence[bytearray],
    score: bool = True,
    min_hits: int = MIN_HITS,
) -> tuple[str, Matched, Scores | None]:
    """Matching documents and their scores per segment, widening when too few match."""
    segs = snap.segs
    cache: Cache = snap.terms
    words = pq.words
    word_part = Part(tuple(w.exact[0] for w in words), tuple(w.folded[0] for w in words))
    # requirements shared by every tier: each phrase's adjacent pairs
    phrase_req: list[Unit] = []
    phrase_score: list[Unit] = []
    for p in pq.phrases:
        fo, ex = units_for(snap, p, pairs=True)
        phrase_req += fo
        phrase_score += fo + ex
    tiers: list[tuple[str, list[Unit], int, list[Unit]]] = []
    coord_units: list[Unit] = []
    long_query = len(words) >= LONG_WORDS
    if words:
        syl_f, syl_x = units_for(snap, word_part, pairs=False)
        pair_f, pair_x = units_for(snap, word_part, pairs=True) if len(words) >= 2 else ([], [])
        _weigh(word_part.folded, syl_f, syl_x, pair_f + pair_x)
        if long_query:
            score_units = pair_f + pair_x + syl_f + syl_x
            tiers.append(("some", syl_f, 1, score_units))
            coord_units = syl_f
        elif len(words) >= 2:
            tiers.append(("phrase", pair_f, len(pair_f), pair_f + pair_x))
            tiers.append(("all", syl_f, len(syl_f), pair_f + pair_x + syl_f + syl_x))
            need = max(1, math.ceil(len(syl_f) * SOME_SHARE))
            if need < len(syl_f):
                tiers.append(("some", syl_f, need, pair_f + pair_x + syl_f + syl_x))
                coord_units = syl_f
        else:
            tiers.append(("all", syl_f, 1, syl_f + syl_x))
    else:
        tiers.append(("phrase", [], 0, []))
    tiers = [t for t in tiers if t[0] in TIERS] or tiers[:1]
    excluded = []
    for p in pq.excluded:
        if len(p.folded) == 1:
            specs = (
                tuple((fld, p.exact[0]) for fld in EXACT_FIELDS)
                if p.accented
                else tuple((fld, p.folded[0]) for fld in FOLDED_FIELDS)
            )
            excluded.append([Unit("e:" + p.exact[0], specs, 0.0, 0.0)])
        else:
            fo, _ = units_for(snap, p, pairs=True)
            excluded.append(fo)

    result = None
    for name, req_units, need, score_units in tiers:
        per_seg = []
        total = 0
        for seg, mask in zip(segs, masks, strict=True):
            matched = _match(snap, seg, req_units, need, phrase_req, cache)
            if len(matched):
                matched = matched[np.frombuffer(mask, dtype=np.uint8)[matched] != 0]
            for group in excluded if len(matched) else ():
                keep = np.zeros(len(matched), dtype=bool)
                for acc in (accumulate(snap, seg, u, cache) for u in group):
                    keep |= ~holds(acc, matched)  # a document lacking one pair keeps
                matched = matched[keep]
            total += len(matched)
            per_seg.append(matched)
        result = (name, per_seg, score_units + phrase_score)
        if total >= min_hits:
            break
    assert result is not None
    name, per_seg, score_units = result
    if not score:
        return name, per_seg, None
    scores: Scores = []
    lookalike_units = _lookalike_units(snap, pq) if LOOKALIKE < 1.0 else []
    for seg, matched in zip(segs, per_seg, strict=True):
        sc = np.zeros(len(matched))
        if not len(matched):
            scores.append(sc)
            continue
        for unit in score_units:
            t = frequencies(accumulate(snap, seg, unit, cache), matched)
            sc += unit.boost * unit.idf * t / (K1 + t)
        if name == "some" and (long_query or IDF_COORD) and LONG_COORD:
            whole = sum(u.idf * u.boost for u in coord_units) or 1.0
            share = np.zeros(len(matched))
            for u in coord_units:
                share += np.where(
                    holds(accumulate(snap, seg, u, cache), matched), u.idf * u.boost, 0.0
                )
            sc *= (share / whole) ** LONG_COORD
        elif name == "some" and COORD:
            k = np.zeros(len(matched))
            for u in coord_units:
                k += holds(accumulate(snap, seg, u, cache), matched)
            sc *= (k / len(coord_units)) ** COORD
        for fu, xu in lookalike_units:
            look = holds(accumulate(snap, seg, fu, cache), matched)
            look &= ~holds(accumulate(snap, seg, xu, cache), matched)
            sc[look] *= LOOKALIKE
        scores.append(sc)
    return name, per_seg, scores


def _weigh(
    folded: Sequence[str], syl_f: list[Unit], syl_x: list[Unit], pairs: Sequence[Unit] = ()
) -> None:
    """Lower the boost of generic words' units (in place)."""
    if GENERIC >= 1.0:
        return
    weights = lexicon().weight(list(folded), GENERIC)
    low = {f for f, w in zip(folded, weights, strict=True) if w < 1.0}
    if not low or len(low) == len(set(folded)):
        return  # nothing generic, or nothing else: no word to favour
    for unit in syl_f:
        if unit.key[2:] in low:
            unit.boost *= GENERIC
    for unit in syl_x:
        if unit.key[2:].translate(FOLD_TABLE) in low:
            unit.boost *= GENERIC
    for unit in pairs:  # a pair of generic words ("nâng cao", "hiệu quả") is generic too
        if all(f in low for f in unit.key[2:].translate(FOLD_TABLE).split(" ")):
            unit.boost *= GENERIC


def marked_syllables(pq: ParsedQuery) -> list[tuple[str, str]]:
    """(exact, folded) of every syllable typed with marks, once each, in query order."""
    out: dict[str, str] = {}
    for part in (*pq.words, *pq.phrases):
        for e, f in zip(part.exact, part.folded, strict=True):
            if e != f:
                out.setdefault(e, f)
    return list(out.items())


def _exact_units(snap: Snapshot, e: str, f: str) -> tuple[Unit, Unit]:
    fspecs = tuple((fld, f) for fld in FOLDED_FIELDS)
    xspecs = tuple((fld, e) for fld in EXACT_FIELDS)
    return Unit("f:" + f, fspecs, 0.0, 0.0), Unit("x:" + e, xspecs, 0.0, 0.0)


def _lookalike_units(snap: Snapshot, pq: ParsedQuery) -> list[tuple[Unit, Unit]]:
    """Per syllable typed with marks and written so somewhere: its (folded, exact) units."""
    out = []
    for e, f in marked_syllables(pq):
        fu, xu = _exact_units(snap, e, f)
        if snap.df(xu.specs):  # else a mark nobody wrote: every look-alike is as good
            out.append((fu, xu))
    return out


def unmatched_marks(snap: Snapshot, pq: ParsedQuery, per_seg: Matched) -> list[str]:
    """Syllables typed with marks that no matched document holds as typed."""
    if not any(len(m) for m in per_seg):
        return []
    cache: Cache = snap.terms
    out = []
    for e, f in marked_syllables(pq):
        _, xu = _exact_units(snap, e, f)
        found = False
        for seg, matched in zip(snap.segs, per_seg, strict=True):
            if len(matched) and holds(accumulate(snap, seg, xu, cache), matched).any():
                found = True
                break
        if not found:
            out.append(e)
    return out


def _match(
    snap: Snapshot, seg: Seg, units: list[Unit], need: int, phrase_req: list[Unit], cache: Cache
) -> np.ndarray:
    """Docnums of a segment meeting the tier: ``need`` of ``units`` and every phrase pair."""
    accs = [accumulate(snap, seg, u, cache) for u in units]
    required = [accumulate(snap, seg, u, cache) for u in phrase_req]
    if accs and need < len(accs):
        counts = np.zeros(seg.data.size, dtype=np.int32)
        for ids, _ in accs:
            counts[ids] += 1
        candidates = np.flatnonzero(counts >= need)
    else:
        required = sorted(accs + required, key=lambda acc: len(acc[0]))
        if not required:
            return _NO_DOCS
        candidates, required = required[0][0], required[1:]
    for acc in required:
        if not len(candidates):
            break
        candidates = candidates[holds(acc, candidates)]
    return candidates


def browse(snap: Snapshot, pq: ParsedQuery, masks: Sequence[bytearray]) -> tuple[Matched, Scores]:
    """Every visible document (an empty query), less the excluded words; not scored."""
    per_seg: Matched = []
    scores: Scores = []
    cache: Cache = snap.terms
    for seg, mask in zip(snap.segs, masks, strict=True):
        visible = np.frombuffer(mask, dtype=np.uint8) != 0 if len(mask) else np.zeros(0, bool)
        if seg.dead is not None:
            visible &= ~seg.dead
        matched = np.flatnonzero(visible)
        for p in pq.excluded:
            if not len(matched):
                break
            fields = EXACT_FIELDS if p.accented else FOLDED_FIELDS
            terms = p.exact if p.accented else p.folded
            if len(terms) == 1:
                unit = Unit("e:" + terms[0], tuple((f, terms[0]) for f in fields), 0, 0)
                matched = matched[~holds(accumulate(snap, seg, unit, cache), matched)]
            else:
                fo, _ = units_for(snap, p, pairs=True)
                drop = np.ones(len(matched), dtype=bool)
                for u in fo:
                    drop &= holds(accumulate(snap, seg, u, cache), matched)
                matched = matched[~drop]
        per_seg.append(matched)
        scores.append(None)
    return per_seg, scores


_FACET_COLUMNS = {
    "area": ("area", ""),
    "year": ("year", 0),
    "district_id": ("district", -1),
    "status": ("status", ""),
    "level": ("level", ""),
}


def facets(
    segs: Sequence[Seg], per_seg: Matched, names: Sequence[str] = FACETS
) -> dict[str, dict[str, int]]:
    """Counts per value of each facet over the matched documents (per-segment arrays)."""
    out: dict[str, dict[str, int]] = {}
    for name in names:
        attr, missing = _FACET_COLUMNS[name]
        counter: Counter[Any] = Counter()
        for seg, matched in zip(segs, per_seg, strict=True):
            if len(matched):
                codes, values = seg.data.coded(attr)
                counts = np.bincount(codes[matched], minlength=len(values))
                for code in np.flatnonzero(counts).tolist():
                    counter[values[code]] += int(counts[code])
        items = [(str(k), v) for k, v in counter.items() if k != missing]
        if name == "year":
            items.sort(reverse=True)
        else:
            items.sort(key=lambda kv: (-kv[1], kv[0]))
        out[name] = dict(items)
    return out


def order(
    segs: Sequence[Seg], per_seg: Matched, scores: Scores, sort: str, k: int
) -> list[tuple[float, int, int]]:
    """The first ``k`` documents as (score, segment index, docnum).

    Relevance ties go to the newer idea; newest and score ties to the more relevant.
    """
    candidates = []
    for i, (seg, matched) in enumerate(zip(segs, per_seg, strict=True)):
        if not len(matched):
            continue
        sc = scores[i]
        data = seg.data
        rel = sc if sc is not None else np.zeros(len(matched))
        created = np.frombuffer(data.created, dtype=np.float64)[matched]
        if sort == "newest" or (sort != "score" and sc is None):
            first = created
        elif sort == "score":
            first = np.frombuffer(data.final, dtype=np.float64)[matched]
        else:
            first = rel
        if len(first) > k:  # the k largest, and every tie of the k-th
            threshold = np.partition(first, len(first) - k)[len(first) - k]
            top = np.flatnonzero(first >= threshold)
        else:
            top = np.arange(len(first))
        docs, firsts = matched[top].tolist(), first[top].tolist()
        rels, news = rel[top].tolist(), created[top].tolist()
        for d, f, r, c in zip(docs, firsts, rels, news, strict=True):
            key = (c, r) if sort == "newest" else (f, r) if sort == "score" else (r, c)
            candidates.append((key, -data.ids[d], r, i, d))
    top_k = heapq.nlargest(k, candidates)
    return [(rel, i, d) for _, _, rel, i, d in top_k]


def hit(seg: Seg, d: int, score: float, marker: Marker | None) -> Hit:
    """What a result list shows of document ``d``, with highlights when ``marker`` is given."""
    data = seg.data
    stored = seg.stored(d)
    final = data.final[d]
    result = Hit(
        id=data.ids[d],
        code=stored.get("code"),
        title=stored.get("title", ""),
        summary=stored.get("summary", ""),
        area=data.area[d] or None,
        year=data.year[d] or None,
        district_id=None if data.district[d] < 0 else data.district[d],
        unit_id=None if data.unit[d] < 0 else data.unit[d],
        status=data.status[d],
        level=data.level[d] or None,
        final_score=None if final == -math.inf else final,
        published=bool(data.published[d]),
        score=round(score, 4),
    )
    if marker is not None:
        texts = [stored.get(k, "") for k in ("summary", "description", "novelty", "benefits")]
        result.highlights = {"title": marker.whole(result.title), "text": marker.fragment(texts)}
    return result
