"""Ideas: the time the authors consented to publishing their names.

Revision ID: d4b8f2a61c37
Revises: c3a7e91d5b20
Create Date: 2026-12-03 22:40:00
"""

import sqlalchemy as sa
from alembic import op


revision = "d4b8f2a61c37"
down_revision = "c3a7e91d5b20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ideas") as batch_op:
        batch_op.add_column(sa.Column("publish_consent_at", sa.DateTime(timezone=True), nullable=True))
    # Consent given before this column existed is dated by the dossier's registration.
    op.execute("UPDATE ideas SET publish_consent_at = created_at WHERE publish_consent")


def downgrade():
    with op.batch_alter_table("ideas") as batch_op:
        batch_op.drop_column("publish_consent_at")
