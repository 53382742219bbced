"""What an account finds in search is what the ideas rules let it see in full, for every demo
account: the index's visibility (units + ids looked up link by link) equals the SQL condition."""

from __future__ import annotations

import sqlalchemy as sa

from ideadb.accounts.models import User
from ideadb.demo import load_demo
from ideadb.ideas.access import visible_ideas_filter
from ideadb.ideas.models import Idea
from ideadb.search.service import visibility_for


def test_every_demo_account_finds_exactly_what_it_may_see_in_full(db_session):
    load_demo(db_session, ideas=40)
    users = db_session.scalars(sa.select(User).order_by(User.id)).all()
    checked = 0
    for user in users:
        seen = visibility_for(db_session, user)
        if seen.all:
            continue
        rule = visible_ideas_filter(db_session, user, include_public=False)
        expected = set(db_session.scalars(sa.select(Idea.id).where(rule)))
        in_units = set(
            db_session.scalars(sa.select(Idea.id).where(Idea.unit_id.in_(seen.unit_ids)))
        )
        assert seen.idea_ids | in_units == expected, user.username
        assert not seen.idea_ids & in_units, user.username  # ideas of the units are not listed
        checked += bool(expected)
    assert checked >= 3  # a registrant, a unit officer and an assigned reviewer at least
