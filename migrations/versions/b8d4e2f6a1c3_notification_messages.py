"""Notifications keep their message and its values, to be shown in the reader's language.

Revision ID: b8d4e2f6a1c3
Revises: a7e5c3b1d902
Create Date: 2026-12-04 10:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b8d4e2f6a1c3"
down_revision = "a7e5c3b1d902"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.add_column(sa.Column("message", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
    # Rows written before keep their Vietnamese text only.


def downgrade():
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_column("params")
        batch_op.drop_column("message")
