"""The Whoosh index of ideas at one root, as seen by this process: one long-lived searcher.

Every ``import whoosh`` of ideadb lives in this package, and every use of Whoosh's private
structures in :mod:`ideadb.search.whoosh_internals`. The pieces:

- :mod:`~ideadb.search.storage`: index directories, generations, opening and locks;
- :mod:`~ideadb.search.schema`: what one idea becomes in the index;
- :mod:`~ideadb.search.postings`: segments, per-document arrays, postings, term statistics;
- :mod:`~ideadb.search.evaluation`: BM25F evaluation, facets, order and hits;
- :mod:`~ideadb.search.suggest` and :mod:`~ideadb.search.similar`;
- :mod:`~ideadb.search.writer`: writing and rebuilding a generation;
- :mod:`~ideadb.search.follow`: where this index stands in the shared change log.

One :class:`Engine` per root and process keeps one searcher, refreshes it when a commit has
happened (cheap) and reopens it when ``CURRENT`` names another generation.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ideadb.search import evaluation, storage, whoosh_internals, writer
from ideadb.search.documents import (
    FACETS,
    CheckReport,
    Filters,
    IdeaDoc,
    SearchResult,
    SimilarItem,
    Visibility,
)
from ideadb.search.highlight import Marker
from ideadb.search.postings import TERM_CACHE_ENTRIES, SegmentData, Snapshot, TermCache
from ideadb.search.query import ParsedQuery, parse
from ideadb.search.schema import TEXT_FIELDS
from ideadb.search.similar import SIMILAR_THRESHOLD, similar
from ideadb.search.storage import IndexBusy, SearchUnavailable, create_index, index_exists
from ideadb.search.suggest import SUGGEST_BELOW, suggest
from ideadb.search.writer import WRITE_TIMEOUT

log = logging.getLogger(__name__)

__all__ = [
    "Engine",
    "IndexBusy",
    "SearchUnavailable",
    "create_index",
    "current_generation",
    "engine",
    "forget",
    "index_exists",
]


class Engine:
    """The index at one root, as seen by this process."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        self.lock = threading.RLock()  # searcher state
        self.write_lock = threading.Lock()  # one writer per process
        # every read of Whoosh's readers (not safe for threads; shared by successive snapshots)
        self.io = threading.RLock()
        self.terms = TermCache(TERM_CACHE_ENTRIES)  # shared by its snapshots (keyed by segment)
        self._gen: str | None = None
        self._marker: str | None = None  # CURRENT as read when the searcher was opened
        self._ix: Any = None
        self._searcher: Any = None
        self._snap: Snapshot | None = None
        self._loaded: dict[str, SegmentData] = {}
        self.refreshes = 0

    # -- the searcher ------------------------------------------------------------------

    def close(self) -> None:
        with self.lock:
            if self._searcher is not None:
                with contextlib.suppress(Exception):
                    self._searcher.close()
            self._drop()

    def _drop(self) -> None:
        """Forget the searcher without closing it: a search of another thread may still read
        its snapshot; its files are closed when the last reference goes."""
        self._searcher = self._ix = self._snap = None
        self._gen = self._marker = None
        self._loaded.clear()

    def _ensure(self) -> Any:
        """The current searcher: reopened after a swap, refreshed after a commit."""
        mark = storage.marker(self.root)
        if mark is None:
            self._drop()
            raise SearchUnavailable("no search index: run ideadb reindex")
        gen = mark.split()[0]
        if mark != self._marker or self._searcher is None:
            self._drop()
            try:
                ix = storage.open_index(self.root, gen)
                searcher = ix.searcher()
            except SearchUnavailable:
                raise
            except Exception as exc:
                raise SearchUnavailable(f"search index unreadable: {exc}") from exc
            self._ix, self._searcher, self._gen, self._marker = ix, searcher, gen, mark
            self._snap = None
        elif not self._searcher.up_to_date():
            try:
                with self.io:  # the kept readers may be read by a search meanwhile
                    self._searcher = whoosh_internals.refresh(self._searcher)
            except Exception:
                # A commit of another process or thread changed the segments under the reused
                # readers (Whoosh then fails with ReaderClosed): open the generation afresh.
                log.info("search index refresh failed; reopening", exc_info=True)
                self._drop()
                return self._ensure()
            self._snap = None
            self.refreshes += 1
        return self._searcher

    def _snapshot(self) -> Snapshot:
        """The segments of the searcher last ensured (call under ``self.lock``)."""
        if self._snap is None:
            self._snap = Snapshot(self._searcher, self._loaded, self.io, self.terms)
        return self._snap

    def snapshot(self) -> Snapshot:
        """The up-to-date segments of this index."""
        with self.lock:
            self._ensure()
            return self._snapshot()

    def warm(self) -> None:
        """Open the searcher and load per-document arrays now rather than on first use."""
        with self.lock:
            self._ensure()
            snap = self._snapshot()
            for seg in snap.segs:
                for field in TEXT_FIELDS:
                    seg.data.norm(field, snap.avg(field))

    def generation(self) -> str | None:
        return storage.current(self.root)

    def doc_count(self) -> int:
        with self.lock:
            count: int = self._ensure().doc_count()
            return count

    def live_searcher(self, gen: str, *, open_closed: bool = False) -> Any:
        """The up-to-date searcher when ``gen`` is the generation open here, else None.

        ``open_closed``: open the current generation when none is open yet (a process that
        only writes keeps one searcher, refreshed segment by segment after each commit,
        instead of reading every segment again for each commit's deletions).
        """
        with self.lock:
            if self._gen != gen and not (open_closed and self._gen is None):
                return None
            try:
                searcher = self._ensure()
            except SearchUnavailable:
                return None
            return searcher if self._gen == gen else None

    def refresh(self, gen: str) -> None:
        """See a commit to ``gen`` now (when it is the generation open here)."""
        with self.lock:
            if self._gen == gen:
                self._ensure()

    def segment_count(self, gen: str) -> int | None:
        """Segments of ``gen`` as last seen here (None when another generation is open)."""
        with self.lock:
            if self._gen != gen or self._searcher is None:
                return None
            return len(self._snapshot().segs)

    # -- reading -----------------------------------------------------------------------

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
        """Matching ideas that ``visibility`` allows: one page, facet counts, a suggestion."""
        pq = query if isinstance(query, ParsedQuery) else parse(query)
        filters = filters or Filters()
        visibility = visibility or Visibility.anonymous()
        page = max(1, int(page))
        per_page = max(1, min(100, int(per_page)))
        snap = self.snapshot()
        # Searches of several threads run at once on their snapshot: its arrays never change,
        # its caches are filled under locks and Whoosh's readers are read under ``self.io``
        # (the same lock for every snapshot of this engine, as they share readers).
        segs = snap.segs
        masks = [seg.data.mask(visibility, filters) for seg in segs]
        scores: evaluation.Scores | None
        if pq.empty:
            match = "none" if pq.excluded else "all"
            per_seg, scores = evaluation.browse(snap, pq, masks)
        else:
            match, per_seg, scores = evaluation.evaluate(snap, pq, masks)
        assert scores is not None
        total = sum(len(m) for m in per_seg)
        counts = evaluation.facets(segs, per_seg, facets)
        top = evaluation.order(segs, per_seg, scores, sort, page * per_page)
        window = top[(page - 1) * per_page : page * per_page]
        marker = Marker(pq) if highlight else None
        items = [evaluation.hit(segs[i], d, score, marker) for score, i, d in window]
        suggestion = None
        if not pq.empty and total < SUGGEST_BELOW:
            with snap.io:
                suggestion = suggest(snap, pq, masks)
        unmatched = evaluation.unmatched_marks(snap, pq, per_seg) if not pq.empty else []
        return SearchResult(items, total, page, per_page, counts, suggestion, match, unmatched)

    def suggest(self, query: str, visibility: Visibility | None = None) -> str | None:
        """A better spelling of ``query`` (accents, a typo), or None."""
        pq = parse(query)
        if pq.empty:
            return None
        visibility = visibility or Visibility.anonymous()
        snap = self.snapshot()
        masks = [seg.data.mask(visibility, Filters()) for seg in snap.segs]
        with snap.io:
            return suggest(snap, pq, masks)

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
        snap = self.snapshot()
        with snap.io:
            texts: list[str] | None
            if idea_id is not None:
                texts = snap.stored_texts(idea_id)
                if texts is None:
                    return []
            elif isinstance(text, str):
                texts = [text]
            else:
                texts = list(text or [])
            return similar(snap, texts, visibility, limit, threshold, idea_id=idea_id)

    # -- consistency -------------------------------------------------------------------

    def indexed(self) -> dict[int, list[str]]:
        """Idea id → stamps of its live documents (normally exactly one)."""
        out: dict[int, list[str]] = {}
        with self.lock:
            self._ensure()
            for seg in self._snapshot().segs:
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
            for seg in self._snapshot().segs:
                ids = seg.data.ids
                if idea_id in ids and any(
                    ids[d] == idea_id and d not in seg.deleted for d in range(seg.data.size)
                ):
                    return True
        return False

    def check(self, expected: Iterable[tuple[int, str]]) -> CheckReport:
        """Compare (idea id, stamp) pairs of the database with the index."""
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

    def write(
        self,
        docs: Iterable[IdeaDoc] = (),
        remove_ids: Iterable[int] = (),
        timeout: float = WRITE_TIMEOUT,
    ) -> int:
        """Add or replace ``docs`` and remove ``remove_ids`` in one commit (IndexBusy)."""
        return writer.write(self, docs, remove_ids, timeout)

    def remove(self, ids: Iterable[int], timeout: float = WRITE_TIMEOUT) -> None:
        writer.write(self, (), ids, timeout)

    def rebuild(
        self,
        docs: Iterable[IdeaDoc],
        progress: Callable[[int], None] | None = None,
        limitmb: int = 256,
        procs: int = 1,
        before_swap: Callable[[str], None] | None = None,
    ) -> str:
        """Build a complete new generation beside the live one, then swap it in."""
        return writer.rebuild(self, docs, progress, limitmb, procs, before_swap)


# ---------------------------------------------------------------------------- registry

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def current_generation(root: str) -> str | None:
    """The live generation at ``root`` (None when no readable index exists there)."""
    return storage.current(root) if index_exists(root) else None


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
