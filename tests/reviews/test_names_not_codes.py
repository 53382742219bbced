"""People read names: ideas by title and dossier code in messages, criteria by name (the code
as a tooltip), recognition levels by name, never internal ids or raw codes."""

from __future__ import annotations

import re

import pytest

from tests.reviews.conftest import SCORES_HIGH, SCORES_LOW


def _apart(ideas, reviewers):
    first = ideas[0].id

    def points(a):
        return (
            SCORES_LOW if a.idea_id == first and a.reviewer_id == reviewers[0].id else SCORES_HIGH
        )

    return points


def test_finalize_refusal_names_ideas_by_title_and_code(
    client, login, ready_round, score_all, secretary, db_session
):
    from ideadb.core.errors import Conflict
    from ideadb.reviews import deliberation

    rnd, ideas, reviewers = ready_round(2, 2)
    score_all(rnd, _apart(ideas, reviewers))
    deliberation.deliberate(db_session, secretary(), rnd.id)
    with pytest.raises(Conflict) as caught:
        deliberation.finalize(db_session, secretary(), rnd.id)
    message = caught.value.message
    assert f"«{ideas[0].title}» ({ideas[0].code})" in message
    rest = message.replace(ideas[0].title, "").replace(ideas[0].code, "")
    assert not re.search(r"\d", rest)  # no internal id anywhere
    # The page says the same, after the confirmation.
    login(secretary())
    url = f"/dot-xet-chon/{rnd.id}/xep-hang"
    client.submit(f"/dot-xet-chon/{rnd.id}/cong-bo", {"confirmed": "1"}, form_url=url)
    html = client.get(url).get_data(as_text=True)
    assert f"«{ideas[0].title}» ({ideas[0].code})" in html.replace("&#171;", "«").replace(
        "&#187;", "»"
    ).replace("&laquo;", "«").replace("&raquo;", "»")


def test_ranking_shows_criteria_by_name_and_no_bare_no(
    client, login, ready_round, score_all, secretary, db_session
):
    from ideadb.reviews import deliberation

    rnd, _ideas, _reviewers = ready_round(2, 2)
    score_all(rnd, SCORES_LOW)
    deliberation.deliberate(db_session, secretary(), rnd.id)
    login(secretary())
    html = client.get(f"/dot-xet-chon/{rnd.id}/xep-hang").get_data(as_text=True)
    heads = re.findall(
        r'<th scope="col" class="criterion-head" title="([A-Z_]+)">([^<]+)</th>', html
    )
    assert ("TINH_MOI", "Tính mới, tính sáng tạo") in heads and len(heads) == 4
    assert ">TINH_MOI<" not in html
    decisions = html[html.index('id="decisions"') :]
    assert "<td>Không</td>" not in decisions and "Không công nhận" in decisions
