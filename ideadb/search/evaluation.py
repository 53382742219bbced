"""BM25F evaluation of a parsed query over a snapshot: matching tiers, scores, facets, order.

Term-at-a-time: every scored unit (a syllable or an adjacent pair, folded or exact) is
accumulated once per segment into ``{docnum: weighted term frequency}``; tiers (phrase,
all words, most words) are set operations over those accumulators.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import mul
from typing import Any

from ideadb.search import whoosh_internals
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

Accumulator = dict[int, float]
Cache = dict[tuple[int, str], Accumulator]
# Per segment: the matched docnums, and their scores (None when not scored).
Matched = list[list[int]]
Scores = list[dict[int, float] | None]


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
    """Docnum → length-normalised, field-weighted frequency of ``unit`` in ``seg``."""
    key = (id(seg), unit.key)
    found = cache.get(key)
    if found is not None:
        return found
    acc: Accumulator = {}
    # the body field first: its (largest) list fills the empty dict at C speed
    for n, (field, term) in enumerate(sorted(unit.specs, key=_body_first)):
        matcher = seg.matcher(field, term)
        if matcher is None:
            continue
        norm = seg.data.norm(field, snap.avg(field))
        factor = norm.__getitem__
        get = acc.get
        for ids, weights in whoosh_internals.blocks(matcher, seg.deleted):
            if not acc or n == 0:
                if weights is None:
                    acc.update(zip(ids, map(factor, ids), strict=True))
                else:
                    acc.update(zip(ids, map(mul, weights, map(factor, ids)), strict=True))
            elif weights is None:
                for d in ids:
                    acc[d] = get(d, 0.0) + norm[d]
            else:
                for d, w in zip(ids, weights, strict=True):
                    acc[d] = get(d, 0.0) + w * norm[d]
    cache[key] = acc
    return acc


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
            drop: set[int] = set()
            for group in excluded if matched else ():
                accs = sorted((accumulate(snap, seg, u, cache) for u in group), key=len)
                drop.update(d for d in accs[0] if all(d in acc for acc in accs[1:]))
            if drop:
                matched = [d for d in matched if mask[d] and d not in drop]
            else:
                matched = [d for d in matched if mask[d]]
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
        sc = dict.fromkeys(matched, 0.0)
        for unit in score_units:
            acc = accumulate(snap, seg, unit, cache)
            c = unit.boost * unit.idf
            if len(acc) <= len(sc):
                for d, t in acc.items():
                    if d in sc:
                        sc[d] += c * t / (K1 + t)
            else:
                get = acc.get
                for d in matched:
                    tf = get(d)
                    if tf:
                        sc[d] += c * tf / (K1 + tf)
        if name == "some" and (long_query or IDF_COORD) and LONG_COORD:
            present = [(accumulate(snap, seg, u, cache), u.idf * u.boost) for u in coord_units]
            whole = sum(w for _, w in present) or 1.0
            for d in matched:
                share = sum(w for acc, w in present if d in acc) / whole
                sc[d] *= share**LONG_COORD
        elif name == "some" and COORD:
            present_accs = [accumulate(snap, seg, u, cache) for u in coord_units]
            n_units = len(present_accs)
            for d in matched:
                k = sum(1 for acc in present_accs if d in acc)
                sc[d] *= (k / n_units) ** COORD
        for fu, xu in lookalike_units:
            folded_acc = accumulate(snap, seg, fu, cache)
            exact_acc = accumulate(snap, seg, xu, cache)
            for d in matched:
                if d in folded_acc and d not in exact_acc:
                    sc[d] *= LOOKALIKE
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
    if not any(per_seg):
        return []
    cache: Cache = snap.terms
    out = []
    for e, f in marked_syllables(pq):
        _, xu = _exact_units(snap, e, f)
        found = False
        for seg, matched in zip(snap.segs, per_seg, strict=True):
            if matched:
                acc = accumulate(snap, seg, xu, cache)
                if acc and any(d in acc for d in matched):
                    found = True
                    break
        if not found:
            out.append(e)
    return out


def _match(
    snap: Snapshot, seg: Seg, units: list[Unit], need: int, phrase_req: list[Unit], cache: Cache
) -> Sequence[int]:
    """Docnums of a segment meeting the tier: ``need`` of ``units`` and every phrase pair.

    Membership tests go against the accumulators themselves (no copies into sets).
    """
    accs = [accumulate(snap, seg, u, cache) for u in units]
    required = [accumulate(snap, seg, u, cache) for u in phrase_req]
    candidates: Any
    if accs and need < len(accs):
        counts = Counter(itertools.chain.from_iterable(accs))
        candidates = [d for d, c in counts.items() if c >= need]
    else:
        required = sorted(accs + required, key=len)
        if not required:
            return []
        candidates, required = required[0], required[1:]
    for acc in required:
        candidates = [d for d in candidates if d in acc]
    return candidates


def browse(snap: Snapshot, pq: ParsedQuery, masks: Sequence[bytearray]) -> tuple[Matched, Scores]:
    """Every visible document (an empty query), less the excluded words; not scored."""
    per_seg: Matched = []
    scores: Scores = []
    cache: Cache = snap.terms
    for seg, mask in zip(snap.segs, masks, strict=True):
        matched = [d for d in itertools.compress(range(seg.data.size), mask)]
        if seg.deleted:
            matched = [d for d in matched if d not in seg.deleted]
        if pq.excluded:
            drop: set[int] = set()
            for p in pq.excluded:
                fields = EXACT_FIELDS if p.accented else FOLDED_FIELDS
                terms = p.exact if p.accented else p.folded
                if len(terms) == 1:
                    unit = Unit("e:" + terms[0], tuple((f, terms[0]) for f in fields), 0, 0)
                    drop |= set(accumulate(snap, seg, unit, cache))
                else:
                    fo, _ = units_for(snap, p, pairs=True)
                    sets = [set(accumulate(snap, seg, u, cache)) for u in fo]
                    drop |= set.intersection(*sets)
            matched = [d for d in matched if d not in drop]
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
            if matched:
                counter.update(map(getattr(seg.data, attr).__getitem__, matched))
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
        if not matched:
            continue
        sc = scores[i]
        data = seg.data
        first: Callable[[int], float]
        if sort == "newest" or (sort != "score" and sc is None):
            first = data.created.__getitem__
        elif sort == "score":
            first = data.final.__getitem__
        else:
            assert sc is not None
            first = sc.__getitem__
        top = heapq.nlargest(k + 1, matched, key=first)
        if len(top) > k:
            if first(top[k]) == first(top[k - 1]):  # keep every tie at the boundary
                threshold = first(top[k - 1])
                top = [d for d in matched if first(d) >= threshold]
            else:
                top = top[:k]
        for d in top:
            rel = sc[d] if sc is not None else 0.0
            if sort == "newest":
                key = (data.created[d], rel)
            elif sort == "score":
                key = (data.final[d], rel)
            else:
                key = (rel, data.created[d])
            candidates.append((key, -data.ids[d], rel, i, d))
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
