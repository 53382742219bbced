"""audit hash chain: prev_hash/hash on every event, the chain head, and the auditor role

Revision ID: c3a7e91d5b20
Revises: ac5e2da1cffc
Create Date: 2026-12-03 22:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

from ideadb.audit.chain import GENESIS, row_hash
from ideadb.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = "c3a7e91d5b20"
down_revision = "ac5e2da1cffc"
branch_labels = None
depends_on = None

ROLES_BEFORE = ("submitter", "unit_officer", "reviewer", "secretary", "admin")
ROLES_AFTER = (*ROLES_BEFORE, "auditor")

events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("created_at", UTCDateTime),
    sa.column("actor_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.String),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
    sa.column("remote_addr", sa.String),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)
head = sa.table(
    "audit_chain_head",
    sa.column("id", sa.Integer),
    sa.column("last_id", sa.Integer),
    sa.column("hash", sa.String),
    sa.column("events", sa.BigInteger),
)


def _role_check(roles):
    return "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")"


def _set_roles(roles):
    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_user_roles_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_user_roles_role"), _role_check(roles))


def upgrade():
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("events", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))

    # Chain the events already written, in id order.
    bind = op.get_bind()
    prev, last_id, count, after = GENESIS, 0, 0, 0
    while True:
        rows = bind.execute(
            sa.select(events).where(events.c.id > after).order_by(events.c.id).limit(2000)
        ).all()
        if not rows:
            break
        updates = []
        for row in rows:
            digest = row_hash(prev, row)
            updates.append({"b_id": row.id, "b_prev": prev, "b_hash": digest})
            prev, last_id, count = digest, row.id, count + 1
        bind.execute(
            events.update()
            .where(events.c.id == sa.bindparam("b_id"))
            .values(prev_hash=sa.bindparam("b_prev"), hash=sa.bindparam("b_hash")),
            updates,
        )
        after = rows[-1].id
    bind.execute(head.insert().values(id=1, last_id=last_id, hash=prev, events=count))

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_events_prev_hash"), ["prev_hash"])
    if bind.dialect.name == "postgresql":
        # Ids are given by the chain under its lock; a row inserted around it has no default.
        op.execute("ALTER TABLE audit_events ALTER COLUMN id DROP DEFAULT")
        op.execute("DROP SEQUENCE IF EXISTS audit_events_id_seq")
    _set_roles(ROLES_AFTER)


def downgrade():
    op.execute("DELETE FROM user_roles WHERE role = 'auditor'")
    _set_roles(ROLES_BEFORE)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE audit_events_id_seq OWNED BY audit_events.id")
        op.execute(
            "SELECT setval('audit_events_id_seq', COALESCE((SELECT max(id) FROM audit_events), 0) + 1, false)"
        )
        op.execute(
            "ALTER TABLE audit_events ALTER COLUMN id SET DEFAULT nextval('audit_events_id_seq')"
        )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_events_prev_hash"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
    op.drop_table("audit_chain_head")
