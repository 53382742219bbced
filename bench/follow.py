"""Commit → findable on another host: two application instances (own index folders) on one
PostgreSQL database, each with its own worker, as README's production section runs them.

    python bench/follow.py                      # 60 changes, worker poll 0.5 s (the default)
    python bench/follow.py --changes 100 --poll 0.2
    python bench/follow.py --database-url postgresql+psycopg://postgres@127.0.0.1/ideadb_follow

Each change is an idea created (or edited) through host A or B in turn; the figure is the
time from its commit until a search through the *other* host returns it. The database named
in the URL is dropped and created again.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ideadb import create_app
from ideadb.core import jobs
from ideadb.core.permissions import SYSTEM
from ideadb.search import engine as search_engine
from ideadb.search.documents import Visibility

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/ideadb_follow"
WORDS = [
    "bèo",
    "cói",
    "dứa",
    "gấc",
    "hồi",
    "khế",
    "lạc",
    "mơ",
    "nghệ",
    "ổi",
    "quế",
    "rau",
    "sắn",
    "tỏi",
    "vải",
    "xoài",
    "yến",
    "chè",
    "đào",
    "mận",
]


def fresh_database(url: str) -> None:
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(
        sa.engine.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def host(workdir: Path, url: str, poll: float):
    app = create_app(
        {
            "INSTANCE_DIR": str(workdir),
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_PROFILE": "CHEAPEST",
            "WORKER_POLL_SECONDS": poll,
        }
    )
    worker = jobs.Worker(app, name=workdir.name)
    return app, worker


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=60)
    parser.add_argument("--poll", type=float, default=0.5)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    fresh_database(args.database_url)
    from ideadb.accounts import service as accounts
    from ideadb.extensions import db
    from ideadb.ideas import service as ideas
    from ideadb.search import service as search_service
    from ideadb.units.models import Unit
    from ideadb.units.service import load_reference_data

    with tempfile.TemporaryDirectory() as tmp:
        hosts = [host(Path(tmp) / name, args.database_url, args.poll) for name in ("a", "b")]
        with hosts[0][0].app_context():
            db.create_all()
            load_reference_data(db.session)
            # a unit that exists today (the Bắc Kạn units ended on 1/7/2025)
            unit = db.session.scalar(sa.select(Unit.id).where(Unit.code == "TN"))
            owner_id = accounts.create_user(
                db.session, SYSTEM, username="chuho", password="mat-khau-do", full_name="Chủ hộ",
                roles=["submitter"], unit_id=unit,
            ).id  # fmt: skip
            db.session.remove()
        for app, worker in hosts:
            with app.app_context():
                search_service.ensure_index(app)
            worker.start_thread()
        delays: list[float] = []
        idea_ids: list[int] = []
        for n in range(args.changes):
            writer, reader = (hosts[n % 2][0], hosts[(n + 1) % 2][0])
            word = WORDS[n % len(WORDS)]
            title = f"Sấy {word} năng lượng mặt trời mẫu {n}"
            with writer.app_context():
                from ideadb.accounts.models import User

                owner = db.session.get(User, owner_id)
                if n % 3 == 2 and idea_ids:  # every third change is an edit
                    idea_id = idea_ids[-1]
                    ideas.update_idea(db.session, owner, idea_id, {"title": title})
                else:
                    idea_id = ideas.create_idea(
                        db.session, owner,
                        {"title": title, "summary": "Đo thời gian.", "area": "san_xuat_kinh_doanh",
                         "year": 2026, "unit_id": unit},
                    ).id  # fmt: skip
                    idea_ids.append(idea_id)
                committed = time.perf_counter()
                db.session.remove()
            eng = search_engine.engine(reader.config["INDEX_DIR"])
            while True:
                hits = eng.search(f'"mẫu {n}"', visibility=Visibility.everything()).items
                if [h.id for h in hits] == [idea_id]:
                    delays.append(time.perf_counter() - committed)
                    break
                if time.perf_counter() - committed > 30:
                    raise SystemExit(f"change {n} not findable on the other host after 30 s")
                time.sleep(0.01)
        for _app, worker in hosts:
            worker.stop()
        one, five, _ = os.getloadavg()
        delays.sort()
        p95 = delays[max(0, round(0.95 * len(delays)) - 1)]
        print(
            f"commit → findable on the other host, {len(delays)} changes, worker poll "
            f"{args.poll} s: p50 {statistics.median(delays) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {delays[-1] * 1000:.0f} ms (load {one:.1f}/{five:.1f})"
        )


if __name__ == "__main__":
    main()
