"""Upgrading turns the links stored before consent existed into pending invitations."""

import sqlalchemy as sa

from ideadb.core.db import utcnow


def test_links_to_other_users_become_pending_invitations(empty_app):
    from flask_migrate import upgrade

    from ideadb.extensions import db
    from ideadb.ideas.models import Author, AuthorInvitation, Idea

    upgrade(revision="c3a7e91d5b20")
    # Users as the schema of that revision has them (the model has columns added since).
    users = []
    with db.engine.begin() as conn:
        for n in (1, 2):
            conn.execute(
                sa.text(
                    "INSERT INTO users (username, full_name, password_hash, active, created_at) "
                    "VALUES (:u, :f, 'x', true, CURRENT_TIMESTAMP)"
                ),
                {"u": f"user{n}", "f": f"Người dùng {n}"},
            )
            users.append(
                conn.scalar(sa.text("SELECT id FROM users WHERE username = :u"), {"u": f"user{n}"})
            )
    registrant, other = users
    now = utcnow()
    with db.engine.begin() as conn:
        idea_id = conn.execute(
            sa.insert(Idea.__table__)
            .values(title="Ý tưởng cũ", registrant_id=registrant, created_at=now, updated_at=now)
            .returning(Idea.__table__.c.id)
        ).scalar_one()
        conn.execute(
            sa.insert(Author.__table__),
            [
                {
                    "idea_id": idea_id,
                    "position": 0,
                    "name": "A",
                    "share": 50,
                    "user_id": registrant,
                },
                {"idea_id": idea_id, "position": 1, "name": "B", "share": 30, "user_id": other},
                {"idea_id": idea_id, "position": 2, "name": "C", "share": 20, "user_id": None},
            ],
        )
    db.session.remove()
    upgrade()

    links = db.session.execute(
        sa.select(Author.name, Author.user_id).where(Author.idea_id == idea_id).order_by(Author.id)
    ).all()
    assert [tuple(r) for r in links] == [("A", registrant), ("B", None), ("C", None)]
    [invitation] = db.session.scalars(sa.select(AuthorInvitation)).all()
    assert (invitation.invited_user_id, invitation.invited_by_id, invitation.status) == (
        other,
        registrant,
        "pending",
    )
    assert invitation.created_at.tzinfo is not None
