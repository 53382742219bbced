"""Declarative base, UTC datetimes and the unit of work every state change goes through."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import DeclarativeBase, Session

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Stores aware datetimes as UTC and always returns them aware (SQLite returns naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run callback once the current unit of work has committed (never after a rollback)."""
    session.info.setdefault("after_commit", []).append(callback)


def after_rollback(session: Session, callback: Callable[[], None]) -> None:
    """Run callback if the current unit of work rolls back (e.g. remove a staged file)."""
    session.info.setdefault("after_rollback", []).append(callback)


def _run(callbacks: list[Callable[[], None]]) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:  # the transaction is decided; a derived copy catches up later
            log.exception("after-transaction callback failed")


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """One transaction: commit everything on success, roll everything back on error.

    Nested use joins the outer unit of work, so a service may call another service.
    """
    depth = session.info.get("uow_depth", 0)
    session.info["uow_depth"] = depth + 1
    try:
        yield session
        if depth == 0:
            session.commit()
    except BaseException:
        if depth == 0:
            session.rollback()
            session.info.pop("after_commit", None)
            _run(session.info.pop("after_rollback", []))
        raise
    finally:
        session.info["uow_depth"] = depth
    if depth == 0:
        session.info.pop("after_rollback", None)
        _run(session.info.pop("after_commit", []))


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


@sa.event.listens_for(sa.engine.Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys, wait for locks, and lower-case Vietnamese like PostgreSQL."""
    import sqlite3

    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def request_session() -> Session:
    """The application's session for this request or command (Flask-SQLAlchemy's scoped one)."""
    session: Session = current_app.extensions["sqlalchemy"].session()
    return session


def app_engine() -> sa.Engine:
    """The application's database engine (for work outside the request's session)."""
    engine: sa.Engine = current_app.extensions["sqlalchemy"].engine
    return engine


def rowcount(result: sa.Result[Any]) -> int:
    """Rows matched by an UPDATE or DELETE (compare-and-set checks)."""
    return int(cast("sa.CursorResult[Any]", result).rowcount)
