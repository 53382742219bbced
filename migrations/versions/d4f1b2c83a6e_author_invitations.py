"""author invitations: a link between an author row and a user exists only once accepted

Revision ID: d4f1b2c83a6e
Revises: c3a7e91d5b20
Create Date: 2026-12-03 22:45:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "d4f1b2c83a6e"
down_revision = "c3a7e91d5b20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "author_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        # No foreign key: an id naming nobody is kept like one naming someone.
        sa.Column("invited_user_id", sa.Integer(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'withdrawn')",
            name=op.f("ck_author_invitations_status"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["idea_authors.id"],
            name=op.f("fk_author_invitations_author_id_idea_authors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_author_invitations_idea_id_ideas")
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"], ["users.id"], name=op.f("fk_author_invitations_invited_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_author_invitations")),
        sa.UniqueConstraint("author_id", "invited_user_id", name="uq_author_invitations_pair"),
    )
    with op.batch_alter_table("author_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_author_invitations_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_author_invitations_idea_id"), ["idea_id"], unique=False
        )
        batch_op.create_index(
            "ix_author_invitations_invitee_status", ["invited_user_id", "status"], unique=False
        )


def downgrade():
    with op.batch_alter_table("author_invitations", schema=None) as batch_op:
        batch_op.drop_index("ix_author_invitations_invitee_status")
        batch_op.drop_index(batch_op.f("ix_author_invitations_idea_id"))
        batch_op.drop_index(batch_op.f("ix_author_invitations_author_id"))
    op.drop_table("author_invitations")
