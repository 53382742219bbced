"""This host's index follows the shared change log: where it stands and how it catches up.

Each generation of an index keeps, beside its Whoosh files, the last change-log id it applied
(``APPLIED.json``) and the ids it saw missing below that one. On PostgreSQL a transaction may
commit after another that took a higher id, so an id missing from a range already read is a
*hole*: looked at again on every catch-up until it appears or ``HOLE_WINDOW`` has passed (a
rolled-back change leaves a hole for ever). Catching up is idempotent — applying a change
reloads the idea as the database holds it now — so reading a row twice is harmless.

One catch-up per index at a time: a lock per process and a file lock in the index root for
the other processes of the host. A rebuild swaps its generation in under the same lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from whoosh.filedb.filestore import FileStorage  # type: ignore[import-untyped]

HOLE_WINDOW = timedelta(minutes=10)
MAX_HOLES = 10_000
STATE_FILE = "APPLIED.json"
LOCK_NAME = "CATCHUP"

_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


@dataclass
class Position:
    """The last change-log id applied to one generation, and the holes below it."""

    applied: int = 0
    holes: dict[int, float] = field(default_factory=dict)  # id → when first seen missing

    def advance(self, rows: list[tuple[int, int]], now: float | None = None) -> None:
        """Move past ``rows`` (new ones and holes that appeared), noting new holes."""
        now = time.time() if now is None else now
        seen = {row_id for row_id, _ in rows}
        top = max([self.applied, *seen])
        gap = range(self.applied + 1, top)
        if len(gap) <= MAX_HOLES:  # a sequence that jumped (after a crash) is not a gap
            for row_id in gap:
                if row_id not in seen:
                    self.holes.setdefault(row_id, now)
        for row_id in seen:
            self.holes.pop(row_id, None)
        self.applied = top
        self.expire(now)

    def expire(self, now: float | None = None) -> None:
        now = time.time() if now is None else now
        limit = HOLE_WINDOW.total_seconds()
        self.holes = {i: t for i, t in self.holes.items() if now - t < limit}


def read_position(root: str, gen: str) -> Position | None:
    """The position stored with generation ``gen`` (None: unknown, the index must rebuild)."""
    try:
        with open(os.path.join(root, gen, STATE_FILE), encoding="utf-8") as fh:
            data: dict[str, Any] = json.load(fh)
        holes = {int(k): float(v) for k, v in (data.get("holes") or {}).items()}
        return Position(applied=int(data["applied"]), holes=holes)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_position(root: str, gen: str, position: Position) -> None:
    """Store the position of generation ``gen`` (an atomic replace)."""
    path = os.path.join(root, gen, STATE_FILE)
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}"
    data = {"applied": position.applied, "holes": {str(k): v for k, v in position.holes.items()}}
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


@contextlib.contextmanager
def catchup_lock(root: str, timeout: float) -> Iterator[bool]:
    """Hold the index's catch-up lock (this process and the others of the host).

    Yields False when it could not be had within ``timeout``.
    """
    root = os.path.abspath(root)
    os.makedirs(root, exist_ok=True)
    with _thread_locks_guard:
        local = _thread_locks.setdefault(root, threading.Lock())
    if not local.acquire(timeout=max(timeout, 0.0)):
        yield False
        return
    try:
        lock = FileStorage(root).lock(LOCK_NAME)
        deadline = time.monotonic() + timeout
        while not lock.acquire(blocking=False):
            if time.monotonic() >= deadline:
                yield False
                return
            time.sleep(0.02)
        try:
            yield True
        finally:
            lock.release()
    finally:
        local.release()
