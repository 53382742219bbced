"""search outbox: ideas whose index entry must be refreshed after commit

Revision ID: ac5e2da1cffc
Revises: a93fc47bc497
Create Date: 2026-11-28 18:19:15.076222

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "ac5e2da1cffc"
down_revision = "a93fc47bc497"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_outbox")),
    )
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_outbox_idea_id"), ["idea_id"], unique=False)


def downgrade():
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_outbox_idea_id"))
    op.drop_table("search_outbox")
