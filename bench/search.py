"""Search speed: query latency with facets, FTS5 baseline, reindex, size, commit-to-findable.

    python bench/search.py                 # 10,000 and 100,000 ideas
    python bench/search.py --sizes 10000   # one size
    python bench/search.py --procs 2       # writer processes for the full reindex
    python bench/search.py --sizes 10000 --http-only   # GET /api/v1/search over HTTP only

HTTP: a demo instance of N ideas (``ideadb demo --ideas N`` on SQLite, kept in
bench/out/http-N) served by ``ideadb serve --workers 1``; the same queries go through
``GET /api/v1/search`` (anonymous, per_page 10: visibility, highlights, facets, JSON) on one
kept-alive connection, through the engine alone on the same index, and through SQLite FTS5
doing the same work over the same texts (top 10 by bm25 with highlighted title and snippet,
the total and three facet counts).

The corpus is synthetic and deterministic (bench/vi_corpus.py). Built indexes are kept in
bench/out/ (ignored by git) and reused unless --rebuild is given; the reindex figures are
those of the run that built them. Every figure is wall-clock time on this machine, with the
load average printed beside it: the machine is shared, so CPU seconds are printed too.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import vi_corpus

from ideadb.search import engine as search_engine
from ideadb.search.documents import IdeaDoc, Visibility
from ideadb.search.query import parse
from ideadb.search.text import fold

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
ROUNDS = 3


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
    return values[k]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# ---------------------------------------------------------------------------- building


def build(n: int, procs: int, rebuild: bool) -> dict:
    root = OUT / f"index-{n}"
    meta = OUT / f"index-{n}.json"
    if not rebuild and meta.exists() and search_engine.index_exists(str(root)):
        return json.loads(meta.read_text())
    shutil.rmtree(root, ignore_errors=True)
    OUT.mkdir(exist_ok=True)
    search_engine.create_index(str(root))
    eng = search_engine.Engine(str(root))
    t0, c0, l0 = time.perf_counter(), cpu_seconds(), load()
    eng.rebuild(vi_corpus.corpus(n), procs=procs)
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    eng.close()
    info = {
        "ideas": n,
        "procs": procs,
        "build_s": wall,
        "build_cpu_s": cpu,
        "rate": n / wall,
        "load": f"{l0} → {load()}",
        "size_mb": dir_size(root) / 1e6,
    }
    meta.write_text(json.dumps(info))
    return info


# ---------------------------------------------------------------------------- queries


def time_queries(eng: search_engine.Engine) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each call: top 10 with the API's facet counts."""
    vis = Visibility.anonymous()
    facets = ("area", "year", "district_id")
    for q in vi_corpus.QUERIES:  # warm-up round
        eng.search(q, visibility=vis, per_page=10, facets=facets)
    wall, cpu = [], []
    for _ in range(ROUNDS):
        for q in vi_corpus.QUERIES:
            t, c = time.perf_counter(), time.process_time()
            eng.search(q, visibility=vis, per_page=10, facets=facets)
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    return wall, cpu


