"""Search quality on a judged set: nDCG@10 of ideadb's search beside SQLite FTS5.

    python bench/relevance.py            # table of nDCG@10 overall and per kind
    python bench/relevance.py --details  # plus every query's top results

The judged set (bench/relevance_set.py) holds realistic ideas of the movement and graded
queries, half typed without diacritics, some phrase-like, some where folding makes
look-alikes collide. Variants of the matching strategy are measured on the same set.
"""

from __future__ import annotations

import argparse
import math
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from relevance_set import AREA_CODES, IDEAS, QUERIES

from ideadb.search import engine as search_engine
from ideadb.search import evaluation
from ideadb.search.documents import IdeaDoc, Visibility
from ideadb.search.query import parse
from ideadb.search.text import fold, tokens

K = 10


def docs() -> list[IdeaDoc]:
    return [
        IdeaDoc(
            id=i,
            title=title,
            summary=summary,
            area=AREA_CODES[area],
            status="recognized",
            published=True,
            year=2023,
        )
        for i, area, title, summary in IDEAS
    ]


def ndcg(ranked: list[int], grades: dict[int, int], k: int = K) -> float:
    dcg = sum((2 ** grades.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


class Fts5:
    """The baseline: SQLite FTS5 over folded title and text, bm25 with the same title weight."""

    def __init__(self, documents: list[IdeaDoc], any_word: bool = False) -> None:
        self.any_word = any_word
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE f USING fts5(title, body)")
        for d in documents:
            body = " ".join([d.summary, d.description, d.novelty, d.benefits])
            self.db.execute(
                "INSERT INTO f(rowid, title, body) VALUES (?, ?, ?)",
                (d.id, fold(d.title), fold(body)),
            )

    def match_expression(self, query: str) -> str:
        pq = parse(query)
        words = [f'"{w.folded[0]}"' for w in pq.words]
        phrases = ['"' + " ".join(p.folded) + '"' for p in pq.phrases]
        joiner = " OR " if self.any_word else " AND "
        expr = joiner.join(words + phrases)
        for p in pq.excluded:
            expr = f'({expr}) NOT "{" ".join(p.folded)}"'
        return expr

    def search(self, query: str, k: int = K) -> list[int]:
        expr = self.match_expression(query)
        if not expr:
            return []
        rows = self.db.execute(
            "SELECT rowid FROM f WHERE f MATCH ? ORDER BY bm25(f, 2.5, 1.0) LIMIT ?", (expr, k)
        )
        return [r[0] for r in rows]


VARIANTS = {
    "ideadb": {},
    "ideadb, adjacent pairs only (no widening)": {"TIERS": ("phrase",)},
    "ideadb, all words only (syllable AND)": {"TIERS": ("all",)},
    "ideadb, without exact-form boost": {"EXACT_BOOST": 0.0, "DOMINANT_BOOST": 0.0},
    "ideadb, without most-frequent-form boost": {"DOMINANT_BOOST": 0.0},
    "ideadb, without coordination": {"COORD": 0.0},
    "ideadb, widening to half the words only": {"SOME_SHARE": 0.5},
}


def run_engine(root: str, settings: dict) -> dict[str, list[int]]:
    saved = {name: getattr(evaluation, name) for name in settings}  # the tuning constants
    for name, value in settings.items():
        setattr(evaluation, name, value)
    try:
        eng = search_engine.engine(root)
        return {
            q: [h.id for h in eng.search(q, visibility=Visibility.everything(), per_page=K).items]
            for q, _, _ in QUERIES
        }
    finally:
        for name, value in saved.items():
            setattr(evaluation, name, value)


def table(results: dict[str, dict[str, list[int]]]) -> list[str]:
    kinds = ["accented", "plain", "phrase", "lookalike"]
    lines = [f"{'system':44} {'all':>6} " + " ".join(f"{k:>9}" for k in kinds)]
    for name, ranked in results.items():
        scores = {q: ndcg(ranked[q], grades) for q, _, grades in QUERIES}
        overall = sum(scores.values()) / len(scores)
        per_kind = []
        for kind in kinds:
            qs = [q for q, ks, _ in QUERIES if kind in ks]
            per_kind.append(sum(scores[q] for q in qs) / len(qs))
        lines.append(f"{name:44} {overall:6.3f} " + " ".join(f"{v:9.3f}" for v in per_kind))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--details", action="store_true")
    args = parser.parse_args()
    documents = docs()
    with tempfile.TemporaryDirectory() as tmp:
        root = str(Path(tmp) / "index")
        search_engine.create_index(root)
        search_engine.engine(root).write(documents)
        results = {name: run_engine(root, settings) for name, settings in VARIANTS.items()}
        search_engine.forget(root)
    fts = Fts5(documents)
    results["SQLite FTS5, folded, all words, bm25"] = {q: fts.search(q) for q, _, _ in QUERIES}
    fts_any = Fts5(documents, any_word=True)
    results["SQLite FTS5, folded, any word, bm25"] = {q: fts_any.search(q) for q, _, _ in QUERIES}
    n_plain = sum(1 for _, ks, _ in QUERIES if "plain" in ks)
    print(
        f"nDCG@{K} over {len(QUERIES)} judged queries ({n_plain} typed without diacritics), "
        f"{len(documents)} ideas"
    )
    print("\n".join(table(results)))
    if args.details:
        titles = {i: t for i, _, t, _ in IDEAS}
        for q, kinds, grades in QUERIES:
            print(f"\n{q!r} {sorted(kinds)} tokens={tokens(q)}")
            for name in ("ideadb", "SQLite FTS5, folded, all words, bm25"):
                ranked = results[name][q]
                shown = ", ".join(f"{d}:{grades.get(d, 0)}" for d in ranked[:K])
                print(f"  {name[:12]:12} nDCG={ndcg(ranked, grades):.3f}  {shown}")
            for d in sorted(grades, key=lambda d: -grades[d]):
                print(f"     {d:3} g{grades[d]} {titles[d]}")


if __name__ == "__main__":
    main()
