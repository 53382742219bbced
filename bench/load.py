"""HTTP load: a mixed workload against ``ideadb serve`` (gunicorn) on PostgreSQL.

    python bench/load.py                                  # 1, 10, 25, 50 clients × 60 s
    python bench/load.py --seconds 15 --clients 10,25,50  # shorter
    python bench/load.py --url http://127.0.0.1:8000 --accounts FILE   # a running instance
    python bench/load.py --fresh              # drop the database and instance folder first

Without --url it prepares the database named by --database (default ``ideadb_load``, created
when missing) with ``ideadb db upgrade``, ``ideadb demo --ideas N`` (10,000) and the search
index (``ideadb quickstart --no-demo --no-serve``), keeps the instance folder (demo passwords,
index) in bench/out/, and starts ``ideadb serve --workers W`` on a free port and one
``ideadb worker`` (which brings the host's index up to date), as deployed.

The mix, drawn at random for every request of every client (closed loop: a client sends its
next request when the previous one is answered, after a pause of ½ to 1½ × --think ms;
0, the default, makes every client a saturating robot):

- 70 % anonymous: catalogue searches (``GET /api/v1/search``) and public initiative pages
  (``GET /sang-kien/<id>``), half each;
- 15 % signed in: searches as staff and lists of ideas (``GET /api/v1/ideas``);
- 10 % reviewers saving score sheets (``PUT /api/v1/assignments/<id>/review``) of a round
  opened for the run, each client on its own assignments;
- 5 % registrations (``POST /api/v1/ideas``) and edits (``PATCH /api/v1/ideas/<id>``).

It prints throughput and p50/p95/p99 per kind and level, the errors (any answer other than the
expected status, or no answer), and afterwards checks every write: each registered or edited
idea has its last title in the database (``GET /api/v1/ideas/<id>``) and is found by the
unique word of that title through the API search; each score sheet has the version and scores
of its last save. Requests go to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests
from proc_cpu import seconds_by_group, snapshot

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
API = "/api/v1"
QUERIES = [
    "nông nghiệp",
    "chuyển đổi số",
    "tiết kiệm điện",
    "giáo dục",
    "y tế",
    "nuoi ca",
    "du lich cong dong",
    "cải cách hành chính",
    "phân bón hữu cơ",
    "nước sạch",
    "an toàn thực phẩm",
    "quan ly",
    "hợp tác xã",
    "thủ tục",
    "bảo vệ rừng",
    "phần mềm",
]
STAFF = ("thuky", "canbo.babe", "canbo.hnd", "quantri")
REVIEWERS = ("hoidong1", "hoidong2", "hoidong3", "hoidong4")
SUBMITTER = "nguoidan"
KINDS = (
    "anon_search",
    "anon_page",
    "user_search",
    "user_list",
    "review_save",
    "register",
    "edit",
)


def log(message: str) -> None:
    one, five, _ = os.getloadavg()
    print(f"[{time.strftime('%H:%M:%S')} load {one:.1f}/{five:.1f}] {message}", flush=True)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
    return values[k]


# --- preparing and serving an instance ------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ensure_database(server_url: str, name: str) -> None:
    import psycopg

    dsn = server_url.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return
        conn.execute(f'CREATE DATABASE "{name}"')  # name checked below: letters, digits, _
        log(f"database {name} created")


def _count_ideas(url: str) -> int:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        try:
            row = conn.execute("SELECT count(*) FROM ideas").fetchone()
        except psycopg.errors.UndefinedTable:
            return 0
    return int(row[0]) if row else 0


def _drop_database(server_url: str, name: str) -> None:
    import psycopg

    dsn = server_url.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    log(f"database {name} dropped (--fresh)")


def prepare(args, env: dict[str, str]) -> None:
    instance = Path(env["IDEADB_INSTANCE_DIR"])
    if args.fresh:
        _drop_database(args.pg_server, args.database)
        for name in ("demo-accounts.txt", "secret_key"):
            (instance / name).unlink(missing_ok=True)
        if (instance / "index").exists():
            import shutil

            shutil.rmtree(instance / "index")
    _ensure_database(args.pg_server, args.database)
    if _count_ideas(env["IDEADB_DATABASE_URL"]) and not (instance / "demo-accounts.txt").exists():
        raise SystemExit(
            f"database {args.database} has ideas but {instance}/demo-accounts.txt is missing "
            "(the demo passwords are made once): run again with --fresh, or another --database"
        )
    run = [sys.executable, "-m", "ideadb"]

    def step(*cmd: str) -> None:
        started = time.perf_counter()
        subprocess.run([*run, *cmd], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        log(f"ideadb {' '.join(cmd)}: {time.perf_counter() - started:.1f} s")

    step("db", "upgrade")
    have = _count_ideas(env["IDEADB_DATABASE_URL"])
    if have < args.ideas:
        step("demo", "--ideas", str(args.ideas))
    if not (Path(env["IDEADB_INSTANCE_DIR"]) / "index" / "CURRENT").exists():
        # The build below indexes every idea: the demo's pending index updates are redundant
        # (applied one by one they would take many minutes on a shared machine).
        _clear_pending_index_updates(env["IDEADB_DATABASE_URL"])
    # Reference data and the search index when there is none (a no-op afterwards).
    step("quickstart", "--no-demo", "--no-serve")


def _clear_pending_index_updates(url: str) -> None:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        if conn.execute("SELECT to_regclass('search_outbox')").fetchone()[0]:
            conn.execute("DELETE FROM search_outbox")


def start_worker(args, env: dict[str, str]) -> subprocess.Popen:
    """``ideadb worker``: applies the change log to this host's index, sends mail (as deployed)."""
    logfile = (OUT / f"load-{args.database}-worker.log").open("w")
    cmd = [sys.executable, "-m", "ideadb", "worker"]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=logfile, stderr=subprocess.STDOUT)
    log("ideadb worker started")
    return proc


