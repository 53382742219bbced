"""Does editing an idea wait for the index? p50/p95 of ``PATCH /api/v1/ideas/{id}`` over HTTP
against a served instance (``ideadb serve``, gunicorn) beside an empty index and beside large
ones, with the production setting: an ``ideadb worker`` process applies the change log after
the request. ``--inline`` adds, for comparison, runs with ``JOBS_INLINE`` (the index catches up
inside the request, as before the worker existed).

    python bench/write_latency.py                           # empty vs 100,000 ideas
    python bench/write_latency.py --sizes 0,10000 --requests 300
    python bench/write_latency.py --sizes 0,10000,100000 --inline

Size 0 is an empty index. A large index is the one bench/search.py builds (bench/out/index-N,
built on first use and reused), copied per run. Each run has its own instance folder and
SQLite database holding one submitter and the one idea edited, so only the index differs
between sizes. Each instance runs ``--workers`` gunicorn processes (default 2). All sizes are
served at once and the client sends request i to each of them in turn (one keep-alive HTTP
connection per instance, one request in flight, after ``--warmup`` unmeasured ones), so that a
busy shared machine weighs on every size alike; ``--sequential`` runs one size after the other. After the run it checks that the last title is found through the search API (the worker
applied every edit) and says how long that took. The load average is printed beside the
figures: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import search as search_bench  # noqa: E402

PASSWORD = "mat-khau-do-do-toc-do"
USERNAME = "chuho"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(workdir: Path, inline: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "IDEADB_INSTANCE_DIR": str(workdir),
            "IDEADB_DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite'}",
            "IDEADB_INDEX_DIR": str(workdir / "index"),
            "IDEADB_SECRET_KEY": "bench-write-latency",
            "IDEADB_JOBS_INLINE": "1" if inline else "0",
            "IDEADB_PASSWORD_HASH_PROFILE": "CHEAPEST",
            "IDEADB_WORKER_POLL_SECONDS": "0.5",
        }
    )
    return env


def prepare(workdir: Path, index_from: Path | None) -> int:
    """The instance: tables, reference data, one submitter, one idea, the index; its id."""
    from ideadb import create_app
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
            "SECRET_KEY": "bench-write-latency",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite'}",
            "INDEX_DIR": str(index),
            "JOBS_INLINE": True,
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_PROFILE": "CHEAPEST",
        }
    )
    with app.app_context():
        db.create_all()
        load_reference_data(db.session)
        unit = db.session.scalar(db.select(Unit.id).where(Unit.code == "TN-XBB"))  # a unit of today
        owner = accounts.create_user(
            db.session,
            SYSTEM,
            username=USERNAME,
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
        idea_id = idea.id
        # The copied index holds the corpus, not this database: it starts level with the log.
        gen = search_engine.current_generation(str(index))
        follow.write_position(
            str(index), gen, follow.Position(applied=changes.latest_id(db.session))
        )
        search_engine.forget()
        db.session.remove()
        db.engine.dispose()
        return idea_id


class Served:
    """``ideadb serve`` (gunicorn) and, unless inline, ``ideadb worker`` on one instance."""

    def __init__(self, workdir: Path, inline: bool, workers: int) -> None:
        self.env = _env(workdir, inline)
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.logs = (workdir / "serve.log").open("w")
        run = [sys.executable, "-m", "ideadb"]
        serve = [*run, "serve", "--port", str(self.port), "--workers", str(workers)]
        self.procs = [self._start(serve)]
        if not inline:
            self.procs.append(self._start([*run, "worker"]))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            for proc in self.procs:
                if proc.poll() is not None:
                    raise SystemExit(f"{proc.args} exited: see {self.logs.name}")
            try:
                if requests.get(f"{self.base}/api/v1/health", timeout=2).status_code < 500:
                    return
            except requests.RequestException:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("ideadb serve did not answer within 120 s")

    def _start(self, cmd: list[str]) -> subprocess.Popen:
        return subprocess.Popen(
            cmd, env=self.env, cwd=ROOT, stdout=self.logs, stderr=subprocess.STDOUT
        )

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.logs.close()


class Editor:
    """One signed-in keep-alive HTTP connection editing the one idea of an instance."""

    def __init__(self, base: str, idea_id: int) -> None:
        self.base, self.idea_id = base, idea_id
        self.http = requests.Session()
        answer = self.http.post(
            f"{base}/api/v1/auth/tokens", json={"username": USERNAME, "password": PASSWORD}
        )
        answer.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        self.times: list[float] = []
        self.title = ""

    def patch(self, n: int, keep: bool) -> None:
        self.title = f"Máy sấy nông sản cải tiến lần {n} mẫu{n:05d}"
        url = f"{self.base}/api/v1/ideas/{self.idea_id}"
        t0 = time.perf_counter()
        resp = self.http.patch(url, json={"title": self.title}, timeout=60)
        elapsed = time.perf_counter() - t0
        if resp.status_code != 200:
            raise SystemExit(f"PATCH answered {resp.status_code}: {resp.text[:300]}")
        if keep:
            self.times.append(elapsed)


def findable_after(base: str, title: str, limit: float = 60.0) -> float | None:
    """Seconds until the last title's unique word is found through the search API."""
    word = title.rsplit(" ", 1)[1]
    token = requests.post(
        f"{base}/api/v1/auth/tokens", json={"username": USERNAME, "password": PASSWORD}
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    started = time.monotonic()
    while time.monotonic() - started < limit:
        found = requests.get(f"{base}/api/v1/search", params={"q": word}, headers=headers)
        if found.ok and found.json().get("total"):
            return time.monotonic() - started
        time.sleep(0.1)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="0,100000",
        help="index sizes, comma-separated; 0 is an empty index (default 0,100000)",
    )
    parser.add_argument("--requests", type=int, default=300, help="measured PATCH per run")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured PATCH first")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--inline", action="store_true", help="also runs with JOBS_INLINE")
    parser.add_argument(
        "--sequential",
        action="store_true",
        help="one size after the other (default: all sizes served at once, requests interleaved)",
    )
    args = parser.parse_args()
    sizes = [int(s.replace(".", "").replace("_", "")) for s in args.sizes.split(",") if s]
    sources: dict[int, Path | None] = {}
    for n in sizes:
        if n:
            info = search_bench.build(n, procs=min(2, os.cpu_count() or 1), rebuild=False)
            print(f"index of {n:,} ideas: bench/out/index-{n} ({info['size_mb']:.0f} MB)")
        sources[n] = search_bench.OUT / f"index-{n}" if n else None

    print(
        f"PATCH /api/v1/ideas/{{id}} over HTTP, gunicorn --workers {args.workers}, "
        f"{args.requests} requests per size after {args.warmup} warm-up, "
        f"{'one size after the other' if args.sequential else 'sizes interleaved'} "
        f"({search_bench.load()})"
    )
    print(f"{'mode':<36}{'index':>10}{'p50':>11}{'p95':>11}{'p99':>11}  findable   load")
    p95: dict[tuple[bool, int], float] = {}
    for inline in (False, True) if args.inline else (False,):
        mode = "index in the request (JOBS_INLINE)" if inline else "worker applies the log"
        groups = [[n] for n in sizes] if args.sequential else [sizes]
        for group in groups:
            with tempfile.TemporaryDirectory(prefix="write-latency-") as tmp:
                served: dict[int, Served] = {}
                try:
                    editors = {}
                    for n in group:
                        workdir = Path(tmp) / f"size-{n}"
                        workdir.mkdir()
                        idea_id = prepare(workdir, sources[n])
                        served[n] = Served(workdir, inline, args.workers)
                        editors[n] = Editor(served[n].base, idea_id)
                    # Interleaved: request i goes to every instance in turn (the starting one
                    # rotates), so the machine's other load falls on all sizes alike.
                    for i in range(args.warmup + args.requests):
                        turn = group[i % len(group) :] + group[: i % len(group)]
                        for n in turn:
                            editors[n].patch(i, keep=i >= args.warmup)
                    found = {n: findable_after(served[n].base, editors[n].title) for n in group}
                finally:
                    for one in served.values():
                        one.stop()
            for n in group:
                times = editors[n].times
                pcts = [search_bench.pct(times, p) * 1000 for p in (50, 95, 99)]
                p95[(inline, n)] = pcts[1] / 1000
                label = f"{n:,}".replace(",", ".") if n else "empty"
                seen = f"{found[n]:.2f} s" if found[n] is not None else "NOT FOUND"
                print(
                    f"{mode:<36}{label:>10}"
                    + "".join(f"{v:>8.1f} ms" for v in pcts)
                    + f"  {seen:>8}   {search_bench.load()}",
                    flush=True,
                )
    for inline in (False, True) if args.inline else (False,):
        base = p95.get((inline, sizes[0]))
        for n in sizes[1:]:
            if base is None:
                continue
            diff = (p95[(inline, n)] - base) * 1000
            mode = "JOBS_INLINE" if inline else "worker"
            print(f"{mode}: p95 at {n:,} minus p95 at {sizes[0]:,}: {diff:+.1f} ms")
    print(f"done ({search_bench.load()}, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
