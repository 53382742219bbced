"""Terms decoded for a segment stay decoded after a commit that leaves the segment alone."""

from __future__ import annotations

from ideadb.search import postings


def test_a_commit_keeps_the_terms_decoded_for_the_segments_it_did_not_change(
    make_index, doc, monkeypatch
):
    eng = make_index(*[doc(i, f"Nuôi lợn số {i}", "Chuồng trại") for i in range(1, 201)])
    assert eng.search("nuôi lợn").total == 200
    old = {seg.key for seg in eng.snapshot().segs}
    decoded: list[tuple] = []
    arrays = postings.Seg.arrays

    def counted(self, field, term):
        decoded.append(self.key)
        return arrays(self, field, term)

    monkeypatch.setattr(postings.Seg, "arrays", counted)
    eng.write([doc(500, "Nuôi lợn rừng")])  # a new segment; the old one is unchanged
    assert eng.search("nuôi lợn").total == 201
    assert decoded and not set(decoded) & old  # only the new segment was read
    decoded.clear()
    eng.write([doc(7, "Nuôi cá lồng")])  # replaces idea 7: the old segment loses a document
    assert eng.search("nuôi lợn").total == 200
    # the first segment under a new key (same segment, one more deletion) is read again
    serials = {key[0] for key in old}
    again = {key for key in decoded if key[0] in serials}
    assert again and not again & old
