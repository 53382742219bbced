"""Segments of one searcher: per-document arrays, deletions, postings and term statistics.

A Whoosh segment never changes once written, so its per-document arrays (decoded from the
row column) are loaded once per process and reused by every searcher that still holds it.
"""

from __future__ import annotations

import itertools
import math
import threading
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

import numpy as np
from whoosh.reading import TermNotFound  # type: ignore[import-untyped]

from ideadb.search import whoosh_internals
from ideadb.search.documents import Filters, Visibility
from ideadb.search.schema import EXACT_FIELDS, FIELD_B, FIELD_WEIGHT, ROW, TEXT_FIELDS
from ideadb.search.text import FOLD_TABLE

Spec = tuple[str, str]  # (field, term)
FOLDED_TEXT = ("title_f", "text_f")


_SERIALS = itertools.count(1)


class SegmentData:
    """Per-document arrays of one (immutable) segment, loaded once per process."""

    def __init__(self, reader: Any) -> None:
        self.serial = next(_SERIALS)  # names it in caches (an id() may be reused)
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
        self._norms: dict[str, tuple[float, array[float], np.ndarray, int]] = {}
        self._coded: dict[str, tuple[np.ndarray, list[Any]]] = {}
        self._masks: dict[tuple[Visibility, Filters], bytearray] = {}
        self._forms: dict[str, dict[str, int]] | None = None

    def norm(self, field: str, avg: float) -> array[float]:
        """``weight / (1 - b + b * length / avg)`` per document (BM25F length factor)."""
        return self._norm(field, avg)[1]

    def norm_array(self, field: str, avg: float) -> tuple[np.ndarray, int]:
        """:meth:`norm` as a numpy array (the same memory), and a number that names this
        version of it (the factors are computed again when the average length moves)."""
        found = self._norm(field, avg)
        return found[2], found[3]

    def _norm(self, field: str, avg: float) -> tuple[float, array[float], np.ndarray, int]:
        cached = self._norms.get(field)
        if cached and abs(cached[0] - avg) <= 0.02 * avg:
            return cached
        w, b = FIELD_WEIGHT[field], FIELD_B[field]
        avg = avg or 1.0
        c1, c2 = 1.0 - b, b / avg
        values = array("d", [w / (c1 + c2 * length) for length in self.lens[field]])
        array_ = np.frombuffer(values, dtype=np.float64) if values else np.empty(0)
        found = (avg, values, array_, next(_SERIALS))
        self._norms[field] = found
        return found

    def coded(self, attr: str) -> tuple[np.ndarray, list[Any]]:
        """A per-document column as (code per document, value per code), for counting."""
        found = self._coded.get(attr)
        if found is None:
            codes: dict[Any, int] = {}
            column = getattr(self, attr)
            values = np.fromiter(
                (codes.setdefault(v, len(codes)) for v in column), dtype=np.int32, count=self.size
            )
            found = self._coded[attr] = (values, list(codes))
        return found

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
        checks: list[tuple[Sequence[Any], Any]] = []
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

    def forms(self, reader: Any) -> dict[str, dict[str, int]]:
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
    """One segment as a searcher sees it: its reader, docnum offset, arrays and deletions."""

    reader: Any
    offset: int
    data: SegmentData
    deleted: frozenset[int]
    dead: np.ndarray | None = None  # ``deleted`` as a boolean per docnum
    # Whoosh's readers are not safe for several threads at once (a file is read by seek and
    # read): every read of a reader holds the lock of the engine whose snapshots share it.
    io: Any = dataclass_field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        # what its term accumulators depend on besides the length factors: the segment and
        # its deletions (a later searcher may hold the same segment with more deleted)
        self.key = (self.data.serial, len(self.deleted), hash(self.deleted))
        if self.deleted and self.dead is None:
            dead = np.zeros(self.data.size, dtype=bool)
            dead[np.fromiter(self.deleted, dtype=np.int64, count=len(self.deleted))] = True
            self.dead = dead

    def postings(self, field: str, term: str) -> Iterator[whoosh_internals.Block]:
        """Runs of (docnums, weights) of a term in this segment (none when absent)."""
        with self.io:
            try:
                matcher = self.reader.postings(field, term)
            except TermNotFound:
                return iter(())
            return iter(list(whoosh_internals.blocks(matcher, self.deleted)))

    def arrays(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray | None] | None:
        """Docnums and weights of a term in this segment (None when absent)."""
        with self.io:
            try:
                matcher = self.reader.postings(field, term)
            except TermNotFound:
                return None
            return whoosh_internals.arrays(matcher, self.dead)

    def matcher(self, field: str, term: str) -> Any:
        """Whoosh's public matcher of a term (None when absent); read it under ``io``."""
        try:
            return self.reader.postings(field, term)
        except TermNotFound:
            return None

    def stored(self, d: int) -> dict[str, Any]:
        """The stored original texts of document ``d``."""
        with self.io:
            stored: dict[str, Any] = self.reader.stored_fields(d).get("doc", {})
        return stored


# Document entries the term cache of a snapshot holds: 12–16 bytes each (docnum and value
# arrays), about 50 MB at most per process.
TERM_CACHE_ENTRIES = 3_000_000


