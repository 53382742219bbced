"""criteria sets: versions, criteria, bands, recognition levels

Revision ID: 8891dff27fef
Revises: b9531fe17ebf
Create Date: 2026-11-28 17:13:17.267621

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8891dff27fef'
down_revision = 'b9531fe17ebf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('criteria_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lineage_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('based_on_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reference_code', sa.String(length=40), nullable=True),
    sa.Column('frozen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'active', 'retired')", name=op.f('ck_criteria_sets_status')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_criteria_sets_version')),
    sa.ForeignKeyConstraint(['based_on_id'], ['criteria_sets.id'], name=op.f('fk_criteria_sets_based_on_id_criteria_sets')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_criteria_sets_created_by_id_users')),
    sa.ForeignKeyConstraint(['lineage_id'], ['criteria_sets.id'], name=op.f('fk_criteria_sets_lineage_id_criteria_sets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criteria_sets')),
    sa.UniqueConstraint('lineage_id', 'version', name='uq_criteria_sets_lineage_version'),
    sa.UniqueConstraint('reference_code', name=op.f('uq_criteria_sets_reference_code'))
    )
    with op.batch_alter_table('criteria_sets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criteria_sets_lineage_id'), ['lineage_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_criteria_sets_status'), ['status'], unique=False)

    op.create_table('criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('set_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('max_points', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('weight', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('min_points', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('step', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.CheckConstraint('max_points > 0', name=op.f('ck_criteria_max_points')),
    sa.CheckConstraint('min_points IS NULL OR (min_points >= 0 AND min_points <= max_points)', name=op.f('ck_criteria_min_points')),
    sa.CheckConstraint('step IS NULL OR step > 0', name=op.f('ck_criteria_step')),
    sa.CheckConstraint('weight > 0', name=op.f('ck_criteria_weight')),
    sa.ForeignKeyConstraint(['set_id'], ['criteria_sets.id'], name=op.f('fk_criteria_set_id_criteria_sets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criteria')),
    sa.UniqueConstraint('set_id', 'code', name='uq_criteria_set_code'),
    sa.UniqueConstraint('set_id', 'position', name='uq_criteria_set_position')
    )
    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criteria_set_id'), ['set_id'], unique=False)

    op.create_table('recognition_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('set_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('min_score', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.CheckConstraint('min_score >= 0 AND min_score <= 100', name=op.f('ck_recognition_levels_min_score')),
    sa.ForeignKeyConstraint(['set_id'], ['criteria_sets.id'], name=op.f('fk_recognition_levels_set_id_criteria_sets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recognition_levels')),
    sa.UniqueConstraint('set_id', 'code', name='uq_recognition_levels_set_code'),
    sa.UniqueConstraint('set_id', 'position', name='uq_recognition_levels_set_position')
    )
    with op.batch_alter_table('recognition_levels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recognition_levels_set_id'), ['set_id'], unique=False)

    op.create_table('criterion_bands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('min_points', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('max_points', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('label', sa.String(length=255), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=False),
    sa.CheckConstraint('min_points >= 0 AND min_points <= max_points', name=op.f('ck_criterion_bands_range')),
    sa.ForeignKeyConstraint(['criterion_id'], ['criteria.id'], name=op.f('fk_criterion_bands_criterion_id_criteria')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criterion_bands')),
    sa.UniqueConstraint('criterion_id', 'position', name='uq_criterion_bands_position')
    )
    with op.batch_alter_table('criterion_bands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criterion_bands_criterion_id'), ['criterion_id'], unique=False)



def downgrade():
    with op.batch_alter_table('criterion_bands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criterion_bands_criterion_id'))

    op.drop_table('criterion_bands')
    with op.batch_alter_table('recognition_levels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recognition_levels_set_id'))

    op.drop_table('recognition_levels')
    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criteria_set_id'))

    op.drop_table('criteria')
    with op.batch_alter_table('criteria_sets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criteria_sets_status'))
        batch_op.drop_index(batch_op.f('ix_criteria_sets_lineage_id'))

    op.drop_table('criteria_sets')
