"""What one idea becomes in the index: the Whoosh schema, the per-document row, the fields.

Terms arrive analysed (lists of tokens from :mod:`ideadb.search.text`); Whoosh stores
frequencies only, no positions and no lengths (the lengths are kept in the row column).
"""

from __future__ import annotations

import os
import struct
from datetime import UTC, datetime
from typing import Any

from whoosh.analysis import IDTokenizer  # type: ignore[import-untyped]
from whoosh.columns import FixedBytesColumn  # type: ignore[import-untyped]
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, Schema  # type: ignore[import-untyped]

from ideadb.search.documents import IdeaDoc
from ideadb.search.lexicon import expand
from ideadb.search.text import index_terms

EXACT_TEXT_PAIRS = os.environ.get("IDEADB_SEARCH_EXACT_TEXT_PAIRS", "0") == "1"

TEXT_FIELDS = ("title_f", "title_x", "text_f", "text_x", "meta_f")
FOLDED_FIELDS = ("title_f", "text_f", "meta_f")
EXACT_FIELDS = ("title_x", "text_x")
# BM25F: per-field weight and length normalisation; title above body.
FIELD_WEIGHT = {"title_f": 2.5, "title_x": 2.5, "text_f": 1.0, "text_x": 1.0, "meta_f": 1.5}
FIELD_B = {"title_f": 0.5, "title_x": 0.5, "text_f": 0.75, "text_x": 0.75, "meta_f": 0.5}

# Per-document values: idea id, unit, district, year, published, status, area, level,
# final score, created, updated, stamp, lengths of the five text fields.
ROW = struct.Struct("<qiiHB24s24s32sddd8s5I")
_NAN = float("nan")


def make_schema() -> Schema:
    """The schema of every index generation (built-in analyzers only: any 2.7 reader opens it)."""

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


def doc_fields(doc: IdeaDoc) -> dict[str, Any]:
    """The keyword arguments of ``writer.add_document`` for one idea."""
    title_f, title_x = index_terms([doc.title], expand=expand)
    text_f, text_x = index_terms(
        [doc.summary, doc.description, doc.novelty, doc.benefits],
        exact_pairs=EXACT_TEXT_PAIRS,
        expand=expand,
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
    fields: dict[str, Any] = {"id": str(doc.id), "doc": stored, "row": row}
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
