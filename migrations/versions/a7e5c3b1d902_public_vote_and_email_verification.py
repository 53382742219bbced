"""Public vote of a round and e-mail verification of accounts.

Existing accounts: staff accounts (any role besides submitter) that have an e-mail address were
made by an administrator and count as verified; citizens who signed up before verification
existed confirm their address from their account page (one click on the emailed link).

Revision ID: a7e5c3b1d902
Revises: a9d4e2c7b815
Create Date: 2026-12-04 07:40:00
"""

import sqlalchemy as sa
from alembic import op


revision = "a7e5c3b1d902"
down_revision = "a9d4e2c7b815"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE users SET email_verified_at = created_at WHERE email IS NOT NULL AND id IN "
        "(SELECT user_id FROM user_roles WHERE role != 'submitter')"
    )
    with op.batch_alter_table("rounds") as batch_op:
        batch_op.add_column(sa.Column("public_vote_weight", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("vote_opens_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("vote_closes_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f("ck_rounds_public_vote_weight"),
            "public_vote_weight IS NULL OR (public_vote_weight >= 0 AND public_vote_weight <= 50)",
        )
    op.create_table(
        "public_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_public_votes_idea_id_ideas")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_public_votes_round_id_rounds")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_public_votes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_votes")),
        sa.UniqueConstraint("round_id", "idea_id", "user_id", name="uq_public_votes_once"),
    )
    op.create_index("ix_public_votes_round_idea", "public_votes", ["round_id", "idea_id"])
    op.create_index(op.f("ix_public_votes_user_id"), "public_votes", ["user_id"])


def downgrade():
    op.drop_index(op.f("ix_public_votes_user_id"), table_name="public_votes")
    op.drop_index("ix_public_votes_round_idea", table_name="public_votes")
    op.drop_table("public_votes")
    with op.batch_alter_table("rounds") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_rounds_public_vote_weight"), type_="check")
        batch_op.drop_column("vote_closes_at")
        batch_op.drop_column("vote_opens_at")
        batch_op.drop_column("public_vote_weight")
    # A plain DROP COLUMN (SQLite 3.35+): recreating "users" in batch mode would drop a table
    # that other tables' rows still reference.
    op.execute("ALTER TABLE users DROP COLUMN email_verified_at")
