"""Versioned criteria sets: the criteria of a score sheet, their bands, and recognition levels."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ideadb.core.db import Base, UTCDateTime, utcnow

#: Points, weights and scores: up to 999 999.99, exact in PostgreSQL and rounded to two
#: decimals on the way back from SQLite.
Points = sa.Numeric(8, 2)


class SetStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"


STATUS_VALUES = tuple(s.value for s in SetStatus)


class CriteriaSet(Base):
    """One version of a criteria set.

    Versions of the same set share ``lineage_id`` (the id of version 1). Only a draft can be
    edited; once a round uses a version it is frozen (``frozen_at``) and is changed only by
    revising it into a new draft version.
    """

    __tablename__ = "criteria_sets"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in STATUS_VALUES) + ")", name="status"
        ),
        sa.CheckConstraint("version >= 1", name="version"),
        sa.UniqueConstraint("lineage_id", "version", name="uq_criteria_sets_lineage_version"),
        sa.UniqueConstraint(
            "template_code", "template_version", name="uq_criteria_sets_template_code_version"
        ),
        sa.CheckConstraint("template_version IS NULL OR template_version >= 1", name="template"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lineage_id: Mapped[int | None] = mapped_column(sa.ForeignKey("criteria_sets.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    based_on_id: Mapped[int | None] = mapped_column(sa.ForeignKey("criteria_sets.id"))
    name: Mapped[str] = mapped_column(sa.String(255))
    basis: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default=SetStatus.DRAFT, index=True)
    #: Marks the sets shipped as reference data, so that loading them again adds nothing.
    reference_code: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: A guideline issued to lower levels (API.md: Central templates and alignment): who issued
    #: it, its code and version, and its constraints (required criteria, weight and min_score
    #: ranges).
    template_issuer: Mapped[str | None] = mapped_column(sa.String(255))
    template_code: Mapped[str | None] = mapped_column(sa.String(80), index=True)
    template_version: Mapped[int | None] = mapped_column()
    template_constraints: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    #: The template (code, version) this set was derived from; revisions keep it.
    derived_code: Mapped[str | None] = mapped_column(sa.String(80), index=True)
    derived_version: Mapped[int | None] = mapped_column()
    #: Why the set departs from its template beyond the constraints (given when activating).
    justification: Mapped[str | None] = mapped_column(sa.Text)

    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="criteria_set",
        order_by="Criterion.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    recognition_levels: Mapped[list[RecognitionLevel]] = relationship(
        back_populates="criteria_set",
        order_by="RecognitionLevel.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    based_on: Mapped[CriteriaSet | None] = relationship(
        remote_side=[id], foreign_keys=[based_on_id]
    )
    created_by = relationship("User")

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def template(self) -> dict[str, Any] | None:
        if self.template_code is None:
            return None
        return {
            "issuer": self.template_issuer or "",
            "code": self.template_code,
            "version": self.template_version,
            "constraints": self.template_constraints or {},
        }

    @property
    def derived_from(self) -> dict[str, Any] | None:
        if self.derived_code is None:
            return None
        return {"code": self.derived_code, "version": self.derived_version}

    @property
    def total_weight(self) -> Decimal:
        return sum((c.weight for c in self.criteria), Decimal(0))

    def __repr__(self) -> str:
        return f"<CriteriaSet {self.id} v{self.version} {self.status}>"


class Criterion(Base):
    """One line of the score sheet; ``min_points`` is an optional knock-out minimum."""

    __tablename__ = "criteria"
    __table_args__ = (
        sa.UniqueConstraint("set_id", "code", name="uq_criteria_set_code"),
        sa.UniqueConstraint("set_id", "position", name="uq_criteria_set_position"),
        sa.CheckConstraint("max_points > 0", name="max_points"),
        sa.CheckConstraint("weight > 0", name="weight"),
        sa.CheckConstraint(
            "min_points IS NULL OR (min_points >= 0 AND min_points <= max_points)",
            name="min_points",
        ),
        sa.CheckConstraint("step IS NULL OR step > 0", name="step"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria_sets.id"), index=True)
    position: Mapped[int] = mapped_column()
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(255))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    max_points: Mapped[Decimal] = mapped_column(Points)
    weight: Mapped[Decimal] = mapped_column(Points)
    min_points: Mapped[Decimal | None] = mapped_column(Points)
    step: Mapped[Decimal | None] = mapped_column(Points)

    criteria_set: Mapped[CriteriaSet] = relationship(back_populates="criteria")
    bands: Mapped[list[Band]] = relationship(
        back_populates="criterion",
        order_by="Band.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class Band(Base):
    """A range of points of a criterion and what it means (a ``level`` in API.md)."""

    __tablename__ = "criterion_bands"
    __table_args__ = (
        sa.UniqueConstraint("criterion_id", "position", name="uq_criterion_bands_position"),
        sa.CheckConstraint("min_points >= 0 AND min_points <= max_points", name="range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id"), index=True)
    position: Mapped[int] = mapped_column()
    min_points: Mapped[Decimal] = mapped_column(Points)
    max_points: Mapped[Decimal] = mapped_column(Points)
    label: Mapped[str] = mapped_column(sa.String(255))
    guidance: Mapped[str] = mapped_column(sa.Text, default="")

    criterion: Mapped[Criterion] = relationship(back_populates="bands")


class RecognitionLevel(Base):
    """A recognition level a final score reaches from ``min_score`` (0–100) up."""

    __tablename__ = "recognition_levels"
    __table_args__ = (
        sa.UniqueConstraint("set_id", "code", name="uq_recognition_levels_set_code"),
        sa.UniqueConstraint("set_id", "position", name="uq_recognition_levels_set_position"),
        sa.CheckConstraint("min_score >= 0 AND min_score <= 100", name="min_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria_sets.id"), index=True)
    position: Mapped[int] = mapped_column()
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(255))
    min_score: Mapped[Decimal] = mapped_column(Points)

    criteria_set: Mapped[CriteriaSet] = relationship(back_populates="recognition_levels")
