"""Test support: every test application gets an empty search index of its own."""

from __future__ import annotations

from ideadb.search import engine as search_engine
from ideadb.search import service


def prepare(app) -> None:
    root = app.config["INDEX_DIR"]
    search_engine.forget(root)  # a previous test may have used the same path
    service.ensure_index(app)
