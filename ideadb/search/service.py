"""Search: what callers use. Visibility from the user, the outbox, search, similar, reindex.

The index is derived from the database. Every change of an idea writes an outbox row in the
change's own transaction (``enqueue``); after the commit the outbox is drained into the index
by one writer at a time. A row that meets a busy index stays for the next drain (retried
shortly, and by ``ideadb reindex --check``), so a change is never lost and a rolled-back
change never reaches the index.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields as dataclass_fields
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from ideadb.core import providers
from ideadb.core.changes import IdeaChange as SearchOutbox
from ideadb.core.changes import record_idea_change, record_idea_changes
from ideadb.core.db import after_commit
from ideadb.core.errors import BadRequest, DomainError
from ideadb.core.permissions import (
    Role,
    has_role,
    is_signed_in,
    is_staff,
    reads_everything,
    roles_rule,
)
from ideadb.extensions import db
from ideadb.ideas.models import Idea
from ideadb.ideas.service import (
    STATUS_LABELS,
    get_idea,
    idea_document,
    is_published,
    visible_ideas_filter,
)
from ideadb.search import engine as search_engine
from ideadb.search.documents import (
    SORTS,
    CheckReport,
    Filters,
    IdeaDoc,
    SearchResult,
    SimilarItem,
    Visibility,
)
from ideadb.units.models import Unit
from ideadb.units.service import area_names, descendant_ids

log = logging.getLogger(__name__)

# The internal search page is offered in the menu to those whose work is to look across
# dossiers; anyone signed in may still open it and find what they may see.
roles_rule(
    "search.staff",
    Role.SECRETARY,
    Role.ADMIN,
    Role.AUDITOR,
    Role.UNIT_OFFICER,
    Role.REVIEWER,
)

DRAIN_BATCH = 500
PUBLIC_FACETS = ("area", "year", "district_id")
WRITE_TIMEOUT = 5.0
RETRY_DELAYS = (0.5, 2.0, 5.0, 15.0)
_DOC_FIELDS = {f.name for f in dataclass_fields(IdeaDoc)}


class SearchUnavailable(DomainError):
    status = 503
    code = "search_unavailable"


def index_dir(app: Flask | None = None) -> str:
    """The index root of ``app`` (the current application by default)."""
    root: str = (app or current_app).config["INDEX_DIR"]
    return root


def _engine(app: Flask | None = None) -> search_engine.Engine:
    return search_engine.engine(index_dir(app))


def _current_app() -> Flask:
    """The application object itself (not the proxy), for work after the request."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return app


@contextlib.contextmanager
def _available() -> Iterator[None]:
    try:
        yield
    except search_engine.SearchUnavailable as exc:
        raise SearchUnavailable(
            "Chức năng tìm kiếm tạm thời chưa sẵn sàng (chưa có chỉ mục). "
            "Quản trị viên cần chạy lệnh “ideadb reindex”."
        ) from exc


# --- documents ---------------------------------------------------------------------------


def _final_scores(session: Session, idea_ids: list[int]) -> dict[int, float]:
    """Final scores from the provider the reviews feature registers (none without one)."""
    return providers.final_scores(session, idea_ids)


