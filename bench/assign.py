"""Time the automatic assignment of a large round: 2,000 ideas × 3 reviewers, 40-person panel.

Run from the repository root:  python bench/assign.py [--ideas N] [--reviewers R] [--per-idea K]
[--conflicts P] [--units U] [--repeat N]
Each reviewer belongs to one of U units and is in conflict with a share P of the ideas (the
service adds the author/unit/registrant conflicts the same way). Prints the best and median
wall time of ``assign`` and checks the result: loads, conflicts and unit duplicates.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ideadb.reviews.assign import assign


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=2000)
    parser.add_argument("--reviewers", type=int, default=40)
    parser.add_argument("--per-idea", type=int, default=3)
    parser.add_argument("--conflicts", type=float, default=0.05)
    parser.add_argument("--units", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    rng = random.Random(2021)
    ideas = list(range(1, args.ideas + 1))
    reviewers = list(range(10_001, 10_001 + args.reviewers))
    units = {r: rng.randrange(args.units) for r in reviewers}
    conflicts = [(i, r) for i in ideas for r in reviewers if rng.random() < args.conflicts]

    times, pairs = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        pairs = assign(ideas, reviewers, args.per_idea, conflicts=conflicts, reviewer_units=units)
        times.append(time.perf_counter() - start)

    loads = Counter(r for _, r in pairs)
    by_idea: dict[int, Counter] = {}
    for i, r in pairs:
        by_idea.setdefault(i, Counter())[units[r]] += 1
    same_unit = sum(c - 1 for counter in by_idea.values() for c in counter.values())
    bad = set(pairs) & set(conflicts)
    print(
        f"assign: {args.ideas} ideas × {args.per_idea} reviewers over a {args.reviewers}-person "
        f"panel, {len(conflicts)} conflicted pairs ({args.conflicts:.0%}), {args.units} units"
    )
    print(
        f"  time: best {min(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms "
        f"over {args.repeat} runs"
    )
    print(
        f"  result: {len(pairs)} assignments, loads {min(loads.values())}–{max(loads.values())}, "
        f"conflicted pairs assigned: {len(bad)}, same-unit extra reviewers on one idea: {same_unit}"
    )


if __name__ == "__main__":
    main()
