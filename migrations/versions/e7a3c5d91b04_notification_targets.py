"""Notifications keep where they lead as an endpoint and its arguments.

Revision ID: e7a3c5d91b04
Revises: d4f1b2c83a6e
Create Date: 2026-12-03 23:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e7a3c5d91b04"
down_revision = "d4f1b2c83a6e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.add_column(sa.Column("endpoint", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("endpoint_args", sa.JSON(), nullable=True))
    # Rows written before keep their path; opening one matches the path against the site's routes.


def downgrade():
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_column("endpoint_args")
        batch_op.drop_column("endpoint")
