"""Index directories on disk: generations, the ``CURRENT`` marker, creating and opening.

Layout of an index root::

    <root>/CURRENT        name of the live generation (replaced atomically)
    <root>/g000001/       a Whoosh index; a rebuild writes g000002/ beside it and swaps
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
from typing import Any

from whoosh import index as whoosh_index  # type: ignore[import-untyped]
from whoosh.index import LockError  # type: ignore[import-untyped]

from ideadb.search import whoosh_internals
from ideadb.search.schema import make_schema

INDEX_NAME = "MAIN"
CURRENT_FILE = "CURRENT"
FORMAT_FILE = "FORMAT"
# Bumped whenever the analysis changes: an index of another format is rebuilt.
FORMAT = "ideadb-search-2"


class SearchUnavailable(Exception):
    """The index does not exist (run ``ideadb reindex``) or cannot be read."""


class IndexBusy(Exception):
    """Another writer held the index lock past the timeout; try again later."""


def marker(root: str) -> str | None:
    """The content of ``CURRENT``: the live generation's name and a token unique to the swap
    (a folder deleted and built again reuses names; the token tells the two apart)."""
    try:
        with open(os.path.join(root, CURRENT_FILE), encoding="ascii") as fh:
            text = fh.read().strip()
    except OSError:
        return None
    return text or None


def current(root: str) -> str | None:
    """The name of the live generation, or None when no index has been created."""
    text = marker(root)
    return text.split()[0] if text else None


def write_current(root: str, name: str) -> None:
    """Make ``name`` the live generation (an atomic replace of the marker)."""
    tmp = os.path.join(root, f"{CURRENT_FILE}.{os.getpid()}.{threading.get_ident()}")
    with open(tmp, "w", encoding="ascii") as fh:
        fh.write(f"{name} {uuid.uuid4().hex}\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, os.path.join(root, CURRENT_FILE))


def generations(root: str) -> list[str]:
    try:
        names = os.listdir(root)
    except OSError:
        return []
    return sorted(n for n in names if n.startswith("g") and n[1:].isdigit())


def next_generation(root: str) -> str:
    gens = generations(root)
    last = int(gens[-1][1:]) if gens else 0
    return f"g{last + 1:06d}"


def new_index(root: str, name: str) -> Any:
    """Create the empty generation ``name`` under ``root`` (not yet live)."""
    path = os.path.join(root, name)
    os.makedirs(path, exist_ok=False)
    with open(os.path.join(path, FORMAT_FILE), "w", encoding="ascii") as fh:
        fh.write(FORMAT + "\n")
    return whoosh_index.create_in(path, make_schema(), indexname=INDEX_NAME)


def create_index(root: str) -> bool:
    """Create an empty index at ``root`` unless one exists. Returns True when created."""
    root = os.path.abspath(root)
    os.makedirs(root, exist_ok=True)
    if index_exists(root):
        return False
    name = next_generation(root)
    new_index(root, name)
    write_current(root, name)
    return True


def index_exists(root: str) -> bool:
    """Whether ``root`` holds a live generation."""
    name = current(root)
    if not name:
        return False
    return bool(whoosh_index.exists_in(os.path.join(root, name), indexname=INDEX_NAME))


def open_index(root: str, name: str) -> Any:
    """The Whoosh index of generation ``name``; SearchUnavailable when of another format."""
    path = os.path.join(root, name)
    try:
        with open(os.path.join(path, FORMAT_FILE), encoding="ascii") as fh:
            fmt: str | None = fh.read().strip()
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


def open_writer(ix: Any, timeout: float) -> Any:
    """A writer of ``ix``; IndexBusy when its lock is not obtained within ``timeout``."""
    try:
        return ix.writer(timeout=timeout, delay=0.02, codec=whoosh_internals.codec())
    except LockError as exc:
        raise IndexBusy("the search index is being written by another process") from exc


def remove_old_generations(root: str, keep: set[str]) -> None:
    """Remove generations older than the previous one (other processes may still read it)."""
    gens = generations(root)
    live = current(root)
    keep = set(keep) | ({live} if live else set())
    older = [g for g in gens if g not in keep and live and g < live]
    for g in older[:-1]:
        shutil.rmtree(os.path.join(root, g), ignore_errors=True)
