"""Time the demo data: the text generator alone, and ``ideadb demo --ideas N`` on a fresh instance.

Run from the repository root:  python bench/demo_load.py [--ideas 10000] [--generate 100000]
1. ``generate_ideas(G)`` in memory (no database);
2. ``ideadb db upgrade`` then ``ideadb demo --ideas N`` in a subprocess on a fresh SQLite
   instance (what a user runs), timed from start to exit; counts of ideas per state after.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=10000)
    parser.add_argument("--generate", type=int, default=100000)
    args = parser.parse_args()

    from ideadb.ideas.demo_text import generate_ideas

    start = time.perf_counter()
    n = sum(1 for _ in generate_ideas(args.generate))
    elapsed = time.perf_counter() - start
    print(f"generate_ideas: {n} ideas in {elapsed:.1f} s = {n / elapsed:.0f} ideas/s")

    with tempfile.TemporaryDirectory(prefix="ideadb-demo-") as tmp:
        env = dict(os.environ, IDEADB_INSTANCE_DIR=tmp, PYTHONPATH=str(ROOT))
        env.pop("IDEADB_DATABASE_URL", None)
        run = [sys.executable, "-m", "ideadb"]
        subprocess.run([*run, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
        start = time.perf_counter()
        subprocess.run(
            [*run, "demo", "--ideas", str(args.ideas)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        elapsed = time.perf_counter() - start
        print(f"ideadb demo --ideas {args.ideas} (fresh instance): {elapsed:.1f} s")
        with sqlite3.connect(Path(tmp) / "ideadb.sqlite") as conn:
            rows = conn.execute("SELECT status, count(*) FROM ideas GROUP BY status ORDER BY 1")
            print("  " + ", ".join(f"{status} {count}" for status, count in rows))


if __name__ == "__main__":
    main()
