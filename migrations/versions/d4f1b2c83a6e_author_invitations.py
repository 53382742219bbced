"""author invitations: a link between an author row and a user exists only once accepted

Links stored before this revision were set by whoever registered the idea, without the linked
user's consent. Each one that does not name the registrant themself becomes a pending
invitation (the row keeps its name and share; access and conflicts wait for the answer).

Revision ID: d4f1b2c83a6e
Revises: d4b8f2a61c37
Create Date: 2026-12-03 22:45:00.000000

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "d4f1b2c83a6e"
down_revision = "d4b8f2a61c37"
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
    _links_without_consent()


authors = sa.table(
    "idea_authors",
    sa.column("id", sa.Integer),
    sa.column("idea_id", sa.Integer),
    sa.column("user_id", sa.Integer),
)
ideas = sa.table("ideas", sa.column("id", sa.Integer), sa.column("registrant_id", sa.Integer))
invitations = sa.table(
    "author_invitations",
    sa.column("idea_id", sa.Integer),
    sa.column("author_id", sa.Integer),
    sa.column("invited_user_id", sa.Integer),
    sa.column("invited_by_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def _links_without_consent():
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(authors.c.id, authors.c.idea_id, authors.c.user_id, ideas.c.registrant_id)
        .join(ideas, ideas.c.id == authors.c.idea_id)
        .where(
            authors.c.user_id.is_not(None),
            sa.or_(ideas.c.registrant_id.is_(None), authors.c.user_id != ideas.c.registrant_id),
        )
        .order_by(authors.c.id)
    ).all()
    if not rows:
        return
    now = datetime.now(UTC)
    if conn.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # stored as naive UTC, like UTCDateTime does
    conn.execute(
        sa.insert(invitations),
        [
            {
                "idea_id": row.idea_id,
                "author_id": row.id,
                "invited_user_id": row.user_id,
                "invited_by_id": row.registrant_id,
                "status": "pending",
                "created_at": now,
            }
            for row in rows
        ],
    )
    conn.execute(
        sa.update(authors).where(authors.c.id.in_([row.id for row in rows])).values(user_id=None)
    )


def downgrade():
    with op.batch_alter_table("author_invitations", schema=None) as batch_op:
        batch_op.drop_index("ix_author_invitations_invitee_status")
        batch_op.drop_index(batch_op.f("ix_author_invitations_idea_id"))
        batch_op.drop_index(batch_op.f("ix_author_invitations_author_id"))
    op.drop_table("author_invitations")
