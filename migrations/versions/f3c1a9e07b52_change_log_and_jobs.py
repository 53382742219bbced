"""An append-only change log that every search index follows, and background jobs.

The search outbox (rows removed by the first index that applied them) becomes the change log;
its pending rows are carried over so that no index misses them.

Revision ID: f3c1a9e07b52
Revises: e7a3c5d91b04
Create Date: 2026-12-04 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f3c1a9e07b52"
down_revision = "e7a3c5d91b04"
branch_labels = None
depends_on = None

LogId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "idea_change_log",
        sa.Column("id", LogId, autoincrement=True, nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_change_log")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("idea_change_log") as batch_op:
        batch_op.create_index(batch_op.f("ix_idea_change_log_idea_id"), ["idea_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_idea_change_log_created_at"), ["created_at"], unique=False
        )
    op.create_table(
        "idea_change_log_horizon",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pruned_through", sa.BigInteger(), nullable=False),
        sa.Column("pruned_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_change_log_horizon")),
    )
    op.execute(
        "INSERT INTO idea_change_log (idea_id, created_at) "
        "SELECT idea_id, created_at FROM search_outbox ORDER BY id"
    )
    with op.batch_alter_table("search_outbox") as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_outbox_idea_id"))
    op.drop_table("search_outbox")

    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=120), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("progress_done", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.create_index("ix_jobs_status_run_after", ["status", "run_after"], unique=False)
        batch_op.create_index(batch_op.f("ix_jobs_created_by"), ["created_by"], unique=False)
    op.create_table(
        "job_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_job_files_job_id_jobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_files")),
    )
    with op.batch_alter_table("job_files") as batch_op:
        batch_op.create_index(batch_op.f("ix_job_files_job_id"), ["job_id"], unique=False)


def downgrade():
    with op.batch_alter_table("job_files") as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_files_job_id"))
    op.drop_table("job_files")
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.drop_index(batch_op.f("ix_jobs_created_by"))
        batch_op.drop_index("ix_jobs_status_run_after")
    op.drop_table("jobs")
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_outbox")),
    )
    with op.batch_alter_table("search_outbox") as batch_op:
        batch_op.create_index(batch_op.f("ix_search_outbox_idea_id"), ["idea_id"], unique=False)
    op.drop_table("idea_change_log_horizon")
    with op.batch_alter_table("idea_change_log") as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_change_log_created_at"))
        batch_op.drop_index(batch_op.f("ix_idea_change_log_idea_id"))
    op.drop_table("idea_change_log")
