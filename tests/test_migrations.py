"""The migrations from empty build exactly what the models describe."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from contest.platform.db import db
from contest.platform.storage import file_store
from tests.plugins.apps import make_app

ROOT = Path(__file__).resolve().parent.parent


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


def _revisions():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config)


def test_the_history_has_a_single_head():
    """Two branches merged without a merge revision would leave `db upgrade` ambiguous."""
    assert len(_revisions().get_heads()) == 1


# Revisions written before ids were generated; every later one comes from `flask db revision`
# (Alembic's random ids), never typed by hand as a run of digits.
TYPED_BY_HAND = {
    "a7b8c9d0e1f2", "a7c1d2e3f4a5", "b1c2d3e4f5a6", "b3c4d5e6f7a8", "c1d2e3f4a5b6",
    "c9d0e1f2a3b4", "d1a2b3c4d5e6", "d4e5f6a7b8c9", "e1a2b3c4d5e6", "e5f6a7b8c9d0",
    "f3a4b5c6d7e8", "f6a7b8c9d0e1",
}  # fmt: skip


def _looks_typed(revision: str) -> bool:
    """Mostly consecutive hex digits ("a7b8c9…"): a human's id, not a random one."""
    digits = [int(c, 16) for c in revision]
    steps = [(b - a) % 16 for a, b in zip(digits, digits[2:], strict=False)]
    return sum(step == 1 for step in steps) >= 6


def test_revision_ids_are_generated():
    typed = {
        script.revision
        for script in _revisions().walk_revisions()
        if script.revision not in TYPED_BY_HAND and _looks_typed(script.revision)
    }
    assert typed == set()
    assert all(_looks_typed(revision) for revision in TYPED_BY_HAND)


# The head the last release ran: the migrations after it must carry a database full of rows
# down and up again (SQLite refuses to rebuild "user" while other rows point at it).
LAST_RELEASE = "e395db2bf568"


def test_a_populated_database_goes_down_to_the_last_release_and_up(tmp_path):
    from flask_migrate import downgrade
    from sqlalchemy import func, select

    from contest.demo import load_demo
    from contest.models import User
    from contest.platform.db import utcnow
    from contest.platform.uow import unit_of_work

    app = make_app(tmp_path)
    with app.app_context():
        upgrade()
        with unit_of_work() as uow:
            load_demo(uow.session, file_store(), seed=5, entries=12, now=utcnow())
        people = db.session.scalar(select(func.count(User.id)))
        db.session.remove()
        downgrade(revision=LAST_RELEASE)
        upgrade()
        assert db.session.scalar(select(func.count(User.id))) == people
        db.session.remove()
        db.engine.dispose()
