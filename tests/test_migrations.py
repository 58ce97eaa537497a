"""The migrations from empty build exactly what the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from contest.db import db
from tests.conftest import make_app


def test_migrations_from_empty_match_the_models(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []


def test_the_app_never_creates_tables_by_itself(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        from sqlalchemy import inspect

        assert inspect(db.engine).get_table_names() == []
        db.engine.dispose()
