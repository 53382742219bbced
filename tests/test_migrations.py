"""Migrations build the whole schema from empty, and the models agree with them."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ideadb import create_app
from tests import conftest as shared


@pytest.fixture
def empty_app(tmp_path, db_backend):
    url = shared.PG_URL if db_backend == "postgres" else f"sqlite:///{tmp_path / 'mig.sqlite'}"
    app = create_app(
        {
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": url,
        }
    )
    from ideadb.extensions import db

    with app.app_context():
        if db_backend == "postgres":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
            shared._pg_schema_ready = False  # the next app fixture rebuilds its schema
        yield app
        db.session.remove()
        db.engine.dispose()


def test_upgrade_from_empty_matches_the_models(empty_app):
    from flask_migrate import upgrade

    from ideadb.extensions import db

    upgrade()
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_there_is_exactly_one_migration_head(empty_app):
    from alembic.script import ScriptDirectory
    from flask import current_app

    config = current_app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1
