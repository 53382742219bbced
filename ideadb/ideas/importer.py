"""Bulk import of ideas from .xlsx and .csv files with Vietnamese column headers.

The columns and the template live in ``import_columns``; reading and checking rows
(``read_rows``, ``parse_rows``: validated row dicts and every problem as {row, field, column,
message}) in ``import_rows``. ``import_ideas`` is the service call that registers them all
through ``bulk`` in one transaction, or nothing when any row fails.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.audit.service import record
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.errors import ValidationFailed
from ideadb.core.permissions import Role, require, roles_rule
from ideadb.ideas import bulk, service
from ideadb.ideas.import_columns import (
    COLUMN_BY_FIELD,
    COLUMNS,
    MAX_ROWS,
    TEMPLATE_NAME,
    template_csv,
    template_xlsx,
)
from ideadb.ideas.import_duplicates import find_duplicates
from ideadb.ideas.import_rows import (
    ImportResult,
    Lookups,
    RowError,
    import_scope,
    lookups_for,
    parse_authors,
    parse_file,
    parse_rows,
    read_rows,
)
from ideadb.ideas.lifecycle import CONTENT_FIELDS
from ideadb.units.models import Area, Unit

__all__ = [
    "COLUMNS",
    "COLUMN_BY_FIELD",
    "MAX_ROWS",
    "TEMPLATE_NAME",
    "ImportResult",
    "Lookups",
    "RowError",
    "import_ideas",
    "import_scope",
    "lookups_for",
    "parse_authors",
    "parse_file",
    "parse_rows",
    "read_rows",
    "template_csv",
    "template_xlsx",
]

roles_rule("idea.import", Role.UNIT_OFFICER, Role.SECRETARY)

CHUNK = 500  # rows written together inside the one transaction
STAGE_CHECK = "Kiểm tra"
STAGE_WRITE = "Ghi dữ liệu"


# --- writing -----------------------------------------------------------------------------


def _service_errors(number: int, exc: ValidationFailed) -> list[RowError]:
    out = []
    for name, messages in exc.fields.items():
        field_name = name.split(".")[0]
        if field_name not in COLUMN_BY_FIELD:
            field_name = "title" if field_name == "_schema" else field_name
        for message in messages:
            column = COLUMN_BY_FIELD.get(field_name)
            out.append(RowError(number, field_name, column.header if column else name, message))
    return out


def import_ideas(
    session: Session,
    actor: Any,
    filename: str,
    data: bytes,
    *,
    dry_run: bool = False,
    allow_duplicates: bool = False,
    max_rows: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    audit_extra: dict[str, Any] | None = None,
) -> ImportResult:
    """Register every row of the file as a draft idea of ``actor``, all or nothing.

    Each row passes the same checks as a registration through the form (the ideas service's
    own validation) and is written as that registration writes it (``bulk``: idea, authors,
    revision, audit event), all rows in one transaction. When any row fails nothing is
    written and every problem is returned; with ``dry_run`` nothing is written either, and
    ``created`` says how many would be. Rows repeating an idea already registered (same title
    and authors) or an earlier row are listed in ``warnings``; such a file is written only with
    ``allow_duplicates`` (else ``held``: nothing written). ``progress(stage, done, total)`` is
    told how far checking and writing have got; ``audit_extra`` is added to the audit event.
    """
    require(actor, "idea.import")
    lookups = lookups_for(session, actor)
    result = parse_file(filename, data, lookups, max_rows=max_rows or MAX_ROWS)
    result.dry_run = dry_run
    # Held so that the service's checks find units and areas in the identity map.
    held = list(session.scalars(sa.select(Unit))) + list(session.scalars(sa.select(Area)))
    checked: list[tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]] = []
    total = len(result.rows)
    for done, row in enumerate(result.rows, start=1):
        if progress is not None and (done % CHUNK == 0 or done == total):
            progress(STAGE_CHECK, done, total)
        payload = {k: row[k] for k in CONTENT_FIELDS if k in row}
        payload["authors"] = row["authors"]
        try:
            values, authors = service.prepare_registration(session, actor, payload)
        except ValidationFailed as exc:
            result.errors.extend(_service_errors(row["row"], exc))
            continue
        checked.append((row, values, authors))
    result.errors.sort(
        key=lambda e: (
            e.row or 0,
            list(COLUMN_BY_FIELD).index(e.field) if e.field in COLUMN_BY_FIELD else -1,
        )
    )
    del held
    if result.errors:
        result.rows = []
        return result
    result.warnings = find_duplicates(
        session, [(row["row"], values["title"], authors) for row, values, authors in checked]
    )
    if dry_run:
        result.created = len(checked)
        return result
    if result.warnings and not allow_duplicates:
        # Never create duplicates silently: the officer confirms, or fixes the file.
        result.rows, result.held = [], True
        return result

    with unit_of_work(session):
        now = utcnow()
        officers = bulk.officers_by_unit(session)
        done = 0
        for start in range(0, len(checked), CHUNK):
            batch = [
                bulk.new_idea(actor, values, authors, now)
                for _row, values, authors in checked[start : start + CHUNK]
            ]
            result.idea_ids.extend(bulk.insert(session, batch, now, officers))
            done += len(batch)
            if progress is not None:
                progress(STAGE_WRITE, done, len(checked))
        record(
            session,
            actor,
            "idea.import",
            "idea",
            None,
            None,
            {
                "file": filename,
                "sha256": hashlib.sha256(data).hexdigest(),
                "created": done,
                "duplicates": [w.row for w in result.warnings],
                "idea_ids": [result.idea_ids[0], result.idea_ids[-1]] if result.idea_ids else [],
                **(audit_extra or {}),
            },
        )
    result.created = done
    return result
