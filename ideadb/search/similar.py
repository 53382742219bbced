"""Similar ideas: those sharing the most distinctive adjacent-syllable pairs with a text.

Used for duplicates while registering and for novelty while reviewing. A pair found in
more than a few percent of the ideas says nothing about an idea and is skipped; the score
is normalised to 0..1 and cut at a threshold so that unrelated ideas are not listed.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence

from ideadb.search.documents import Filters, SimilarItem, Visibility
from ideadb.search.evaluation import K1, Cache, Unit, accumulate, as_dict, idf
from ideadb.search.postings import Snapshot
from ideadb.search.text import folded_pairs

SIMILAR_TERMS = 25
SIMILAR_THRESHOLD = 0.12


def similar(
    snap: Snapshot,
    texts: Sequence[str],
    visibility: Visibility,
    limit: int,
    threshold: float = SIMILAR_THRESHOLD,
    idea_id: int | None = None,
) -> list[SimilarItem]:
    """Ideas like ``texts`` (the texts of ``idea_id`` when given, which is left out)."""
    segs = snap.segs
    pairs = Counter(folded_pairs(texts))
    if len(pairs) < 3:
        return []
    n = max(snap.doc_count(), 1)
    ranked = []
    common = 0.05 * n + 2
    for pair, tf in pairs.items():
        specs = (("title_f", pair), ("text_f", pair))
        df = snap.df(specs)  # counts deleted versions too: an upper bound
        if df > 3 * common + 10:
            continue
        df = snap.live_df(specs)
        own = 1 if idea_id is not None else 0
        if df - own < 1 or df > common:
            continue
        pair_idf = idf(n, df)
        ranked.append((min(tf, 3) * pair_idf, pair, specs, pair_idf))
    ranked.sort(reverse=True)
    units = [Unit("s:" + p, specs, i, 1.0) for _, p, specs, i in ranked[:SIMILAR_TERMS]]
    if len(units) < 3:
        return []
    norm = sum(u.idf for u in units)
    cache: Cache = snap.terms
    found = []
    filters = Filters()
    for i, seg in enumerate(segs):
        mask = seg.data.mask(visibility, filters)
        sc: dict[int, float] = {}
        for unit in units:
            for d, t in as_dict(accumulate(snap, seg, unit, cache)).items():
                sc[d] = sc.get(d, 0.0) + unit.idf * t * (K1 + 1) / (K1 + t)
        for d, s in sc.items():
            if mask[d] and seg.data.ids[d] != idea_id:
                sim = s / ((K1 + 1) * norm)
                if sim >= threshold:
                    found.append((sim, -seg.data.ids[d], i, d))
    out = []
    for sim, _, i, d in heapq.nlargest(limit, found):
        stored = segs[i].stored(d)
        out.append(
            SimilarItem(segs[i].data.ids[d], stored.get("code"), stored.get("title", ""), sim)
        )
    return out
