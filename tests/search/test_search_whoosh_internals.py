"""The block reader of Whoosh's private structures and its public-API fallback agree."""

from __future__ import annotations

import pytest

from ideadb.search import engine as search_engine
from ideadb.search import whoosh_internals
from ideadb.search.documents import Visibility

ALL = Visibility.everything()
WORDS = ["lợn", "lớn", "nuôi", "chuồng", "điện", "đồng", "đông", "cá", "các"]


@pytest.fixture
def index_with_deletions(make_index, doc):
    """Several hundred ideas over a few words, some replaced (deleted documents remain)."""
    docs = [
        doc(i, " ".join(WORDS[(i + k) % len(WORDS)] for k in range(3 + i % 5)), "nuôi " * (i % 4))
        for i in range(1, 400)
    ]
    eng = make_index(*docs)
    eng.write([doc(i, "nuôi lợn đông") for i in range(1, 400, 7)])
    return eng


def test_the_block_reader_is_used_on_the_pinned_whoosh_release():
    assert whoosh_internals.FAST_POSTINGS


def test_the_block_reader_and_the_public_matcher_read_the_same_postings(index_with_deletions):
    snap = index_with_deletions.snapshot()
    assert any(seg.deleted for seg in snap.segs)
    compared = 0
    for seg in snap.segs:
        for field, term in [("title_f", "lon"), ("text_f", "nuoi"), ("title_x", "đông")]:
            fast = seg.matcher(field, term)
            public = seg.matcher(field, term)
            if fast is None:
                continue
            fast_postings = [
                (d, 1.0 if w is None else w)
                for ids, weights in whoosh_internals.blocks(fast, seg.deleted)
                for d, w in zip(ids, weights or [None] * len(ids), strict=True)
            ]
            public_postings = [
                (d, w)
                for ids, weights in whoosh_internals.public_blocks(public, seg.deleted)
                for d, w in zip(ids, weights or [], strict=True)
            ]
            assert fast_postings == public_postings
            ids, weights = whoosh_internals.arrays(seg.matcher(field, term), seg.dead)
            as_arrays = [
                (d, 1.0 if weights is None else w)
                for d, w in zip(
                    ids.tolist(),
                    [None] * len(ids) if weights is None else weights.tolist(),
                    strict=True,
                )
            ]
            assert as_arrays == public_postings
            assert not {d for d, _ in fast_postings} & seg.deleted
            compared += len(fast_postings)
    assert compared > 100


def test_searching_through_the_fallback_gives_identical_results(index_with_deletions, monkeypatch):
    eng = index_with_deletions
    queries = ["lợn", "lon", "nuôi lợn", "dong", '"nuôi lợn"', "cá -các", "điện đồng"]

    def run():
        return [
            (r.total, [(h.id, h.score) for h in r.items], r.facets, r.suggestion)
            for r in (eng.search(q, visibility=ALL, per_page=50) for q in queries)
        ]

    def like():
        return eng.similar(text="nuôi lợn đông chuồng lớn điện đồng cá", visibility=ALL, limit=20)

    fast, fast_like = run(), like()
    assert all(total > 0 for total, *_ in fast)
    monkeypatch.setattr(whoosh_internals, "FAST_POSTINGS", False)
    assert run() == fast
    assert like() == fast_like


def _leaves(eng):
    return {
        leaf.segment().segment_id(): leaf
        for leaf, _ in eng.live_searcher(eng._gen).reader().leaf_readers()
    }


@pytest.mark.parametrize("fast", [True, False], ids=["reusing", "public-refresh"])
def test_a_refresh_keeps_the_readers_of_unchanged_segments_and_sees_every_change(
    make_index, doc, index_root, monkeypatch, fast
):
    monkeypatch.setattr(whoosh_internals, "FAST_REFRESH", fast)
    eng = make_index(*[doc(i, f"nuôi lợn đợt {i}") for i in range(1, 30)])
    eng.write([doc(100, "trồng chè shan tuyết")])
    before = _leaves(eng)
    assert len(before) == 2

    # another engine on the same folder (another process) replaces one idea and adds one
    other = search_engine.Engine(index_root)
    other.write([doc(5, "trồng cam sành"), doc(101, "trồng chè xanh")])
    hits = eng.search("trồng", visibility=ALL)
    assert sorted(item.id for item in hits.items) == [5, 100, 101]
    assert 5 not in [item.id for item in eng.search("lợn", visibility=ALL, per_page=100).items]
    after = _leaves(eng)
    # the segment of idea 100 is unchanged and kept; the one that lost idea 5 is reopened
    unchanged = [sid for sid in before if sid in after and after[sid] is before[sid]]
    if fast:
        assert len(unchanged) == 1 and before[unchanged[0]].doc_count_all() == 1
    assert (
        eng.search("trồng", visibility=ALL).total
        == search_engine.Engine(index_root).search("trồng", visibility=ALL).total
    )


