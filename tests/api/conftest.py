"""A seeded instance for the API-wide tests: users of every role with API tokens, units, an
active criteria set and a draft one, ideas in several states with a file, and a round whose
reviewers have assignments (one confirmed, with a saved sheet)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import sqlalchemy as sa

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
ROLES = ("submitter", "unit_officer", "reviewer", "secretary", "admin")


@dataclass
class SeededInstance:
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    idea_ids: dict[str, int] = field(default_factory=dict)
    round_id: int = 0
    assignment_ids: list[int] = field(default_factory=list)
    criteria_set_ids: list[int] = field(default_factory=list)
    attachment_id: int = 0

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def seeded(app, db_session, make_user, create_idea, secretary):
    """Build the instance through the services, as the factories of the feature tests do."""
    from ideadb.accounts import service as accounts
    from ideadb.criteria import reference
    from ideadb.criteria import service as criteria
    from ideadb.criteria.models import CriteriaSet
    from ideadb.ideas import service as ideas
    from ideadb.reviews import assignments as review_assignments
    from ideadb.reviews import rounds, sheets

    out = SeededInstance()
    users = {
        "submitter": make_user(roles=["submitter"], unit="BK-BB-NM"),
        "unit_officer": make_user(roles=["unit_officer"], unit="BK-BB-NM"),
        "reviewer": make_user(roles=["reviewer"], unit="BK-SKHCN"),
        "reviewer2": make_user(roles=["reviewer"], unit="BK-SKHCN"),
        "secretary": secretary(),
        "admin": make_user(roles=["admin"]),
        # One account holding every role, so that one token reaches every operation: it
        # registers ideas, screens them, runs rounds and scores its own assignments.
        "all_roles": make_user(roles=list(ROLES), unit="BK-SKHCN"),
    }
    for name, user in users.items():
        token, _ = accounts.issue_token(db_session, user, timedelta(hours=8))
        out.tokens[name] = token
        out.user_ids[name] = user.id

    criteria.load_reference_sets(db_session)
    active_id = db_session.scalar(
        sa.select(CriteriaSet.id).where(
            CriteriaSet.reference_code == reference.REFERENCE_SETS[0][0]
        )
    )
    draft = criteria.revise(db_session, users["secretary"], active_id)
    out.criteria_set_ids = [active_id, draft.id]

    owner = users["submitter"]
    for status in ("draft", "submitted", "needs_revision", "eligible", "recognized"):
        out.idea_ids[status] = create_idea(owner, status=status).id
    own_draft = create_idea(users["all_roles"], unit="BK-BB-NM")
    out.idea_ids["own_draft"] = own_draft.id
    attachment = ideas.add_attachment(
        db_session, owner, out.idea_ids["draft"], "bao-cao.pdf", io.BytesIO(PDF)
    )
    out.attachment_id = attachment.id

    in_round = [create_idea(owner, status="eligible").id for _ in range(2)]
    rnd = rounds.create_round(
        db_session,
        users["secretary"],
        {
            "name": "Đợt xét chọn sáng kiến cấp tỉnh năm 2021",
            "year": 2021,
            "level": "tinh",
            "criteria_set_id": active_id,
            "reviewers_per_idea": 2,
            "aggregation": "mean",
            "blind": False,
            "disagreement_threshold": 20,
        },
    )
    reviewer_ids = [users[n].id for n in ("reviewer", "reviewer2", "all_roles")]
    rounds.add_ideas(db_session, users["secretary"], rnd.id, in_round)
    rounds.add_reviewers(db_session, users["secretary"], rnd.id, reviewer_ids)
    assignments = review_assignments.auto_assign(db_session, users["secretary"], rnd.id)
    rounds.open_round(db_session, users["secretary"], rnd.id)
    out.round_id = rnd.id
    out.assignment_ids = [a.id for a in assignments]
    first = assignments[0]
    sheets.confirm(db_session, first.reviewer, first.id, conflict=False)
    sheets.save_review(
        db_session,
        first.reviewer,
        first.id,
        scores={"TINH_MOI": 20},
        comments={},
        comment="Nhận xét.",
        version=0,
    )
    db_session.commit()
    return out
