"""Which segments a commit merges: few segments, and each document rewritten a few times only."""

from __future__ import annotations

import random

from ideadb.search import writer


def _simulate(big: int, nbig: int, writes: int) -> tuple[float, int]:
    """Documents rewritten per write and the most segments seen, for ``writes`` single-idea
    commits (half of them edits, which delete an older version somewhere)."""
    rng = random.Random(7)
    segments = [[big, 0] for _ in range(nbig)]
    rewritten = most = 0
    for _ in range(writes):
        if rng.random() < 0.5:
            live = [s for s in segments if s[0] > s[1]]
            rng.choices(live, weights=[s[0] - s[1] for s in live])[0][1] += 1
        segments.append([1, 0])
        stats = [(docs, deleted) for docs, deleted in segments]
        if writer.needs_merge(stats):
            chosen = writer.to_merge(stats)
            merged = sum(segments[i][0] - segments[i][1] for i in chosen)
            rewritten += merged
            segments = [s for i, s in enumerate(segments) if i not in chosen] + [[merged, 0]]
        most = max(most, len(segments))
    return rewritten / writes, most


def test_documents_are_rewritten_a_few_times_not_at_every_merge():
    # 4 segments of a rebuild of 10,000 ideas, then 10,000 registrations and edits
    per_write, most = _simulate(2500, 4, 10_000)
    assert per_write < 40  # merging the smallest together every time: 567 here
    assert most <= writer.MAX_SEGMENTS + 1
    per_write, most = _simulate(100_000, 1, 10_000)
    assert per_write < 20
    assert most <= writer.MAX_SEGMENTS + 1


def test_half_deleted_segments_are_merged_and_large_alike_segments_left_alone():
    stats = [(2500, 0)] * 4 + [(10, 6), (1, 0), (1, 0), (1, 0), (1, 0)]
    chosen = writer.to_merge(stats)
    assert 4 in chosen  # six of ten deleted
    assert not chosen & {0, 1, 2, 3}  # the four of the rebuild stay
    assert writer.to_merge([(2500, 0)] * 4 + [(1, 0)] * 4) == set()  # 8 segments: enough


def test_segment_names_do_not_repeat_when_the_program_seeds_random(make_index, doc):
    from ideadb.search.documents import Visibility

    eng = make_index(doc(1, "ý tưởng đầu"))
    for i in range(2, 30):
        random.seed(7)  # as a test framework replaying examples does
        eng.write([doc(i % 5 + 1, f"ý tưởng số {i}")])  # replacements: segments merge
    assert eng.search("ý tưởng", visibility=Visibility(all=True)).total == 5


def test_a_failed_merge_releases_the_index_for_the_next_write(make_index, doc, monkeypatch):
    import pytest

    from ideadb.search.documents import Visibility

    eng = make_index(doc(1, "trồng chè"))

    def broken(w, segments):
        raise OSError("disk full")

    monkeypatch.setattr(writer, "merge_policy", broken)
    with pytest.raises(OSError, match="disk full"):
        eng.write([doc(1, "trồng chè xanh")])  # the old segment is all deleted: a merge
    monkeypatch.undo()
    eng.write([doc(2, "nuôi ong")], timeout=1.0)  # waited for a lock that was never released
    assert eng.search("ong", visibility=Visibility(all=True)).total == 1
