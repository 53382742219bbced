"""The Whoosh index of ideas: storage, writing, and query evaluation.

Every ``import whoosh`` of ideadb lives in this package. Only Whoosh 2.7's public API is
used: an index of plain fields with pre-analysed term lists (built-in analyzers only, so
any 2.7 reader can open it), per-document values in one fixed-width column, and
term-at-a-time evaluation over ``reader.postings()``.

Layout of an index root::

    <root>/CURRENT        name of the live generation (replaced atomically)
    <root>/g000001/       a Whoosh index; a rebuild writes g000002/ beside it and swaps

One :class:`Engine` per root and process keeps one long-lived searcher, refreshes it when
a commit has happened (cheap) and reopens it when ``CURRENT`` names another generation.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import math
import os
import shutil
import struct
import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import mul

from whoosh import __version__ as whoosh_version
from whoosh import index as whoosh_index
from whoosh.analysis import IDTokenizer
from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher
from whoosh.columns import FixedBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, Schema
from whoosh.index import LockError
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

from ideadb.search.documents import (
    FACETS,
    CheckReport,
    Filters,
    Hit,
    IdeaDoc,
    SearchResult,
    SimilarItem,
    Visibility,
)
from ideadb.search.highlight import Marker
from ideadb.search.query import ParsedQuery, Part, parse
from ideadb.search.text import FOLD_TABLE, folded_pairs, index_terms

INDEX_NAME = "MAIN"
CURRENT_FILE = "CURRENT"
FORMAT_FILE = "FORMAT"
FORMAT = "ideadb-search-1"
WRITE_TIMEOUT = 5.0
MAX_SEGMENTS = 8
EXACT_TEXT_PAIRS = os.environ.get("IDEADB_SEARCH_EXACT_TEXT_PAIRS", "0") == "1"

TEXT_FIELDS = ("title_f", "title_x", "text_f", "text_x", "meta_f")
FOLDED_FIELDS = ("title_f", "text_f", "meta_f")
EXACT_FIELDS = ("title_x", "text_x")
# BM25F: per-field weight and length normalisation; title above body.
FIELD_WEIGHT = {"title_f": 2.5, "title_x": 2.5, "text_f": 1.0, "text_x": 1.0, "meta_f": 1.5}
FIELD_B = {"title_f": 0.5, "title_x": 0.5, "text_f": 0.75, "text_x": 0.75, "meta_f": 0.5}
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
SUGGEST_BELOW = 5
SIMILAR_TERMS = 25
SIMILAR_THRESHOLD = 0.12

# Per-document values: idea id, unit, district, year, published, status, area, level,
# final score, created, updated, stamp, lengths of the five text fields.
ROW = struct.Struct("<qiiHB24s24s32sddd8s5I")
_NAN = float("nan")


class SearchUnavailable(Exception):
    """The index does not exist (run ``ideadb reindex``) or cannot be read."""


class IndexBusy(Exception):
    """Another writer held the index lock past the timeout; try again later."""


# ---------------------------------------------------------------------------- schema


def make_schema() -> Schema:
    # Terms arrive analysed (lists); frequencies only, no positions, no Whoosh lengths
    # (lengths are kept in the row column).
    def text() -> KEYWORD:
        return KEYWORD(analyzer=IDTokenizer(), scorable=False)

    return Schema(
        id=ID(unique=True),
        title_f=text(),
        title_x=text(),
        text_f=text(),
        text_x=text(),
        meta_f=text(),
        doc=STORED(),
        row=COLUMN(FixedBytesColumn(ROW.size)),
    )


def _ts(value: datetime | None) -> float:
    if value is None:
        return _NAN
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def _enc(value: str | None, size: int) -> bytes:
    return (value or "").encode("utf-8")[:size]


def _doc_fields(doc: IdeaDoc) -> dict:
    title_f, title_x = index_terms([doc.title])
    text_f, text_x = index_terms(
        [doc.summary, doc.description, doc.novelty, doc.benefits], exact_pairs=EXACT_TEXT_PAIRS
    )
    meta_f, _ = index_terms([doc.code or "", *doc.people])
    row = ROW.pack(
        doc.id,
        -1 if doc.unit_id is None else doc.unit_id,
        -1 if doc.district_id is None else doc.district_id,
        doc.year or 0,
        1 if doc.published else 0,
        _enc(doc.status, 24),
        _enc(doc.area, 24),
        _enc(doc.level, 32),
        _NAN if doc.final_score is None else float(doc.final_score),
        _ts(doc.created_at),
        _ts(doc.updated_at),
        bytes.fromhex(doc.stamp()),
        len(title_f),
        len(title_x),
        len(text_f),
        len(text_x),
        len(meta_f),
    )
    stored = {
        "code": doc.code,
        "title": doc.title,
        "summary": doc.summary,
        "description": doc.description,
        "novelty": doc.novelty,
        "benefits": doc.benefits,
        "people": list(doc.people),
    }
    fields = {"id": str(doc.id), "doc": stored, "row": row}
    for name, terms in (
        ("title_f", title_f),
        ("title_x", title_x),
        ("text_f", text_f),
        ("text_x", text_x),
        ("meta_f", meta_f),
    ):
        if terms:
            fields[name] = terms
    return fields


def _codec() -> W3Codec:
    """Whoosh's standard codec, without per-posting length statistics (lengths are ours)."""
    codec = W3Codec()
    codec.length_stats = False
    return codec


