"""The index follows the documents: writes, rebuild and swap, check and repair, crashes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ideadb.search import engine as search_engine
from ideadb.search.documents import IdeaDoc, Visibility, expected_from

ALL = Visibility.everything()
REPO = str(Path(__file__).resolve().parents[2])


def ids(result) -> list[int]:
    return sorted(hit.id for hit in result.items)


def test_an_edit_replaces_the_old_text(make_index, doc):
    eng = make_index(doc(1, "Nuôi cá lồng"))
    eng.write([doc(1, "Nuôi ốc nhồi")])
    assert eng.search("cá lồng").total == 0
    assert ids(eng.search("ốc nhồi")) == [1]
    assert eng.check(expected_from([doc(1, "Nuôi ốc nhồi")])).ok


def test_remove_takes_an_idea_out(make_index, doc):
    eng = make_index(doc(1, "Nuôi cá lồng"), doc(2, "Cá chép lai"))
    eng.remove([1])
    assert ids(eng.search("cá", visibility=ALL)) == [2]


def test_check_lists_missing_stale_and_extra_ideas(make_index, doc):
    eng = make_index(doc(1, "Một"), doc(2, "Hai"), doc(3, "Ba"))
    expected = expected_from([doc(1, "Một"), doc(2, "Hai đã sửa"), doc(4, "Bốn")])
    report = eng.check(expected)
    assert (report.missing, report.stale, report.extra) == ([4], [2], [3])
    assert not report.ok
    eng.write([doc(2, "Hai đã sửa"), doc(4, "Bốn")], remove_ids=report.extra)
    assert eng.check(expected).ok


def test_a_rebuild_is_swapped_in_while_the_old_index_keeps_serving(index_root, doc):
    eng = search_engine.engine(index_root)
    eng.write([doc(1, "Chè Shan tuyết")])
    before = eng.generation()
    assert ids(eng.search("chè")) == [1]

    def progress(count):
        # the live index answers while the new one is being built
        assert ids(eng.search("chè")) == [1]

    new = eng.rebuild([doc(i, f"Chè búp tươi {i}") for i in range(10, 40)], progress=progress)
    assert new != before and eng.generation() == new
    assert eng.search("chè").total == 30
    assert eng.check(expected_from([doc(i, f"Chè búp tươi {i}") for i in range(10, 40)])).ok


def test_another_process_sees_a_swap_and_commits_without_reopening_by_hand(index_root, doc):
    reader = search_engine.Engine(index_root)  # as if in another worker process
    writer = search_engine.Engine(index_root)
    writer.write([doc(1, "Đàn tính")])
    assert ids(reader.search("dan tinh")) == [1]
    writer.write([doc(2, "Hát then đàn tính")])
    assert ids(reader.search("dan tinh")) == [1, 2]
    writer.rebuild([doc(3, "Đàn tính ba dây")])
    assert ids(reader.search("dan tinh")) == [3]
    reader.close()
    writer.close()


def test_a_searcher_whose_refresh_fails_reopens_and_answers(index_root, doc, monkeypatch):
    """Under several threads and processes Whoosh may fail to refresh reused readers
    (ReaderClosed): the search is answered from the index opened afresh, never an error."""
    reader = search_engine.Engine(index_root)  # as if in another worker process
    writer = search_engine.Engine(index_root)
    writer.write([doc(1, "Đàn tính")])
    assert ids(reader.search("dan tinh")) == [1]
    searcher = reader.live_searcher(reader.generation())

    def broken():
        raise RuntimeError("Reader already closed")

    monkeypatch.setattr(searcher, "refresh", broken)
    writer.write([doc(2, "Hát then đàn tính")])
    assert ids(reader.search("dan tinh")) == [1, 2]
    reader.close()
    writer.close()


def test_old_generations_are_cleaned_up_after_swaps(index_root, doc):
    eng = search_engine.engine(index_root)
    for n in range(4):
        eng.rebuild([doc(n, "Bản tin")])
    gens = sorted(p for p in os.listdir(index_root) if p.startswith("g"))
    assert len(gens) <= 2


CHILD = textwrap.dedent(
    """
    import sys
    from ideadb.search import engine
    from ideadb.search.documents import IdeaDoc
    root, start, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    eng = engine.Engine(root)
    for i in range(start, start + count):
        eng.write([IdeaDoc(id=i, title=f"Sáng kiến số {i}", published=True)], timeout=30)
    """
)


def _spawn(code: str, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, cwd=REPO)


def test_two_processes_writing_at_once_lose_nothing(index_root):
    procs = [_spawn(CHILD, index_root, "1", "25"), _spawn(CHILD, index_root, "1001", "25")]
    for p in procs:
        assert p.wait(timeout=300) == 0
    eng = search_engine.engine(index_root)
    expected = [
        (i, IdeaDoc(id=i, title=f"Sáng kiến số {i}", published=True).stamp())
        for i in [*range(1, 26), *range(1001, 1026)]
    ]
    assert eng.check(expected).ok
    assert eng.search("sáng kiến", per_page=100).total == 50


KILLED = textwrap.dedent(
    """
    import os, sys, time
    from ideadb.search import engine
    from ideadb.search.documents import IdeaDoc
    root, marker = sys.argv[1], sys.argv[2]
    real_rename = os.rename

    def stuck_rename(src, dst, *a, **kw):
        if "toc" in str(dst):  # the commit's last step: publishing the new table of contents
            open(marker, "w").close()
            time.sleep(600)
        return real_rename(src, dst, *a, **kw)

    os.rename = stuck_rename
    eng = engine.Engine(root)
    eng.write([IdeaDoc(id=i, title=f"Mô hình số {i}", published=True) for i in range(100, 120)])
    """
)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_writer_killed_mid_commit_leaves_an_index_that_check_and_repair_fix(index_root, tmp_path):
    eng = search_engine.engine(index_root)
    first = [IdeaDoc(id=i, title=f"Mô hình số {i}", published=True) for i in range(1, 6)]
    eng.write(first)
    marker = tmp_path / "in-commit"
    child = _spawn(KILLED, index_root, str(marker))
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert child.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)

    later = [IdeaDoc(id=i, title=f"Mô hình số {i}", published=True) for i in range(100, 120)]
    report = eng.check(expected_from(first + later))
    assert report.missing == list(range(100, 120)) and not report.stale and not report.broken
    assert eng.search("mô hình", per_page=100).total == 5  # still readable, nothing lost

    eng.write([d for d in later if d.id in report.to_repair()], timeout=5)  # lock was released
    assert eng.check(expected_from(first + later)).ok
    assert eng.search("mô hình", per_page=100).total == 25
