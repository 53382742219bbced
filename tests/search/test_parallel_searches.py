"""Searches of several threads of one process run at once, while another thread writes.

The engine takes its lock only to see the latest commit; a query then runs on its snapshot,
and a snapshot stays readable after a later commit replaced or merged its segments.
"""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

from ideadb.search import postings


@pytest.fixture(autouse=True)
def threads_take_turns_often():
    """Threads switch every microsecond (not every 5 ms), so that a read of a shared file
    interleaved with another thread's shows here rather than once in a load test."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


WORDS = ["lợn", "cá", "điện", "quế", "miến", "chè", "gạo", "mật ong"]


def _docs(doc, start: int, n: int):
    return [
        doc(i, f"Sáng kiến {WORDS[i % len(WORDS)]} số {i}", f"Mô tả {WORDS[(i + 3) % len(WORDS)]}")
        for i in range(start, start + n)
    ]


def test_queries_of_eight_threads_answer_like_one_thread(make_index, doc):
    eng = make_index(*_docs(doc, 1, 400))
    queries = [*WORDS, "sáng kiến lợn", '"mật ong"', "ca -điện", "", "lon so 17"]
    expected = {q: [(h.id, h.score) for h in eng.search(q, per_page=30).items] for q in queries}
    totals = {q: eng.search(q).total for q in queries}
    errors: list[BaseException] = []
    mismatches: list[str] = []
    start = threading.Barrier(8)

    def run(offset: int) -> None:
        try:
            start.wait()
            for k in range(60):
                q = queries[(k + offset) % len(queries)]
                result = eng.search(q, per_page=30)
                got = [(h.id, h.score) for h in result.items]
                if got != expected[q] or result.total != totals[q]:
                    mismatches.append(q)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert not mismatches, mismatches[:5]


def test_searches_go_on_while_another_thread_commits_and_merges(make_index, doc, monkeypatch):
    # merge often (small segments, few allowed) so old readers go while queries still run
    from ideadb.search import writer

    monkeypatch.setattr(writer, "MAX_SEGMENTS", 2)
    eng = make_index(*_docs(doc, 1, 200))
    done = threading.Event()
    errors: list[BaseException] = []
    seen: list[int] = []

    def search() -> None:
        try:
            while not done.is_set():
                result = eng.search("lợn", per_page=100)
                assert result.total >= 50  # 25 of the first 200 in the title, 25 in the summary
                assert all("lợn" in f"{h.title} {h.summary}".lower() for h in result.items)
                seen.append(result.total)
        except BaseException as exc:
            errors.append(exc)

    readers = [threading.Thread(target=search) for _ in range(4)]
    for t in readers:
        t.start()
    try:
        for batch in range(12):  # 12 commits of 20 new ideas each
            eng.write(_docs(doc, 1000 + 20 * batch, 20))
    finally:
        done.set()
        for t in readers:
            t.join()
    assert not errors, errors
    assert seen and max(seen) >= 50
    # every write is found once the writer is done
    final = eng.search("lợn", per_page=100).total
    assert final == sum(1 for i in [*range(1, 201), *range(1000, 1240)] if i % len(WORDS) in (0, 5))


def test_the_term_cache_counts_array_accumulators_by_their_documents():
    cache = postings.TermCache(limit=100)
    cache["a"] = (np.arange(40), np.ones(40))
    cache["b"] = (np.arange(40), np.ones(40))
    assert cache.entries == 82
    cache["c"] = (np.arange(40), np.ones(40))  # the oldest goes
    assert set(cache) == {"b", "c"} and cache.entries == 82
    cache["b"] = (np.arange(10), np.ones(10))  # replaced, counted once
    assert cache.entries == 52


def test_a_slow_query_does_not_hold_the_queries_of_other_threads(make_index, doc, monkeypatch):
    from ideadb.search import evaluation

    eng = make_index(*_docs(doc, 1, 50))
    eng.search("lợn")  # the searcher is open
    inside, release = threading.Event(), threading.Event()
    original = evaluation.evaluate

    def slow(snap, pq, masks, *args, **kwargs):
        if pq.text == "chậm":
            inside.set()
            release.wait(10)
        return original(snap, pq, masks, *args, **kwargs)

    monkeypatch.setattr(evaluation, "evaluate", slow)
    stuck = threading.Thread(target=eng.search, args=("chậm",))
    stuck.start()
    try:
        assert inside.wait(5)
        answered = []
        other = threading.Thread(target=lambda: answered.append(eng.search("cá").total))
        other.start()
        other.join(3)
        assert answered, "a search waited for another thread's query"
        assert answered[0] == eng.search("cá").total > 0
    finally:
        release.set()
        stuck.join()


def test_snapshots_that_share_readers_read_them_one_thread_at_a_time(make_index, doc):
    """After a commit the new searcher keeps the readers of unchanged segments: a search on the
    old snapshot and one on the new read the same files."""
    eng = make_index(*_docs(doc, 1, 3000))
    old = eng.snapshot()
    eng.write(_docs(doc, 5000, 10))
    new = eng.snapshot()
    assert new is not old and old.segs[0].reader is new.segs[0].reader
    expected = old.segs[0].arrays("title_f", "sang")[0].tolist()
    assert len(expected) == 3000
    errors: list[BaseException] = []
    wrong: list[int] = []

    def read(snap) -> None:
        try:
            for _ in range(150):
                ids, _weights = snap.segs[0].arrays("title_f", "sang")
                if ids.tolist() != expected:
                    wrong.append(len(ids))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(s,)) for s in (old, new) * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert not wrong, wrong[:5]
