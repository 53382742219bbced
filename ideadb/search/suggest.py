"""Did-you-mean: the accented form of an unaccented query, or a typo's nearest index word.

Suggestions are counted under the caller's visibility (the masks), so they never reveal
a word found only in ideas the caller may not see.
"""

from __future__ import annotations

from collections.abc import Sequence

from ideadb.search import evaluation
from ideadb.search.postings import Snapshot, Spec
from ideadb.search.query import ParsedQuery, Part, parse
from ideadb.search.schema import EXACT_FIELDS, FOLDED_FIELDS
from ideadb.search.text import FOLD_TABLE

# Offer a suggestion when a query finds fewer hits than this.
SUGGEST_BELOW = 5


def osa(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbouring letters as one edit."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def visible_df(
    snap: Snapshot, masks: Sequence[bytearray], specs: Sequence[Spec], limit: int = 50000
) -> int:
    """Visible documents holding any of these terms (counting stops at ``limit``)."""
    count = 0
    for seg, mask in zip(snap.segs, masks, strict=True):
        seen: set[int] = set()
        for field, term in specs:
            m = seg.matcher(field, term)
            if m is None:
                continue
            while m.is_active() and count + len(seen) < limit:
                d = m.id()
                if mask[d]:
                    seen.add(d)
                m.next()
        count += len(seen)
    return count


def suggest(snap: Snapshot, pq: ParsedQuery, masks: Sequence[bytearray]) -> str | None:
    """A better query than ``pq`` that finds something visible, or None."""
    segs = snap.segs
    if not segs:
        return None
    forms: dict[str, dict[str, int]] = {}

    def candidates(f: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for seg in segs:
            for term, df in seg.data.forms(seg.reader).get(f, {}).items():
                out[term] = out.get(term, 0) + df
        return out

    def best_folded(f: str) -> str:
        specs = tuple((fld, f) for fld in FOLDED_FIELDS)
        if len(f) < 3 or visible_df(snap, masks, specs, limit=1):
            return f
        maxdist = 1 if len(f) < 4 else 2
        near: set[str] = set()
        for seg in segs:
            for fld in ("title_f", "text_f"):
                for t in seg.reader.terms_within(fld, f, maxdist):
                    t = t.decode("utf-8") if isinstance(t, bytes) else t
                    if " " not in t:
                        near.add(t)
        ranked = sorted(near, key=lambda t: (osa(f, t), t))[:30]
        scored = []
        for t in ranked:
            df = visible_df(snap, masks, tuple((fld, t) for fld in FOLDED_FIELDS))
            if df:
                scored.append((osa(f, t), -df, t))
        return min(scored)[2] if scored else f

    def best_form(exact: str, f: str) -> str:
        if exact != f:
            return exact
        if f not in forms:
            forms[f] = candidates(f)
        ranked = sorted(forms[f].items(), key=lambda kv: -kv[1])[:6]
        best, best_df = f, 0
        for term, _ in ranked:
            df = visible_df(snap, masks, tuple((fld, term) for fld in EXACT_FIELDS))
            if df > best_df:
                best, best_df = term, df
        return best

    def fix(part: Part) -> list[str]:
        out = []
        for e, f in zip(part.exact, part.folded, strict=True):
            if e == f:
                e = f = best_folded(f)
            out.append(best_form(e, f))
        return out

    pieces = [" ".join(fix(w)) for w in pq.words]
    pieces += ['"' + " ".join(fix(p)) + '"' for p in pq.phrases]
    pieces += ["-" + " ".join(p.exact) for p in pq.excluded]
    suggestion = " ".join(pieces)
    original = " ".join(
        [w.exact[0] for w in pq.words]
        + ['"' + " ".join(p.exact) + '"' for p in pq.phrases]
        + ["-" + " ".join(p.exact) for p in pq.excluded]
    )
    if suggestion == original:
        return None
    # offer the accented form of what was found, or a correction that finds every word
    rank = {"phrase": 0, "all": 1, "some": 2}
    tier, after, _ = evaluation.evaluate(snap, parse(suggestion), masks, score=False, min_hits=1)
    found = sum(map(len, after))
    if not found or rank.get(tier, 0) > 1:
        return None
    if suggestion.translate(FOLD_TABLE) == original.translate(FOLD_TABLE):
        return suggestion
    old_tier, before, _ = evaluation.evaluate(snap, pq, masks, score=False, min_hits=1)
    if rank.get(tier, 0) < rank.get(old_tier, 0) or found > sum(map(len, before)):
        return suggestion
    return None