def start_server(args, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    logfile = (OUT / f"load-{args.database}-serve.log").open("w")
    cmd = [sys.executable, "-m", "ideadb", "serve", "--port", str(port)]
    cmd += ["--workers", str(args.workers)]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=logfile, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"ideadb serve exited with {proc.returncode}: see {logfile.name}")
        try:
            if requests.get(f"{base}/", timeout=2).status_code == 200:
                log(f"ideadb serve --workers {args.workers} answering at {base}")
                return proc, base
        except requests.RequestException:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("ideadb serve did not answer within 120 s")


def read_accounts(path: Path) -> dict[str, str]:
    accounts = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, _, password = line.partition("\t")
        if name.strip():
            accounts[name.strip()] = password.strip()
    return accounts


# --- the fixture of the run: tokens, published ids, a review round ---------------------------


@dataclass
class Assignment:
    id: int
    token: str
    codes: dict[str, float]  # criterion code -> max points
    version: int = 0
    saves: int = 0
    last_scores: dict[str, float] = field(default_factory=dict)


@dataclass
class Written:
    id: int
    token: str
    word: str  # the unique word of the last title written
    version: int | None = None


class Fixture:
    def __init__(self, base: str, accounts: dict[str, str]) -> None:
        self.base = base
        self.http = requests.Session()
        self.tokens = {name: self.token(name, accounts[name]) for name in accounts}
        self.published = self.published_ids()
        # New dossiers of this year need a unit that still exists: the demo province's units
        # ended on 1/7/2025, its successor province goes on.
        units = self.call("GET", f"{API}/units", params={"current": "1", "per_page": 100})
        self.current_unit = next(u["id"] for u in units["items"] if u["code"] == "TN")
        self.assignments = self.open_round()
        self.written: list[Written] = []
        self.written_lock = threading.Lock()
        # Each client edits only the ideas it registered (kept from one level to the next).
        self.drafts: dict[int, list[Written]] = defaultdict(list)

    def call(self, method: str, path: str, token: str | None = None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        resp = self.http.request(method, self.base + path, headers=headers, timeout=60, **kwargs)
        if resp.status_code >= 400:
            raise SystemExit(f"{method} {path}: {resp.status_code} {resp.text[:300]}")
        return resp.json() if resp.content else None

    def token(self, username: str, password: str) -> str:
        body = {"username": username, "password": password}
        return self.call("POST", f"{API}/auth/tokens", json=body)["token"]

    def published_ids(self) -> list[int]:
        ids: list[int] = []
        for page in range(1, 6):
            found = self.call("GET", f"{API}/search?q=&per_page=100&page={page}")
            ids += [item["id"] for item in found["items"]]
            if len(found["items"]) < 100:
                break
        if not ids:
            raise SystemExit("no published idea to read: load the demo data first")
        return ids

    def open_round(self) -> list[Assignment]:
        secretary = self.tokens["thuky"]
        sets = self.call("GET", f"{API}/criteria-sets?status=active", secretary)["items"]
        eligible = self.call("GET", f"{API}/ideas?status=eligible&per_page=100", secretary)
        idea_ids = [item["id"] for item in eligible["items"]][:60]
        if len(idea_ids) < 10:
            raise SystemExit("fewer than 10 eligible ideas: load more demo data")
        body = {
            "name": f"Vòng tải thử {time.strftime('%d/%m/%Y %H:%M:%S')}",
            "year": 2026,
            "level": "tinh",
            "criteria_set_id": sets[0]["id"],
            "reviewers_per_idea": 2,
            "aggregation": "mean",
            "blind": False,
            "disagreement_threshold": 30,
        }
        round_id = self.call("POST", f"{API}/rounds", secretary, json=body)["id"]
        self.call("POST", f"{API}/rounds/{round_id}/ideas", secretary, json={"idea_ids": idea_ids})
        reviewer_ids = [
            self.call("GET", f"{API}/users/me", self.tokens[r])["id"] for r in REVIEWERS
        ]
        self.call(
            "POST", f"{API}/rounds/{round_id}/reviewers", secretary, json={"user_ids": reviewer_ids}
        )
        self.call("POST", f"{API}/rounds/{round_id}/assignments/auto", secretary)
        self.call("POST", f"{API}/rounds/{round_id}/open", secretary)
        out = []
        for name in REVIEWERS:
            token = self.tokens[name]
            mine = self.call("GET", f"{API}/assignments/mine?per_page=100", token)
            for item in mine["items"]:
                if item["round_id"] != round_id:
                    continue
                self.call(
                    "POST",
                    f"{API}/assignments/{item['id']}/confirm",
                    token,
                    json={"conflict": False},
                )
                sheet = self.call("GET", f"{API}/assignments/{item['id']}", token)
                codes = {c["code"]: float(c["max_points"]) for c in sheet["criteria"]}
                version = (sheet.get("review") or {}).get("version", 0)
                out.append(Assignment(item["id"], token, codes, version))
        log(f"round {round_id}: {len(idea_ids)} ideas, {len(out)} assignments opened")
        return out


# --- clients ---------------------------------------------------------------------------------


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    cpu_busy: float | None = None  # share of the machine's CPU time busy during the level
    own_cpu: float = 0.0  # CPU seconds of this load generator per second
    cores: dict[str, float] = field(default_factory=dict)  # cores used per group of processes

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.times[kind].append(seconds)
            else:
                self.errors[kind] += 1
                if len(self.examples) < 10:
                    self.examples.append(f"{kind}: {error}")


class Client(threading.Thread):
    def __init__(
        self,
        n: int,
        fixture: Fixture,
        mine: list[Assignment],
        stop_at: float,
        think: float,
        results: Results,
        run: str,
    ) -> None:
        super().__init__(daemon=True)
        self.n, self.fx, self.mine = n, fixture, mine
        self.stop_at, self.think, self.results, self.run_id = stop_at, think, results, run
        self.rng = random.Random(f"{run}-{n}")
        self.http = requests.Session()
        self.drafts = fixture.drafts[n]
        self.count = 0

    def request(
        self, kind: str, method: str, path: str, expect: int, token: str | None = None, **kwargs
    ):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        started = time.perf_counter()
        try:
            resp = self.http.request(
                method, self.fx.base + path, headers=headers, timeout=60, **kwargs
            )
        except requests.RequestException as exc:
            self.results.add(kind, time.perf_counter() - started, f"{method} {path}: {exc}")
            return None
        elapsed = time.perf_counter() - started
        if resp.status_code != expect:
            self.results.add(
                kind, elapsed, f"{method} {path}: {resp.status_code} {resp.text[:200]}"
            )
            return None
        self.results.add(kind, elapsed, None)
        return resp

    def run(self) -> None:
        while time.monotonic() < self.stop_at:
            draw = self.rng.random()
            if draw < 0.70:
                self.anonymous()
            elif draw < 0.85:
                self.signed_in()
            elif draw < 0.95 and self.mine:
                self.review()
            else:
                self.write()
            if self.think:  # a person reading the answer: ½ to 1½ times --think
                time.sleep(self.rng.uniform(0.5, 1.5) * self.think)

    def anonymous(self) -> None:
        if self.rng.random() < 0.5:
            q = self.rng.choice(QUERIES)
            self.request("anon_search", "GET", f"{API}/search", 200, params={"q": q})
        else:
            idea_id = self.rng.choice(self.fx.published)
            self.request("anon_page", "GET", f"/sang-kien/{idea_id}", 200)

    def signed_in(self) -> None:
        token = self.fx.tokens[self.rng.choice(STAFF)]
        if self.rng.random() < 0.5:
            q = self.rng.choice(QUERIES)
            self.request("user_search", "GET", f"{API}/search", 200, token, params={"q": q})
        else:
            page = self.rng.randint(1, 50)
            params = {"page": page, "per_page": 20}
            self.request("user_list", "GET", f"{API}/ideas", 200, token, params=params)

    def review(self) -> None:
        sheet = self.rng.choice(self.mine)
        scores = {code: float(self.rng.randint(0, int(top))) for code, top in sheet.codes.items()}
        body = {
            "scores": scores,
            "comments": {},
            "comment": f"Lần lưu {sheet.saves + 1}",
            "version": sheet.version,
        }
        resp = self.request(
            "review_save",
            "PUT",
            f"{API}/assignments/{sheet.id}/review",
            200,
            sheet.token,
            json=body,
        )
        if resp is not None:
            sheet.version = resp.json()["version"]
            sheet.saves += 1
            sheet.last_scores = scores

    def word(self) -> str:
        self.count += 1
        return f"taithu{self.run_id}c{self.n}n{self.count}"  # run_id names the level too

    def write(self) -> None:
        token = self.fx.tokens[SUBMITTER]
        if self.drafts and self.rng.random() < 0.5:
            draft = self.rng.choice(self.drafts)
            word = self.word()
            body = {"title": f"Sáng kiến sửa lại {word}"}
            if draft.version is not None:
                body["version"] = draft.version
            resp = self.request("edit", "PATCH", f"{API}/ideas/{draft.id}", 200, token, json=body)
            if resp is not None:
                draft.word = word
                draft.version = resp.json().get("version")
            return
        word = self.word()
        body = {
            "title": f"Sáng kiến thử tải {word}",
            "summary": "Ứng dụng phần mềm quản lý hồ sơ một cửa tại xã, giảm thời gian chờ.",
            "description": "Mô tả giải pháp: số hoá hồ sơ, tra cứu trực tuyến, nhắn tin báo kết quả.",
            "area": "hanh_chinh",
            "year": 2026,
            "unit_id": self.fx.current_unit,
            "authors": [{"name": "Hoàng Thị Dung", "unit": "", "share": 100}],
            "publish_consent": True,
        }
        resp = self.request("register", "POST", f"{API}/ideas", 201, token, json=body)
        if resp is not None:
            made = resp.json()
            written = Written(made["id"], token, word, made.get("version"))
            self.drafts.append(written)
            with self.fx.written_lock:
                self.fx.written.append(written)


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot (Linux /proc/stat), else zeros."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            values = [int(v) for v in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


def run_level(
    fixture: Fixture, clients: int, seconds: float, think: float, run_id: str, roots: dict
) -> tuple[Results, float]:
    results = Results()
    stop_at = time.monotonic() + seconds
    sheets = fixture.assignments
    threads = [
        Client(n, fixture, sheets[n::clients], stop_at, think, results, f"{run_id}l{clients}")
        for n in range(clients)
    ]
    started, (busy0, total0), own0 = time.perf_counter(), cpu_ticks(), time.process_time()
    procs0 = snapshot()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    busy1, total1 = cpu_ticks()
    wall = time.perf_counter() - started
    results.cpu_busy = (busy1 - busy0) / (total1 - total0) if total1 > total0 else None
    results.own_cpu = (time.process_time() - own0) / wall
    used = seconds_by_group(procs0, snapshot(), roots, {"PostgreSQL": "postgres"})
    results.cores = {group: value / wall for group, value in used.items()}
    return results, wall


def report(clients: int, results: Results, wall: float) -> float:
    total = sum(len(v) for v in results.times.values()) + sum(results.errors.values())
    print(
        f"\n{clients} clients, {wall:.1f} s: {total} requests, {total / wall:.1f} req/s, "
        f"{sum(results.errors.values())} errors"
        + (
            f"; machine CPU {results.cpu_busy:.0%} busy (server, PostgreSQL, worker and this "
            f"load generator, which alone used {results.own_cpu:.2f} of a core)"
            if results.cpu_busy is not None
            else ""
        )
    )
    if results.cores:
        print(
            "  cores used: "
            + ", ".join(f"{group} {value:.2f}" for group, value in results.cores.items())
            + f", load generator {results.own_cpu:.2f}"
        )
    print(
        f"  {'kind':<12} {'n':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}"
    )
    for kind in KINDS:
        times = results.times.get(kind, [])
        errors = results.errors.get(kind, 0)
        if not times and not errors:
            continue
        print(
            f"  {kind:<12} {len(times):>6} {len(times) / wall:>7.1f} {pct(times, 50) * 1000:>8.1f} "
            f"{pct(times, 95) * 1000:>8.1f} {pct(times, 99) * 1000:>8.1f} {errors:>6}"
        )
    searches = results.times.get("anon_search", []) + results.times.get("user_search", [])
    if searches:
        print(
            f"  {'all searches':<12} {len(searches):>6} {len(searches) / wall:>7.1f} "
            f"{pct(searches, 50) * 1000:>8.1f} {pct(searches, 95) * 1000:>8.1f} "
            f"{pct(searches, 99) * 1000:>8.1f}"
        )
    for example in results.examples:
        print(f"    {example}")
    return total / wall


# --- afterwards: every write is there and findable ----------------------------------------


def verify(fixture: Fixture, wait: float) -> int:
    lost = 0
    for sheet in fixture.assignments:
        if not sheet.saves:
            continue
        got = fixture.call("GET", f"{API}/assignments/{sheet.id}", sheet.token)["review"] or {}
        scores = {k: float(v) for k, v in (got.get("scores") or {}).items()}
        if got.get("version") != sheet.version or scores != sheet.last_scores:
            lost += 1
            print(
                f"  score sheet {sheet.id}: version {got.get('version')} ≠ {sheet.version} or scores differ"
            )
    missing: list[Written] = []
    for idea in fixture.written:
        got = fixture.call("GET", f"{API}/ideas/{idea.id}", idea.token)
        if idea.word not in got["title"]:
            lost += 1
            print(f"  idea {idea.id}: title {got['title']!r} lacks {idea.word}")
        else:
            missing.append(idea)
    deadline = time.monotonic() + wait
    started = time.monotonic()
    while missing:
        left = []
        for idea in missing:
            found = fixture.call("GET", f"{API}/search", idea.token, params={"q": idea.word})
            if idea.id not in [item["id"] for item in found["items"]]:
                left.append(idea)
        missing = left
        if not missing or time.monotonic() > deadline:
            break
        time.sleep(1)
    for idea in missing:
        lost += 1
        print(f"  idea {idea.id}: not found by {idea.word!r} after {wait:.0f} s")
    sheets = sum(1 for s in fixture.assignments if s.saves)
    saves = sum(s.saves for s in fixture.assignments)
    log(
        f"checked {saves} score-sheet saves on {sheets} sheets and {len(fixture.written)} "
        f"registered ideas (with their edits): {lost} lost; all findable after "
        f"{time.monotonic() - started:.1f} s"
    )
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an instance already served (then --accounts is needed)")
    parser.add_argument("--accounts", type=Path, help="demo-accounts.txt of that instance")
    parser.add_argument("--database", default="ideadb_load")
    parser.add_argument("--pg-server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--ideas", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", default="1,10,25,50")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--think", type=float, default=0, help="ms a client waits between requests (mean)"
    )
    parser.add_argument("--findable-within", type=float, default=60)
    parser.add_argument(
        "--fresh", action="store_true", help="drop --database and the instance folder first"
    )
    args = parser.parse_args()
    if not args.database.replace("_", "").isalnum():
        parser.error("--database: letters, digits and _ only")
    levels = [int(c) for c in args.clients.split(",") if c.strip()]

    server = worker = None
    if args.url:
        if not args.accounts:
            parser.error("--url needs --accounts (the instance's demo-accounts.txt)")
        base, accounts_file = args.url.rstrip("/"), args.accounts
    else:
        OUT.mkdir(parents=True, exist_ok=True)
        instance = OUT / f"load-{args.database}"
        env = dict(
            os.environ,
            PYTHONPATH=str(ROOT),
            IDEADB_INSTANCE_DIR=str(instance),
            IDEADB_DATABASE_URL=f"{args.pg_server}/{args.database}",
        )
        prepare(args, env)
        server, base = start_server(args, env)
        worker = start_worker(args, env)
        accounts_file = instance / "demo-accounts.txt"
    try:
        wanted = {*STAFF, *REVIEWERS, SUBMITTER}
        accounts = {k: v for k, v in read_accounts(accounts_file).items() if k in wanted}
        fixture = Fixture(base, accounts)
        run_id = uuid.uuid4().hex[:6]
        log(f"{len(fixture.published)} published ideas to read; run {run_id}")
        rates = {}
        for clients in levels:
            roots = {k: p.pid for k, p in (("server", server), ("worker", worker)) if p}
            results, wall = run_level(
                fixture, clients, args.seconds, args.think / 1000, run_id, roots
            )
            rates[clients] = report(clients, results, wall)
        if 1 in rates:
            for clients, rate in rates.items():
                if clients != 1:
                    print(f"throughput at {clients} clients: {rate / rates[1]:.2f}× that at 1")
        lost = verify(fixture, args.findable_within)
    finally:
        for proc in (server, worker):
            if proc is not None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=60)
    sys.exit(1 if lost else 0)


if __name__ == "__main__":
    main()
