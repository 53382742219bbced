"""Search: what callers use. Visibility from the user, the change log, search, similar, reindex.

Every index is derived from the database. Every change of an idea appends a row to the shared
change log in the change's own transaction (``enqueue``); each host's index catches up from
the last row it applied (``catch_up``: in the worker, or right after the commit with
``JOBS_INLINE``), so a change is never lost, a rolled-back change never reaches an index, and
any number of hosts converge on the same data.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from ideadb.core import changes, jobs, providers
from ideadb.core.changes import record_idea_change, record_idea_changes
from ideadb.core.db import after_commit, unit_of_work
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
    full_view_ids,
    get_idea,
    idea_document,
    is_published,
)
from ideadb.search import engine as search_engine
from ideadb.search import follow
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
from ideadb.units.service import area_names, descendant_ids, jurisdiction_ids

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

FOLLOW_BATCH = 500
PUBLIC_FACETS = ("area", "year", "district_id")
WRITE_TIMEOUT = 5.0
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
    if has_role(actor, Role.UNIT_OFFICER) and getattr(actor, "unit_id", None) is not None:
        unit_ids = frozenset(jurisdiction_ids(session, actor.unit_id))
    # ideas of those units are covered by unit_ids; list only the others one by one
    idea_ids = frozenset(full_view_ids(session, actor, outside_units=unit_ids))
    return Visibility(published=True, unit_ids=unit_ids, idea_ids=idea_ids)


# --- following the change log -----------------------------------------------------------


def enqueue(session: Session, idea_id: int) -> None:
    """Record, inside the caller's transaction, that an idea's index entries must be refreshed."""
    record_idea_change(session, idea_id)


def follow_unit_change(session: Session, unit_id: int) -> None:
    """Subscriber of unit changes: the ideas of that unit carry its name in their document.

    Runs inside the unit's transaction, so the ideas' changes commit or roll back with it.
    """
    idea_ids = session.scalars(sa.select(Idea.id).where(Idea.unit_id == unit_id)).all()
    record_idea_changes(session, idea_ids)


def apply_after_commit(session: Session) -> None:
    """Subscriber of recorded idea changes: once the change commits, this host's index follows.

    With ``JOBS_INLINE`` the index catches up in the committing thread (tests, scripts);
    otherwise the worker of this process (quickstart) is woken and the request returns at once
    — ``ideadb worker`` processes poll the log on their own.
    """
    if not has_app_context():
        return
    app = _current_app()
    if any(getattr(cb, "search_follow", False) for cb in session.info.get("after_commit", [])):
        return

    def follow() -> None:
        if app.config.get("JOBS_INLINE"):
            catch_up(app)
        else:
            jobs.wake(app)

    follow.search_follow = True  # type: ignore[attr-defined]
    after_commit(session, follow)


@dataclass
class CatchUp:
    """What one catch-up did, and where this host's index stands."""

    applied: int = 0
    latest: int = 0
    indexed: int = 0
    removed: int = 0
    rows: int = 0
    rebuilt: bool = False
    busy: bool = False

    @property
    def lag(self) -> int:
        return max(self.latest - self.applied, 0)


def catch_up(app: Flask | None = None, timeout: float = WRITE_TIMEOUT, rounds: int = 20) -> CatchUp:
    """Apply the change-log rows this host's index has not applied yet.

    An index that does not exist, does not know its position, or stands behind the pruned
    horizon is rebuilt from the database (searches keep the old generation meanwhile).
    """
    app = app or _current_app()
    root = index_dir(app)
    result = CatchUp()
    with follow.catchup_lock(root, timeout) as locked:
        if not locked:
            result.busy = True
            return result
        with app.app_context(), Session(db.engine) as session:
            for attempt in range(2):
                gen = search_engine.current_generation(root)
                pos = follow.read_position(root, gen) if gen else None
                if gen is None or pos is None or pos.applied < changes.pruned_through(session):
                    info = _build_generation(app, session)
                    result.rebuilt = True
                    log.info("search index rebuilt from the database: %s", info)
                    continue
                try:
                    _apply(app, session, gen, pos, result, timeout, rounds)
                except FileNotFoundError:  # the folder was removed meanwhile: rebuilt next time
                    log.warning("search index %s removed while catching up", gen)
                    break
                except search_engine.SearchUnavailable:
                    if attempt:
                        raise
                    log.warning("search index %s unreadable; rebuilding it", gen)
                    follow.write_position(root, gen, follow.Position(applied=-1))
                    continue
                result.applied = pos.applied
                break
            result.latest = changes.latest_id(session)
    return result