def load_docs(session: Session, idea_ids: Iterable[int]) -> dict[int, IdeaDoc | None]:
    """The documents of these ideas as the database holds them now (None: no such idea)."""
    ids = sorted(set(idea_ids))
    out: dict[int, IdeaDoc | None] = dict.fromkeys(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        scores = _final_scores(session, chunk)
        for idea in session.scalars(sa.select(Idea).where(Idea.id.in_(chunk))):
            out[idea.id] = _doc(idea_document(idea), scores.get(idea.id))
    return out


def _doc(values: dict[str, Any], final_score: float | None) -> IdeaDoc:
    data = {k: v for k, v in values.items() if k in _DOC_FIELDS}
    data.setdefault("final_score", final_score)
    return IdeaDoc(**data)


def all_docs(session: Session, batch: int = 500) -> Iterator[IdeaDoc]:
    """Every idea, in id order, a batch at a time (bounded memory, a session of its own)."""
    last = 0
    with Session(session.get_bind()) as own:
        while True:
            ideas = list(
                own.scalars(sa.select(Idea).where(Idea.id > last).order_by(Idea.id).limit(batch))
            )
            if not ideas:
                return
            scores = _final_scores(own, [i.id for i in ideas])
            for idea in ideas:
                yield _doc(idea_document(idea), scores.get(idea.id))
            last = ideas[-1].id
            own.expunge_all()


# --- visibility --------------------------------------------------------------------------


def visibility_for(session: Session, actor: Any) -> Visibility:
    """What ``actor`` may find: the same rules as the ideas feature, as a value for the index.

    anonymous → published ideas; secretary/admin → all; others → published ideas plus what the
    ideas rules let them see in full (their own, their units' and those below, assigned).
    """
    if not is_signed_in(actor):
        return Visibility.anonymous()
    if is_staff(actor) or reads_everything(actor):
        return Visibility.everything()
    unit_ids: frozenset[int] = frozenset()
    condition = visible_ideas_filter(session, actor, include_public=False)
    if has_role(actor, Role.UNIT_OFFICER) and getattr(actor, "unit_id", None) is not None:
        unit_ids = frozenset(descendant_ids(session, actor.unit_id))
        # ideas of those units are covered by unit_ids; list only the others one by one
        condition = sa.and_(
            condition, sa.or_(Idea.unit_id.is_(None), Idea.unit_id.not_in(unit_ids))
        )
    idea_ids = frozenset(session.scalars(sa.select(Idea.id).where(condition)))
    return Visibility(published=True, unit_ids=unit_ids, idea_ids=idea_ids)


# --- outbox ------------------------------------------------------------------------------


def enqueue(session: Session, idea_id: int) -> None:
    """Record, inside the caller's transaction, that an idea's index entry must be refreshed."""
    record_idea_change(session, idea_id)


def follow_unit_change(session: Session, unit_id: int) -> None:
    """Subscriber of unit changes: the ideas of that unit carry its name in their document.

    Runs inside the unit's transaction, so the ideas' changes commit or roll back with it.
    """
    idea_ids = session.scalars(sa.select(Idea.id).where(Idea.unit_id == unit_id)).all()
    record_idea_changes(session, idea_ids)


def drain_after_commit(session: Session) -> None:
    """Subscriber of recorded idea changes: apply them to the index once the change commits."""
    callbacks = session.info.get("after_commit", [])
    if any(getattr(cb, "search_drain", False) for cb in callbacks):
        return
    if not has_app_context():
        return
    app = _current_app()

    def drain() -> None:
        drain_outbox(app)

    drain.search_drain = True  # type: ignore[attr-defined]
    after_commit(session, drain)


def drain_outbox(
    app: Flask | None = None, timeout: float = WRITE_TIMEOUT
) -> search_engine.DrainResult:
    """Apply the pending outbox rows to the index (a no-op while no index has been built)."""
    app = app or _current_app()
    root = index_dir(app)
    if not search_engine.index_exists(root):
        return search_engine.DrainResult()
    with app.app_context(), Session(db.engine) as session:

        def pending() -> list[tuple[int, int]]:
            rows = session.execute(
                sa.select(SearchOutbox.id, SearchOutbox.idea_id)
                .order_by(SearchOutbox.id)
                .limit(DRAIN_BATCH)
            ).all()
            session.rollback()  # end the read so that writers are not held up
            return [(r[0], r[1]) for r in rows]

        def load(ids: list[int]) -> dict[int, IdeaDoc | None]:
            docs = load_docs(session, ids)
            session.rollback()
            return docs

        def done(row_ids: list[int]) -> None:
            session.execute(sa.delete(SearchOutbox).where(SearchOutbox.id.in_(row_ids)))
            session.commit()

        try:
            result = search_engine.drain(
                search_engine.engine(root), pending, load, done, timeout=timeout
            )
        except search_engine.SearchUnavailable:
            log.warning("search index unusable; outbox rows kept for ideadb reindex")
            return search_engine.DrainResult()
    if result.busy or result.more:
        _retry_later(app)
    return result


_retry_lock = threading.Lock()
_retry_pending: set[str] = set()


def _retry_later(app: Flask, attempt: int = 0) -> None:
    """The index was busy or rows were left: drain again shortly in the background."""
    if not app.config.get("SEARCH_RETRY", True) or attempt >= len(RETRY_DELAYS):
        return
    root = index_dir(app)
    with _retry_lock:
        if attempt == 0 and root in _retry_pending:
            return
        _retry_pending.add(root)

    def run() -> None:
        try:
            result = drain_outbox(app)
        except Exception:
            log.exception("search outbox retry failed")
            result = None
        finally:
            with _retry_lock:
                _retry_pending.discard(root)
        if result is not None and (result.busy or result.more):
            _retry_later(app, attempt + 1)

    timer = threading.Timer(RETRY_DELAYS[attempt], run)
    timer.daemon = True
    timer.start()


def pending_count(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(SearchOutbox)) or 0


# --- search ------------------------------------------------------------------------------


def _int(name: str, value: Any, errors: dict[str, list[str]]) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        errors[name] = ["Phải là số nguyên."]
        return None


def parse_filters(session: Session, args: dict[str, Any]) -> tuple[Filters, str]:
    """Filters and sort from request arguments; BadRequest naming the malformed ones."""
    errors: dict[str, list[str]] = {}
    year = _int("year", args.get("year"), errors)
    district_id = _int("district_id", args.get("district_id"), errors)
    unit_id = _int("unit_id", args.get("unit_id"), errors)
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        errors["sort"] = ["Một trong: " + ", ".join(SORTS) + "."]
    if errors:
        raise BadRequest("Tham số tìm kiếm không hợp lệ.", errors)
    unit_ids = None
    if unit_id is not None:
        unit_ids = frozenset(descendant_ids(session, unit_id))
    filters = Filters(
        area=args.get("area") or None,
        year=year,
        district_id=district_id,
        unit_ids=unit_ids,
        status=args.get("status") or None,
        level=args.get("level") or None,
    )
    return filters, sort


def search(
    session: Session,
    actor: Any,
    query: str | None,
    filters: Filters | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    facets: tuple[str, ...] = PUBLIC_FACETS,
) -> SearchResult:
    """Ideas matching ``query`` that ``actor`` may see, with facet counts and highlights."""
    if sort not in SORTS:
        raise BadRequest("Tham số tìm kiếm không hợp lệ.", {"sort": ["Không hợp lệ."]})
    visibility = visibility_for(session, actor)
    with _available():
        return _engine().search(query, filters, visibility, sort, page, per_page, facets=facets)


def similar_ideas(session: Session, actor: Any, idea_id: int, limit: int = 5) -> list[SimilarItem]:
    """Ideas like this one (all years), most similar first, itself excluded, as ``actor`` may see.

    404 when the idea itself may not be seen.
    """
    idea = get_idea(session, actor, idea_id)
    visibility = visibility_for(session, actor)
    limit = max(1, min(int(limit), 20))
    with _available():
        eng = _engine()
        found = eng.similar(idea_id=idea.id, visibility=visibility, limit=limit)
        if not found and not eng.indexed_id(idea.id):  # not indexed yet: use its text
            texts = [idea.title, idea.summary, idea.description, idea.novelty, idea.benefits]
            found = [
                item
                for item in eng.similar(text=texts, visibility=visibility, limit=limit + 1)
                if item.id != idea.id
            ][:limit]
        return found


def similar_to_text(
    session: Session, actor: Any, title: str, summary: str = "", limit: int = 5
) -> list[SimilarItem]:
    """Ideas like a text being typed (the registration form's duplicate panel)."""
    text = f"{title or ''}\n{summary or ''}"[:5000]
    visibility = visibility_for(session, actor)
    with _available():
        return _engine().similar(text=text, visibility=visibility, limit=max(1, min(limit, 10)))


# --- index maintenance -------------------------------------------------------------------


def ensure_index(app: Flask | None = None) -> bool:
    """Create an empty index when none exists (quickstart, tests). True when created."""
    return search_engine.create_index(index_dir(app))


def check(session: Session) -> CheckReport:
    """Ideas missing from the index or stale in it, and index entries of no idea."""
    expected = [(doc.id, doc.stamp()) for doc in all_docs(session)]
    if not search_engine.index_exists(index_dir()):
        return CheckReport(missing=sorted(i for i, _ in expected), broken="no index")
    return _engine().check(expected)


def repair(session: Session, report: CheckReport, timeout: float = 60.0) -> int:
    """Write what a check found wrong; returns the number of ideas written or removed."""
    if report.broken:
        rebuild(session)
        return len(report.missing)
    ids = report.to_repair()
    docs = load_docs(session, ids)
    present = [d for d in docs.values() if d is not None]
    gone = [i for i, d in docs.items() if d is None] + list(report.extra)
    if present or gone:
        for start in range(0, max(len(present), 1), 1000):
            chunk = present[start : start + 1000]
            _engine().write(chunk, gone if start == 0 else (), timeout=timeout)
    return len(present) + len(gone)


def rebuild(
    session: Session,
    progress: Callable[[int], None] | None = None,
    procs: int | None = None,
) -> dict[str, Any]:
    """Build a fresh index beside the live one, swap it in, then catch up with later changes.

    Searches are served from the old index until the swap. Changes committed meanwhile are
    applied after the swap: the pending outbox rows are drained and a check repairs anything
    that changed between reading the database and the swap.
    """
    total = session.scalar(sa.select(sa.func.count()).select_from(Idea)) or 0
    if procs is None:
        procs = 2 if total >= 2000 and (os.cpu_count() or 1) > 1 else 1
    eng = _engine()
    generation = eng.rebuild(all_docs(session), progress=progress, procs=procs)
    session.rollback()
    drained = drain_outbox(_current_app(), timeout=60.0)
    report = check(session)
    repaired = repair(session, report) if not report.ok else 0
    return {
        "generation": generation,
        "ideas": total,
        "drained": drained.rows,
        "repaired": repaired,
    }


# --- pages -------------------------------------------------------------------------------


def search_page(
    session: Session,
    actor: Any,
    args: dict[str, Any],
    *,
    public: bool,
    per_page: int = 20,
) -> dict[str, Any]:
    """Everything a search page shows: the result and the names of areas, districts, units.

    ``public``: the catalogue (published ideas only, whoever is signed in); else the
    caller's own visibility (staff search). Malformed filters are ignored with a notice.
    """
    notice = None
    try:
        filters, sort = parse_filters(session, args)
    except BadRequest:
        filters, sort, notice = Filters(), "relevance", "filters"
    try:
        page = max(1, min(10_000, int(args.get("page") or 1)))
    except ValueError:
        page = 1
    facets = PUBLIC_FACETS if public else (*PUBLIC_FACETS, "status")
    result = search(
        session, None if public else actor, args.get("q", ""), filters, sort, page, per_page, facets
    )
    unit_ids = {int(k) for k in result.facets.get("district_id", {})}
    unit_ids |= {h.district_id for h in result.items if h.district_id is not None}
    unit_ids |= {h.unit_id for h in result.items if h.unit_id is not None}
    if filters.district_id is not None:
        unit_ids.add(filters.district_id)
    names = dict(session.execute(sa.select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids))).all())
    return {
        "result": result,
        "filters": filters,
        "sort": sort,
        "area_names": area_names(session),
        "unit_names": names,
        "status_labels": STATUS_LABELS,
        "notice": notice,
    }


def idea_target(session: Session, actor: Any, idea_id: int) -> tuple[str, dict[str, int]]:
    """The page of a result: (endpoint, arguments); 404 when ``actor`` may not see the idea."""
    idea = session.get(Idea, idea_id)
    if idea is not None and is_published(idea):
        return "ideas.public", {"idea_id": idea.id}
    idea = get_idea(session, actor, idea_id)
    return "ideas.detail", {"idea_id": idea.id}
