"""Writing the index: add, replace and remove ideas, rebuild a generation.

One writer per index at a time (Whoosh's lock across processes, ``Engine.write_lock``
within one). A writer that finds the lock held past its timeout raises IndexBusy; the
change-log rows it was applying stay unapplied for the next catch-up (``follow.py``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from whoosh.index import LockError  # type: ignore[import-untyped]

from ideadb.search import storage, whoosh_internals
from ideadb.search.documents import IdeaDoc
from ideadb.search.schema import doc_fields
from ideadb.search.storage import SearchUnavailable

if TYPE_CHECKING:
    from ideadb.search.engine import Engine

WRITE_TIMEOUT = 5.0
MAX_SEGMENTS = 8


def write(
    eng: Engine,
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
    prepared = [doc_fields(doc) for doc in latest.values()]
    with eng.write_lock:
        for _attempt in range(3):
            gen = storage.current(eng.root)
            if gen is None:
                raise SearchUnavailable("no search index: run ideadb reindex")
            ix = storage.open_index(eng.root, gen)
            writer = storage.open_writer(ix, timeout)
            try:
                _commit(eng, writer, gen, latest.keys() | gone, prepared)
            except BaseException:
                with contextlib.suppress(Exception):
                    writer.cancel()
                raise
            # a rebuild swapped generations meanwhile: write the change there too
            if storage.current(eng.root) == gen:
                break
        _maybe_merge(eng, timeout)
    return len(prepared)


def _commit(
    eng: Engine, writer: Any, gen: str, ids: Iterable[int], prepared: list[dict[str, Any]]
) -> None:
    # the engine's io lock: the live searcher's readers are also read by queries of other threads
    with eng.lock, eng.io:
        # the live searcher finds the old documents faster than the writer's own reader
        searcher = eng.live_searcher(gen, open_closed=True)
        if searcher is not None and searcher.reader().generation() != writer.generation - 1:
            searcher = None
        own = writer.searcher() if searcher is None else None  # one reader for every delete
        try:
            for idea_id in ids:
                writer.delete_by_term("id", str(idea_id), searcher=searcher or own)
        finally:
            if own is not None:
                own.close()
    for fields in prepared:
        writer.add_document(**fields)
    writer.commit(merge=False)
    eng.refresh(gen)


def needs_merge(stats: list[tuple[int, int]]) -> bool:
    """More segments than MAX_SEGMENTS, or one that is mostly deleted documents."""
    return len(stats) > MAX_SEGMENTS or any(
        deleted and deleted * 2 >= docs for docs, deleted in stats
    )


def to_merge(segments: Sequence[tuple[int, int]]) -> set[int]:
    """Which segments, given as (documents, deleted documents), to merge into one.

    Those at least half deleted (replacing an idea deletes its old document; without this the
    large segments of a rebuild keep their deleted documents, and every search walks past them).
    Beyond MAX_SEGMENTS, segments of like size: the smallest tier (live documents by powers of
    4) below the largest that holds two or more; when each such tier holds one, the smallest
    ones down to MAX_SEGMENTS // 2 + 1. A document is so rewritten about log₄(n) times, not once
    every few commits as when the smallest segments are always merged together.
    """
    chosen = {i for i, (docs, deleted) in enumerate(segments) if deleted * 2 >= docs > 0}
    kept = sorted(
        (i for i in range(len(segments)) if i not in chosen),
        key=lambda i: segments[i][0] - segments[i][1],
    )
    if len(kept) > MAX_SEGMENTS:
        tiers: dict[int, list[int]] = {}
        for i in kept:
            tiers.setdefault(_tier(segments[i]), []).append(i)
        top = _tier(segments[kept[-1]])
        alike = next((tiers[t] for t in sorted(tiers) if t < top and len(tiers[t]) > 1), None)
        chosen.update(alike or kept[: len(kept) - MAX_SEGMENTS // 2])
    return chosen


def _tier(segment: tuple[int, int]) -> int:
    live = max(1, segment[0] - segment[1])
    return (live.bit_length() - 1) // 2  # floor(log4(live))


def merge_policy(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh's merge hook: merge what :func:`to_merge` chooses, keep the rest."""
    from whoosh.reading import SegmentReader  # type: ignore[import-untyped]

    chosen = to_merge([(s.doc_count_all(), s.deleted_count()) for s in segments])
    if len(chosen) == 1 and not segments[next(iter(chosen))].deleted_count():
        chosen = set()  # one segment without deletions: nothing to gain
    for i in sorted(chosen):
        reader = SegmentReader(writer.storage, writer.schema, segments[i])
        writer.add_reader(reader)
        reader.close()
    return [s for i, s in enumerate(segments) if i not in chosen]


def _maybe_merge(eng: Engine, timeout: float) -> None:
    """Merge small and worn segments when there are too many (any process, any host)."""
    gen = storage.current(eng.root)
    if gen is None:
        return
    ix = storage.open_index(eng.root, gen)
    if not needs_merge(whoosh_internals.segment_stats(ix)):
        return
    try:
        writer = ix.writer(timeout=min(timeout, 0.5), delay=0.02, codec=whoosh_internals.codec())
    except LockError:
        return
    try:
        writer.commit(mergetype=merge_policy)
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()  # a failed commit keeps the lock: every later write would wait
        raise
    eng.refresh(gen)


def rebuild(
    eng: Engine,
    docs: Iterable[IdeaDoc],
    progress: Callable[[int], None] | None = None,
    limitmb: int = 256,
    procs: int = 1,
    before_swap: Callable[[str], None] | None = None,
) -> str:
    """Build a complete new generation beside the live one, then swap it in.

    ``before_swap(name)`` runs once the generation is complete, before it goes live (it
    records where in the change log the new generation stands).
    """
    root = eng.root
    os.makedirs(root, exist_ok=True)
    name = storage.next_generation(root)
    ix = storage.new_index(root, name)
    codec = whoosh_internals.codec()
    if procs > 1:
        writer = ix.writer(procs=procs, multisegment=True, limitmb=limitmb, codec=codec)
    else:
        writer = ix.writer(limitmb=limitmb, codec=codec)
    try:
        count = 0
        seen: set[int] = set()
        for doc in docs:
            if doc.id in seen:
                continue
            seen.add(doc.id)
            writer.add_document(**doc_fields(doc))
            count += 1
            if progress is not None:
                progress(count)
        writer.commit(optimize=procs <= 1)
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        shutil.rmtree(os.path.join(root, name), ignore_errors=True)
        raise
    if before_swap is not None:
        before_swap(name)
    with eng.write_lock:
        storage.write_current(root, name)
    storage.remove_old_generations(root, keep={name})
    return name