def test_a_refresh_that_loses_a_race_with_a_merge_reads_the_newer_commit_without_reopening(
    make_index, doc, index_root, monkeypatch, caplog
):
    from whoosh.index import FileIndex

    eng = make_index(*[doc(i, f"nuôi lợn đợt {i}") for i in range(1, 30)])
    assert eng.search("lợn", visibility=ALL).total == 29
    other = search_engine.Engine(index_root)  # another process
    other.write([doc(200, "trồng chè shan tuyết")])  # a new segment the next refresh opens
    original = FileIndex._read_toc
    raced = []

    def read_then_merge(self):
        toc = original(self)
        if not raced:
            raced.append(True)
            # before this refresh opens the new segment, the other process replaces its only
            # idea: the segment is all deleted, merged away, its files removed
            other.write([doc(200, "trồng chè xanh")])
        return toc

    monkeypatch.setattr(FileIndex, "_read_toc", read_then_merge)
    refreshes = eng.refreshes
    with caplog.at_level("INFO", logger="ideadb.search.engine"):
        found = eng.search("chè", visibility=ALL)
    assert raced and [item.id for item in found.items] == [200]
    assert "xanh" in found.items[0].title
    assert eng.refreshes == refreshes + 1 and "reopening" not in caplog.text


def test_a_process_that_only_writes_keeps_the_segments_few_and_drops_deleted_documents(
    make_index, doc, index_root
):
    from ideadb.search import writer

    make_index(*[doc(i, f"ý tưởng số {i}") for i in range(1, 201)])
    only_writes = search_engine.Engine(index_root)  # like `ideadb worker`: never searches
    for i in range(1, 201, 2):
        only_writes.write([doc(i, f"ý tưởng sửa {i}")])
    ix = search_engine.storage.open_index(index_root, search_engine.current_generation(index_root))
    stats = whoosh_internals.segment_stats(ix)
    assert len(stats) <= writer.MAX_SEGMENTS + 1
    assert not any(deleted * 2 >= docs for docs, deleted in stats)
    fresh = search_engine.Engine(index_root)
    assert fresh.search("sửa", visibility=ALL).total == 100
    assert fresh.search("", visibility=ALL).total == 200


def test_a_process_that_only_writes_opens_the_unchanged_segments_once(
    make_index, doc, index_root, monkeypatch
):
    from whoosh import reading

    make_index(*[doc(i, f"ý tưởng số {i}") for i in range(1, 301)])
    opened: list[str] = []
    original = reading.SegmentReader.__init__

    def counting(self, storage, schema, segment, *args, **kwargs):
        opened.append(segment.segment_id())
        original(self, storage, schema, segment, *args, **kwargs)

    monkeypatch.setattr(reading.SegmentReader, "__init__", counting)
    only_writes = search_engine.Engine(index_root)  # like `ideadb worker`
    for i in range(301, 306):  # new ideas: the first segment neither grows nor loses documents
        only_writes.write([doc(i, f"ý tưởng mới {i}")])
    first = opened[0]
    assert opened.count(first) == 1, opened
    fresh = search_engine.Engine(index_root)
    assert fresh.search("mới", visibility=ALL).total == 5


def test_postings_are_written_in_blocks_of_a_thousand_and_read_whole(make_index, doc):
    eng = make_index(*[doc(i, f"Nuôi lợn số {i}") for i in range(1, 1501)])
    (seg,) = eng.snapshot().segs
    runs = [
        len(ids) for ids, _ in whoosh_internals.blocks(seg.matcher("title_f", "lon"), frozenset())
    ]
    assert runs == [whoosh_internals.BLOCK_POSTINGS, 1500 - whoosh_internals.BLOCK_POSTINGS]
    ids, weights = whoosh_internals.arrays(seg.matcher("title_f", "lon"), None)
    assert len(ids) == 1500 and list(ids) == sorted(ids) and weights is None