class TermCache(dict):
    """Per-segment term accumulators kept across the queries of one snapshot.

    A snapshot never changes (its segments, deletions and average lengths are fixed), so the
    length-normalised frequencies of a term in a segment stay valid as long as it lives;
    popular terms are then decoded from the postings once rather than at every query. Bounded
    by the number of document entries held; the oldest terms go first.
    """

    def __init__(self, limit: int = TERM_CACHE_ENTRIES) -> None:
        super().__init__()
        self.limit = limit
        self.entries = 0
        self._lock = threading.Lock()

    @staticmethod
    def size(value: Any) -> int:
        """Document entries of an accumulator ((docnums, values) arrays or a dict), plus one."""
        return (len(value[0]) if isinstance(value, tuple) else len(value)) + 1

    def __setitem__(self, key: Any, value: Any) -> None:
        if self.limit <= 0:
            return
        size = self.size(value)
        with self._lock:  # searches of several threads share one snapshot
            while self and self.entries + size > self.limit:
                oldest = next(iter(self))
                self.entries -= self.size(dict.pop(self, oldest))
            if size <= self.limit:
                if key in self:
                    self.entries -= self.size(dict.__getitem__(self, key))
                dict.__setitem__(self, key, value)
                self.entries += size


class Snapshot:
    """The segments of one searcher and the statistics computed over them.

    Replaced whenever the searcher is refreshed or reopened; never changed afterwards
    except for its lazily filled caches.
    """

    def __init__(
        self,
        searcher: Any,
        loaded: dict[str, SegmentData],
        io: Any = None,
        terms: TermCache | None = None,
    ) -> None:
        """Read the segments of ``searcher``; ``loaded`` caches SegmentData by segment id
        across snapshots (entries of segments that are gone are dropped). ``io``: the lock of
        every read of Whoosh's readers, shared by the snapshots that share readers (a refreshed
        searcher keeps the readers of the segments that did not change)."""
        self.searcher = searcher
        self.io = io if io is not None else threading.RLock()
        with self.io:
            self._read_segments(searcher, loaded)
        self._avgs: dict[str, float] | None = None
        self._dominant: dict[str, str] = {}
        self._df: dict[tuple[Spec, ...], int] = {}
        # term accumulators, keyed by segment: an engine passes the one cache of all its
        # snapshots, so that a commit (a new snapshot) keeps what unchanged segments decoded
        self.terms = terms if terms is not None else TermCache(TERM_CACHE_ENTRIES)

    def _read_segments(self, searcher: Any, loaded: dict[str, SegmentData]) -> None:
        segs = []
        live = set()
        for reader, offset in searcher.reader().leaf_readers():
            if reader.doc_count_all() == 0 or reader.segment() is None:
                continue
            segment = reader.segment()
            segid = segment.segment_id()
            live.add(segid)
            data = loaded.get(segid)
            if data is None:
                data = loaded[segid] = SegmentData(reader)
            deleted = frozenset(segment.deleted_docs()) if segment.has_deletions() else frozenset()
            segs.append(Seg(reader, offset, data, deleted, io=self.io))
        for segid in list(loaded):
            if segid not in live:
                del loaded[segid]
        self.segs: list[Seg] = segs

    def doc_count_all(self) -> int:
        """Documents including deleted ones (the N of idf, as Whoosh counts it)."""
        with self.io:
            count: int = self.searcher.doc_count_all()
        return count

    def doc_count(self) -> int:
        with self.io:
            count: int = self.searcher.doc_count()
        return count

    def avg(self, field: str) -> float:
        """Average length of a text field over all documents."""
        avgs = self._avgs
        if avgs is None:
            segs = self.segs
            docs = sum(seg.data.size for seg in segs) or 1
            avgs = self._avgs = {
                f: (sum(seg.data.total[f] for seg in segs) / docs) or 1.0 for f in TEXT_FIELDS
            }
        return avgs[field]

    def df(self, specs: Sequence[Spec]) -> int:
        """Largest document frequency of these terms (deleted versions counted too)."""
        key = tuple(specs)
        found = self._df.get(key)
        if found is None:
            s = self.searcher
            with self.io:
                found = max((s.doc_frequency(f, t) for f, t in specs), default=0)
            if len(self._df) > 50_000:
                self._df.clear()
            self._df[key] = found
        return found

    def live_df(self, specs: Sequence[Spec]) -> int:
        """Documents (not deleted) holding any of these terms."""
        count = 0
        for seg in self.segs:
            found: set[int] = set()
            for field, term in specs:
                for ids, _ in seg.postings(field, term):
                    found.update(ids)
            count += len(found)
        return count

    def dominant(self, folded: str) -> str:
        """The accented form of a folded syllable found in most documents (itself if none)."""
        cache = self._dominant
        if folded not in cache:
            totals: Counter[str] = Counter()
            with self.io:
                for seg in self.segs:
                    totals.update(seg.data.forms(seg.reader).get(folded, {}))
            best = max(totals.items(), key=lambda kv: (kv[1], kv[0]), default=(folded, 0))
            # written without marks in more documents than any marked form ("than" is coal,
            # not "thần"): no form to lean towards
            plain = self.df(tuple((f, folded) for f in FOLDED_TEXT)) - sum(totals.values())
            cache[folded] = folded if plain > best[1] else best[0]
        return cache[folded]

    def stored_texts(self, idea_id: int) -> list[str] | None:
        """Title and body texts of an idea's live document (None when not indexed)."""
        for seg in self.segs:
            ids = seg.data.ids
            for d in range(seg.data.size):
                if ids[d] == idea_id and d not in seg.deleted:
                    stored = seg.stored(d)
                    return [
                        stored.get(k, "")
                        for k in ("title", "summary", "description", "novelty", "benefits")
                    ]
        return None
