"""File writers of the reports feature: plain data in (ideadb.reports.documents), bytes out."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from ideadb.reports.documents import Progress, RankedList
from ideadb.reports.writers.csvfile import write_ranked_csv
from ideadb.reports.writers.excel import write_ranked_xlsx
from ideadb.reports.writers.word import write_ranked_docx

FORMATS = ("xlsx", "csv", "docx")

MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "zip": "application/zip",
    "json": "application/json",
}

_RANKED: dict[str, Callable[..., None]] = {
    "xlsx": write_ranked_xlsx,
    "csv": write_ranked_csv,
    "docx": write_ranked_docx,
}


def write_ranked_list(
    ranked: RankedList, fmt: str, out: IO[bytes], progress: Progress | None = None
) -> None:
    """Write a round's ranked list as xlsx, csv or docx; ``progress(done, total)`` per rows."""
    try:
        writer = _RANKED[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}") from None
    writer(ranked, out, progress=progress)