def _apply(
    app: Flask,
    session: Session,
    gen: str,
    position: follow.Position,
    result: CatchUp,
    timeout: float,
    rounds: int,
) -> None:
    root = index_dir(app)
    eng = _engine(app)
    for _ in range(rounds):
        rows = changes.changes_after(
            session, position.applied, sorted(position.holes), FOLLOW_BATCH
        )
        session.rollback()  # end the read: writers are not held up
        if not rows:
            position.expire()
            break
        ids = sorted({idea_id for _, idea_id in rows})
        docs = load_docs(session, ids)
        session.rollback()
        present = [doc for doc in (docs.get(i) for i in ids) if doc is not None]
        absent = [i for i in ids if docs.get(i) is None]
        try:
            eng.write(present, absent, timeout=timeout)
        except search_engine.IndexBusy:
            result.busy = True
            break
        position.advance(rows)
        follow.write_position(root, gen, position)
        result.indexed += len(present)
        result.removed += len(absent)
        result.rows += len(rows)
        if len(rows) < FOLLOW_BATCH:
            break


def position(session: Session, app: Flask | None = None) -> CatchUp:
    """Where this host's index stands against the shared change log (without catching up)."""
    root = index_dir(app)
    gen = search_engine.current_generation(root)
    pos = follow.read_position(root, gen) if gen else None
    latest = changes.latest_id(session)
    return CatchUp(applied=pos.applied if pos is not None else 0, latest=latest)


def health(session: Session) -> dict[str, Any]:
    """The database answers, where this host's index stands, how many jobs wait or failed."""
    root = index_dir()
    gen = search_engine.current_generation(root)
    pos = follow.read_position(root, gen) if gen else None
    applied = pos.applied if pos is not None else None
    body: dict[str, Any] = {
        "status": "ok",
        "database": "ok",
        "search": {"applied": applied, "latest": None, "lag": None, "generation": gen},
        "jobs": {"pending": None, "failed": None},
    }
    try:
        latest = changes.latest_id(session)
        body["jobs"] = jobs.counts(session)
        session.rollback()
    except sa.exc.SQLAlchemyError:
        log.exception("health: the database does not answer")
        with contextlib.suppress(sa.exc.SQLAlchemyError):
            session.rollback()
        body["status"] = body["database"] = "unavailable"
        return body
    body["search"]["latest"] = latest
    if applied is not None:
        body["search"]["lag"] = max(latest - applied, 0)
    return body


def prune_log(app: Flask | None = None) -> int:
    """Remove change-log rows older than the retention period (``SEARCH_LOG_RETENTION_DAYS``)."""
    app = app or _current_app()
    days = float(app.config.get("SEARCH_LOG_RETENTION_DAYS", 30))
    with app.app_context(), Session(db.engine) as session, unit_of_work(session):
        return changes.prune(session, timedelta(days=days))


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
    """Create an empty index when none exists (quickstart, tests). True when created.

    On a database without ideas the empty index stands at the log's newest row; otherwise
    its position is unknown and the first catch-up builds it from the database.
    """
    app = app or _current_app()
    root = index_dir(app)
    if not search_engine.create_index(root):
        return False
    gen = search_engine.current_generation(root)
    with app.app_context(), Session(db.engine) as session:
        if gen is not None and session.scalar(sa.select(Idea.id).limit(1)) is None:
            follow.write_position(root, gen, follow.Position(applied=changes.latest_id(session)))
    return True


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


def _build_generation(
    app: Flask,
    session: Session,
    progress: Callable[[int], None] | None = None,
    procs: int | None = None,
) -> dict[str, Any]:
    """Build a complete generation from the database and swap it in, with its log position.

    The position is read before the ideas: every change up to it is in what is read next,
    and later changes are applied (again, harmlessly) by the next catch-up.
    """
    root = index_dir(app)
    cursor = changes.settled_id(session, follow.HOLE_WINDOW)
    total = session.scalar(sa.select(sa.func.count()).select_from(Idea)) or 0
    if procs is None:
        procs = 2 if total >= 2000 and (os.cpu_count() or 1) > 1 else 1

    def record(name: str) -> None:
        follow.write_position(root, name, follow.Position(applied=cursor))

    generation = _engine(app).rebuild(
        all_docs(session), progress=progress, procs=procs, before_swap=record
    )
    session.rollback()
    return {"generation": generation, "ideas": total, "position": cursor}


def rebuild(
    session: Session,
    progress: Callable[[int], None] | None = None,
    procs: int | None = None,
) -> dict[str, Any]:
    """Build a fresh index beside the live one, swap it in, then catch up with later changes.

    Searches are served from the old index until the swap. Changes committed meanwhile are
    applied from the change log after the swap, and a check repairs anything else.
    """
    app = _current_app()
    info = _build_generation(app, session, progress, procs)
    caught = catch_up(app, timeout=60.0)
    report = check(session)
    repaired = repair(session, report) if not report.ok else 0
    return {**info, "drained": caught.rows, "repaired": repaired}


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