# ---------------------------------------------------------------------------- storage


def _current(root: str) -> str | None:
    try:
        with open(os.path.join(root, CURRENT_FILE), encoding="ascii") as fh:
            name = fh.read().strip()
    except OSError:
        return None
    return name or None


def _write_current(root: str, name: str) -> None:
    tmp = os.path.join(root, f"{CURRENT_FILE}.{os.getpid()}.{threading.get_ident()}")
    with open(tmp, "w", encoding="ascii") as fh:
        fh.write(name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, os.path.join(root, CURRENT_FILE))


def _generations(root: str) -> list[str]:
    try:
        names = os.listdir(root)
    except OSError:
        return []
    return sorted(n for n in names if n.startswith("g") and n[1:].isdigit())


def _next_generation(root: str) -> str:
    gens = _generations(root)
    last = int(gens[-1][1:]) if gens else 0
    return f"g{last + 1:06d}"


def _new_index(root: str, name: str):
    path = os.path.join(root, name)
    os.makedirs(path, exist_ok=False)
    with open(os.path.join(path, FORMAT_FILE), "w", encoding="ascii") as fh:
        fh.write(FORMAT + "\n")
    return whoosh_index.create_in(path, make_schema(), indexname=INDEX_NAME)


def create_index(root: str) -> bool:
    """Create an empty index at ``root`` unless one exists. Returns True when created."""
    root = os.path.abspath(root)
    os.makedirs(root, exist_ok=True)
    if _current(root) and whoosh_index.exists_in(
        os.path.join(root, _current(root)), indexname=INDEX_NAME
    ):
        return False
    name = _next_generation(root)
    _new_index(root, name)
    _write_current(root, name)
    return True


def index_exists(root: str) -> bool:
    name = _current(root)
    return bool(name) and whoosh_index.exists_in(os.path.join(root, name), indexname=INDEX_NAME)


def _open(root: str, name: str):
    path = os.path.join(root, name)
    try:
        with open(os.path.join(path, FORMAT_FILE), encoding="ascii") as fh:
            fmt = fh.read().strip()
    except OSError:
        fmt = None
    if fmt != FORMAT:
        raise SearchUnavailable(f"index format {fmt!r} is not {FORMAT!r}: run ideadb reindex")
    for attempt in range(5):
        try:
            return whoosh_index.open_dir(path, indexname=INDEX_NAME)
        except FileNotFoundError:
            # Another process committed between listing and reading the table of contents
            # and removed the one just listed: read the newer one.
            if attempt == 4:
                raise
            time.sleep(0.02)
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------------- segments


