"""Review rounds: the round, its ideas and panel, conflicts, assignments, score sheets,
the council's discussions and the staged decisions."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ideadb.core.db import Base, UTCDateTime, utcnow
from ideadb.ideas.models import SCOPES

# The ladder of scopes a round recognises at (cơ sở < huyện < tỉnh < trung ương).
# A round is held at a scope of the ladder an initiative is recognised on (one vocabulary).
LEVELS = SCOPES
AGGREGATIONS = ("mean", "median", "trimmed_mean", "zscore")


class RoundStatus(StrEnum):
    DRAFT = "draft"
    REVIEWING = "reviewing"
    DELIBERATION = "deliberation"
    FINALIZED = "finalized"


class AssignmentStatus(StrEnum):
    PENDING_CONFIRMATION = "pending_confirmation"
    ACTIVE = "active"
    RECUSED = "recused"
    SUBMITTED = "submitted"
    MISSED = "missed"


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class ConflictKind(StrEnum):
    AUTHOR = "author"  # the reviewer is an author (by account or by exact name)
    UNIT = "unit"  # the reviewer belongs to the idea's unit
    REGISTRANT = "registrant"  # the reviewer registered the idea
    SECRETARY = "secretary"  # declared by the secretary
    REVIEWER = "reviewer"  # declared by the reviewer before seeing the idea


AUTOMATIC_KINDS = (ConflictKind.AUTHOR, ConflictKind.UNIT, ConflictKind.REGISTRANT)


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class Round(Base):
    __tablename__ = "rounds"
    __table_args__ = (
        sa.CheckConstraint(_in("level", LEVELS), name="level"),
        sa.CheckConstraint(_in("aggregation", AGGREGATIONS), name="aggregation"),
        sa.CheckConstraint(_in("status", [s.value for s in RoundStatus]), name="status"),
        sa.CheckConstraint("reviewers_per_idea >= 1", name="reviewers_per_idea"),
        sa.CheckConstraint("appeal_days >= 0", name="appeal_days"),
        sa.CheckConstraint(
            "disagreement_threshold >= 0 AND disagreement_threshold <= 100",
            name="disagreement_threshold",
        ),
        sa.CheckConstraint(
            "public_vote_weight IS NULL OR (public_vote_weight >= 0 AND public_vote_weight <= 50)",
            name="public_vote_weight",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    year: Mapped[int] = mapped_column(index=True)
    level: Mapped[str] = mapped_column(sa.String(20))
    criteria_set_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria_sets.id"), index=True)
    reviewers_per_idea: Mapped[int] = mapped_column(default=2)
    aggregation: Mapped[str] = mapped_column(sa.String(20), default="mean")
    blind: Mapped[bool] = mapped_column(default=False)
    disagreement_threshold: Mapped[float] = mapped_column(sa.Numeric(6, 2), default=20)
    deadline: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(20), default=RoundStatus.DRAFT, index=True)
    chair_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    show_details_to_submitters: Mapped[bool] = mapped_column(default=False)
    # Days after finalisation during which an owner may appeal (khiếu nại).
    appeal_days: Mapped[int] = mapped_column(default=30, server_default="30")
    # Texts of the exported documents (issuing body, number, place, signer ...): settings,
    # never literals in code.
    document: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    source_round_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deliberation_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The public vote (API.md: Public vote): its share of the final score (None = no vote)
    # and when it is open; see ``reviews/votes.py``.
    public_vote_weight: Mapped[int | None] = mapped_column()
    vote_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vote_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    chair = relationship("User", foreign_keys=[chair_id])
    criteria_set = relationship("CriteriaSet")
    ideas: Mapped[list[RoundIdea]] = relationship(
        back_populates="round", order_by="RoundIdea.id", cascade="all, delete-orphan"
    )
    reviewers: Mapped[list[RoundReviewer]] = relationship(
        back_populates="round", order_by="RoundReviewer.id", cascade="all, delete-orphan"
    )

    @property
    def public_vote(self) -> dict[str, Any] | None:
        """API.md: ``{"weight", "opens_at", "closes_at"}``, or None when there is no vote."""
        if self.public_vote_weight is None:
            return None
        return {
            "weight": self.public_vote_weight,
            "opens_at": self.vote_opens_at.isoformat() if self.vote_opens_at else None,
            "closes_at": self.vote_closes_at.isoformat() if self.vote_closes_at else None,
        }

    def __repr__(self) -> str:
        return f"<Round {self.id} {self.status}>"


class RoundIdea(Base):
    __tablename__ = "round_ideas"
    __table_args__ = (sa.UniqueConstraint("round_id", "idea_id", name="uq_round_ideas_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), index=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[Round] = relationship(back_populates="ideas")
    idea = relationship("Idea")


class RoundReviewer(Base):
    __tablename__ = "round_reviewers"
    __table_args__ = (sa.UniqueConstraint("round_id", "user_id", name="uq_round_reviewers_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[Round] = relationship(back_populates="reviewers")
    user = relationship("User", foreign_keys=[user_id])


class Conflict(Base):
    """A reason a reviewer must not review an idea; automatic ones may be dismissed."""

    __tablename__ = "review_conflicts"
    __table_args__ = (
        sa.CheckConstraint(_in("kind", [k.value for k in ConflictKind]), name="kind"),
        sa.UniqueConstraint(
            "round_id", "idea_id", "reviewer_id", "kind", name="uq_review_conflicts_kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), index=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"))
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    declared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismissed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    dismiss_reason: Mapped[str | None] = mapped_column(sa.Text)

    reviewer = relationship("User", foreign_keys=[reviewer_id])


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        sa.CheckConstraint(_in("status", [s.value for s in AssignmentStatus]), name="status"),
        # One live assignment per reviewer and idea; recused ones stay as history.
        sa.Index(
            "uq_assignments_live_pair",
            "round_id",
            "idea_id",
            "reviewer_id",
            unique=True,
            sqlite_where=sa.text("status != 'recused'"),
            postgresql_where=sa.text("status != 'recused'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), index=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(
        sa.String(24), default=AssignmentStatus.PENDING_CONFIRMATION
    )
    source: Mapped[str] = mapped_column(sa.String(20), default="auto")
    during_deliberation: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recuse_reason: Mapped[str | None] = mapped_column(sa.Text)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[Round] = relationship()
    idea = relationship("Idea")
    reviewer = relationship("User", foreign_keys=[reviewer_id])
    review: Mapped[Review | None] = relationship(back_populates="assignment", uselist=False)


class Review(Base):
    """A reviewer's score sheet; ``version`` guards against a stale tab overwriting it."""

    __tablename__ = "reviews"
    __table_args__ = (
        sa.CheckConstraint(_in("status", [s.value for s in ReviewStatus]), name="status"),
        sa.CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id"), unique=True)
    # {criterion code: points as a decimal string}; comments {code: text}.
    scores: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    comments: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(sa.String(20), default=ReviewStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assignment: Mapped[Assignment] = relationship(back_populates="review")


class Discussion(Base):
    """The council's recorded discussion of an idea (minutes)."""

    __tablename__ = "round_discussions"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), index=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"))
    note: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Decision(Base):
    """A staged decision on an idea (a recognition level, or None = not recognised)."""

    __tablename__ = "round_decisions"
    __table_args__ = (sa.UniqueConstraint("round_id", "idea_id", name="uq_round_decisions_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), index=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    level: Mapped[str | None] = mapped_column(sa.String(40))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RegisterEntryStatus(StrEnum):
    RECOGNIZED = "recognized"  # the entry stands
    REVOKED = "revoked"  # an upheld appeal withdrew the recognition (the number stays used)


class RecognitionCounter(Base):
    """The last number given in a year's recognition register (locked while numbering)."""

    __tablename__ = "recognition_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class RegisterEntry(Base):
    """One version of an entry of the province's recognition register (sổ theo dõi).

    Numbers run 1, 2, 3 ... per year of the decision. An amendment (an upheld appeal) adds
    a new version of the same number and marks the old one superseded; nothing is deleted
    or renumbered."""

    __tablename__ = "recognition_register"
    __table_args__ = (
        sa.UniqueConstraint("year", "number", "version", name="uq_recognition_register_version"),
        sa.CheckConstraint("number >= 1", name="number"),
        sa.CheckConstraint("version >= 1", name="version"),
        sa.CheckConstraint(
            _in("status", [s.value for s in RegisterEntryStatus]), name="entry_status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    number: Mapped[int] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(sa.String(20), default=RegisterEntryStatus.RECOGNIZED)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), index=True)
    scope: Mapped[str] = mapped_column(sa.String(20))
    level: Mapped[str | None] = mapped_column(sa.String(40))
    level_name: Mapped[str] = mapped_column(sa.String(255), default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    appeal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("appeals.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    idea = relationship("Idea")
    round: Mapped[Round] = relationship()


class AppealStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    REJECTED = "rejected"


class Appeal(Base):
    """A complaint (khiếu nại) against a round's decision on an idea, and its answer."""

    __tablename__ = "appeals"
    __table_args__ = (
        sa.CheckConstraint(_in("status", [s.value for s in AppealStatus]), name="appeal_status"),
        # One open appeal per idea and round.
        sa.Index(
            "uq_appeals_open",
            "round_id",
            "idea_id",
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default=AppealStatus.OPEN)
    reason: Mapped[str] = mapped_column(sa.Text)
    filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    previous_level: Mapped[str | None] = mapped_column(sa.String(40))
    decision: Mapped[str | None] = mapped_column(sa.String(40))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    idea = relationship("Idea")
    round: Mapped[Round] = relationship()


class PublicVote(Base):
    """One verified account's vote for one idea of a round (never two: the unique pair)."""

    __tablename__ = "public_votes"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "idea_id", "user_id", name="uq_public_votes_once"),
        sa.Index("ix_public_votes_round_idea", "round_id", "idea_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id"))
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
