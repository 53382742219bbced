"""Does editing an idea wait for the index? p50/p95 of PATCH /api/v1/ideas/{id} beside an
empty index and beside a 100,000-idea index, with the production setting (a worker applies
the change log after the request) and, for comparison, with ``JOBS_INLINE`` (the index
catches up inside the request, as before the worker existed).

    python bench/write_latency.py               # 100,000 ideas in the large index
    python bench/write_latency.py --ideas 10000 --requests 100

The large index is the one bench/search.py builds (bench/out/index-N), copied per run.
Requests go through the application in-process (no HTTP), so the figures isolate what the
request itself does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import search as search_bench

from ideadb import create_app

PASSWORD = "mat-khau-do-do-toc-do"


def make_app(workdir: Path, index_from: Path | None, inline: bool):
    from ideadb.accounts import service as accounts
    from ideadb.core import changes
    from ideadb.core.permissions import SYSTEM
    from ideadb.extensions import db
    from ideadb.ideas import service as ideas
    from ideadb.search import engine as search_engine
    from ideadb.search import follow
    from ideadb.units.models import Unit
    from ideadb.units.service import load_reference_data

    index = workdir / "index"
    app = create_app(
        {
            "INSTANCE_DIR": str(workdir),
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite'}",
            "INDEX_DIR": str(index),
            "JOBS_INLINE": inline,
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_PROFILE": "CHEAPEST",
        }
    )
    with app.app_context():
        db.create_all()
        load_reference_data(db.session)
        unit = db.session.scalar(db.select(Unit.id).where(Unit.code == "BK-BB-NM"))
        owner = accounts.create_user(
            db.session,
            SYSTEM,
            username="chuho",
            password=PASSWORD,
            full_name="Chủ hộ",
            roles=["submitter"],
            unit_id=unit,
        )
        if index_from is not None:
            shutil.copytree(index_from, index)
        else:
            search_engine.create_index(str(index))
        idea = ideas.create_idea(
            db.session,
            owner,
            {"title": "Máy sấy nông sản", "summary": "Tóm tắt.", "area": "san_xuat_kinh_doanh",
             "year": 2026, "unit_id": unit},
        )  # fmt: skip
        gen = search_engine.current_generation(str(index))
        latest = changes.latest_id(db.session)
        follow.write_position(str(index), gen, follow.Position(applied=latest))
        search_engine.engine(str(index)).warm()
        return app, idea.id


def measure(app, idea_id: int, requests: int) -> list[float]:
    client = app.test_client()
    token = client.post(
        "/api/v1/auth/tokens", json={"username": "chuho", "password": PASSWORD}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    times = []
    for n in range(requests):
        body = {"title": f"Máy sấy nông sản cải tiến lần {n}"}
        t0 = time.perf_counter()
        resp = client.patch(f"/api/v1/ideas/{idea_id}", json=body, headers=headers)
        times.append(time.perf_counter() - t0)
        assert resp.status_code == 200, resp.get_data(as_text=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    large = search_bench.OUT / f"index-{args.ideas}"
    search_bench.build(args.ideas, procs=min(2, os.cpu_count() or 1), rebuild=False)
    print(f"PATCH /api/v1/ideas/{{id}}, {args.requests} requests each ({search_bench.load()})")
    print(f"{'mode':<34}{'index':>12}{'p50':>10}{'p95':>10}")
    results = {}
    for inline in (False, True):
        for label, source in (("empty", None), (f"{args.ideas:,}".replace(",", "."), large)):
            with tempfile.TemporaryDirectory() as tmp:
                app, idea_id = make_app(Path(tmp), source, inline)
                times = measure(app, idea_id, args.requests)
                from ideadb.search import engine as search_engine

                search_engine.forget()
            p50, p95 = search_bench.pct(times, 50), search_bench.pct(times, 95)
            results[(inline, label)] = p95
            mode = "index in the request (JOBS_INLINE)" if inline else "worker applies the log"
            print(f"{mode:<34}{label:>12}{p50 * 1000:>8.1f} ms{p95 * 1000:>8.1f} ms")
    worker = [v for (inline, _), v in results.items() if not inline]
    print(
        f"worker mode: p95 difference {abs(worker[1] - worker[0]) * 1000:.1f} ms ({search_bench.load()})"
    )


if __name__ == "__main__":
    main()