class Fts5:
    """SQLite FTS5 over the same folded title and text, ranked by bm25."""

    def __init__(self, path: Path, n: int) -> None:
        fresh = not path.exists()
        self.db = sqlite3.connect(str(path))
        if fresh:
            self.db.execute("CREATE VIRTUAL TABLE f USING fts5(title, body)")
            self.db.execute(
                "CREATE TABLE meta(id INTEGER PRIMARY KEY, published INT, area TEXT, "
                "year INT, district_id INT)"
            )
            for d in vi_corpus.corpus(n):
                body = " ".join([d.summary, d.description, d.novelty, d.benefits])
                self.db.execute(
                    "INSERT INTO f(rowid, title, body) VALUES (?, ?, ?)",
                    (d.id, fold(d.title), fold(body)),
                )
                self.db.execute(
                    "INSERT INTO meta VALUES (?, ?, ?, ?, ?)",
                    (d.id, int(d.published), d.area, d.year, d.district_id),
                )
            self.db.commit()

    @staticmethod
    def expression(query: str) -> str:
        pq = parse(query)
        words = [f'"{w.folded[0]}"' for w in pq.words]
        phrases = ['"' + " ".join(p.folded) + '"' for p in pq.phrases]
        return " AND ".join(words + phrases)

    def top10(self, query: str) -> list[int]:
        sql = (
            "SELECT f.rowid FROM f JOIN meta ON meta.id = f.rowid WHERE f MATCH ? "
            "AND meta.published = 1 ORDER BY bm25(f, 2.5, 1.0) LIMIT 10"
        )
        return [r[0] for r in self.db.execute(sql, (self.expression(query),))]

    def top10_with_facets(self, query: str) -> None:
        self.top10(query)
        expr = self.expression(query)
        for column in ("area", "year", "district_id"):
            self.db.execute(
                f"SELECT meta.{column}, count(*) FROM f JOIN meta ON meta.id = f.rowid "
                f"WHERE f MATCH ? AND meta.published = 1 GROUP BY meta.{column}",
                (expr,),
            ).fetchall()

    def timed(self, fn) -> list[float]:
        for q in vi_corpus.QUERIES:
            fn(q)
        times = []
        for _ in range(ROUNDS):
            for q in vi_corpus.QUERIES:
                t = time.perf_counter()
                fn(q)
                times.append(time.perf_counter() - t)
        return times


# ---------------------------------------------------------------------------- freshness


def commit_to_findable(root: Path, n: int, samples: int = 30) -> dict:
    """An idea changes: the drain writes it to the index; how soon does a search find it?

    The write runs in a thread (as the after-commit drain of a request would) while a second
    searcher — another worker, which only refreshes on its next search — polls until the
    idea is found. Also reported: how long the write call itself takes, including the
    occasional merge of small segments that follows the commit.
    """
    writer = search_engine.Engine(str(root))
    reader = search_engine.Engine(str(root))
    writer.warm()
    reader.warm()
    gen = vi_corpus.Generator(seed=7)
    findable, calls = [], []
    for k in range(samples):
        base = gen.idea(1 + (k * 7919) % n)
        marker = f"dấuvết{k}x{os.getpid()}"
        doc = IdeaDoc(**{**base.__dict__, "title": f"{base.title} {marker}", "published": True})
        done: list[float] = []
        t0 = time.perf_counter()

        def write(doc=doc, done=done, t0=t0) -> None:
            writer.write([doc])
            done.append(time.perf_counter() - t0)

        thread = threading.Thread(target=write)
        thread.start()
        while reader.search(marker, per_page=1).total == 0:
            time.sleep(0.01)
            assert time.perf_counter() - t0 < 60, "not findable after a minute"
        findable.append(time.perf_counter() - t0)
        thread.join()
        calls.append(done[0])
    segments = len(writer.snapshot().segs)
    writer.close()
    reader.close()
    return {"findable": findable, "calls": calls, "segments": segments}


def reindex_while_serving(root: Path, n: int, procs: int) -> dict:
    """A full rebuild in another process (as `ideadb reindex` would) while this one searches."""
    code = (
        f"import sys; sys.path[:0] = [{str(HERE.parent)!r}, {str(HERE)!r}]\n"
        "import vi_corpus\n"
        "from ideadb.search import engine\n"
        f"engine.Engine({str(root)!r}).rebuild(vi_corpus.corpus({n}), procs={procs})\n"
    )
    eng = search_engine.Engine(str(root))
    eng.warm()
    before = eng.generation()
    times: list[float] = []
    errors: list[str] = []
    t0, c0, l0 = time.perf_counter(), cpu_seconds(), load()
    child = subprocess.Popen([sys.executable, "-c", code])
    vis = Visibility.anonymous()
    i = 0
    while child.poll() is None:
        q = vi_corpus.QUERIES[i % len(vi_corpus.QUERIES)]
        i += 1
        t = time.perf_counter()
        try:
            eng.search(q, visibility=vis, per_page=10)
        except Exception as exc:
            errors.append(repr(exc))
        times.append(time.perf_counter() - t)
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    swapped = eng.generation() != before
    t = time.perf_counter()
    eng.search("nuôi lợn", visibility=vis, per_page=10)
    first_after = time.perf_counter() - t
    eng.close()
    return {
        "wall": wall,
        "rate": n / wall,
        "cpu": cpu_seconds() - c0,
        "load": f"{l0} → {load()}",
        "searches": times,
        "errors": errors,
        "swapped": swapped and child.returncode == 0,
        "first_after_swap": first_after,
    }