class SegmentData:
    """Per-document arrays of one (immutable) segment, loaded once per process."""

    def __init__(self, reader) -> None:
        n = reader.doc_count_all()
        self.size = n
        ids = array("q", bytes(8 * n))
        unit = array("i", bytes(4 * n))
        district = array("i", bytes(4 * n))
        year = array("H", bytes(2 * n))
        published = bytearray(n)
        final = array("d", bytes(8 * n))
        created = array("d", bytes(8 * n))
        status: list[str] = [""] * n
        area: list[str] = [""] * n
        level: list[str] = [""] * n
        stamps: list[str] = [""] * n
        lens = {f: array("I", bytes(4 * n)) for f in TEXT_FIELDS}
        lt, lx, tf_, tx, mf = (lens[f] for f in TEXT_FIELDS)
        intern: dict[bytes, str] = {}

        def dec(raw: bytes) -> str:
            s = intern.get(raw)
            if s is None:
                s = intern[raw] = raw.rstrip(b"\0").decode("utf-8", "ignore")
            return s

        column = reader.column_reader("row")
        unpack = ROW.unpack
        for d, raw in enumerate(column):
            if len(raw) != ROW.size or not any(raw):
                created[d] = final[d] = -math.inf
                status[d] = ""
                ids[d] = -1
                continue
            v = unpack(raw)
            ids[d] = v[0]
            unit[d] = v[1]
            district[d] = v[2]
            year[d] = v[3]
            published[d] = v[4]
            status[d] = dec(v[5])
            area[d] = dec(v[6])
            level[d] = dec(v[7])
            final[d] = v[8] if v[8] == v[8] else -math.inf
            created[d] = v[9] if v[9] == v[9] else -math.inf
            stamps[d] = v[11].hex()
            lt[d], lx[d], tf_[d], tx[d], mf[d] = v[12:17]
        self.ids, self.unit, self.district, self.year = ids, unit, district, year
        self.published, self.final, self.created = published, final, created
        self.status, self.area, self.level, self.stamps = status, area, level, stamps
        self.lens = lens
        self.total = {f: sum(lens[f]) for f in TEXT_FIELDS}
        self._norms: dict[str, tuple[float, array]] = {}
        self._masks: dict = {}
        self._forms: dict[str, dict[str, int]] | None = None

    def norm(self, field: str, avg: float) -> array:
        """``weight / (1 - b + b * length / avg)`` per document (BM25F length factor)."""
        cached = self._norms.get(field)
        if cached and abs(cached[0] - avg) <= 0.02 * avg:
            return cached[1]
        w, b = FIELD_WEIGHT[field], FIELD_B[field]
        avg = avg or 1.0
        c1, c2 = 1.0 - b, b / avg
        values = array("d", [w / (c1 + c2 * length) for length in self.lens[field]])
        self._norms[field] = (avg, values)
        return values

    def mask(self, visibility: Visibility, filters: Filters) -> bytearray:
        """1 for documents the caller may see and the filters keep."""
        key = (visibility, filters)
        m = self._masks.get(key)
        if m is not None:
            return m
        n = self.size
        if visibility.all:
            m = bytearray(b"\1" * n)
        else:
            allowed = visibility.allows
            ids, pub, unit, status = self.ids, self.published, self.unit, self.status
            m = bytearray(
                1 if ids[d] >= 0 and allowed(ids[d], bool(pub[d]), unit[d], status[d]) else 0
                for d in range(n)
            )
        checks = []
        if filters.area is not None:
            checks.append((self.area, filters.area))
        if filters.status is not None:
            checks.append((self.status, filters.status))
        if filters.level is not None:
            checks.append((self.level, filters.level))
        if filters.year is not None:
            checks.append((self.year, filters.year))
        if filters.district_id is not None:
            checks.append((self.district, filters.district_id))
        for values, wanted in checks:
            for d in range(n):
                if m[d] and values[d] != wanted:
                    m[d] = 0
        if filters.unit_ids is not None:
            units, unit = filters.unit_ids, self.unit
            for d in range(n):
                if m[d] and unit[d] not in units:
                    m[d] = 0
        if len(self._masks) > 32:
            self._masks.clear()
        self._masks[key] = m
        return m

    def forms(self, reader) -> dict[str, dict[str, int]]:
        """Folded syllable → {accented form: document frequency} in this segment."""
        if self._forms is None:
            forms: dict[str, dict[str, int]] = {}
            for field in EXACT_FIELDS:
                for btext in reader.lexicon(field):
                    term = btext.decode("utf-8")
                    if " " in term:
                        continue
                    f = term.translate(FOLD_TABLE)
                    df = reader.doc_frequency(field, term)
                    slot = forms.setdefault(f, {})
                    slot[term] = max(slot.get(term, 0), df)
            self._forms = forms
        return self._forms


@dataclass
class Seg:
    reader: object
    offset: int
    data: SegmentData
    deleted: frozenset


# ---------------------------------------------------------------------------- postings

# Walking postings one posting at a time through the public Matcher methods costs about
# 1 µs per posting (four method calls); reading the decoded block arrays of Whoosh 2.7.4's
# W3 codec costs a fifth of that. The block reader is used only on exactly that version and
# codec; anything else takes the public path (both give identical results: tested).
FAST_POSTINGS = whoosh_version == (2, 7, 4) and all(
    hasattr(W3LeafMatcher, name) for name in ("_read_ids", "_read_weights", "_next_block")
)


def _body_first(spec: tuple[str, str]) -> int:
    return 0 if spec[0].startswith("text") else 1


def _blocks(matcher, deleted: frozenset):
    """The postings of a term as runs of (docnums, weights or None = all 1.0).

    Deleted documents are left out.
    """
    m = matcher
    if FAST_POSTINGS and type(m) is FilterMatcher:
        m = m.children()[0]  # filter deletions ourselves
    if FAST_POSTINGS and type(m) is W3LeafMatcher and not m._byteids:
        while m.is_active():
            if m._data is None:
                m._read_data()
            ids = list(itertools.accumulate(m._data[0]))  # the block's docnums (delta-coded)
            weights = m._data[1]
            if isinstance(weights, int | float):
                weights = [float(weights)] * len(ids)  # one weight for the whole block
            i = m._i
            if i:
                ids = ids[i:]
                weights = None if weights is None else weights[i:]
            if deleted:
                keep = [j for j, d in enumerate(ids) if d not in deleted]
                ids = [ids[j] for j in keep]
                weights = None if weights is None else [weights[j] for j in keep]
            yield ids, weights
            m._next_block()
        return
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    yield ids, weights


# ---------------------------------------------------------------------------- query units


@dataclass
class Unit:
    """One scored query term: several (field, term) postings combined BM25F-style."""

    key: str
    specs: tuple[tuple[str, str], ...]
    idf: float
    boost: float


def _osa(a: str, b: str) -> int:
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


