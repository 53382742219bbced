"""CSV files: UTF-8 with a BOM (so Excel reads Vietnamese), one header row, comma-separated.

Numbers are written with a dot and 2 decimals (85.25) so that programs read them back as
numbers. Text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading apostrophe (OWASP's advice against formula injection): a spreadsheet then shows it as
text and a reader can see the cell was altered.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import IO

from ideadb.reports.documents import (
    SCORE,
    Column,
    Progress,
    RankedList,
    Tracker,
    csv_safe,
    nfc,
    ranked_columns,
    ranked_values,
)

BOM = "\ufeff"


def _text(value, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_safe(nfc(value))
    if kind == SCORE:
        return f"{value:.2f}"
    return str(value)


def write_table_csv(
    columns: Sequence[Column], rows: Iterable[Sequence], out: IO[bytes], notes: Sequence[str] = ()
) -> None:
    """A header, the rows, then each note on a line of its own after an empty line."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        text.write(BOM)
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([csv_safe(nfc(c.header)) for c in columns])
        kinds = [c.kind for c in columns]
        for row in rows:
            writer.writerow([_text(v, k) for v, k in zip(row, kinds, strict=True)])
        if notes:
            writer.writerow([])
        for note in notes:
            writer.writerow([csv_safe(nfc(note))])
        text.flush()
    finally:
        text.detach()


def write_csv_section(
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    out: IO[bytes],
    notes: Sequence[str] = (),
) -> None:
    """Another table after what ``write_table_csv`` wrote: an empty line, a title line, the
    header, the rows, then the notes (no second byte-order mark)."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([])
        writer.writerow([csv_safe(nfc(title))])
        writer.writerow([csv_safe(nfc(c.header)) for c in columns])
        kinds = [c.kind for c in columns]
        for row in rows:
            writer.writerow([_text(v, k) for v, k in zip(row, kinds, strict=True)])
        for note in notes:
            writer.writerow([csv_safe(nfc(note))])
        text.flush()
    finally:
        text.detach()


def write_ranked_csv(ranked: RankedList, out: IO[bytes], progress: Progress | None = None) -> None:
    cols = ranked_columns(ranked)
    tracker = Tracker(len(ranked.rows), progress)
    write_table_csv(
        cols,
        (ranked_values(ranked, i, row, cols) for i, row in enumerate(tracker.wrap(ranked.rows), 1)),
        out,
        [ranked.round.alignment_line] if ranked.round.alignment_line else (),
    )
