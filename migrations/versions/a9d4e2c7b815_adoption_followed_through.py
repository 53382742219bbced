"""Adoption interests get a status and an outcome; accounts may follow an idea.

Revision ID: a9d4e2c7b815
Revises: a7e5c3b1d9f2
Create Date: 2026-12-04 07:40:00
"""

import sqlalchemy as sa
from alembic import op


revision = "a9d4e2c7b815"
down_revision = "a7e5c3b1d9f2"
branch_labels = None
depends_on = None

STATUSES = "status IN ('new', 'contacted', 'agreed', 'applying', 'applied', 'declined')"


def upgrade():
    with op.batch_alter_table("adoption_interests") as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), nullable=False, server_default="new")
        )
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("applied_at", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("benefit_vnd", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("outcome_description", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(batch_op.f("ck_adoption_interests_status"), STATUSES)
        batch_op.create_check_constraint(
            batch_op.f("ck_adoption_interests_benefit_vnd"),
            "benefit_vnd IS NULL OR benefit_vnd >= 0",
        )
    op.create_table(
        "idea_followers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_idea_followers_idea_id_ideas")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_idea_followers_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_followers")),
        sa.UniqueConstraint("idea_id", "user_id", name="uq_idea_followers"),
    )
    with op.batch_alter_table("idea_followers") as batch_op:
        batch_op.create_index(batch_op.f("ix_idea_followers_idea_id"), ["idea_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_idea_followers_user_id"), ["user_id"], unique=False)


def downgrade():
    op.drop_table("idea_followers")
    with op.batch_alter_table("adoption_interests") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_adoption_interests_benefit_vnd"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_adoption_interests_status"), type_="check")
        for column in (
            "updated_at",
            "outcome_description",
            "benefit_vnd",
            "applied_at",
            "note",
            "status",
        ):
            batch_op.drop_column(column)
