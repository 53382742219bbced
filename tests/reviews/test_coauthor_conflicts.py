"""Conflicts of interest come from the registrant and the authors who accepted the link, never
from an invitation still pending (a registrant cannot keep a reviewer off their idea)."""

import sqlalchemy as sa

from ideadb.ideas import coauthors
from ideadb.ideas.models import AuthorInvitation
from ideadb.reviews import assignments, rounds
from ideadb.reviews import conflicts as review_conflicts


def _invite(create_idea, make_user, reviewer):
    owner = make_user(roles=["submitter"], unit="BK-BB-NM")
    authors = [
        {"name": "Tác giả chính", "unit": "Xã Nam Mẫu", "share": 70},
        {"name": "Đồng tác giả được mời", "unit": "", "share": 30, "user_id": reviewer.id},
    ]
    return create_idea(owner, status="eligible", authors=authors)


def test_a_pending_invitee_is_not_conflicted_and_an_accepted_one_is(
    db_session, secretary, create_round, create_reviewer, create_idea, make_user
):
    invitee = create_reviewer()
    other = create_reviewer()
    pending = _invite(create_idea, make_user, invitee)
    accepted = _invite(create_idea, make_user, invitee)
    invitation_id = db_session.scalar(
        sa.select(AuthorInvitation.id).where(AuthorInvitation.idea_id == accepted.id)
    )
    coauthors.accept_invitation(db_session, invitee, invitation_id)

    rnd = create_round(reviewers_per_idea=1)
    rounds.add_ideas(db_session, secretary(), rnd.id, [pending.id, accepted.id])
    rounds.add_reviewers(db_session, secretary(), rnd.id, [invitee.id, other.id])
    conflicts = {
        (c.idea_id, c.reviewer_id, c.kind)
        for c in review_conflicts.list_conflicts(db_session, secretary(), rnd.id)
    }
    assert conflicts == {(accepted.id, invitee.id, "author")}

    assignments.auto_assign(db_session, secretary(), rnd.id)
    pairs = {
        (a.idea_id, a.reviewer_id)
        for a in assignments.list_assignments(db_session, secretary(), rnd.id)
    }
    assert pairs == {(accepted.id, other.id), (pending.id, invitee.id)}
