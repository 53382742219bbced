"""The database side of backup and restore: SQLite online backup, pg_dump and pg_restore.

PostgreSQL tools get the connection as separate options and the password through the
``PGPASSWORD`` variable of their own environment, never on their command line (which every
local user can read in the process list).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine

from ideadb.operations import OperationFailed

# Query parameters of a SQLAlchemy URL that libpq also reads from its environment.
_LIBPQ_ENV = {
    "sslmode": "PGSSLMODE",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslrootcert": "PGSSLROOTCERT",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
}
CONTENT_TABLES = ("users", "ideas")


def kind_of(url: URL) -> str:
    backend = url.get_backend_name()
    if backend == "sqlite":
        return "sqlite"
    if backend == "postgresql":
        return "postgresql"
    raise OperationFailed(f"Không hỗ trợ sao lưu cơ sở dữ liệu loại “{backend}”.")


def sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise OperationFailed("Cơ sở dữ liệu SQLite nằm trong bộ nhớ: không có tệp để sao lưu.")
    return Path(url.database)


# --- counts, revision, content ----------------------------------------------------------


def _tables(conn: Connection) -> list[str]:
    return sorted(
        name for name in sa.inspect(conn).get_table_names() if not name.startswith("sqlite_")
    )


def table_counts(conn: Connection) -> dict[str, int]:
    return {name: _count(conn, name) for name in _tables(conn)}


def _count(conn: Connection, name: str) -> int:
    return int(conn.scalar(sa.select(sa.func.count()).select_from(sa.table(name))) or 0)


def schema_revision(conn: Connection) -> str | None:
    if "alembic_version" not in _tables(conn):
        return None
    return conn.scalar(sa.text("SELECT version_num FROM alembic_version"))


def content_counts(engine: Engine) -> dict[str, int]:
    """Rows of the tables that make an instance non-empty (a missing table counts 0)."""
    with engine.connect() as conn:
        present = set(_tables(conn))
        return {name: _count(conn, name) if name in present else 0 for name in CONTENT_TABLES}


def sqlite_counts(path: Path) -> tuple[dict[str, int], str | None]:
    """Table counts and schema revision of a SQLite file, opened read-only."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    engine = sa.create_engine(
        "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=sa.pool.NullPool
    )
    try:
        with engine.connect() as conn:
            check = conn.scalar(sa.text("PRAGMA quick_check"))
            if check != "ok":
                raise OperationFailed(f"Tệp cơ sở dữ liệu {path.name} bị hỏng: {check}.")
            return table_counts(conn), schema_revision(conn)
    except sa.exc.DatabaseError as exc:
        raise OperationFailed(f"Không mở được tệp cơ sở dữ liệu {path.name}: {exc.orig}.") from exc
    finally:
        engine.dispose()


# --- SQLite -----------------------------------------------------------------------------


def sqlite_copy(
    source: Path, target: Path, progress: Callable[[int, int], None] | None = None
) -> None:
    """Copy a SQLite database page by page with the online backup API (writers may go on)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:

        def report(status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        with dst:
            src.backup(dst, pages=2048, progress=report)
    except sqlite3.Error as exc:
        raise OperationFailed(f"Sao chép cơ sở dữ liệu SQLite thất bại: {exc}.") from exc
    finally:
        src.close()
        dst.close()


# --- PostgreSQL -------------------------------------------------------------------------


def pg_command(program: str, url: URL, *args: str) -> tuple[list[str], dict[str, str]]:
    """argv and environment for a PostgreSQL client program; the password only in the env."""
    exe = shutil.which(program)
    if exe is None:
        raise OperationFailed(
            f"Không tìm thấy chương trình {program} (gói postgresql-client) trong PATH."
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    query = dict(url.query)
    host = url.host or query.pop("host", None)
    if isinstance(host, tuple):
        host = host[0]
    argv = [exe, *args, "--no-password"]
    if host:
        argv += ["--host", str(host)]
    if url.port:
        argv += ["--port", str(url.port)]
    if url.username:
        argv += ["--username", url.username]
    if url.database:
        argv += ["--dbname", url.database]
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    for key, value in query.items():
        if key in _LIBPQ_ENV:
            env[_LIBPQ_ENV[key]] = str(value if not isinstance(value, tuple) else value[0])
    return argv, env


def _run(argv: list[str], env: dict[str, str], what: str) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(  # noqa: S603 - argv built above, no shell
            argv, env=env, capture_output=True, text=True, check=False
        )
    except OSError as exc:
        raise OperationFailed(f"{what} không chạy được: {exc}.") from exc
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip().splitlines()
        raise OperationFailed(f"{what} thất bại (mã {result.returncode}).", message[-10:])
    return result


def pg_dump_command(
    url: URL, out: Path, snapshot: str | None = None
) -> tuple[list[str], dict[str, str]]:
    args = ["--format=custom", "--file", str(out)]
    if snapshot:
        args.append(f"--snapshot={snapshot}")
    return pg_command("pg_dump", url, *args)


def pg_dump(engine: Engine, out: Path) -> tuple[dict[str, int], str | None]:
    """Dump the database; the table counts and revision are read in the dump's own snapshot."""
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.scalar(sa.text("SELECT pg_export_snapshot()"))
            counts = table_counts(conn)
            revision = schema_revision(conn)
            argv, env = pg_dump_command(engine.url, out, snapshot)
            _run(argv, env, "pg_dump")
    return counts, revision


def pg_check_dump(dump: Path) -> None:
    """Read the archive's table of contents (no connection): a damaged file fails here."""
    exe = shutil.which("pg_restore")
    if exe is None:
        raise OperationFailed(
            "Không tìm thấy chương trình pg_restore (gói postgresql-client) trong PATH."
        )
    _run([exe, "--list", str(dump)], dict(os.environ), "Kiểm tra tệp pg_dump")


def pg_restore_command(url: URL, dump: Path) -> tuple[list[str], dict[str, str]]:
    return pg_command(
        "pg_restore",
        url,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        str(dump),
    )


def pg_restore(url: URL, dump: Path) -> None:
    argv, env = pg_restore_command(url, dump)
    _run(argv, env, "pg_restore")