def _idf(n: int, df: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


# ---------------------------------------------------------------------------- engine


class Engine:
    """The index at one root, as seen by this process."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        self.lock = threading.RLock()  # searcher state
        self.write_lock = threading.Lock()  # one writer per process
        self._gen: str | None = None
        self._ix = None
        self._searcher = None
        self._segs: list[Seg] | None = None
        self._avgs: dict[str, float] | None = None
        self._dominant_cache: dict[str, str] = {}
        self._segdata: dict[str, SegmentData] = {}
        self.refreshes = 0

    # -- lifecycle ---------------------------------------------------------------------

    def close(self) -> None:
        with self.lock:
            if self._searcher is not None:
                with contextlib.suppress(Exception):
                    self._searcher.close()
            self._searcher = self._ix = self._segs = None
            self._gen = None
            self._segdata.clear()

    def _ensure(self):
        """The current searcher: reopened after a swap, refreshed after a commit."""
        gen = _current(self.root)
        if gen is None:
            raise SearchUnavailable("no search index: run ideadb reindex")
        if gen != self._gen or self._searcher is None:
            self.close()
            try:
                ix = _open(self.root, gen)
                searcher = ix.searcher()
            except SearchUnavailable:
                raise
            except Exception as exc:
                raise SearchUnavailable(f"search index unreadable: {exc}") from exc
            self._ix, self._searcher, self._gen = ix, searcher, gen
            self._segs = None
        elif not self._searcher.up_to_date():
            self._searcher = self._searcher.refresh()
            self._segs = None
            self.refreshes += 1
        return self._searcher

    def _segments(self) -> list[Seg]:
        if self._segs is not None:
            return self._segs
        segs = []
        live = set()
        for reader, offset in self._searcher.reader().leaf_readers():
            if reader.doc_count_all() == 0 or reader.segment() is None:
                continue
            segid = reader.segment().segment_id()
            live.add(segid)
            data = self._segdata.get(segid)
            if data is None:
                data = self._segdata[segid] = SegmentData(reader)
            segment = reader.segment()
            deleted = frozenset(segment.deleted_docs()) if segment.has_deletions() else frozenset()
            segs.append(Seg(reader, offset, data, deleted))
        for segid in list(self._segdata):
            if segid not in live:
                del self._segdata[segid]
        self._segs = segs
        self._avgs = None
        self._dominant_cache = {}
        return segs

    def warm(self) -> None:
        """Open the searcher and load per-document arrays now rather than on first use."""
        with self.lock:
            self._ensure()
            for seg in self._segments():
                for field in TEXT_FIELDS:
                    seg.data.norm(field, self._avg(field))

    def generation(self) -> str | None:
        return _current(self.root)

    def doc_count(self) -> int:
        with self.lock:
            return self._ensure().doc_count()

    def _avg(self, field: str) -> float:
        avgs = self._avgs
        if avgs is None:
            segs = self._segments()
            docs = sum(seg.data.size for seg in segs) or 1
            avgs = self._avgs = {
                f: (sum(seg.data.total[f] for seg in segs) / docs) or 1.0 for f in TEXT_FIELDS
            }
        return avgs[field]

    # -- evaluation --------------------------------------------------------------------

    def _accumulate(self, seg: Seg, unit: Unit, cache: dict) -> dict[int, float]:
        key = (id(seg), unit.key)
        acc = cache.get(key)
        if acc is not None:
            return acc
        acc: dict[int, float] = {}
        reader = seg.reader
        # the body field first: its (largest) list fills the empty dict at C speed
        for n, (field, term) in enumerate(sorted(unit.specs, key=_body_first)):
            try:
                m = reader.postings(field, term)
            except TermNotFound:
                continue
            norm = seg.data.norm(field, self._avg(field))
            factor = norm.__getitem__
            get = acc.get
            for ids, weights in _blocks(m, seg.deleted):
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

    def _df(self, specs: Sequence[tuple[str, str]]) -> int:
        s = self._searcher
        return max((s.doc_frequency(f, t) for f, t in specs), default=0)

    def _units_for(self, part: Part, pairs: bool) -> tuple[list[Unit], list[Unit]]:
        """Folded units (one per syllable or adjacent pair) and exact units of a part."""
        n = max(self._searcher.doc_count_all(), 1)
        folded, exact = [], []
        ex, fo = part.exact, part.folded
        if pairs:
            items = [(f"{fo[i]} {fo[i + 1]}", f"{ex[i]} {ex[i + 1]}") for i in range(len(fo) - 1)]
        else:
            items = list(zip(fo, ex, strict=True))
        boost = PAIR_BOOST if pairs else 1.0
        for f, e in items:
            specs = tuple((fld, f) for fld in FOLDED_FIELDS)
            folded.append(Unit("f:" + f, specs, _idf(n, self._df(specs)), boost))
            weight = EXACT_BOOST
            if e == f and not pairs and DOMINANT_BOOST:
                e, weight = self._dominant(f), DOMINANT_BOOST
            if e != f and weight:
                especs = tuple((fld, e) for fld in EXACT_FIELDS)
                exact.append(Unit("x:" + e, especs, _idf(n, self._df(especs)), boost * weight))
        return folded, exact

    def _dominant(self, folded: str) -> str:
        """The accented form of a folded syllable found in most documents (itself if none)."""
        cache = self._dominant_cache
        if folded not in cache:
            totals: Counter = Counter()
            for seg in self._segments():
                totals.update(seg.data.forms(seg.reader).get(folded, {}))
            best = max(totals.items(), key=lambda kv: (kv[1], kv[0]), default=(folded, 0))
            cache[folded] = best[0]
        return cache[folded]

    def _evaluate(
        self,
        pq: ParsedQuery,
        segs: list[Seg],
        masks: list[bytearray],
        score: bool = True,
        min_hits: int = MIN_HITS,
    ):
        """Matching documents and their scores per segment, widening when too few match."""
        cache: dict = {}
        words = pq.words
        word_part = Part(tuple(w.exact[0] for w in words), tuple(w.folded[0] for w in words))
        # requirements shared by every tier: each phrase's adjacent pairs
        phrase_req: list[Unit] = []
        phrase_score: list[Unit] = []
        for p in pq.phrases:
            fo, ex = self._units_for(p, pairs=True)
            phrase_req += fo
            phrase_score += fo + ex
        tiers = []
        coord_units: list[Unit] = []
        if words:
            syl_f, syl_x = self._units_for(word_part, pairs=False)
            if len(words) >= 2:
                pair_f, pair_x = self._units_for(word_part, pairs=True)
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
                fo, _ = self._units_for(p, pairs=True)
                excluded.append(fo)

        result = None
        for name, req_units, need, score_units in tiers:
            per_seg = []
            total = 0
            for seg, mask in zip(segs, masks, strict=True):
                matched = self._match(seg, req_units, need, phrase_req, cache)
                drop: set[int] = set()
                for group in excluded if matched else ():
                    accs = sorted((self._accumulate(seg, u, cache) for u in group), key=len)
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
        name, per_seg, score_units = result
        if not score:
            return name, per_seg, None
        scores = []
        for seg, matched in zip(segs, per_seg, strict=True):
            sc = dict.fromkeys(matched, 0.0)
            for unit in score_units:
                acc = self._accumulate(seg, unit, cache)
                c = unit.boost * unit.idf
                if len(acc) <= len(sc):
                    for d, t in acc.items():
                        if d in sc:
                            sc[d] += c * t / (K1 + t)
                else:
                    get = acc.get
                    for d in matched:
                        t = get(d)
                        if t:
                            sc[d] += c * t / (K1 + t)
            if name == "some" and COORD:
                present = [self._accumulate(seg, u, cache) for u in coord_units]
                n_units = len(present)
                for d in matched:
                    k = sum(1 for acc in present if d in acc)
                    sc[d] *= (k / n_units) ** COORD
            scores.append(sc)
        return name, per_seg, scores

    def _match(self, seg: Seg, units: list[Unit], need: int, phrase_req: list[Unit], cache):
        """Docnums of a segment meeting the tier: ``need`` of ``units`` and every phrase pair.

        Membership tests go against the accumulators themselves (no copies into sets).
        """
        accs = [self._accumulate(seg, u, cache) for u in units]
        required = [self._accumulate(seg, u, cache) for u in phrase_req]
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

    # -- search ------------------------------------------------------------------------

    def search(
        self,
        query: str | ParsedQuery | None,
        filters: Filters | None = None,
        visibility: Visibility | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
        highlight: bool = True,
        facets: Sequence[str] = FACETS,
    ) -> SearchResult:
        pq = query if isinstance(query, ParsedQuery) else parse(query)
        filters = filters or Filters()
        visibility = visibility or Visibility.anonymous()
        page = max(1, int(page))
        per_page = max(1, min(100, int(per_page)))
        with self.lock:
            self._ensure()
            segs = self._segments()
            masks = [seg.data.mask(visibility, filters) for seg in segs]
            if pq.empty:
                match = "none" if pq.excluded else "all"
                per_seg, scores = self._browse(pq, segs, masks)
            else:
                match, per_seg, scores = self._evaluate(pq, segs, masks)
            total = sum(len(m) for m in per_seg)
            facets = self._facets(segs, per_seg, facets)
            top = self._order(segs, per_seg, scores, sort, page * per_page)
            window = top[(page - 1) * per_page : page * per_page]
            marker = Marker(pq) if highlight else None
            items = [self._hit(segs[i], d, score, marker) for score, i, d in window]
            suggestion = None
            if not pq.empty and total < SUGGEST_BELOW:
                suggestion = self._suggest(pq, segs, masks)
        return SearchResult(items, total, page, per_page, facets, suggestion, match)

    def _browse(self, pq: ParsedQuery, segs: list[Seg], masks: list[bytearray]):
        per_seg, scores = [], []
        cache: dict = {}
        for seg, mask in zip(segs, masks, strict=True):
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
                        drop |= set(self._accumulate(seg, unit, cache))
                    else:
                        fo, _ = self._units_for(p, pairs=True)
                        sets = [set(self._accumulate(seg, u, cache)) for u in fo]
                        drop |= set.intersection(*sets)
                matched = [d for d in matched if d not in drop]
            per_seg.append(matched)
            scores.append(None)
        return per_seg, scores

    def _facets(
        self, segs: list[Seg], per_seg: list[list[int]], names: Sequence[str] = FACETS
    ) -> dict[str, dict[str, int]]:
        """Counts per value of each facet over the matched documents (per-segment arrays)."""
        columns = {
            "area": ("area", ""),
            "year": ("year", 0),
            "district_id": ("district", -1),
            "status": ("status", ""),
            "level": ("level", ""),
        }
        out: dict[str, dict[str, int]] = {}
        for name in names:
            attr, missing = columns[name]
            counter: Counter = Counter()
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

    def _order(self, segs, per_seg, scores, sort: str, k: int):
        """The first ``k`` documents as (score, segment index, docnum).

        Relevance ties go to the newer idea; newest and score ties to the more relevant.
        """
        candidates = []
        for i, (seg, matched) in enumerate(zip(segs, per_seg, strict=True)):
            if not matched:
                continue
            sc = scores[i]
            data = seg.data
            if sort == "newest" or (sort != "score" and sc is None):
                first = data.created.__getitem__
            elif sort == "score":
                first = data.final.__getitem__
            else:
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
        top = heapq.nlargest(k, candidates)
        return [(rel, i, d) for _, _, rel, i, d in top]

    def _hit(self, seg: Seg, d: int, score: float, marker: Marker | None) -> Hit:
        data = seg.data
        stored = seg.reader.stored_fields(d).get("doc", {})
        final = data.final[d]
        hit = Hit(
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
            hit.highlights = {"title": marker.whole(hit.title), "text": marker.fragment(texts)}
        return hit

    # -- did you mean ------------------------------------------------------------------

    def _visible_df(self, segs, masks, specs, limit: int = 50000) -> int:
        count = 0
        for seg, mask in zip(segs, masks, strict=True):
            seen: set[int] = set()
            for field, term in specs:
                try:
                    m = seg.reader.postings(field, term)
                except TermNotFound:
                    continue
                while m.is_active() and count + len(seen) < limit:
                    d = m.id()
                    if mask[d]:
                        seen.add(d)
                    m.next()
            count += len(seen)
        return count

    def _suggest(self, pq: ParsedQuery, segs, masks) -> str | None:
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
            if len(f) < 3 or self._visible_df(segs, masks, specs, limit=1):
                return f
            maxdist = 1 if len(f) < 4 else 2
            near: set[str] = set()
            for seg in segs:
                for fld in ("title_f", "text_f"):
                    for t in seg.reader.terms_within(fld, f, maxdist):
                        t = t.decode("utf-8") if isinstance(t, bytes) else t
                        if " " not in t:
                            near.add(t)
            ranked = sorted(near, key=lambda t: (_osa(f, t), t))[:30]
            scored = []
            for t in ranked:
                df = self._visible_df(segs, masks, tuple((fld, t) for fld in FOLDED_FIELDS))
                if df:
                    scored.append((_osa(f, t), -df, t))
            return min(scored)[2] if scored else f

        def best_form(exact: str, f: str) -> str:
            if exact != f:
                return exact
            if f not in forms:
                forms[f] = candidates(f)
            ranked = sorted(forms[f].items(), key=lambda kv: -kv[1])[:6]
            best, best_df = f, 0
            for term, _ in ranked:
                df = self._visible_df(segs, masks, tuple((fld, term) for fld in EXACT_FIELDS))
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
        tier, after, _ = self._evaluate(parse(suggestion), segs, masks, score=False, min_hits=1)
        found = sum(map(len, after))
        if not found or rank.get(tier, 0) > 1:
            return None
        if suggestion.translate(FOLD_TABLE) == original.translate(FOLD_TABLE):
            return suggestion
        old_tier, before, _ = self._evaluate(pq, segs, masks, score=False, min_hits=1)
        if rank.get(tier, 0) < rank.get(old_tier, 0) or found > sum(map(len, before)):
            return suggestion
        return None

    def suggest(self, query: str, visibility: Visibility | None = None) -> str | None:
        pq = parse(query)
        if pq.empty:
            return None
        visibility = visibility or Visibility.anonymous()
        with self.lock:
            self._ensure()
            segs = self._segments()
            masks = [seg.data.mask(visibility, Filters()) for seg in segs]
            return self._suggest(pq, segs, masks)

    # -- similar ideas -----------------------------------------------------------------

    def similar(
        self,
        idea_id: int | None = None,
        text: str | Sequence[str] | None = None,
        visibility: Visibility | None = None,
        limit: int = 5,
        threshold: float = SIMILAR_THRESHOLD,
    ) -> list[SimilarItem]:
        """Ideas sharing the most distinctive adjacent-syllable pairs with an idea or a text."""
        visibility = visibility or Visibility.anonymous()
        with self.lock:
            self._ensure()
            segs = self._segments()
            if idea_id is not None:
                texts = self._stored_texts(segs, idea_id)
                if texts is None:
                    return []
            elif isinstance(text, str):
                texts = [text]
            else:
                texts = list(text or [])
            pairs = Counter(folded_pairs(texts))
            if len(pairs) < 3:
                return []
            n = max(self._searcher.doc_count(), 1)
            ranked = []
            common = 0.05 * n + 2
            for pair, tf in pairs.items():
                specs = (("title_f", pair), ("text_f", pair))
                df = self._df(specs)  # counts deleted versions too: an upper bound
                if df > 3 * common + 10:
                    continue
                df = self._live_df(segs, specs)
                own = 1 if idea_id is not None else 0
                if df - own < 1 or df > common:
                    continue
                idf = _idf(n, df)
                ranked.append((min(tf, 3) * idf, pair, specs, idf))
            ranked.sort(reverse=True)
            units = [Unit("s:" + p, specs, idf, 1.0) for _, p, specs, idf in ranked[:SIMILAR_TERMS]]
            if len(units) < 3:
                return []
            norm = sum(u.idf for u in units)
            cache: dict = {}
            found = []
            filters = Filters()
            for i, seg in enumerate(segs):
                mask = seg.data.mask(visibility, filters)
                sc: dict[int, float] = {}
                for unit in units:
                    for d, t in self._accumulate(seg, unit, cache).items():
                        sc[d] = sc.get(d, 0.0) + unit.idf * t * (K1 + 1) / (K1 + t)
                for d, s in sc.items():
                    if mask[d] and seg.data.ids[d] != idea_id:
                        sim = s / ((K1 + 1) * norm)
                        if sim >= threshold:
                            found.append((sim, -seg.data.ids[d], i, d))
            out = []
            for sim, _, i, d in heapq.nlargest(limit, found):
                stored = segs[i].reader.stored_fields(d).get("doc", {})
                out.append(
                    SimilarItem(
                        segs[i].data.ids[d], stored.get("code"), stored.get("title", ""), sim
                    )
                )
            return out

    def _live_df(self, segs: list[Seg], specs: Sequence[tuple[str, str]]) -> int:
        """Documents (not deleted) holding any of these terms."""
        count = 0
        for seg in segs:
            found: set[int] = set()
            for field, term in specs:
                try:
                    m = seg.reader.postings(field, term)
                except TermNotFound:
                    continue
                for ids, _ in _blocks(m, seg.deleted):
                    found.update(ids)
            count += len(found)
        return count

    def _stored_texts(self, segs: list[Seg], idea_id: int) -> list[str] | None:
        for seg in segs:
            ids = seg.data.ids
            for d in range(seg.data.size):
                if ids[d] == idea_id and d not in seg.deleted:
                    stored = seg.reader.stored_fields(d).get("doc", {})
                    return [
                        stored.get(k, "")
                        for k in ("title", "summary", "description", "novelty", "benefits")
                    ]
        return None

    # -- consistency -------------------------------------------------------------------

    def indexed(self) -> dict[int, list[str]]:
        """Idea id → stamps of its live documents (normally exactly one)."""
        out: dict[int, list[str]] = {}
        with self.lock:
            self._ensure()
            for seg in self._segments():
                data = seg.data
                for d in range(data.size):
                    if d in seg.deleted or data.ids[d] < 0:
                        continue
                    out.setdefault(data.ids[d], []).append(data.stamps[d])
        return out

    def indexed_id(self, idea_id: int) -> bool:
        """Whether the index holds a live document of this idea."""
        with self.lock:
            self._ensure()
            for seg in self._segments():
                ids = seg.data.ids
                if idea_id in ids and any(
                    ids[d] == idea_id and d not in seg.deleted for d in range(seg.data.size)
                ):
                    return True
        return False

    def check(self, expected: Iterable[tuple[int, str]]) -> CheckReport:
        expected = list(expected)
        try:
            have = self.indexed()
        except Exception as exc:  # an unreadable index: everything must be rebuilt
            return CheckReport(missing=sorted(i for i, _ in expected), broken=str(exc))
        report = CheckReport()
        want = {}
        for idea_id, stamp in expected:
            want[idea_id] = stamp
            stamps = have.get(idea_id)
            if not stamps:
                report.missing.append(idea_id)
            elif len(stamps) > 1 or stamps[0] != stamp:
                report.stale.append(idea_id)
        report.extra = sorted(i for i in have if i not in want)
        report.missing.sort()
        report.stale.sort()
        return report

    # -- writing -----------------------------------------------------------------------

    def _writer(self, ix, timeout: float):
        try:
            return ix.writer(timeout=timeout, delay=0.02, codec=_codec())
        except LockError as exc:
            raise IndexBusy("the search index is being written by another process") from exc

    def write(
        self,
        docs: Iterable[IdeaDoc] = (),
        remove_ids: Iterable[int] = (),
        timeout: float = WRITE_TIMEOUT,
    ) -> int:
        """Add or replace ``docs`` and remove ``remove_ids`` in one commit.

        Raises :class:`IndexBusy` when the lock is not obtained within ``timeout``.
        """
        latest: dict[int, IdeaDoc] = {}
        for doc in docs:
            latest[doc.id] = doc
        gone = set(remove_ids) - set(latest)
        if not latest and not gone:
            return 0
        prepared = [_doc_fields(doc) for doc in latest.values()]
        with self.write_lock:
            for _attempt in range(3):
                gen = _current(self.root)
                if gen is None:
                    raise SearchUnavailable("no search index: run ideadb reindex")
                ix = _open(self.root, gen)
                writer = self._writer(ix, timeout)
                try:
                    self._commit(writer, gen, latest.keys() | gone, prepared)
                except BaseException:
                    with contextlib.suppress(Exception):
                        writer.cancel()
                    raise
                # a rebuild swapped generations meanwhile: write the change there too
                if _current(self.root) == gen:
                    break
            self._maybe_merge(timeout)
        return len(prepared)

    def _commit(self, writer, gen: str, ids: Iterable[int], prepared: list[dict]) -> None:
        with self.lock:
            searcher = self._ensure() if self._gen == gen else None
            if searcher is not None and searcher.reader().generation() != writer.generation - 1:
                searcher = None
            for idea_id in ids:
                writer.delete_by_term("id", str(idea_id), searcher=searcher)
        for fields in prepared:
            writer.add_document(**fields)
        writer.commit(merge=False)
        with self.lock:
            if self._gen == gen:
                self._ensure()

    def _maybe_merge(self, timeout: float) -> None:
        gen = _current(self.root)
        if gen is None:
            return
        with self.lock:
            if self._gen != gen or len(self._segments()) <= MAX_SEGMENTS:
                return
        ix = _open(self.root, gen)
        try:
            writer = ix.writer(timeout=min(timeout, 0.5), delay=0.02, codec=_codec())
        except LockError:
            return
        writer.commit()  # Whoosh's default policy merges the small segments
        with self.lock:
            if self._gen == gen:
                self._ensure()

    def remove(self, ids: Iterable[int], timeout: float = WRITE_TIMEOUT) -> None:
        self.write((), ids, timeout)

    def rebuild(
        self,
        docs: Iterable[IdeaDoc],
        progress: Callable[[int], None] | None = None,
        limitmb: int = 256,
        procs: int = 1,
    ) -> str:
        """Build a complete new generation beside the live one, then swap it in."""
        os.makedirs(self.root, exist_ok=True)
        name = _next_generation(self.root)
        ix = _new_index(self.root, name)
        if procs > 1:
            writer = ix.writer(procs=procs, multisegment=True, limitmb=limitmb, codec=_codec())
        else:
            writer = ix.writer(limitmb=limitmb, codec=_codec())
        try:
            count = 0
            seen: set[int] = set()
            for doc in docs:
                if doc.id in seen:
                    continue
                seen.add(doc.id)
                writer.add_document(**_doc_fields(doc))
                count += 1
                if progress is not None:
                    progress(count)
            writer.commit(optimize=procs <= 1)
        except BaseException:
            with contextlib.suppress(Exception):
                writer.cancel()
            shutil.rmtree(os.path.join(self.root, name), ignore_errors=True)
            raise
        with self.write_lock:
            _write_current(self.root, name)
        self._cleanup(keep={name})
        return name

    def _cleanup(self, keep: set[str]) -> None:
        """Remove generations older than the previous one (other processes may still read it)."""
        gens = _generations(self.root)
        current = _current(self.root)
        keep = set(keep) | {current}
        older = [g for g in gens if g not in keep and current and g < current]
        for g in older[:-1]:
            shutil.rmtree(os.path.join(self.root, g), ignore_errors=True)


# ---------------------------------------------------------------------------- registry

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine(root: str) -> Engine:
    """The process-wide engine of an index root."""
    key = os.path.abspath(root)
    with _engines_lock:
        eng = _engines.get(key)
        if eng is None:
            eng = _engines[key] = Engine(key)
        return eng


def forget(root: str | None = None) -> None:
    """Close engines (tests, after deleting an index directory)."""
    with _engines_lock:
        keys = [os.path.abspath(root)] if root else list(_engines)
        for key in keys:
            eng = _engines.pop(key, None)
            if eng is not None:
                eng.close()


# ---------------------------------------------------------------------------- outbox


@dataclass
class DrainResult:
    indexed: int = 0
    removed: int = 0
    rows: int = 0
    busy: bool = False


def drain(
    eng: Engine,
    pending: Callable[[], Sequence[tuple[int, int]]],
    load: Callable[[list[int]], dict[int, IdeaDoc | None]],
    done: Callable[[list[int]], None],
    timeout: float = WRITE_TIMEOUT,
    rounds: int = 5,
) -> DrainResult:
    """Apply pending outbox rows to the index.

    ``pending()`` returns (row id, idea id) pairs not yet applied; ``load(ids)`` the current
    documents (None for an idea that must leave the index); ``done(row ids)`` removes the
    applied rows. Rows are only marked done after the index commit; when the index is busy
    they stay for the next drain. Loops while new rows keep arriving (bounded).
    """
    result = DrainResult()
    for _ in range(rounds):
        rows = list(pending())
        if not rows:
            break
        ids = sorted({idea_id for _, idea_id in rows})
        docs = load(ids)
        present = [doc for doc in (docs.get(i) for i in ids) if doc is not None]
        absent = [i for i in ids if docs.get(i) is None]
        try:
            eng.write(present, absent, timeout=timeout)
        except IndexBusy:
            result.busy = True
            break
        done([row_id for row_id, _ in rows])
        result.indexed += len(present)
        result.removed += len(absent)
        result.rows += len(rows)
    return result
