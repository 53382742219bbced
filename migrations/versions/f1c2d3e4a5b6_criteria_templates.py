"""Criteria sets may be templates issued to lower levels, or derived from one.

Revision ID: f1c2d3e4a5b6
Revises: f3c1a9e07b52
Create Date: 2026-12-04 01:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f1c2d3e4a5b6"
down_revision = "f3c1a9e07b52"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("criteria_sets") as batch_op:
        batch_op.add_column(sa.Column("template_issuer", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("template_code", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("template_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("template_constraints", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("derived_code", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("derived_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("justification", sa.Text(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_criteria_sets_template_code"), ["template_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_criteria_sets_derived_code"), ["derived_code"], unique=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_criteria_sets_template_code_version"),
            ["template_code", "template_version"],
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_criteria_sets_template"),
            "template_version IS NULL OR template_version >= 1",
        )


def downgrade():
    with op.batch_alter_table("criteria_sets") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_criteria_sets_template"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("uq_criteria_sets_template_code_version"), type_="unique"
        )
        batch_op.drop_index(batch_op.f("ix_criteria_sets_derived_code"))
        batch_op.drop_index(batch_op.f("ix_criteria_sets_template_code"))
        for name in (
            "justification",
            "derived_version",
            "derived_code",
            "template_constraints",
            "template_version",
            "template_code",
            "template_issuer",
        ):
            batch_op.drop_column(name)
