"""Time ``ideadb backup`` and ``ideadb restore`` of the 10,000-idea demo instance.

Run from the repository root:
    python bench/backup.py [--ideas 10000] [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/ideadb_bench]

For SQLite, and for PostgreSQL when ``--pg-url`` (or IDEADB_BENCH_DATABASE_URL) is given:
1. a source instance with ``ideadb db upgrade`` + ``ideadb demo --ideas N`` (reused when a
   previous run left one with at least N ideas in ``--work``);
2. ``ideadb backup DEST``, ``ideadb backup --verify FOLDER``, then ``ideadb restore FOLDER``
   into a new empty instance (PostgreSQL: the database ``<name>_restore``, dropped and created
   again), each a subprocess timed from start to exit, as an operator runs them.
The restore time includes the checks (sha256 of every file, counts), the load and the rebuild
of the search index.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
RUN = [sys.executable, "-m", "ideadb"]


def _env(instance: Path, url: str | None) -> dict[str, str]:
    env = dict(os.environ, IDEADB_INSTANCE_DIR=str(instance), PYTHONPATH=str(ROOT))
    env.pop("IDEADB_DATABASE_URL", None)
    if url:
        env["IDEADB_DATABASE_URL"] = url
    return env


def _run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([*RUN, *args], env=env, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout


def _recreate(url: str) -> None:
    target = make_url(url)
    admin = sa.create_engine(
        target.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def _ideas(url: str) -> int:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.scalar(sa.text("SELECT count(*) FROM ideas")) or 0
    except sa.exc.SQLAlchemyError:
        return 0
    finally:
        engine.dispose()


def _size(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def bench(kind: str, ideas: int, work: Path, pg_url: str | None) -> None:
    source = work / f"source-{kind}"
    url = pg_url if kind == "postgresql" else None
    source_url = url or f"sqlite:///{source / 'ideadb.sqlite'}"
    if _ideas(source_url) < ideas:
        shutil.rmtree(source, ignore_errors=True)
        if url:
            _recreate(url)
        env = _env(source, url)
        _run(["db", "upgrade"], env)
        elapsed, _ = _run(["demo", "--ideas", str(ideas)], env)
        print(f"[{kind}] demo instance built in {elapsed:.1f} s")
    env = _env(source, url)
    dest = work / f"backups-{kind}"
    shutil.rmtree(dest, ignore_errors=True)
    backup_s, _ = _run(["backup", str(dest)], env)
    (folder,) = [p for p in dest.iterdir() if p.is_dir()]
    verify_s, _ = _run(["backup", "--verify", str(folder)], env)

    target = work / f"target-{kind}"
    shutil.rmtree(target, ignore_errors=True)
    target_url = None
    if url:
        parsed = make_url(url)
        target_url = parsed.set(database=f"{parsed.database}_restore").render_as_string(
            hide_password=False
        )
        _recreate(target_url)
    restore_s, restored = _run(["restore", str(folder)], _env(target, target_url))
    print(f"[{kind}] {_ideas(source_url)} ideas, backup folder {_size(folder):.1f} MB")
    print(f"[{kind}] ideadb backup DEST:            {backup_s:6.1f} s")
    print(f"[{kind}] ideadb backup --verify FOLDER: {verify_s:6.1f} s")
    print(f"[{kind}] ideadb restore FOLDER:         {restore_s:6.1f} s (with index rebuild)")
    for line in restored.strip().splitlines()[1:]:
        print(f"[{kind}]   {line.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=10000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/ideadb-bench-backup"))
    parser.add_argument("--pg-url", default=os.environ.get("IDEADB_BENCH_DATABASE_URL"))
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if not args.skip_sqlite:
        bench("sqlite", args.ideas, args.work, None)
    if args.pg_url:
        bench("postgresql", args.ideas, args.work, args.pg_url)
    else:
        print("PostgreSQL skipped: give --pg-url or IDEADB_BENCH_DATABASE_URL.")


if __name__ == "__main__":
    main()
