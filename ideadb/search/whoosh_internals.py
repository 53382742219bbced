"""Every use of Whoosh 2.7.4's private structures, each beside its public-API fallback.

Walking postings one posting at a time through the public Matcher methods costs about
1 µs per posting (four method calls); reading the decoded block arrays of Whoosh 2.7.4's
W3 codec costs a fifth of that. The block reader is used only on exactly that version and
codec; anything else takes the public path (both give identical results: tested in
``tests/search/test_search_whoosh_internals.py``). Nothing else of ideadb touches a name
of Whoosh that starts with an underscore.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from whoosh import __version__ as whoosh_version  # type: ignore[import-untyped]
from whoosh.codec import base as codec_base  # type: ignore[import-untyped]
from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher  # type: ignore[import-untyped]
from whoosh.index import FileIndex  # type: ignore[import-untyped]
from whoosh.matching.wrappers import FilterMatcher  # type: ignore[import-untyped]
from whoosh.reading import MultiReader, SegmentReader  # type: ignore[import-untyped]
from whoosh.searching import Searcher  # type: ignore[import-untyped]

# A run of postings: docnums and their weights (None: every weight is 1.0).
Block = tuple[Sequence[int], Sequence[float] | None]

FAST_POSTINGS = whoosh_version == (2, 7, 4) and all(
    hasattr(W3LeafMatcher, name) for name in ("_read_ids", "_read_weights", "_next_block")
)
# Whoosh 2.7.4's ``FileIndex._reader`` keys the readers it could reuse by the index generation
# but looks them up by segment id, so ``Searcher.refresh`` reopens every segment of the index
# after each commit; :func:`refresh` keeps the readers of the segments that did not change.
FAST_REFRESH = whoosh_version == (2, 7, 4) and all(
    hasattr(cls, name)
    for cls, name in (
        (FileIndex, "_read_toc"),
        (FileIndex, "_segments"),
        (SegmentReader, "segment"),
    )
)


# Postings per block of a term's list (Whoosh's default: 128). Every list is read whole, and
# each block costs a decompression and an unpickling: with 1,024 a list decodes in half the time
# and the index is 15 % smaller (20,000 synthetic ideas: 26.1 → 13.4 ms for 146,002 postings,
# 81 → 69 MB). Segments written with another size stay readable.
BLOCK_POSTINGS = 1024


def _segment_id(cls: Any, size: int = 16) -> str:
    return "".join(secrets.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(size))


# Whoosh names a new segment with the process-wide ``random`` generator: a program that seeds
# it (a test framework replaying examples does) makes a merge draw the name of a segment that
# exists, and the commit fails. Names come from the system's generator instead.
codec_base.Segment._random_id = classmethod(_segment_id)


def codec() -> W3Codec:
    """Whoosh's standard codec with larger blocks, without per-posting length statistics
    (lengths are ours)."""
    result = W3Codec(blocklimit=BLOCK_POSTINGS)
    result.length_stats = False
    return result


def blocks(matcher: Any, deleted: frozenset[int]) -> Iterator[Block]:
    """The postings of a term as runs of (docnums, weights); deleted documents left out.

    Takes the block reader when :data:`FAST_POSTINGS` allows it, else :func:`public_blocks`.
    """
    m = matcher
    if FAST_POSTINGS and type(m) is FilterMatcher:
        m = m.children()[0]  # filter deletions ourselves
    if FAST_POSTINGS and type(m) is W3LeafMatcher and not m._byteids:
        return _w3_blocks(m, deleted)
    return public_blocks(matcher, deleted)


def public_blocks(matcher: Any, deleted: frozenset[int] = frozenset()) -> Iterator[Block]:
    """The fallback of :func:`blocks` through the public Matcher API only (one run)."""
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        d = matcher.id()
        if d not in deleted:
            ids.append(d)
            weights.append(matcher.weight())
        matcher.next()
    yield ids, weights


def _w3_blocks(m: Any, deleted: frozenset[int]) -> Iterator[Block]:
    while m.is_active():
        if m._data is None:
            m._read_data()
        ids: list[int] = list(itertools.accumulate(m._data[0]))  # delta-coded docnums
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


def arrays(matcher: Any, dead: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """All postings of a term as (docnums, weights) arrays in docnum order (weights None: every
    weight is 1.0); documents marked in ``dead`` (a boolean array per docnum) left out.

    The decoded block arrays of :data:`FAST_POSTINGS`, else :func:`public_blocks`.
    """
    m = matcher
    if FAST_POSTINGS and type(m) is FilterMatcher:
        m = m.children()[0]
    if FAST_POSTINGS and type(m) is W3LeafMatcher and not m._byteids:
        id_runs: list[np.ndarray] = []
        weight_runs: list[np.ndarray] = []
        ones = True
        while m.is_active():
            if m._data is None:
                m._read_data()
            ids = np.cumsum(np.asarray(m._data[0], dtype=np.int64))  # delta-coded docnums
            weights = m._data[1]
            if m._i:
                ids = ids[m._i :]
            if weights is None:
                w = None
            elif isinstance(weights, int | float):
                w = np.full(len(ids), float(weights))
            else:
                w = np.asarray(weights, dtype=np.float64)[m._i :]
            if w is not None and ones:
                ones = False
                weight_runs = [np.ones(len(r)) for r in id_runs]
            id_runs.append(ids)
            if not ones:
                weight_runs.append(np.ones(len(ids)) if w is None else w)
            m._next_block()
        all_ids = np.concatenate(id_runs) if id_runs else np.empty(0, np.int64)
        all_w = None if ones else np.concatenate(weight_runs)
    else:
        (ids_list, weights_list), *_ = list(public_blocks(matcher)) or [([], [])]
        all_ids = np.asarray(ids_list, dtype=np.int64)
        all_w = np.asarray(weights_list, dtype=np.float64)
    if dead is not None and len(all_ids):
        keep = ~dead[all_ids]
        all_ids = all_ids[keep]
        all_w = None if all_w is None else all_w[keep]
    return all_ids, all_w


def refresh(searcher: Any) -> Any:
    """A searcher over the latest commit, reusing the readers of unchanged segments.

    Like ``Searcher.refresh``, except that the old searcher stays readable; the public
    ``Searcher.refresh`` is the fallback. A segment whose deletions changed is reopened.
    """
    if not FAST_REFRESH:
        return searcher.refresh()
    ix = searcher._ix
    old: dict[str, tuple[Any, frozenset[int]]] = {}
    for leaf, _offset in searcher.reader().leaf_readers():
        if isinstance(leaf, SegmentReader):
            seg = leaf.segment()
            old[seg.segment_id()] = (leaf, frozenset(seg.deleted_docs()))
    for attempt in range(REFRESH_ATTEMPTS):
        try:
            toc, readers = _latest_readers(ix, old)
            break
        except FileNotFoundError:
            # A newer commit (a merge of another process) removed files of the commit just
            # read: read the newest one, still reusing what did not change.
            if attempt == REFRESH_ATTEMPTS - 1:
                raise
    if toc.generation == searcher.reader().generation():
        return searcher
    # The readers of segments that are gone are not closed here: a search of another thread may
    # still read them through the old searcher; they close when its last reference goes.
    searcher.is_closed = True
    if not readers:
        return ix.searcher()
    reader = MultiReader(readers, generation=toc.generation)
    return Searcher(reader, fromindex=ix, weighting=searcher.weighting)


REFRESH_ATTEMPTS = 5


def _latest_readers(ix: Any, old: dict[str, tuple[Any, frozenset[int]]]) -> tuple[Any, list[Any]]:
    """The latest commit and a reader per segment: the old one where nothing changed."""
    toc = ix._read_toc()
    readers, opened = [], []
    try:
        for seg in toc.segments:
            hit = old.get(seg.segment_id())
            if hit is not None and hit[1] == frozenset(seg.deleted_docs()):
                readers.append(hit[0])
            else:
                reader = SegmentReader(ix.storage, toc.schema, seg, generation=toc.generation)
                opened.append(reader)
                readers.append(reader)
    except BaseException:
        for reader in opened:
            reader.close()
        raise
    return toc, readers


def segment_stats(ix: Any) -> list[tuple[int, int]]:
    """(documents, deleted documents) of each segment of the index's latest commit."""
    if FAST_REFRESH:
        return [(seg.doc_count_all(), seg.deleted_count()) for seg in ix._segments()]
    with ix.reader() as reader:
        return [
            (leaf.doc_count_all(), leaf.doc_count_all() - leaf.doc_count())
            for leaf, _offset in reader.leaf_readers()
        ]
