"""The recognition register (numbered per year, amended by versions) and appeals.

Revision ID: a7e5c3b1d9f2
Revises: f1c2d3e4a5b6
Create Date: 2026-12-04 07:21:13.385976

"""

import sqlalchemy as sa
from alembic import op

revision = "a7e5c3b1d9f2"
down_revision = "f1c2d3e4a5b6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "recognition_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_recognition_counters")),
    )
    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("filed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("previous_level", sa.String(length=40), nullable=True),
        sa.Column("decision", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'upheld', 'rejected')", name=op.f("ck_appeals_appeal_status")
        ),
        sa.ForeignKeyConstraint(
            ["filed_by_id"], ["users.id"], name=op.f("fk_appeals_filed_by_id_users")
        ),
        sa.ForeignKeyConstraint(["idea_id"], ["ideas.id"], name=op.f("fk_appeals_idea_id_ideas")),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"], name=op.f("fk_appeals_resolved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_appeals_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
    )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeals_idea_id"), ["idea_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeals_round_id"), ["round_id"], unique=False)
        batch_op.create_index(
            "uq_appeals_open",
            ["round_id", "idea_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )

    op.create_table(
        "recognition_register",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=40), nullable=True),
        sa.Column("level_name", sa.String(length=255), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('recognized', 'revoked')", name=op.f("ck_recognition_register_entry_status")
        ),
        sa.CheckConstraint("number >= 1", name=op.f("ck_recognition_register_number")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_recognition_register_version")),
        sa.ForeignKeyConstraint(
            ["appeal_id"], ["appeals.id"], name=op.f("fk_recognition_register_appeal_id_appeals")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_recognition_register_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_recognition_register_idea_id_ideas")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_recognition_register_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognition_register")),
        sa.UniqueConstraint("year", "number", "version", name="uq_recognition_register_version"),
    )
    with op.batch_alter_table("recognition_register", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recognition_register_idea_id"), ["idea_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recognition_register_round_id"), ["round_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_recognition_register_year"), ["year"], unique=False)

    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("appeal_days", sa.Integer(), server_default="30", nullable=False)
        )
        batch_op.create_check_constraint(batch_op.f("ck_rounds_appeal_days"), "appeal_days >= 0")


def downgrade():
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_rounds_appeal_days"), type_="check")
        batch_op.drop_column("appeal_days")

    with op.batch_alter_table("recognition_register", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recognition_register_year"))
        batch_op.drop_index(batch_op.f("ix_recognition_register_round_id"))
        batch_op.drop_index(batch_op.f("ix_recognition_register_idea_id"))

    op.drop_table("recognition_register")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_appeals_open",
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.drop_index(batch_op.f("ix_appeals_round_id"))
        batch_op.drop_index(batch_op.f("ix_appeals_idea_id"))

    op.drop_table("appeals")
    op.drop_table("recognition_counters")