# ---------------------------------------------------------------------------- HTTP

HTTP_ROUNDS = 4


def prepare_instance(n: int) -> dict[str, str]:
    """A SQLite demo instance of ``n`` ideas with its search index (made once, then kept)."""
    instance = OUT / f"http-{n}"
    env = dict(os.environ, IDEADB_INSTANCE_DIR=str(instance), PYTHONPATH=str(HERE.parent))
    env.pop("IDEADB_DATABASE_URL", None)
    run = [sys.executable, "-m", "ideadb"]
    if not (instance / "index" / "CURRENT").exists():
        instance.mkdir(parents=True, exist_ok=True)
        quiet = {"env": env, "cwd": HERE.parent, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([*run, "db", "upgrade"], **quiet)
        subprocess.run([*run, "demo", "--ideas", str(n)], **quiet)
        subprocess.run([*run, "quickstart", "--no-demo", "--no-serve"], **quiet)
    return env


def serve(env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "ideadb", "serve", "--port", str(port), "--workers", "1"]
    log = (OUT / "http-serve.log").open("w")
    proc = subprocess.Popen(cmd, env=env, cwd=HERE.parent, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"ideadb serve exited: see {log.name}")
        try:
            status, _ = http_get(port, "/api/v1/search?q=a&per_page=1")
            if status == 200:
                return proc, port
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("ideadb serve did not answer within 120 s")


_CONNECTIONS: dict[int, Any] = {}


def http_get(port: int, path: str) -> tuple[int, bytes]:
    import http.client

    conn = _CONNECTIONS.get(port)
    if conn is None:
        conn = _CONNECTIONS[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    except (OSError, http.client.HTTPException):
        _CONNECTIONS.pop(port, None)
        conn.close()
        raise


def time_http(port: int) -> tuple[list[float], list[float]]:
    """(each query the first time after start, no term cached yet; the later rounds)."""
    from urllib.parse import urlencode

    paths = ["/api/v1/search?" + urlencode({"q": q, "per_page": 10}) for q in vi_corpus.QUERIES]
    http_get(port, "/api/v1/search?q=kh%E1%BB%9Fi+%C4%91%E1%BB%99ng")  # opens the searcher
    first = []
    for path in paths:
        t = time.perf_counter()
        status, body = http_get(port, path)
        first.append(time.perf_counter() - t)
        assert status == 200, body[:200]
    times = []
    for _ in range(HTTP_ROUNDS):
        for path in paths:
            t = time.perf_counter()
            status, body = http_get(port, path)
            times.append(time.perf_counter() - t)
            assert status == 200, body[:200]
    return first, times


def time_engine_same_work(root: Path) -> list[float]:
    """The engine alone doing what the API asks of it (highlights and the API's facets)."""
    eng = search_engine.Engine(str(root))
    vis = Visibility.anonymous()
    facets = ("area", "year", "district_id")
    for q in vi_corpus.QUERIES:
        eng.search(q, visibility=vis, per_page=10, facets=facets)
    times = []
    for _ in range(HTTP_ROUNDS):
        for q in vi_corpus.QUERIES:
            t = time.perf_counter()
            eng.search(q, visibility=vis, per_page=10, facets=facets)
            times.append(time.perf_counter() - t)
    eng.close()
    return times


class Fts5SameWork:
    """FTS5 over the texts of an index: top 10 by bm25 with a highlighted title and a
    snippet, the total and three facet counts (published ideas only)."""

    def __init__(self, root: Path) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE f USING fts5(title, body)")
        self.db.execute(
            "CREATE TABLE meta(id INTEGER PRIMARY KEY, published INT, area TEXT, "
            "year INT, district_id INT)"
        )
        eng = search_engine.Engine(str(root))
        for seg in eng.snapshot().segs:
            data = seg.data
            for d in range(data.size):
                if d in seg.deleted or data.ids[d] < 0:
                    continue
                stored = seg.stored(d)
                body = " ".join(
                    stored.get(k) or "" for k in ("summary", "description", "novelty", "benefits")
                )
                self.db.execute(
                    "INSERT INTO f(rowid, title, body) VALUES (?, ?, ?)",
                    (data.ids[d], fold(stored.get("title") or ""), fold(body)),
                )
                self.db.execute(
                    "INSERT INTO meta VALUES (?, ?, ?, ?, ?)",
                    (data.ids[d], data.published[d], data.area[d], data.year[d], data.district[d]),
                )
        eng.close()
        self.db.commit()

    def work(self, query: str) -> None:
        expr = Fts5.expression(query)
        if not expr:
            return
        where = "FROM f JOIN meta ON meta.id = f.rowid WHERE f MATCH ? AND meta.published = 1"
        self.db.execute(
            "SELECT f.rowid, highlight(f, 0, '<mark>', '</mark>'), "
            "snippet(f, 1, '<mark>', '</mark>', '…', 32) "
            f"{where} ORDER BY bm25(f, 2.5, 1.0) LIMIT 10",
            (expr,),
        ).fetchall()
        self.db.execute(f"SELECT count(*) {where}", (expr,)).fetchone()
        for column in ("area", "year", "district_id"):
            self.db.execute(
                f"SELECT meta.{column}, count(*) {where} GROUP BY meta.{column}", (expr,)
            ).fetchall()

    def timed(self) -> list[float]:
        for q in vi_corpus.QUERIES:
            self.work(q)
        times = []
        for _ in range(HTTP_ROUNDS):
            for q in vi_corpus.QUERIES:
                t = time.perf_counter()
                self.work(q)
                times.append(time.perf_counter() - t)
        return times


def run_http(n: int) -> None:
    print(f"\n== GET /api/v1/search over HTTP, {n:,} demo ideas ==")
    env = prepare_instance(n)
    root = OUT / f"http-{n}" / "index"
    proc, port = serve(env)
    try:
        l0 = load()
        first, web = time_http(port)
        l1 = load()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    engine_times = time_engine_same_work(root)
    fts = Fts5SameWork(root)
    fts_times = fts.timed()
    count = len(vi_corpus.QUERIES) * HTTP_ROUNDS
    print(
        f"HTTP (1 gunicorn worker, keep-alive), {count} requests: p50 {ms(pct(web, 50))}, "
        f"p95 {ms(pct(web, 95))}, max {ms(max(web))} ({l0} → {l1})"
    )
    print(
        f"HTTP, each query the first time after start (no term cached): "
        f"p50 {ms(pct(first, 50))}, p95 {ms(pct(first, 95))}, max {ms(max(first))}"
    )
    print(
        f"engine, same work (highlights, 3 facets): p50 {ms(pct(engine_times, 50))}, "
        f"p95 {ms(pct(engine_times, 95))} ({load()})"
    )
    print(
        f"SQLite FTS5, same work (top 10 + highlight + snippet, total, 3 facets): "
        f"p50 {ms(pct(fts_times, 50))}, p95 {ms(pct(fts_times, 95))}"
    )
    f95 = pct(fts_times, 95)
    print(
        f"ratio at p95 over FTS5: HTTP {pct(web, 95) / f95:.1f}×, "
        f"HTTP first time {pct(first, 95) / f95:.1f}×, engine {pct(engine_times, 95) / f95:.1f}×"
    )


# ---------------------------------------------------------------------------- main


def run(n: int, args) -> None:
    print(f"\n== {n:,} ideas ==")
    info = build(n, args.procs, args.rebuild)
    cpu = info.get("build_cpu_s")
    cpu_text = f"{cpu:.0f} CPU s = {cpu / n * 1000:.1f} CPU ms/idea, " if cpu else ""
    print(
        f"full build: {info['build_s']:.0f} s = {info['rate']:.0f} ideas/s "
        f"({info['procs']} writer processes, {cpu_text}{info['load']})"
    )
    print(f"index size on disk: {info['size_mb']:.0f} MB")
    root = OUT / f"index-{n}"
    eng = search_engine.Engine(str(root))
    t = time.perf_counter()
    eng.warm()
    print(f"open searcher + per-document arrays: {ms(time.perf_counter() - t)}")
    l0 = load()
    ours, ours_cpu = time_queries(eng)
    print(
        f"ideadb search, top 10 with facet counts, {len(vi_corpus.QUERIES)} queries × {ROUNDS}: "
        f"p50 {ms(pct(ours, 50))}, p95 {ms(pct(ours, 95))}, max {ms(max(ours))}; "
        f"CPU time p50 {ms(pct(ours_cpu, 50))}, p95 {ms(pct(ours_cpu, 95))} ({l0} → {load()})"
    )
    eng.close()
    fts = Fts5(OUT / f"fts5-{n}.sqlite", n)
    plain = fts.timed(fts.top10)
    facets = fts.timed(fts.top10_with_facets)
    print(
        f"SQLite FTS5 (folded, AND, bm25), top 10: p50 {ms(pct(plain, 50))}, "
        f"p95 {ms(pct(plain, 95))}; with 3 facet GROUP BYs: p50 {ms(pct(facets, 50))}, "
        f"p95 {ms(pct(facets, 95))}"
    )
    print(
        f"ratio ideadb/FTS5 at p95: {pct(ours, 95) / pct(plain, 95):.1f}× (top 10), "
        f"{pct(ours, 95) / pct(facets, 95):.1f}× (with facets)"
    )
    fresh = commit_to_findable(root, n)
    f, c = fresh["findable"], fresh["calls"]
    print(
        f"commit to findable by another searcher ({len(f)} edits): p50 {ms(pct(f, 50))}, "
        f"p95 {ms(pct(f, 95))}, max {ms(max(f))}; the write call incl. occasional segment "
        f"merges: p50 {ms(pct(c, 50))}, p95 {ms(pct(c, 95))} ({fresh['segments']} segments after)"
    )
    if args.reindex and n >= args.reindex_from:
        r = reindex_while_serving(root, n, args.procs)
        s = r["searches"]
        print(
            f"reindex while serving: {r['wall']:.0f} s = {r['rate']:.0f} ideas/s "
            f"({r['cpu'] / n * 1000:.1f} CPU ms/idea incl. the searches, {r['load']}); "
            f"{len(s)} searches meanwhile: p50 {ms(pct(s, 50))}, "
            f"p95 {ms(pct(s, 95))}, errors {len(r['errors'])}; swapped: {r['swapped']}; "
            f"first search after the swap {ms(r['first_after_swap'])}"
        )
        Path(OUT / f"index-{n}.json").unlink(missing_ok=True)  # sizes changed; rebuild next time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--procs", type=int, default=max(1, min(2, multiprocessing.cpu_count())))
    parser.add_argument("--rebuild", action="store_true", help="build the indexes again")
    parser.add_argument("--no-reindex", dest="reindex", action="store_false")
    parser.add_argument("--reindex-from", type=int, default=10_000)
    parser.add_argument("--http-only", action="store_true", help="only the HTTP measurement")
    parser.add_argument("--no-http", dest="http", action="store_false")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {load()}")
    for n in args.sizes:
        if not args.http_only:
            run(n, args)
        if args.http or args.http_only:
            run_http(n)
    print("\n(latencies: wall clock per call, warm searcher; query set in bench/vi_corpus.py)")


if __name__ == "__main__":
    main()
