"""Ideas with their authors, attachments, revisions, adoption interests and code counters."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ideadb.core.db import Base, UTCDateTime, utcnow


class IdeaStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    NEEDS_REVISION = "needs_revision"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    IN_REVIEW = "in_review"
    RECOGNIZED = "recognized"
    NOT_RECOGNIZED = "not_recognized"
    WITHDRAWN = "withdrawn"


STATUS_VALUES = tuple(s.value for s in IdeaStatus)
# The ladder of scopes an initiative is recognised at (cơ sở < huyện < tỉnh < trung ương).
SCOPES = ("co_so", "huyen", "tinh", "trung_uong")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class Idea(Base):
    __tablename__ = "ideas"
    __table_args__ = (
        sa.CheckConstraint(_in("status", STATUS_VALUES), name="status"),
        sa.CheckConstraint(
            "recognized_scope IS NULL OR " + _in("recognized_scope", SCOPES), name="scope"
        ),
        sa.CheckConstraint("version >= 1", name="version"),
        sa.Index("ix_ideas_status_year", "status", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    novelty: Mapped[str] = mapped_column(sa.Text, default="")
    benefits: Mapped[str] = mapped_column(sa.Text, default="")
    area: Mapped[str | None] = mapped_column(sa.ForeignKey("areas.code"), index=True)
    year: Mapped[int | None] = mapped_column(index=True)
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    applied_from: Mapped[date | None] = mapped_column(sa.Date)
    publish_consent: Mapped[bool] = mapped_column(default=False)
    # When the authors consented to publishing their names (Nghị định 13/2023): kept as evidence.
    publish_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(20), default=IdeaStatus.DRAFT, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # The legal application form (Thông tư 18/2013/TT-BKHCN).
    owner_name: Mapped[str | None] = mapped_column(sa.String(255))
    field_of_application: Mapped[str] = mapped_column(sa.Text, default="")
    application_conditions: Mapped[str] = mapped_column(sa.Text, default="")
    confidential_info: Mapped[str] = mapped_column(sa.Text, default="")

    registrant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    public_override: Mapped[bool] = mapped_column(default=False)
    screening_note: Mapped[str | None] = mapped_column(sa.Text)
    screened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    screened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recognized_level: Mapped[str | None] = mapped_column(sa.String(40))
    recognized_scope: Mapped[str | None] = mapped_column(sa.String(20))
    recognized_round_id: Mapped[int | None] = mapped_column()
    recognized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    authors: Mapped[list[Author]] = relationship(
        back_populates="idea",
        cascade="all, delete-orphan",
        order_by="Author.position",
        lazy="selectin",
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="idea", order_by="Attachment.id"
    )
    unit = relationship("Unit", foreign_keys=[unit_id])
    district = relationship("Unit", foreign_keys=[district_id])
    registrant = relationship("User", foreign_keys=[registrant_id])
    area_ref = relationship("Area")

    @property
    def live_attachments(self) -> list[Attachment]:
        return [a for a in self.attachments if a.removed_at is None]

    @validates("publish_consent")
    def _stamp_consent(self, _key: str, value: bool) -> bool:
        """Consent given now is stamped now; consent withdrawn clears the stamp."""
        value = bool(value)
        if value and not self.publish_consent:
            self.publish_consent_at = utcnow()
        elif not value:
            self.publish_consent_at = None
        return value

    def touch(self) -> None:
        """A new version of the dossier (optimistic locking; ``updated_at`` for lists, search)."""
        self.version = (self.version or 0) + 1
        self.updated_at = utcnow()

    def __repr__(self) -> str:
        return f"<Idea {self.id} {self.code or '-'} {self.status}>"


class Author(Base):
    """An author or co-author with a contribution share in whole percent."""

    __tablename__ = "idea_authors"
    __table_args__ = (sa.CheckConstraint("share BETWEEN 1 AND 100", name="share"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(255))
    unit: Mapped[str] = mapped_column(sa.String(255), default="")
    share: Mapped[int] = mapped_column()
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)

    idea: Mapped[Idea] = relationship(back_populates="authors")


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # the author row was removed or given to someone else


INVITATION_STATUSES = tuple(s.value for s in InvitationStatus)


class AuthorInvitation(Base):
    """A request that a user confirm they are the person of an author row (consent to a link).

    ``invited_user_id`` is a plain integer, not a foreign key: an id that names nobody is kept
    exactly like one that does, so the answer never tells whether an account exists. Only an
    accepted invitation sets ``Author.user_id`` (the link that grants access and conflicts).
    """

    __tablename__ = "author_invitations"
    __table_args__ = (
        sa.CheckConstraint(_in("status", INVITATION_STATUSES), name="status"),
        sa.UniqueConstraint("author_id", "invited_user_id", name="uq_author_invitations_pair"),
        sa.Index("ix_author_invitations_invitee_status", "invited_user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("idea_authors.id", ondelete="SET NULL"), index=True
    )
    invited_user_id: Mapped[int] = mapped_column()
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(sa.String(20), default=InvitationStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    idea: Mapped[Idea] = relationship()
    invited_by = relationship("User", foreign_keys=[invited_by_id])


class Attachment(Base):
    """A file of an idea's dossier, stored outside static under a random name; never deleted."""

    __tablename__ = "idea_attachments"
    __table_args__ = (sa.CheckConstraint("size >= 0", name="size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    content_type: Mapped[str] = mapped_column(sa.String(120))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    idea: Mapped[Idea] = relationship(back_populates="attachments")


class IdeaRevision(Base):
    """A snapshot of an idea after each edit: who, when, and every field."""

    __tablename__ = "idea_revisions"
    __table_args__ = (sa.UniqueConstraint("idea_id", "version", name="uq_idea_revisions_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    version: Mapped[int] = mapped_column()
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    actor = relationship("User")


class AdoptionInterest(Base):
    """A business or organisation asking to apply a published initiative (đăng ký áp dụng)."""

    __tablename__ = "adoption_interests"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('new', 'contacted', 'agreed', 'applying', 'applied', 'declined')",
            name="status",
        ),
        sa.CheckConstraint("benefit_vnd IS NULL OR benefit_vnd >= 0", name="benefit_vnd"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    organisation: Mapped[str] = mapped_column(sa.String(255))
    contact_name: Mapped[str] = mapped_column(sa.String(255))
    email: Mapped[str | None] = mapped_column(sa.String(255))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Followed through (nhân rộng): where the request went, and what applying it brought.
    status: Mapped[str] = mapped_column(sa.String(20), default="new", server_default="new")
    note: Mapped[str | None] = mapped_column(sa.Text)
    applied_at: Mapped[date | None] = mapped_column(sa.Date)
    benefit_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    outcome_description: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    idea = relationship("Idea")


class IdeaFollower(Base):
    """An account (typically a business) that wants to hear when an idea is recognised or applied."""

    __tablename__ = "idea_followers"
    __table_args__ = (sa.UniqueConstraint("idea_id", "user_id", name="uq_idea_followers"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdeaCodeCounter(Base):
    """The last sequence number handed out per code prefix (province) and year."""

    __tablename__ = "idea_code_counters"
    __table_args__ = (sa.CheckConstraint("last >= 0", name="last"),)

    prefix: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
