"""Fixtures of the search engine tests: an index in a temporary directory, no Flask app."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ideadb.search import engine as search_engine
from ideadb.search.documents import IdeaDoc


def make_doc(idea_id: int, title: str, summary: str = "", **fields) -> IdeaDoc:
    fields.setdefault("status", "recognized")
    fields.setdefault("published", True)
    fields.setdefault("year", 2023)
    fields.setdefault("area", "san_xuat_kinh_doanh")
    fields.setdefault("district_id", 2)
    fields.setdefault("unit_id", 20)
    fields.setdefault("code", f"BK-2023-{idea_id:04d}")
    fields.setdefault("created_at", datetime(2023, 1, 1, tzinfo=UTC).replace(day=1 + idea_id % 28))
    return IdeaDoc(id=idea_id, title=title, summary=summary, **fields)


@pytest.fixture
def doc():
    """``doc(id, title, summary, **fields)``: a published idea document with defaults."""
    return make_doc


@pytest.fixture
def index_root(tmp_path):
    root = tmp_path / "index"
    search_engine.create_index(str(root))
    yield str(root)
    search_engine.forget(str(root))


@pytest.fixture
def make_index(index_root):
    """Write documents into a fresh index and return its engine."""

    def make(*docs: IdeaDoc) -> search_engine.Engine:
        eng = search_engine.engine(index_root)
        eng.write(docs)
        return eng

    return make
