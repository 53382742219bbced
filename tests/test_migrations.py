"""Migrations build the whole schema from empty, and the models agree with them."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


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
